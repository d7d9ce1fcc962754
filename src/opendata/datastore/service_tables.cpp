// A resource's table as a whole: datastore_info, datastore_create (a new table, or the data
// dictionary of one) and datastore_delete.
#include "opendata/datastore/service.hpp"

#include "opendata/datastore/auth.hpp"

#include <algorithm>
#include <set>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "opendata/datastore/service_internal.hpp"
#include "opendata/datastore/store.hpp"

namespace govhub::datastore {

using internal::FieldDicts;
using internal::FieldIndex;
using internal::In;
using internal::Invalid;
using internal::ParseRecords;

namespace {

std::vector<Field> ParseFieldDefs(const Json& fields, db::Engine engine) {
    std::vector<Field> out;
    if (fields.is_null()) return out;
    if (!fields.is_array()) throw Invalid("fields", "must be a list of {id, type}");
    std::set<std::string> ids, taken = {"_id", "_full_text"};
    for (const auto& f : fields) {
        if (!f.is_object() || !f.contains("id") || !f["id"].is_string())
            throw Invalid("fields", "each field needs an id");
        Field x;
        x.id = core::Trim(f["id"].get<std::string>());
        if (x.id.empty() || x.id[0] == '_' || !core::IsValidUtf8(x.id) ||
            x.id.find_first_of(std::string("\"\n\r\t\0", 5)) != std::string::npos)
            throw Invalid("fields", "\"" + x.id + "\" is not a valid field id");
        if (!ids.insert(x.id).second) throw Invalid("fields", "\"" + x.id + "\" is given twice");
        std::string type =
            f.contains("type") && f["type"].is_string() ? f["type"].get<std::string>() : "text";
        auto t = ParseTypeName(type);
        if (!t) throw Invalid("fields", "unknown type \"" + type + "\" for \"" + x.id + "\"");
        x.type = *t;
        if (f.contains("info") && f["info"].is_object()) {
            const Json& info = f["info"];
            x.label = info.value("label", "");
            x.description = info.value("notes", "");
            if (info.contains("type_override") && info["type_override"].is_string() &&
                !info["type_override"].get<std::string>().empty()) {
                auto o = ParseTypeName(info["type_override"].get<std::string>());
                if (!o) throw Invalid("fields", "unknown type_override for \"" + x.id + "\"");
                x.type = *o;
                x.type_override = true;
            }
        }
        x.column = store::ColumnName(engine, x.id, taken);
        out.push_back(std::move(x));
    }
    return out;
}

std::vector<std::string> PrimaryKey(const Json& params) {
    return In(params).List("primary_key");
}

}  // namespace

Json DatastoreService::Info(const accounts::Principal* p, const Json& params) {
    std::string id = In(params).String("resource_id", In(params).String("id"));
    if (id.empty()) throw Invalid("resource_id", "Missing value");
    catalog_.ResourceAccess(p, id);
    TableInfo t = RequireTable(id);
    Json fields = Json::array();
    for (const auto& f : t.fields) {
        Json j = {{"id", f.id},
                  {"type", TypeName(f.type)},
                  {"schema", {{"native_type", TypeName(f.type)}, {"column", f.column}}}};
        Json info = Json::object();
        info["label"] = f.label;
        info["notes"] = f.description;
        if (f.type_override) info["type_override"] = TypeName(f.type);
        j["info"] = info;
        fields.push_back(j);
    }
    return {{"meta",
             {{"id", id},
              {"count", t.rows},
              {"table_type", "BASE TABLE"},
              {"aliases", Json::array()},
              {"primary_key", t.primary_key},
              {"created", t.created},
              {"modified", t.modified},
              {"source", t.source}}},
            {"fields", fields}};
}

Json DatastoreService::Create(const accounts::Principal* p, const Json& params) {
    std::string id = In(params).String("resource_id");
    if (id.empty() && params.contains("resource") && params["resource"].is_object()) {
        // A new resource whose data is this table (CKAN's url_type "datastore").
        Json r = params["resource"];
        if (!r.contains("url")) r["url"] = "";
        Json created = catalog_.ResourceCreate(p, r, {.principal = p});
        id = created["id"];
    }
    if (id.empty()) throw Invalid("resource_id", "Missing value");
    auto [src, held] = catalog_.ResourceAccess(p, id);
    if (!CanWriteTable(p, held)) throw HttpError::Forbidden();
    std::vector<Field> defs = ParseFieldDefs(In(params).Structured("fields"), db_.engine());
    std::vector<std::string> pk = PrimaryKey(params);
    std::optional<TableInfo> existing =
        db_.Read([&](db::Connection& c) { return store::FindTable(c, id); });
    TableInfo t;
    bool reload = false;
    db_.Write([&](db::Connection& c) {
        if (!existing) {
            if (defs.empty()) throw Invalid("fields", "a new table needs its fields");
            if (defs.size() > store::MaxFields(db_.engine()))
                throw Invalid("fields", "at most " +
                                            std::to_string(store::MaxFields(db_.engine())) +
                                            " fields fit in one table");
            for (const auto& k : pk)
                if (std::none_of(defs.begin(), defs.end(),
                                 [&](const Field& f) { return f.id == k; }))
                    throw Invalid("primary_key", "field \"" + k + "\" not in fields");
            t.resource_id = id;
            t.fields = defs;
            t.primary_key = pk;
            t.source = "api";
            store::CreateTable(c, id, defs, pk);
        } else {
            t = *existing;
            // The data dictionary: labels and notes change; a type given for a loaded file's
            // field is fixed and the file loads again with it; other types stay.
            for (auto& d : defs) {
                size_t i = FieldIndex(t, d.id);
                if (i == SIZE_MAX - 1)
                    throw Invalid("fields",
                                  "adding fields to an existing table is not supported; \"" + d.id +
                                      "\" is new");
                Field& f = t.fields[i];
                f.label = d.label;
                f.description = d.description;
                if (d.type_override && (d.type != f.type || !f.type_override)) {
                    if (t.source != "file")
                        throw Invalid("fields", "the type of \"" + d.id + "\" cannot change");
                    f.type = d.type;
                    f.type_override = true;
                    reload = true;
                }
            }
            if (!pk.empty() && pk != t.primary_key)
                throw Invalid("primary_key", "the primary key of an existing table cannot change");
        }
        auto records = ParseRecords(t, In(params).Structured("records"));
        if (!records.empty()) {
            std::vector<size_t> keys;
            store::WriteRecords(c, t, records, "insert", keys);
        }
        t.rows = store::CountRows(c, id);
        store::SaveTable(c, t);
    });
    catalog_.SetDatastoreActive(id, true);
    if (reload) Reload(p, id, "");
    return {{"resource_id", id},
            {"fields", FieldDicts(t, false)},
            {"primary_key", t.primary_key},
            {"method", "insert"}};
}

Json DatastoreService::Delete(const accounts::Principal* p, const Json& params) {
    TableInfo t = EditableTable(p, params);
    if (!In(params).Structured("filters").is_null()) return RecordsDelete(p, params);
    // No filters: the whole table goes (CKAN's datastore_delete).
    db_.Write([&](db::Connection& c) {
        store::DropTable(c, t.resource_id);
        store::ForgetTable(c, t.resource_id);
    });
    catalog_.SetDatastoreActive(t.resource_id, false);
    return {{"resource_id", t.resource_id}};
}

}  // namespace govhub::datastore

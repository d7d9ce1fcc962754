// The datastore service: its construction, the helpers its files share (service_internal.hpp)
// and the lookups of a resource's table. The actions are in the service_*.cpp files: loads
// (service_load.cpp), datastore_search (service_search.cpp), datastore_create / _info / _delete
// (service_tables.cpp), datastore_upsert / _records_delete (service_write.cpp),
// datastore_search_sql (service_sql.cpp), and the charts, maps and dumps (service_views.cpp).
#include "opendata/datastore/service.hpp"

#include "opendata/datastore/auth.hpp"

#include <map>

#include "core/error.hpp"
#include "core/json_reader.hpp"
#include "core/strings.hpp"
#include "opendata/datastore/service_internal.hpp"
#include "opendata/datastore/store.hpp"
#include "search/analyzer.hpp"

namespace govhub::datastore {

namespace {

// A JSON scalar as the text a cell would hold.
std::optional<std::string> ScalarText(const Json& v) {
    if (v.is_null()) return std::nullopt;
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return std::string(v.get<bool>() ? "true" : "false");
    if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
    if (v.is_number()) return v.dump();
    return v.dump();
}

// Whether `j` nests more than `limit` levels (a scalar is 0, {} or [] is 1); stops looking
// (and recursing) past the limit.
bool DeeperThan(const Json& j, int limit) {
    if (!j.is_structured()) return false;
    if (limit <= 0) return true;
    for (const auto& e : j)
        if (DeeperThan(e, limit - 1)) return true;
    return false;
}

}  // namespace

namespace internal {

size_t FieldIndex(const TableInfo& t, const std::string& id) {
    if (id == "_id") return SIZE_MAX;
    for (size_t i = 0; i < t.fields.size(); ++i)
        if (t.fields[i].id == id) return i;
    return SIZE_MAX - 1;
}

FieldType TypeAt(const TableInfo& t, size_t i) {
    return i == SIZE_MAX ? FieldType::kInt : t.fields[i].type;
}

const std::string& IdAt(const TableInfo& t, size_t i) {
    static const std::string kId = "_id";
    return i == SIZE_MAX ? kId : t.fields[i].id;
}

// A value for field `i`, canonical; the error names the field.
std::optional<std::string> ValueFor(const TableInfo& t, size_t i, const Json& v,
                                    const std::string& where) {
    auto text = ScalarText(v);
    if (!text) return std::nullopt;
    FieldType type = TypeAt(t, i);
    if (type == FieldType::kJson) {
        if (!v.is_string()) return v.dump();
        // Text given for a json field must be JSON (PostgreSQL's jsonb column takes nothing
        // else), within the JSON limits so that reading it back is safe (a deeper one is a 400).
        if (core::ParseJsonBoundedOrDiscarded(*text).is_discarded())
            throw Invalid(where, "\"" + text->substr(0, 60) + "\" is not JSON (field \"" +
                                     IdAt(t, i) + "\")");
        return *text;
    }
    if (type == FieldType::kText) return text;
    if (IsNullMarker(*text) && !v.is_string()) return std::nullopt;
    auto canon = Canonical(type, *text);
    if (!canon)
        throw Invalid(where, "\"" + text->substr(0, 60) + "\" is not " + TypeName(type) +
                                 " (field \"" + IdAt(t, i) + "\")");
    return canon;
}

// Canonical text as a JSON value of the field's type.
Json JsonValue(FieldType type, const std::optional<std::string>& v) {
    if (!v) return nullptr;
    switch (type) {
        case FieldType::kInt:
            if (auto n = core::ParseInt(*v)) return *n;
            break;
        case FieldType::kNumeric:
            try {
                return std::stod(*v);
            } catch (const std::exception&) {
            }
            break;
        case FieldType::kBool:
            return *v == "true" || *v == "t" || *v == "1";
        case FieldType::kJson: {
            // Stored before the limits existed, or by a load: past them it stays text.
            Json parsed = core::ParseJsonIfWithinLimits(*v);
            if (!parsed.is_discarded()) return parsed;
            break;
        }
        default:
            break;
    }
    return *v;
}

Json FieldDicts(const TableInfo& t, bool with_id) {
    Json fields = Json::array();
    if (with_id) fields.push_back({{"id", "_id"}, {"type", "int"}});
    for (const auto& f : t.fields) {
        Json j = {{"id", f.id}, {"type", TypeName(f.type)}};
        Json info = Json::object();
        if (!f.label.empty()) info["label"] = f.label;
        if (!f.description.empty()) info["notes"] = f.description;
        if (f.type_override) info["type_override"] = TypeName(f.type);
        if (!info.empty()) j["info"] = info;
        fields.push_back(j);
    }
    return fields;
}

std::vector<std::string> QueryTerms(const std::string& text) {
    std::vector<std::string> terms = search::Terms(text);
    if (terms.size() > kMaxQueryWords)
        throw Invalid("q", "has more than " + std::to_string(kMaxQueryWords) + " words");
    return terms;
}

std::vector<Filter> ParseFilters(const TableInfo& t, const Json& filters) {
    std::vector<Filter> out;
    if (filters.is_null()) return out;
    if (!filters.is_object()) throw Invalid("filters", "must be an object of field: value");
    if (DeeperThan(filters, kMaxFilterDepth))
        throw Invalid("filters",
                      "nests deeper than " + std::to_string(kMaxFilterDepth) + " levels");
    if (filters.size() > kMaxFilterKeys)
        throw Invalid("filters", "has more than " + std::to_string(kMaxFilterKeys) + " keys");
    for (auto it = filters.begin(); it != filters.end(); ++it) {
        if (it.key() == "$or" || it.key() == "$and")
            throw Invalid("filters", it.key() + " is not supported: give field: value pairs");
        size_t i = FieldIndex(t, it.key());
        if (i == SIZE_MAX - 1)
            throw Invalid("filters", "field \"" + it.key() + "\" not in the table");
        const Json& v = *it;
        auto ranges = [&](const Json& ops) {
            static const std::map<std::string, Filter::Op> kOps = {{"eq", Filter::Op::kEq},
                                                                   {"gt", Filter::Op::kGt},
                                                                   {"gte", Filter::Op::kGte},
                                                                   {"lt", Filter::Op::kLt},
                                                                   {"lte", Filter::Op::kLte}};
            for (auto op = ops.begin(); op != ops.end(); ++op) {
                auto k = kOps.find(op.key());
                if (k == kOps.end())
                    throw Invalid("filters", "unknown operator \"" + op.key() +
                                                 "\" (use eq, gt, gte, lt or lte)");
                auto value = ValueFor(t, i, *op, "filters");
                if (!value && k->second != Filter::Op::kEq)
                    throw Invalid("filters", "a range needs a value");
                out.push_back({i, k->second, {value}});
            }
        };
        if (v.is_object()) {
            ranges(v);
        } else if (v.is_array()) {
            Filter f{i, Filter::Op::kIn, {}};
            for (const auto& e : v) {
                if (e.is_object()) {
                    ranges(e);
                    continue;
                }
                if (e.is_array()) throw Invalid("filters", "lists inside lists are not supported");
                f.values.push_back(ValueFor(t, i, e, "filters"));
            }
            if (!f.values.empty() || v.empty()) out.push_back(std::move(f));
        } else {
            out.push_back({i, Filter::Op::kEq, {ValueFor(t, i, v, "filters")}});
        }
    }
    size_t values = 0;
    for (const auto& f : out) values += f.values.size();
    if (values > kMaxFilterValues)
        throw Invalid("filters", "has more than " + std::to_string(kMaxFilterValues) + " values");
    return out;
}

}  // namespace internal

using internal::In;
using internal::Invalid;

DatastoreService::DatastoreService(db::Database& datastore, catalog::CatalogService& catalog,
                                   jobs::JobService& jobs, DatastoreConfig config)
    : db_(datastore), catalog_(catalog), jobs_(jobs), config_(std::move(config)) {}

TableInfo DatastoreService::RequireTable(const std::string& resource_id) {
    auto t = db_.Read([&](db::Connection& c) { return store::FindTable(c, resource_id); });
    if (!t) throw HttpError::NotFound("datastore.no_table");
    return *t;
}

std::optional<TableInfo> DatastoreService::TableOf(const accounts::Principal* p,
                                                   const std::string& resource_id) {
    catalog_.ResourceAccess(p, resource_id);
    return db_.Read([&](db::Connection& c) { return store::FindTable(c, resource_id); });
}

SearchResult DatastoreService::Query(const TableInfo& t, const SearchQuery& q) {
    return db_.Read([&](db::Connection& c) { return store::Search(c, t, q); });
}

TableInfo DatastoreService::EditableTable(const accounts::Principal* p, const Json& params) {
    std::string id = In(params).String("resource_id", In(params).String("id"));
    if (id.empty()) throw Invalid("resource_id", "Missing value");
    auto [src, held] = catalog_.ResourceAccess(p, id);
    if (!CanWriteTable(p, held)) throw HttpError::Forbidden();
    return RequireTable(id);
}

}  // namespace govhub::datastore

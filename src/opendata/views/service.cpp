#include "opendata/views/service.hpp"

#include <set>

#include "api/params.hpp"
#include "audit/audit.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"
#include "opendata/views/auth.hpp"
#include "opendata/views/store.hpp"

namespace govhub::views {

namespace {

const std::set<std::string> kTypes = {"chart_view", "map_view", "datatables_view"};
// Keys of the dictionary that are not settings.
const std::set<std::string> kCore = {"id",    "resource_id", "package_id", "view_type",
                                     "title", "description", "position",   "config"};

HttpError Invalid(const std::string& field, const std::string& message) {
    return HttpError::Validation({{field, message}});
}

// Fields and settings are read by api::Params (docs/api.md, "Parameter types").
std::string Str(const Json& d, const char* key) {
    return api::Params(d).String(key);
}

const datastore::Field* FieldNamed(const datastore::TableInfo& t, const std::string& id) {
    for (const auto& f : t.fields)
        if (f.id == id) return &f;
    return nullptr;
}

bool Numeric(const datastore::Field& f) {
    return f.type == datastore::FieldType::kInt || f.type == datastore::FieldType::kNumeric;
}

// A view's change, recorded on its dataset (the dataset's activity stream shows it).
void RecordViewChange(db::Connection& c, const accounts::Caller& caller, const std::string& action,
                      const ResourceView& v) {
    audit::Record(c, caller.actor(), action, "dataset", v.package_id,
                  {{"view_id", v.id},
                   {"resource_id", v.resource_id},
                   {"view_type", v.view_type},
                   {"title", v.title}});
}

}  // namespace

Json ViewService::ConfigOf(const Json& dict) {
    if (dict.contains("config")) {
        Json c = api::Params(dict).Structured("config");
        if (!c.is_object()) throw Invalid("config", "must be an object");
        return c;
    }
    Json c = Json::object();
    for (auto it = dict.begin(); it != dict.end(); ++it)
        if (!kCore.count(it.key())) c[it.key()] = *it;
    return c;
}

Json ViewService::ValidConfig(const std::string& view_type, const Json& config,
                              const datastore::TableInfo* table) {
    Json out = Json::object();
    api::Params in(config);
    auto field = [&](const char* key, bool required, bool numeric) -> std::string {
        std::string id = in.String(key);
        if (id.empty()) {
            if (required) throw Invalid(key, "Missing value");
            return "";
        }
        if (!table) throw Invalid(key, "the resource has no data table yet");
        const auto* f = FieldNamed(*table, id);
        if (!f) throw Invalid(key, "field \"" + id + "\" not in the table");
        if (numeric && !Numeric(*f)) throw Invalid(key, "field \"" + id + "\" is not a number");
        out[key] = id;
        return id;
    };
    if (view_type == "chart_view") {
        std::string type = in.String("chart_type", "bar");
        if (type != "bar" && type != "line" && type != "pie" && type != "scatter")
            throw Invalid("chart_type", "must be bar, line, pie or scatter");
        out["chart_type"] = type;
        std::string agg = in.String("aggregate", type == "scatter" ? "none" : "sum");
        if (agg != "count" && agg != "sum" && agg != "avg" && agg != "none")
            throw Invalid("aggregate", "must be count, sum, avg or none");
        if (type == "scatter") agg = "none";
        if (agg == "none" && type != "scatter")
            throw Invalid("aggregate", "only a scatter chart shows values unaggregated");
        out["aggregate"] = agg;
        field("x", true, type == "scatter");
        field("y", agg != "count", agg != "count");
        out["limit"] = in.Int("limit", 50, 1, 1000);
        std::string order = in.String("order", "x");
        if (order != "x" && order != "value") throw Invalid("order", "must be x or value");
        out["order"] = order;
    } else if (view_type == "map_view") {
        field("lat", false, true);
        field("lon", false, true);
        if (out.contains("lat") != out.contains("lon"))
            throw Invalid("lat", "give both lat and lon, or neither");
        field("label", false, false);
        if (!table) throw Invalid("resource_id", "the resource has no data table yet");
        bool geometry = FieldNamed(*table, "geometry") != nullptr;
        if (!out.contains("lat") && !geometry && !datastore::DatastoreService::GuessLatLon(*table))
            throw Invalid("lat", "the table has no geometry and no latitude/longitude fields");
    } else if (view_type == "datatables_view") {
        if (in.Has("fields")) {
            Json fields = Json::array();
            for (const auto& f : in.List("fields")) {
                if (!table || !FieldNamed(*table, f))
                    throw Invalid("fields", "not a field of the table");
                fields.push_back(f);
            }
            out["fields"] = fields;
        }
        field("sort", false, false);
    }
    return out;
}

Json ViewService::Dict(const ResourceView& v) {
    Json j = Json::parse(v.config, nullptr, false);
    if (!j.is_object()) j = Json::object();
    j["id"] = v.id;
    j["resource_id"] = v.resource_id;
    j["package_id"] = v.package_id;
    j["view_type"] = v.view_type;
    j["title"] = v.title;
    j["description"] = v.description;
    j["position"] = v.position;
    return j;
}

Json ViewService::Create(const accounts::Principal* p, const Json& dict,
                         const accounts::Caller& caller) {
    if (!dict.is_object()) throw HttpError(400, "bad_json", "error.bad_json");
    std::string rid = Str(dict, "resource_id");
    if (rid.empty()) throw Invalid("resource_id", "Missing value");
    auto [src, held] = catalog_.ResourceAccess(p, rid);
    if (!CanCreateView(p, held)) throw HttpError::Forbidden();
    ResourceView v;
    v.view_type = Str(dict, "view_type");
    if (!kTypes.count(v.view_type))
        throw Invalid("view_type", "must be chart_view, map_view or datatables_view");
    v.title = core::Trim(Str(dict, "title"));
    if (v.title.empty()) throw Invalid("title", "Missing value");
    if (v.title.size() > 300) throw Invalid("title", "is longer than 300 bytes");
    v.description = Str(dict, "description");
    auto table = datastore_.TableOf(p, rid);
    v.config = ValidConfig(v.view_type, ConfigOf(dict), table ? &*table : nullptr).dump();
    v.id = core::NewUuid();
    v.resource_id = src.resource.id;
    v.package_id = src.dataset.id;
    v.created = v.modified = core::NowIso();
    db_.Write([&](db::Connection& c) {
        v.position = static_cast<int>(store::ListForResource(c, v.resource_id).size());
        store::Insert(c, v);
        RecordViewChange(c, caller, "resource_view.create", v);
    });
    return Dict(v);
}

ResourceView ViewService::Get(const accounts::Principal* p, const std::string& id) {
    if (!core::IsUuid(id)) throw HttpError::NotFound("views.no_such_view");
    auto v = db_.Read([&](db::Connection& c) { return store::Find(c, id); });
    if (!v) throw HttpError::NotFound("views.no_such_view");
    catalog_.ResourceAccess(p, v->resource_id);  // 404 when hidden
    return *v;
}

Json ViewService::Update(const accounts::Principal* p, const Json& dict, bool patch,
                         const accounts::Caller& caller) {
    if (!dict.is_object()) throw HttpError(400, "bad_json", "error.bad_json");
    std::string id = Str(dict, "id");
    if (id.empty()) throw Invalid("id", "Missing value");
    ResourceView v = Get(p, id);
    auto [src, held] = catalog_.ResourceAccess(p, v.resource_id);
    if (!CanEditView(p, held)) throw HttpError::Forbidden();
    if (dict.contains("title") || !patch) {
        v.title = core::Trim(Str(dict, "title"));
        if (v.title.empty()) throw Invalid("title", "Missing value");
    }
    if (dict.contains("description") || !patch) v.description = Str(dict, "description");
    Json config = ConfigOf(dict);
    if (patch) {
        Json merged = Json::parse(v.config, nullptr, false);
        if (!merged.is_object()) merged = Json::object();
        for (auto it = config.begin(); it != config.end(); ++it) merged[it.key()] = *it;
        config = merged;
    }
    auto table = datastore_.TableOf(p, v.resource_id);
    v.config = ValidConfig(v.view_type, config, table ? &*table : nullptr).dump();
    v.modified = core::NowIso();
    db_.Write([&](db::Connection& c) {
        store::Update(c, v);
        RecordViewChange(c, caller, "resource_view.update", v);
    });
    return Dict(v);
}

void ViewService::Delete(const accounts::Principal* p, const std::string& id,
                         const accounts::Caller& caller) {
    ResourceView v = Get(p, id);
    auto [src, held] = catalog_.ResourceAccess(p, v.resource_id);
    if (!CanDeleteView(p, held)) throw HttpError::Forbidden();
    db_.Write([&](db::Connection& c) {
        store::Delete(c, v.id);
        RecordViewChange(c, caller, "resource_view.delete", v);
    });
}

Json ViewService::Show(const accounts::Principal* p, const std::string& id) {
    return Dict(Get(p, id));
}

std::vector<ResourceView> ViewService::ForResource(const accounts::Principal* p,
                                                   const std::string& resource_id) {
    catalog_.ResourceAccess(p, resource_id);
    return db_.Read([&](db::Connection& c) { return store::ListForResource(c, resource_id); });
}

Json ViewService::List(const accounts::Principal* p, const std::string& resource_id) {
    Json out = Json::array();
    for (const auto& v : ForResource(p, resource_id)) out.push_back(Dict(v));
    return out;
}

std::vector<ResourceView> ViewService::ForDataset(const accounts::Principal* p,
                                                  const std::string& package_id) {
    std::vector<ResourceView> out;
    for (auto& v :
         db_.Read([&](db::Connection& c) { return store::ListForDataset(c, package_id); })) {
        try {
            catalog_.ResourceAccess(p, v.resource_id);
            out.push_back(std::move(v));
        } catch (const HttpError&) {
        }
    }
    return out;
}

}  // namespace govhub::views

// What the views and downloads read: a chart's series, a map's GeoJSON and the batches of
// /datastore/dump.
#include "opendata/datastore/service.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "opendata/datastore/service_internal.hpp"
#include "opendata/datastore/store.hpp"

namespace govhub::datastore {

using internal::FieldIndex;
using internal::IdAt;
using internal::In;
using internal::Invalid;
using internal::JsonValue;
using internal::ParseFilters;
using internal::QueryTerms;
using internal::TypeAt;

Json DatastoreService::ChartData(const accounts::Principal* p, const std::string& resource_id,
                                 const Json& params) {
    catalog_.ResourceAccess(p, resource_id);
    TableInfo t = RequireTable(resource_id);
    AggregateQuery q;
    auto field = [&](const char* key, bool required) -> size_t {
        std::string id = In(params).String(key);
        if (id.empty()) {
            if (required) throw Invalid(key, "Missing value");
            return SIZE_MAX;
        }
        size_t i = FieldIndex(t, id);
        if (i == SIZE_MAX - 1 || i == SIZE_MAX)
            throw Invalid(key, "field \"" + id + "\" not in the table");
        return i;
    };
    q.x = field("x", true);
    q.fn = In(params).String("aggregate", "count");
    if (q.fn != "count" && q.fn != "sum" && q.fn != "avg" && q.fn != "none")
        throw Invalid("aggregate", "must be count, sum, avg or none");
    q.y = field("y", q.fn != "count");
    if (q.y != SIZE_MAX && q.fn != "count") {
        FieldType yt = t.fields[q.y].type;
        if (yt != FieldType::kInt && yt != FieldType::kNumeric)
            throw Invalid("y", "field \"" + t.fields[q.y].id + "\" is not a number");
    }
    q.filters = ParseFilters(t, In(params).Structured("filters"));
    if (auto words = In(params).String("q"); !words.empty()) q.terms = QueryTerms(words);
    q.limit = In(params).Int("limit", 50, 1, 1000);
    std::string order = In(params).String("order", "x");
    if (order != "x" && order != "value") throw Invalid("order", "must be x or value");
    q.by_value_desc = order == "value";
    auto rows = db_.Read([&](db::Connection& c) { return store::Aggregate(c, t, q); });
    Json xs = Json::array(), ys = Json::array();
    for (const auto& [x, y] : rows) {
        xs.push_back(JsonValue(t.fields[q.x].type, x));
        ys.push_back(JsonValue(FieldType::kNumeric, y));
    }
    return {{"resource_id", resource_id},
            {"x_field", t.fields[q.x].id},
            {"x_label", t.fields[q.x].label.empty() ? t.fields[q.x].id : t.fields[q.x].label},
            {"y_field", q.y == SIZE_MAX ? Json(nullptr) : Json(t.fields[q.y].id)},
            {"aggregate", q.fn},
            {"x", xs},
            {"y", ys}};
}

std::optional<std::pair<size_t, size_t>> DatastoreService::GuessLatLon(const TableInfo& t) {
    auto find = [&](std::initializer_list<const char*> names) -> std::optional<size_t> {
        for (size_t i = 0; i < t.fields.size(); ++i) {
            if (t.fields[i].type != FieldType::kNumeric && t.fields[i].type != FieldType::kInt)
                continue;
            std::string id = core::ToLower(t.fields[i].id);
            for (const char* n : names)
                if (id == n) return i;
        }
        return std::nullopt;
    };
    auto lat = find({"lat", "latitude", "ละติจูด", "y"});
    auto lon = find({"lon", "lng", "long", "longitude", "ลองจิจูด", "x"});
    if (lat && lon && *lat != *lon) return std::make_pair(*lat, *lon);
    return std::nullopt;
}

Json DatastoreService::GeoJson(const accounts::Principal* p, const std::string& resource_id,
                               const Json& params) {
    catalog_.ResourceAccess(p, resource_id);
    TableInfo t = RequireTable(resource_id);
    SearchQuery q;
    q.filters = ParseFilters(t, In(params).Structured("filters"));
    // A negative limit meant no limit at all to SQLite.
    q.limit = std::min<int64_t>(In(params).Int("limit", 5000, 0, INT64_MAX), 5000);
    q.total = true;
    Json features = Json::array();
    size_t geometry = FieldIndex(t, "geometry");
    std::optional<std::pair<size_t, size_t>> latlon;
    if (!In(params).String("lat").empty() || !In(params).String("lon").empty()) {
        size_t lat = FieldIndex(t, In(params).String("lat")),
               lon = FieldIndex(t, In(params).String("lon"));
        if (lat >= SIZE_MAX - 1) throw Invalid("lat", "field not in the table");
        if (lon >= SIZE_MAX - 1) throw Invalid("lon", "field not in the table");
        latlon = std::make_pair(lat, lon);
    } else if (geometry >= SIZE_MAX - 1) {
        latlon = GuessLatLon(t);
        if (!latlon)
            throw Invalid("lat", "the table has no geometry and no latitude/longitude fields");
    }
    SearchResult r = db_.Read([&](db::Connection& c) { return store::Search(c, t, q); });
    for (const auto& row : r.rows) {
        // Rows are _id then every field.
        Json props = Json::object();
        for (size_t i = 0; i < t.fields.size(); ++i)
            if (i != geometry) props[t.fields[i].id] = JsonValue(t.fields[i].type, row[i + 1]);
        Json geom;
        if (latlon) {
            auto lat = row[latlon->first + 1], lon = row[latlon->second + 1];
            if (!lat || !lon) continue;
            double la, lo;
            try {
                la = std::stod(*lat);
                lo = std::stod(*lon);
            } catch (const std::exception&) {
                continue;
            }
            if (la < -90 || la > 90 || lo < -180 || lo > 180) continue;
            geom = {{"type", "Point"}, {"coordinates", {lo, la}}};
        } else {
            if (!row[geometry + 1]) continue;
            geom = Json::parse(*row[geometry + 1], nullptr, false);
            if (geom.is_discarded()) continue;
        }
        features.push_back({{"type", "Feature"}, {"geometry", geom}, {"properties", props}});
    }
    return {{"type", "FeatureCollection"},
            {"features", features},
            {"total", r.total.value_or(0)},
            {"truncated", r.total.value_or(0) > q.limit}};
}

DumpPlan DatastoreService::PlanDump(const accounts::Principal* p, const std::string& resource_id,
                                    const Json& params) {
    catalog_.ResourceAccess(p, resource_id);
    DumpPlan plan;
    plan.table = RequireTable(resource_id);
    plan.query = ParseSearchQuery(plan.table, params, true);
    plan.query.total = false;
    std::vector<size_t> cols = plan.query.columns;
    if (cols.empty()) {
        cols.push_back(SIZE_MAX);
        for (size_t i = 0; i < plan.table.fields.size(); ++i) cols.push_back(i);
    }
    plan.query.columns = cols;
    for (size_t c : cols) {
        plan.headers.push_back(IdAt(plan.table, c));
        plan.types.push_back(TypeAt(plan.table, c));
    }
    plan.limit = plan.query.limit;
    plan.keyset = plan.query.sort.empty() && !plan.query.distinct;
    if (plan.keyset) plan.query.columns.push_back(SIZE_MAX);  // the keyset position, not written
    return plan;
}

std::vector<std::vector<std::optional<std::string>>> DatastoreService::NextDumpBatch(
    DumpPlan& plan) {
    const int64_t kBatch = 5000;
    if (plan.done) return {};
    plan.query.limit = std::min(kBatch, plan.limit - plan.sent);
    if (plan.query.limit <= 0) {
        plan.done = true;
        return {};
    }
    auto rows =
        db_.Read([&](db::Connection& c) { return store::Search(c, plan.table, plan.query); }).rows;
    if (static_cast<int64_t>(rows.size()) < plan.query.limit) plan.done = true;
    plan.sent += static_cast<int64_t>(rows.size());
    if (plan.keyset) {
        if (!rows.empty() && rows.back().back())
            plan.query.after_id = core::ParseInt(*rows.back().back());
        plan.query.offset = 0;
        for (auto& r : rows) r.pop_back();
    } else {
        plan.query.offset += static_cast<int64_t>(rows.size());
    }
    return rows;
}

}  // namespace govhub::datastore

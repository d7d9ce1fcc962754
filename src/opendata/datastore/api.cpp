// The datastore's CKAN actions and /datastore/dump/{resource_id}.
#include "opendata/datastore/api.hpp"

#include <unistd.h>

#include <cstdio>

#include "accounts/middleware.hpp"
#include "core/crypto.hpp"
#include "core/strings.hpp"
#include "opendata/datastore/csv.hpp"
#include "opendata/datastore/xlsx_writer.hpp"

namespace govhub::datastore {

namespace {

using ckan_api::ActionContext;
using ckan_api::ActionOptions;

const accounts::Principal* User(ActionContext& ctx) {
    return accounts::CurrentUser(ctx.req);
}

std::string JsonCell(FieldType t, const std::optional<std::string>& v) {
    if (!v) return "null";
    if ((t == FieldType::kInt || t == FieldType::kNumeric) && core::ParseInt(*v)) return *v;
    if (t == FieldType::kNumeric) {
        try {
            size_t used = 0;
            std::stod(*v, &used);
            if (used == v->size() && v->find_first_not_of("0123456789.-+eE") == std::string::npos)
                return *v;
        } catch (const std::exception&) {
        }
    }
    if (t == FieldType::kBool) return *v == "true" ? "true" : "false";
    return "\"" + core::JsonEscape(*v) + "\"";
}

// Query parameters as an action's params (a repeated one becomes a list).
Json QueryParams(const http::Request& req) {
    Json params = Json::object();
    for (const auto& [k, v] : req.QueryParams()) {
        if (params.contains(k)) {
            if (!params[k].is_array()) params[k] = Json::array({params[k]});
            params[k].push_back(v);
        } else {
            params[k] = v;
        }
    }
    return params;
}

http::Response Dump(DatastoreService& ds, http::Request& req) {
    std::string id(req.PathParam("resource_id"));
    Json params = QueryParams(req);
    std::string format = params.value("format", "csv");
    bool bom = params.value("bom", "") == "true" || params.value("bom", "") == "True";
    if (format != "csv" && format != "tsv" && format != "json" && format != "xlsx")
        throw HttpError(400, "bad_request", "format must be csv, tsv, json or xlsx");
    auto plan = std::make_shared<DumpPlan>(ds.PlanDump(accounts::CurrentUser(req), id, params));
    http::Response r;
    std::string filename = id + "." + format;
    r.headers.Set("Content-Disposition", "attachment; filename=\"" + filename + "\"");
    r.headers.Set("Cache-Control", "private, max-age=0");
    if (format == "xlsx") {
        // The workbook is written (in constant memory) to a temporary file, then streamed.
        std::string path = ds.tmp_dir() + "/dump-" + core::RandomToken(8) + ".xlsx";
        WriteXlsxDump(path, *plan, [&] { return ds.NextDumpBatch(*plan); });
        return http::TemporaryFileResponse(
            path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename);
    }
    char sep = format == "tsv" ? '\t' : ',';
    r.headers.Set("Content-Type", format == "json"  ? "application/json; charset=utf-8"
                                  : format == "tsv" ? "text/tab-separated-values; charset=utf-8"
                                                    : "text/csv; charset=utf-8");
    struct State {
        int phase = 0;  // 0: header next, 1: rows, 2: done
        bool any_row = false;
    };
    auto state = std::make_shared<State>();
    r.producer = [&ds, plan, state, format, sep, bom](std::string& chunk) {
        if (state->phase == 0) {
            if (bom) chunk += "\xEF\xBB\xBF";
            if (format == "json") {
                chunk += "{\"fields\": [";
                for (size_t i = 0; i < plan->headers.size(); ++i)
                    chunk += std::string(i ? ", " : "") + "{\"id\": \"" +
                             core::JsonEscape(plan->headers[i]) + "\", \"type\": \"" +
                             TypeName(plan->types[i]) + "\"}";
                chunk += "], \"records\": [";
            } else {
                for (size_t i = 0; i < plan->headers.size(); ++i)
                    chunk += (i ? std::string(1, sep) : "") + CsvField(plan->headers[i], sep);
                chunk += "\r\n";
            }
            state->phase = 1;
            return true;
        }
        if (state->phase == 2) return false;
        for (const auto& row : ds.NextDumpBatch(*plan)) {
            if (format == "json") {
                chunk += state->any_row ? ",\n[" : "\n[";
                for (size_t i = 0; i < row.size(); ++i)
                    chunk += (i ? ", " : "") + JsonCell(plan->types[i], row[i]);
                chunk += "]";
            } else {
                for (size_t i = 0; i < row.size(); ++i)
                    chunk += (i ? std::string(1, sep) : "") + CsvField(row[i], sep);
                chunk += "\r\n";
            }
            state->any_row = true;
        }
        if (plan->done) {
            if (format == "json") chunk += "\n]}\n";
            state->phase = 2;
        }
        return state->phase != 2 || !chunk.empty();
    };
    return r;
}

// A full-text search (q) scans the table's index and ranks what it finds: a bulkhead's work.
// Decided before the body is parsed, so any "q" key in a JSON body counts.
bool SearchIsHeavy(const http::Request& req) {
    if (req.method == "POST" && req.body.find("\"q\"") != std::string::npos) return true;
    return !req.Query("q").empty();
}

}  // namespace

void RegisterApi(http::Router& router, ckan_api::ActionRegistry& a, DatastoreService& ds) {
    const ActionOptions read{.side_effect_free = true};
    const ActionOptions write{.body_limit = 64 << 20};
    // Bulkheads (http/bulkhead.hpp): the SQL sandbox, full-text searches and dumps run on
    // pools of their own, so they never hold the workers cheap requests need.
    ActionOptions search = read;
    search.pool_for = [](const http::Request& req) -> std::string {
        return SearchIsHeavy(req) ? "datastore_search" : "";
    };
    ActionOptions sql = read;
    sql.pool = "datastore_sql";
    a.Add(
        "datastore_search", [&ds](ActionContext& ctx) { return ds.Search(User(ctx), ctx.params); },
        search);
    a.Add(
        "datastore_search_sql",
        [&ds](ActionContext& ctx) { return ds.SearchSql(User(ctx), ctx.params); }, sql);
    a.Add(
        "datastore_info", [&ds](ActionContext& ctx) { return ds.Info(User(ctx), ctx.params); },
        read);
    a.Add(
        "datastore_create", [&ds](ActionContext& ctx) { return ds.Create(User(ctx), ctx.params); },
        write);
    a.Add(
        "datastore_upsert", [&ds](ActionContext& ctx) { return ds.Upsert(User(ctx), ctx.params); },
        write);
    a.Add("datastore_delete",
          [&ds](ActionContext& ctx) { return ds.Delete(User(ctx), ctx.params); });
    a.Add("datastore_records_delete",
          [&ds](ActionContext& ctx) { return ds.RecordsDelete(User(ctx), ctx.params); });
    // The series of a chart and the GeoJSON of a map (the views' scripts fetch them).
    router.Get("/api/datastore/{resource_id}/chart", [&ds](http::Request& req) {
        Json body = ds.ChartData(accounts::CurrentUser(req),
                                 std::string(req.PathParam("resource_id")), QueryParams(req));
        return http::Response::Json(body.dump(-1, ' ', false, Json::error_handler_t::replace));
    });
    router.Get("/api/datastore/{resource_id}/geojson", [&ds](http::Request& req) {
        Json body = ds.GeoJson(accounts::CurrentUser(req),
                               std::string(req.PathParam("resource_id")), QueryParams(req));
        http::Response r =
            http::Response::Json(body.dump(-1, ' ', false, Json::error_handler_t::replace));
        r.headers.Set("Content-Type", "application/geo+json");
        return r;
    });
    router.Get("/datastore/dump/{resource_id}", [&ds](http::Request& req) { return Dump(ds, req); },
               {.pool = "datastore_dump"});
}

}  // namespace govhub::datastore

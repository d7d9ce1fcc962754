// The datastore's CKAN actions and /datastore/dump/{resource_id}.
#include "opendata/datastore/api.hpp"

#include <unistd.h>

#include <cstdio>

#include "accounts/middleware.hpp"
#include "core/crypto.hpp"
#include "core/csv.hpp"
#include "core/strings.hpp"
#include "opendata/datastore/xlsx_writer.hpp"

namespace govhub::datastore {

namespace {

using api::ActionContext;
using api::ActionOptions;

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

http::Response Dump(DatastoreService& ds, http::Request& req) {
    std::string id(req.PathParam("resource_id"));
    Json params = api::QueryJson(req);
    // Read with the shared reader: a repeated format (a list) was a 500 before.
    api::Params in(params);
    std::string format = in.String("format", "csv");
    bool bom = in.Bool("bom", false);
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
                    chunk += (i ? std::string(1, sep) : "") + core::CsvField(plan->headers[i], sep);
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
                    chunk += (i ? std::string(1, sep) : "") + core::CsvField(row[i], sep);
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

// Help texts (CKAN docstring style; help_show answers them).
constexpr const char* kSearch =
    "Searches a resource's datastore table (or lists the tables with resource_id "
    "_table_metadata).\n\n"
    ":param resource_id: the resource's id (id is read when it is not given)\n"
    ":type resource_id: string\n"
    ":param filters: field: value (or a list of values, or {\"gte\": ...} with eq, gt, gte, "
    "lt, lte); $or takes a list of such objects (at most 8 levels, 100 keys)\n"
    ":type filters: dictionary (or a string holding JSON)\n"
    ":param q: words searched in every field, or {field: words} (at most 100 words)\n"
    ":type q: string or dictionary\n"
    ":param fields: the fields to return (default all, _id first; at most 1,000)\n"
    ":type fields: list of strings (or a comma-separated string)\n"
    ":param distinct: only distinct rows (default false)\n"
    ":type distinct: boolean\n"
    ":param sort: comma-separated \"field asc|desc\" (at most 10 keys)\n"
    ":type sort: string\n"
    ":param limit: at most this many rows (default 100; more than 32,000 gives 32,000)\n"
    ":type limit: integer\n"
    ":param offset: skip this many rows (default 0)\n"
    ":type offset: integer\n"
    ":param after: rows after this _id (fast deep pages; not with another sort)\n"
    ":type after: integer\n"
    ":param include_total: count the matching rows (default true)\n"
    ":type include_total: boolean\n"
    ":param records_format: objects (default), lists, csv or tsv\n"
    ":type records_format: string\n\n"
    ":returns: resource_id, fields, records, total, limit, offset, _links and, when there "
    "may be more, next_page (after and url)\n"
    ":rtype: dictionary";
constexpr const char* kSearchSql =
    "Runs one read-only SQL SELECT over datastore tables (named by their resource ids) the "
    "caller may read, in a sandbox with a time limit and at most 32,000 rows.\n\n"
    ":param sql: the statement\n"
    ":type sql: string\n\n"
    ":returns: sql, fields, records and records_truncated when rows were left out\n"
    ":rtype: dictionary";
constexpr const char* kInfo =
    "Describes a resource's datastore table.\n\n"
    ":param resource_id: the resource's id (id is read when it is not given)\n"
    ":type resource_id: string\n\n"
    ":returns: meta (id, count, primary_key, created, modified, source ...) and fields (id, "
    "type, schema, info with label and notes)\n"
    ":rtype: dictionary";
constexpr const char* kCreate =
    "Creates a resource's datastore table, or adds fields and records to it. Editors and "
    "admins of the dataset's organization, sysadmins.\n\n"
    ":param resource_id: the resource's id\n"
    ":type resource_id: string\n"
    ":param resource: instead of resource_id: a new resource to create (as resource_create "
    "takes it) whose data is this table\n"
    ":type resource: dictionary\n"
    ":param fields: [{\"id\": ..., \"type\": text|int|numeric|bool|date|timestamp|json ..., "
    "\"info\": {...}}]; needed for a new table\n"
    ":type fields: list of dictionaries (or a string holding JSON)\n"
    ":param primary_key: the fields of the primary key (a new table only)\n"
    ":type primary_key: list of strings (or a comma-separated string)\n"
    ":param records: rows to insert\n"
    ":type records: list of dictionaries (or a string holding JSON)\n\n"
    ":returns: resource_id, fields, primary_key and method\n"
    ":rtype: dictionary";
constexpr const char* kUpsert =
    "Writes records to a resource's datastore table. Editors and admins of the dataset's "
    "organization, sysadmins.\n\n"
    ":param resource_id: the resource's id\n"
    ":type resource_id: string\n"
    ":param records: the rows; update and upsert find each by _id or by the primary key\n"
    ":type records: list of dictionaries (or a string holding JSON)\n"
    ":param method: upsert (default), insert or update\n"
    ":type method: string\n"
    ":param dry_run: check and roll back (default false)\n"
    ":type dry_run: boolean\n\n"
    ":returns: resource_id, method, records and dry_run\n"
    ":rtype: dictionary";
constexpr const char* kDelete =
    "Deletes a resource's datastore table, or with filters only the matching rows (as "
    "datastore_records_delete). Editors and admins of the dataset's organization, sysadmins.\n\n"
    ":param resource_id: the resource's id (id is read when it is not given)\n"
    ":type resource_id: string\n"
    ":param filters: as datastore_search takes them\n"
    ":type filters: dictionary (or a string holding JSON)\n\n"
    ":returns: resource_id (and filters and deleted with filters)\n"
    ":rtype: dictionary";
constexpr const char* kRecordsDelete =
    "Deletes the rows of a resource's datastore table that match filters. Editors and admins "
    "of the dataset's organization, sysadmins.\n\n"
    ":param resource_id: the resource's id (id is read when it is not given)\n"
    ":type resource_id: string\n"
    ":param filters: as datastore_search takes them; {} deletes every row\n"
    ":type filters: dictionary (or a string holding JSON)\n\n"
    ":returns: resource_id, filters and deleted (how many rows)\n"
    ":rtype: dictionary";

}  // namespace

void RegisterApi(http::Router& router, api::ActionRegistry& a, DatastoreService& ds) {
    auto read = [](const char* help) {
        return ActionOptions{.help = help, .side_effect_free = true};
    };
    auto write = [](const char* help) {
        return ActionOptions{.help = help, .body_limit = 64 << 20};
    };
    // Bulkheads (http/bulkhead.hpp): the SQL sandbox, full-text searches and dumps run on
    // pools of their own, so they never hold the workers cheap requests need.
    ActionOptions search = read(kSearch);
    search.pool_for = [](const http::Request& req) -> std::string {
        return SearchIsHeavy(req) ? "datastore_search" : "";
    };
    ActionOptions sql = read(kSearchSql);
    sql.pool = "datastore_sql";
    a.Add(
        "datastore_search", [&ds](ActionContext& ctx) { return ds.Search(ctx.user, ctx.params); },
        search);
    a.Add(
        "datastore_search_sql",
        [&ds](ActionContext& ctx) { return ds.SearchSql(ctx.user, ctx.params); }, sql);
    a.Add(
        "datastore_info", [&ds](ActionContext& ctx) { return ds.Info(ctx.user, ctx.params); },
        read(kInfo));
    a.Add(
        "datastore_create", [&ds](ActionContext& ctx) { return ds.Create(ctx.user, ctx.params); },
        write(kCreate));
    a.Add(
        "datastore_upsert", [&ds](ActionContext& ctx) { return ds.Upsert(ctx.user, ctx.params); },
        write(kUpsert));
    a.Add("datastore_delete", [&ds](ActionContext& ctx) { return ds.Delete(ctx.user, ctx.params); },
          {.help = kDelete});
    a.Add("datastore_records_delete",
          [&ds](ActionContext& ctx) { return ds.RecordsDelete(ctx.user, ctx.params); },
          {.help = kRecordsDelete});
    // The series of a chart and the GeoJSON of a map (the views' scripts fetch them).
    router.Get("/api/datastore/{resource_id}/chart", [&ds](http::Request& req) {
        Json body = ds.ChartData(accounts::CurrentUser(req),
                                 std::string(req.PathParam("resource_id")), api::QueryJson(req));
        return http::Response::Json(body.dump(-1, ' ', false, Json::error_handler_t::replace));
    });
    router.Get("/api/datastore/{resource_id}/geojson", [&ds](http::Request& req) {
        Json body = ds.GeoJson(accounts::CurrentUser(req),
                               std::string(req.PathParam("resource_id")), api::QueryJson(req));
        http::Response r =
            http::Response::Json(body.dump(-1, ' ', false, Json::error_handler_t::replace));
        r.headers.Set("Content-Type", "application/geo+json");
        return r;
    });
    router.Get("/datastore/dump/{resource_id}", [&ds](http::Request& req) { return Dump(ds, req); },
               {.pool = "datastore_dump"});
}

}  // namespace govhub::datastore

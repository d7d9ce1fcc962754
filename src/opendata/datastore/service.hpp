#pragma once
// Datastore rules: who may read and write a resource's table (the catalog decides: the API and
// the pages ask the same question), CKAN's datastore_* parameters checked and turned into
// queries, and the load job that turns a published file into a table.
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/model.hpp"
#include "db/database.hpp"
#include "jobs/runner.hpp"
#include "jobs/service.hpp"
#include "opendata/catalog/service.hpp"
#include "opendata/datastore/loader.hpp"
#include "opendata/datastore/model.hpp"

namespace govhub::datastore {

using Json = nlohmann::json;

struct DatastoreConfig {
    std::string tmp_dir;   // downloads of linked files
    std::string site_url;  // absolute links in examples and the OpenAPI document
    uint64_t max_fetch_bytes = 1ull << 30;
    bool allow_private_urls = false;  // tests fetch from 127.0.0.1
    int sql_timeout_ms = 10000;
    int64_t max_load_bytes = int64_t{2} << 30;  // LoadHooks::max_bytes
    int64_t max_load_rows = 50'000'000;         // LoadHooks::max_rows
};

// A dump in progress (/datastore/dump): the table, the query, the columns, and where the
// next batch starts (by _id when the rows are in _id order, by offset otherwise), so a dump of
// any size streams in constant memory.
struct DumpPlan {
    TableInfo table;
    SearchQuery query;
    std::vector<std::string> headers;
    std::vector<FieldType> types;
    int64_t limit = INT64_MAX, sent = 0;
    bool keyset = true, done = false;
};

class DatastoreService {
  public:
    static constexpr const char* kLoadJob = "datastore.load";

    DatastoreService(db::Database& datastore, catalog::CatalogService& catalog,
                     jobs::JobService& jobs, DatastoreConfig config);

    db::Database& database() { return db_; }
    const std::string& tmp_dir() const { return config_.tmp_dir; }
    const std::string& site_url() const { return config_.site_url; }
    // The resource when `p` may read it (404 otherwise), and the role `p` holds in its dataset's
    // organization (for CanWriteTable and the views' predicates).
    catalog::ReadableResource Access(const accounts::Principal* p, const std::string& resource_id) {
        return catalog_.ResourceAccess(p, resource_id);
    }
    // A query built by a page (which checked access with TableOf).
    SearchResult Query(const TableInfo& t, const SearchQuery& q);

    // The catalog's resource events: a tabular resource gets a load job; a deleted one loses
    // its table.
    void OnResourceChanged(db::Connection& c, const catalog::Resource& r, const catalog::Dataset& d,
                           const std::string& actor_id);
    void OnResourcesRemoved(const std::vector<std::string>& resource_ids);
    // The catalog's datastore_active flags follow the tables that exist (at start, after the
    // migrations: tables loaded before the flag existed read true).
    void SyncCatalog();
    // An editor re-runs the load (optionally of another sheet); returns the job id.
    std::string Reload(const accounts::Principal* p, const std::string& resource_id,
                       const std::string& sheet);
    // The load job's handler.
    std::string RunLoad(jobs::JobContext& ctx);
    // The same load, now, in this thread (the demo content, before the job workers start).
    void LoadNow(const std::string& resource_id);

    // CKAN actions (params as the Action API passed them).
    Json Search(const accounts::Principal* p, const Json& params);
    Json Info(const accounts::Principal* p, const Json& params);
    Json Create(const accounts::Principal* p, const Json& params);
    Json Upsert(const accounts::Principal* p, const Json& params);
    Json Delete(const accounts::Principal* p, const Json& params);
    Json RecordsDelete(const accounts::Principal* p, const Json& params);
    // One SELECT over the datastore's tables of resources the caller may read (see
    // db::SandboxPolicy), at most 32,000 rows.
    Json SearchSql(const accounts::Principal* p, const Json& params);

    // A chart's series (params: x, y, aggregate count|sum|avg|none, filters, q, limit <= 1000,
    // order "x" or "value"): {"x": [...], "y": [...]}.
    Json ChartData(const accounts::Principal* p, const std::string& resource_id,
                   const Json& params);
    // The table's rows as GeoJSON: points from lat/lon fields (params lat, lon, label), or the
    // features of a geodata resource (its "geometry" field). At most 5,000 features.
    Json GeoJson(const accounts::Principal* p, const std::string& resource_id, const Json& params);
    // Latitude and longitude fields a table seems to have, by their names and numbers.
    static std::optional<std::pair<size_t, size_t>> GuessLatLon(const TableInfo& t);

    DumpPlan PlanDump(const accounts::Principal* p, const std::string& resource_id,
                      const Json& params);
    // The next rows of a dump (empty once it is complete).
    std::vector<std::vector<std::optional<std::string>>> NextDumpBatch(DumpPlan& plan);

    // The table of a resource the caller may read (nullopt: none loaded yet).
    std::optional<TableInfo> TableOf(const accounts::Principal* p, const std::string& resource_id);
    // The latest load job of a resource, for its page (id, state, progress, message).
    std::optional<jobs::Job> LatestLoad(const std::string& resource_id);

  private:
    // Loads a resource's file (fetched first when it is a link); returns the job's result.
    Json Load(const std::string& resource_id, const std::string& sheet, const LoadHooks& hooks);
    TableInfo RequireTable(const std::string& resource_id);
    // The table named by params' resource_id (or id), when `p` may edit its resource.
    TableInfo EditableTable(const accounts::Principal* p, const Json& params);
    Json TableMetadata(const accounts::Principal* p, const Json& params);

    db::Database& db_;
    catalog::CatalogService& catalog_;
    jobs::JobService& jobs_;
    DatastoreConfig config_;
};

// datastore_search's query parameters (filters, q, fields, sort, distinct, limit, offset, after,
// include_total) read against table `t` within their bounds; throws the action's 409
// Validation Error (400 for a JSON parameter past the JSON limits). `for_dump`:
// /datastore/dump's, without the row cap.
SearchQuery ParseSearchQuery(const TableInfo& t, const Json& params, bool for_dump);

// datastore_search_sql's statement: params' "sql" trimmed of spaces and trailing semicolons,
// within db::kSandboxMaxSqlBytes and without NUL; throws the action's 409 Validation Error. The
// database's sandbox checks and runs it (db::Database::QuerySandboxed).
std::string SearchSqlStatement(const Json& params);

// The quoted identifiers ("..", `..`, [..]; not in '..' strings or comments) of a statement
// that start with a resource id: datastore tables and their full-text index's tables
// ("<id>__fts", "<id>__fts_data" ...), in order, each once.
std::vector<std::string> SqlTableIds(std::string_view sql);
// Throws the action's 409 "no such table: <identifier>" for the first of them whose resource
// id `readable` (asked in lower case) refuses: a table the caller may not read is refused
// before anything else is looked at, exactly as one that does not exist (the database reports
// a missing table and other faults in an order that would tell the two apart).
void CheckSqlTableIds(std::string_view sql,
                      const std::function<bool(const std::string&)>& readable);

// Registers the load job with a runner.
void RegisterJobs(jobs::JobRunner& runner, DatastoreService& service);

}  // namespace govhub::datastore

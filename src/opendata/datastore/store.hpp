#pragma once
// Every SQL statement of the datastore. Its tables live apart from the catalog: a database file
// of their own on SQLite (datastore.db in the data dir), the `datastore` schema on PostgreSQL,
// each reached through its own db::Database, so a long load never holds the catalog's writer.
//
// A resource's table is named by the resource id and has `_id` (the row number CKAN clients
// page by) before the fields. Full text: a tsvector column `_full_text` with a GIN index on
// PostgreSQL, an FTS5 table `<id>__fts` (rowid = _id) on SQLite, both fed by the Thai analyzer.
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "db/migrations.hpp"
#include "opendata/datastore/model.hpp"

namespace govhub::datastore::store {

void AddMigrations(db::MigrationSet& set);

// The most fields a table may have on each engine (its column limit less _id and _full_text).
size_t MaxFields(db::Engine engine);
// The column name of a field id: the id itself, or on PostgreSQL, when longer than its 63-byte
// identifier limit, a stable short form (its start and a hash). `taken` holds the names used.
std::string ColumnName(db::Engine engine, const std::string& id, std::set<std::string>& taken);

// The data dictionary and row count of every table.
std::optional<TableInfo> FindTable(db::Connection& c, const std::string& resource_id);
std::vector<TableInfo> ListTables(db::Connection& c);
void SaveTable(db::Connection& c, const TableInfo& t);
void ForgetTable(db::Connection& c, const std::string& resource_id);

// Tables. `table` is a resource id, or for a load in progress a name unique to that load
// (the indexes are named after it and keep their names).
void CreateTable(db::Connection& c, const std::string& table, const std::vector<Field>& fields,
                 const std::vector<std::string>& primary_key);
void DropTable(db::Connection& c, const std::string& table);
bool TableExists(db::Connection& c, const std::string& table);
// The loaded `staging` table takes the place of `table` (in the caller's transaction).
void ReplaceTable(db::Connection& c, const std::string& staging, const std::string& table);
// After a bulk load: the full-text index (PostgreSQL builds it once, not row by row) and the
// planner's statistics.
void FinishLoad(db::Connection& c, const std::string& table);
// B-tree indexes on the fields filters and sorts use (`indexable` by position: short values),
// named from `index_prefix` (unique to the load that made the table).
void IndexColumns(db::Connection& c, const std::string& table, const std::string& index_prefix,
                  const std::vector<Field>& fields, const std::vector<bool>& indexable);

// Bulk insert: `next` fills a row (one value per field, canonical text, nullopt for NULL) and
// returns false after the last. COPY on PostgreSQL, one prepared INSERT on SQLite. Returns the
// number of rows.
using NextRow = std::function<bool(std::vector<std::optional<std::string>>& row)>;
int64_t InsertRows(db::Connection& c, const std::string& table, const std::vector<Field>& fields,
                   const NextRow& next);

// Writes records (datastore_upsert): `method` insert, update or upsert, matched on the primary
// key or on _id (`keys`: field indexes, SIZE_MAX for _id). Each record: values by field index
// (absent fields unchanged on update). Returns the rows written.
struct Record {
    std::optional<int64_t> id;  // _id, when given
    std::vector<std::pair<size_t, std::optional<std::string>>> values;
};
int64_t WriteRecords(db::Connection& c, const TableInfo& t, const std::vector<Record>& records,
                     const std::string& method, const std::vector<size_t>& keys);
// Deletes the rows matching every filter (all rows when none); returns how many.
int64_t DeleteRows(db::Connection& c, const TableInfo& t, const std::vector<Filter>& filters);
int64_t CountRows(db::Connection& c, const std::string& table);

SearchResult Search(db::Connection& c, const TableInfo& t, const SearchQuery& q);
// (x, value) rows of a chart.
std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>> Aggregate(
    db::Connection& c, const TableInfo& t, const AggregateQuery& q);

}  // namespace govhub::datastore::store

#include "opendata/datastore/store.hpp"

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "search/analyzer.hpp"
#include "search/index.hpp"

namespace govhub::datastore::store {

using Json = nlohmann::json;

namespace {

bool Pg(const db::Connection& c) {
    return c.engine() == db::Engine::kPostgres;
}

std::string Quote(const std::string& ident) {
    std::string out = "\"";
    for (char ch : ident) {
        if (ch == '"') out += '"';
        out += ch;
    }
    return out + "\"";
}

// A table as SQL names it.
std::string Ref(const db::Connection& c, const std::string& table) {
    return Pg(c) ? "datastore." + Quote(table) : Quote(table);
}

std::string Meta(const db::Connection& c) {
    return Pg(c) ? "datastore._govhub_tables" : "_govhub_tables";
}

std::string SqlType(db::Engine engine, FieldType t) {
    bool pg = engine == db::Engine::kPostgres;
    switch (t) {
        case FieldType::kInt:
            return pg ? "bigint" : "INTEGER";
        case FieldType::kNumeric:
            return pg ? "numeric" : "REAL";
        case FieldType::kBool:
            return pg ? "boolean" : "INTEGER";
        case FieldType::kDate:
            return pg ? "date" : "TEXT";
        case FieldType::kTimestamp:
            return pg ? "timestamp" : "TEXT";
        case FieldType::kJson:
            return pg ? "jsonb" : "TEXT";
        case FieldType::kText:
            break;
    }
    return pg ? "text" : "TEXT";
}

// Canonical text in, the engine's literal out (SQLite keeps booleans as 1/0).
db::Value Bind(const db::Connection& c, FieldType t, const std::optional<std::string>& v) {
    if (!v) return nullptr;
    if (t == FieldType::kBool && !Pg(c)) return int64_t{*v == "true" ? 1 : 0};
    if (!Pg(c) && t == FieldType::kInt) {
        if (auto n = ParseIntValue(*v)) return *n;
    }
    if (!Pg(c) && t == FieldType::kNumeric) {
        try {
            return std::stod(*v);
        } catch (const std::exception&) {
        }
    }
    return *v;
}

// The engine's text out, canonical text back.
std::optional<std::string> Unbind(const db::Connection& c, FieldType t,
                                  std::optional<std::string> v) {
    if (!v) return v;
    if (t == FieldType::kBool)
        return std::string(*v == "1" || *v == "t" || *v == "true" ? "true" : "false");
    if (t == FieldType::kTimestamp && Pg(c) && v->size() > 10 && (*v)[10] == ' ') (*v)[10] = 'T';
    return v;
}

// The text a row is found by: its text fields' values. Numbers, dates and yes/no are found
// through filters, and leaving them out of the index keeps loads fast.
std::string FullText(const std::vector<Field>& fields,
                     const std::vector<std::optional<std::string>>& row) {
    std::string text;
    for (size_t i = 0; i < row.size() && i < fields.size(); ++i) {
        const auto& v = row[i];
        if (fields[i].type != FieldType::kText || !v || v->empty()) continue;
        if (!text.empty()) text += ' ';
        text += *v;
    }
    return text;
}

std::string TsVectorOf(const std::vector<Field>& fields,
                       const std::vector<std::optional<std::string>>& row) {
    return search::TsVector({"", "", "", "", FullText(fields, row)});
}

std::string CsvQuote(const std::string& v) {
    std::string out = "\"";
    for (char ch : v) {
        if (ch == '"') out += '"';
        out += ch;
    }
    return out + "\"";
}

std::string ColumnOf(const TableInfo& t, size_t field) {
    return field == SIZE_MAX ? "\"_id\"" : Quote(t.fields.at(field).column);
}

FieldType TypeOf(const TableInfo& t, size_t field) {
    return field == SIZE_MAX ? FieldType::kInt : t.fields.at(field).type;
}

// WHERE for the query's filters, words and keyset position.
std::string Where(const db::Connection& c, const TableInfo& t, const SearchQuery& q,
                  std::vector<db::Value>& args) {
    std::vector<std::string> conds;
    for (const auto& f : q.filters) {
        std::string col = ColumnOf(t, f.field);
        FieldType type = TypeOf(t, f.field);
        static const char* kOps[] = {"=", "IN", ">", ">=", "<", "<="};
        auto op = static_cast<size_t>(f.op);
        if (f.op == Filter::Op::kEq || f.op == Filter::Op::kIn) {
            std::vector<std::string> parts;
            std::string in;
            for (const auto& v : f.values) {
                if (!v) {
                    parts.push_back(col + " IS NULL");
                    continue;
                }
                in += in.empty() ? "?" : ", ?";
                args.push_back(Bind(c, type, v));
            }
            if (!in.empty()) parts.push_back(col + " IN (" + in + ")");
            if (parts.empty()) parts.push_back("1 = 0");
            std::string joined;
            for (const auto& p : parts) joined += (joined.empty() ? "" : " OR ") + p;
            conds.push_back("(" + joined + ")");
        } else {
            conds.push_back(col + " " + kOps[op] + " ?");
            args.push_back(Bind(c, type, f.values.at(0)));
        }
    }
    if (!q.terms.empty()) {
        if (Pg(c)) {
            conds.push_back("\"_full_text\" @@ CAST(? AS tsquery)");
            args.emplace_back(search::TsQuery(q.terms));
        } else {
            conds.push_back("\"_id\" IN (SELECT rowid FROM " + Quote(t.resource_id + "__fts") +
                            " WHERE " + Quote(t.resource_id + "__fts") + " MATCH ?)");
            args.emplace_back(search::Fts5Match(q.terms));
        }
    }
    for (const auto& [field, words] : q.field_words)
        for (const auto& w : words) {
            conds.push_back(Pg(c) ? "CAST(" + ColumnOf(t, field) + " AS text) ILIKE ? ESCAPE '\\'"
                                  : "CAST(" + ColumnOf(t, field) + " AS TEXT) LIKE ? ESCAPE '\\'");
            args.emplace_back(db::LikeContaining(w));
        }
    if (q.after_id) {
        conds.push_back("\"_id\" > ?");
        args.emplace_back(*q.after_id);
    }
    std::string out;
    for (const auto& cond : conds) out += (out.empty() ? " WHERE " : " AND ") + cond;
    return out;
}

std::vector<size_t> Columns(const TableInfo& t, const SearchQuery& q) {
    if (!q.columns.empty()) return q.columns;
    std::vector<size_t> all = {SIZE_MAX};
    for (size_t i = 0; i < t.fields.size(); ++i) all.push_back(i);
    return all;
}

std::string Select(const TableInfo& t, const std::vector<size_t>& cols) {
    std::string out;
    for (size_t f : cols) out += (out.empty() ? "" : ", ") + ColumnOf(t, f);
    return out;
}

std::string OrderBy(const TableInfo& t, const SearchQuery& q) {
    std::string out;
    bool has_id = false;
    for (const auto& s : q.sort) {
        out += (out.empty() ? " ORDER BY " : ", ") + ColumnOf(t, s.field) + (s.desc ? " DESC" : "");
        if (s.field == SIZE_MAX) has_id = true;
    }
    // Rows in a stable order, so pages never overlap (a DISTINCT select may not name _id).
    if (!has_id && !q.distinct) out += (out.empty() ? " ORDER BY " : ", ") + std::string("\"_id\"");
    return out;
}

std::vector<std::optional<std::string>> RowOut(const db::Connection& c, const TableInfo& t,
                                               const std::vector<size_t>& cols, const db::Row& r) {
    std::vector<std::optional<std::string>> out;
    out.reserve(cols.size());
    for (size_t i = 0; i < cols.size(); ++i)
        out.push_back(Unbind(c, TypeOf(t, cols[i]), r.OptStr(i)));
    return out;
}

Json FieldsJson(const std::vector<Field>& fields) {
    Json a = Json::array();
    for (const auto& f : fields)
        a.push_back({{"id", f.id},
                     {"type", TypeName(f.type)},
                     {"label", f.label},
                     {"description", f.description},
                     {"type_override", f.type_override},
                     {"column", f.column}});
    return a;
}

TableInfo ToTable(const db::Row& r) {
    TableInfo t;
    t.resource_id = r.Str(0);
    auto fields = Json::parse(r.Str(1), nullptr, false);
    if (fields.is_array())
        for (const auto& f : fields) {
            Field x;
            x.id = f.value("id", "");
            x.type = ParseTypeName(f.value("type", "text")).value_or(FieldType::kText);
            x.label = f.value("label", "");
            x.description = f.value("description", "");
            x.type_override = f.value("type_override", false);
            x.column = f.value("column", x.id);
            t.fields.push_back(std::move(x));
        }
    t.rows = r.Int(2);
    auto pk = Json::parse(r.Str(3), nullptr, false);
    if (pk.is_array())
        for (const auto& k : pk)
            if (k.is_string()) t.primary_key.push_back(k.get<std::string>());
    t.source = r.Str(4);
    t.created = r.Str(5);
    t.modified = r.Str(6);
    return t;
}

constexpr const char* kMetaColumns =
    "resource_id, fields, row_count, primary_key, source, created, modified";

}  // namespace

void AddMigrations(db::MigrationSet& set) {
    const char* table = R"sql(
  resource_id TEXT PRIMARY KEY,
  fields TEXT NOT NULL,
  row_count BIGINT NOT NULL DEFAULT 0,
  primary_key TEXT NOT NULL DEFAULT '[]',
  source TEXT NOT NULL DEFAULT '',
  created TEXT NOT NULL,
  modified TEXT NOT NULL
);
)sql";
    set.Add({.module = "datastore",
             .version = 1,
             .name = "datastore tables and their data dictionaries",
             .sqlite = std::string("CREATE TABLE _govhub_tables (") + table,
             .postgres = std::string("CREATE SCHEMA IF NOT EXISTS datastore;\n"
                                     "CREATE TABLE datastore._govhub_tables (") +
                         table});
    // datastore_search_sql runs as a role that may only read the datastore's tables (not its
    // data dictionaries, nor anything outside the schema). Roles belong to the whole cluster:
    // without the privilege to make one, the migration goes on and the SQL API stays off.
    set.Add({.module = "datastore",
             .version = 2,
             .name = "read-only role for datastore_search_sql",
             .postgres = R"sql(
DO $$
BEGIN
  BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'govhub_datastore_reader') THEN
      CREATE ROLE govhub_datastore_reader NOLOGIN NOINHERIT;
    END IF;
  EXCEPTION WHEN duplicate_object THEN NULL;
  END;
  GRANT govhub_datastore_reader TO CURRENT_USER;
  GRANT USAGE ON SCHEMA datastore TO govhub_datastore_reader;
  GRANT SELECT ON ALL TABLES IN SCHEMA datastore TO govhub_datastore_reader;
  REVOKE ALL ON datastore._govhub_tables FROM govhub_datastore_reader;
  ALTER DEFAULT PRIVILEGES IN SCHEMA datastore GRANT SELECT ON TABLES TO govhub_datastore_reader;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'govhub: no privilege to create the role govhub_datastore_reader';
END $$;
)sql"});
}

size_t MaxFields(db::Engine engine) {
    // SQLite's SQLITE_MAX_COLUMN is 2000; PostgreSQL's table limit is 1600 columns.
    return engine == db::Engine::kPostgres ? 1600 - 2 : 2000 - 1;
}

std::string ColumnName(db::Engine engine, const std::string& id, std::set<std::string>& taken) {
    std::string name = id;
    if (engine == db::Engine::kPostgres && name.size() > 63) {
        // The start of the id, cut on a character boundary, and a hash of the whole: stable for
        // the same header, distinct for headers that share a long start.
        size_t cut = 54;
        while (cut > 0 && (static_cast<unsigned char>(id[cut]) & 0xC0) == 0x80) --cut;
        name = id.substr(0, cut) + "_" + core::Sha256Hex(id).substr(0, 8);
    }
    std::string base = name;
    for (int n = 2; taken.count(name); ++n) {
        std::string suffix = "_" + std::to_string(n);
        name = engine == db::Engine::kPostgres && base.size() + suffix.size() > 63
                   ? base.substr(0, 63 - suffix.size()) + suffix
                   : base + suffix;
    }
    taken.insert(name);
    return name;
}

std::optional<TableInfo> FindTable(db::Connection& c, const std::string& resource_id) {
    auto r =
        c.One(std::string("SELECT ") + kMetaColumns + " FROM " + Meta(c) + " WHERE resource_id = ?",
              {resource_id});
    if (!r) return std::nullopt;
    return ToTable(*r);
}

std::vector<TableInfo> ListTables(db::Connection& c) {
    std::vector<TableInfo> out;
    for (const auto& r : c.Query(std::string("SELECT ") + kMetaColumns + " FROM " + Meta(c) +
                                 " ORDER BY resource_id"))
        out.push_back(ToTable(r));
    return out;
}

void SaveTable(db::Connection& c, const TableInfo& t) {
    std::string now = core::NowIso();
    Json pk = t.primary_key;
    c.Exec("INSERT INTO " + Meta(c) + " (" + kMetaColumns +
               ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (resource_id) DO UPDATE SET"
               " fields = excluded.fields, row_count = excluded.row_count,"
               " primary_key = excluded.primary_key, source = excluded.source,"
               " modified = excluded.modified",
           {t.resource_id, FieldsJson(t.fields).dump(), t.rows, pk.dump(), t.source,
            t.created.empty() ? now : t.created, now});
}

void ForgetTable(db::Connection& c, const std::string& resource_id) {
    c.Exec("DELETE FROM " + Meta(c) + " WHERE resource_id = ?", {resource_id});
}

void CreateTable(db::Connection& c, const std::string& table, const std::vector<Field>& fields,
                 const std::vector<std::string>& primary_key) {
    std::string cols = Pg(c) ? "\"_id\" bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
                             : "\"_id\" INTEGER PRIMARY KEY";
    for (const auto& f : fields) cols += ", " + Quote(f.column) + " " + SqlType(c.engine(), f.type);
    if (Pg(c)) cols += ", \"_full_text\" tsvector";
    c.Exec("CREATE TABLE " + Ref(c, table) + " (" + cols + ")");
    if (!primary_key.empty()) {
        std::string keys;
        for (const auto& k : primary_key)
            for (const auto& f : fields)
                if (f.id == k) keys += (keys.empty() ? "" : ", ") + Quote(f.column);
        c.Exec("CREATE UNIQUE INDEX " + Quote(table + "_pk") + " ON " + Ref(c, table) + " (" +
               keys + ")");
    }
    if (!Pg(c))
        c.Exec("CREATE VIRTUAL TABLE " + Quote(table + "__fts") +
               " USING fts5 (text, tokenize = 'govhub_th')");
}

void DropTable(db::Connection& c, const std::string& table) {
    c.Exec("DROP TABLE IF EXISTS " + Ref(c, table));
    if (!Pg(c)) c.Exec("DROP TABLE IF EXISTS " + Quote(table + "__fts"));
}

bool TableExists(db::Connection& c, const std::string& table) {
    if (Pg(c))
        return c
            .One("SELECT 1 FROM pg_tables WHERE schemaname = 'datastore' AND tablename = ?",
                 {table})
            .has_value();
    return c.One("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", {table})
        .has_value();
}

void ReplaceTable(db::Connection& c, const std::string& staging, const std::string& table) {
    DropTable(c, table);
    c.Exec("ALTER TABLE " + Ref(c, staging) + " RENAME TO " + Quote(table));
    // Indexes keep the staging table's names, unique per load, so the next load's never clash.
    if (!Pg(c))
        c.Exec("ALTER TABLE " + Quote(staging + "__fts") + " RENAME TO " + Quote(table + "__fts"));
}

void IndexColumns(db::Connection& c, const std::string& table, const std::string& index_prefix,
                  const std::vector<Field>& fields, const std::vector<bool>& indexable) {
    for (size_t i = 0; i < fields.size(); ++i) {
        if (i >= indexable.size() || !indexable[i] || fields[i].type == FieldType::kJson) continue;
        c.Exec("CREATE INDEX IF NOT EXISTS " + Quote(index_prefix + "_c" + std::to_string(i)) +
               " ON " + Ref(c, table) + " (" + Quote(fields[i].column) + ")");
    }
    if (Pg(c)) c.Exec("ANALYZE " + Ref(c, table));
}

void FinishLoad(db::Connection& c, const std::string& table) {
    if (Pg(c)) {
        c.Exec("CREATE INDEX " + Quote(table + "_ft") + " ON " + Ref(c, table) +
               " USING GIN (\"_full_text\")");
        c.Exec("ANALYZE " + Ref(c, table));
    }
}

int64_t InsertRows(db::Connection& c, const std::string& table, const std::vector<Field>& fields,
                   const NextRow& next) {
    std::vector<std::optional<std::string>> row;
    int64_t n = 0;
    if (Pg(c)) {
        std::string cols = "\"_id\"";
        for (const auto& f : fields) cols += ", " + Quote(f.column);
        cols += ", \"_full_text\"";
        bool done = false;
        c.CopyIn("COPY " + Ref(c, table) + " (" + cols + ") FROM STDIN (FORMAT csv)",
                 [&](std::string& out) {
                     while (!done && out.size() < (256 << 10)) {
                         row.assign(fields.size(), std::nullopt);
                         if (!next(row)) {
                             done = true;
                             break;
                         }
                         out += std::to_string(++n);
                         for (const auto& v : row) {
                             out += ',';
                             if (v) out += CsvQuote(*v);
                         }
                         out += ',';
                         out += CsvQuote(TsVectorOf(fields, row));
                         out += '\n';
                     }
                     return !out.empty() || !done;
                 });
        // The identity continues after the loaded rows.
        if (n > 0)
            c.Query("SELECT setval(pg_get_serial_sequence(?, '_id'), ?)",
                    {"datastore." + Quote(table), n});
        return n;
    }
    std::string cols = "\"_id\"", marks = "?";
    for (const auto& f : fields) {
        cols += ", " + Quote(f.column);
        marks += ", ?";
    }
    std::string insert = "INSERT INTO " + Ref(c, table) + " (" + cols + ") VALUES (" + marks + ")";
    std::string fts = "INSERT INTO " + Quote(table + "__fts") + " (rowid, text) VALUES (?, ?)";
    std::vector<db::Value> args;
    for (;;) {
        row.assign(fields.size(), std::nullopt);
        if (!next(row)) break;
        ++n;
        args.clear();
        args.emplace_back(n);
        for (size_t i = 0; i < fields.size(); ++i) args.push_back(Bind(c, fields[i].type, row[i]));
        c.Exec(insert, args);
        c.Exec(fts, {n, FullText(fields, row)});
    }
    return n;
}

namespace {

// Re-reads one row after a write and refreshes its full text.
void Reindex(db::Connection& c, const TableInfo& t, int64_t id) {
    std::vector<size_t> cols;
    for (size_t i = 0; i < t.fields.size(); ++i) cols.push_back(i);
    auto r = c.One("SELECT " + (cols.empty() ? std::string("\"_id\"") : Select(t, cols)) +
                       " FROM " + Ref(c, t.resource_id) + " WHERE \"_id\" = ?",
                   {id});
    if (!r) return;
    std::vector<std::optional<std::string>> row;
    if (!cols.empty()) row = RowOut(c, t, cols, *r);
    if (Pg(c)) {
        c.Exec("UPDATE " + Ref(c, t.resource_id) +
                   " SET \"_full_text\" = CAST(? AS tsvector) WHERE \"_id\" = ?",
               {TsVectorOf(t.fields, row), id});
    } else {
        c.Exec("DELETE FROM " + Quote(t.resource_id + "__fts") + " WHERE rowid = ?", {id});
        c.Exec("INSERT INTO " + Quote(t.resource_id + "__fts") + " (rowid, text) VALUES (?, ?)",
               {id, FullText(t.fields, row)});
    }
}

}  // namespace

int64_t WriteRecords(db::Connection& c, const TableInfo& t, const std::vector<Record>& records,
                     const std::string& method, const std::vector<size_t>& keys) {
    int64_t written = 0;
    for (const auto& rec : records) {
        std::vector<std::pair<size_t, std::optional<std::string>>> values = rec.values;
        if (rec.id) values.emplace_back(SIZE_MAX, std::to_string(*rec.id));
        auto value_of = [&](size_t field) -> const std::optional<std::string>* {
            for (const auto& [f, v] : values)
                if (f == field) return &v;
            return nullptr;
        };
        // The existing row, found by the key (update and upsert).
        std::optional<int64_t> existing;
        if (method != "insert") {
            std::string where;
            std::vector<db::Value> args;
            for (size_t k : keys) {
                const auto* v = value_of(k);
                where += (where.empty() ? "" : " AND ") + ColumnOf(t, k) + " = ?";
                args.push_back(v ? Bind(c, TypeOf(t, k), *v) : db::Value(nullptr));
            }
            if (auto r =
                    c.One("SELECT \"_id\" FROM " + Ref(c, t.resource_id) + " WHERE " + where, args))
                existing = r->Int(0);
        }
        int64_t id;
        if (existing) {
            std::string set;
            std::vector<db::Value> args;
            for (const auto& [f, v] : values) {
                if (f == SIZE_MAX) continue;
                set += (set.empty() ? "" : ", ") + ColumnOf(t, f) + " = ?";
                args.push_back(Bind(c, TypeOf(t, f), v));
            }
            id = *existing;
            if (!set.empty()) {
                args.emplace_back(id);
                c.Exec("UPDATE " + Ref(c, t.resource_id) + " SET " + set + " WHERE \"_id\" = ?",
                       args);
            }
        } else {
            if (method == "update") continue;  // the service reports unmatched records first
            std::string cols, marks;
            std::vector<db::Value> args;
            for (const auto& [f, v] : values) {
                cols += (cols.empty() ? "" : ", ") + ColumnOf(t, f);
                marks += marks.empty() ? "?" : ", ?";
                args.push_back(Bind(c, TypeOf(t, f), v));
            }
            std::string sql = cols.empty() ? "INSERT INTO " + Ref(c, t.resource_id) +
                                                 " DEFAULT VALUES RETURNING \"_id\""
                                           : "INSERT INTO " + Ref(c, t.resource_id) + " (" + cols +
                                                 ") VALUES (" + marks + ") RETURNING \"_id\"";
            id = c.One(sql, args)->Int(0);
        }
        Reindex(c, t, id);
        ++written;
    }
    return written;
}

int64_t DeleteRows(db::Connection& c, const TableInfo& t, const std::vector<Filter>& filters) {
    SearchQuery q;
    q.filters = filters;
    std::vector<db::Value> args;
    std::string where = Where(c, t, q, args);
    if (!Pg(c))
        c.Exec("DELETE FROM " + Quote(t.resource_id + "__fts") +
                   " WHERE rowid IN (SELECT \"_id\" FROM " + Ref(c, t.resource_id) + where + ")",
               args);
    return c.Exec("DELETE FROM " + Ref(c, t.resource_id) + where, args);
}

int64_t CountRows(db::Connection& c, const std::string& table) {
    return c.One("SELECT COUNT(*) FROM " + Ref(c, table))->Int(0);
}

SearchResult Search(db::Connection& c, const TableInfo& t, const SearchQuery& q) {
    SearchResult out;
    auto cols = Columns(t, q);
    std::vector<db::Value> args;
    std::string where = Where(c, t, q, args);
    std::string from = " FROM " + Ref(c, t.resource_id) + where;
    std::string select = std::string("SELECT ") + (q.distinct ? "DISTINCT " : "") + Select(t, cols);
    bool unfiltered =
        q.filters.empty() && q.terms.empty() && q.field_words.empty() && !q.after_id && !q.distinct;
    if (q.total && unfiltered) {
        out.total = t.rows;  // kept exact by every write
    } else if (q.total) {
        std::string count = q.distinct ? "SELECT COUNT(*) FROM (" + select + from + ") AS d"
                                       : "SELECT COUNT(*)" + from;
        out.total = c.One(count, args)->Int(0);
    }
    std::vector<db::Value> page = args;
    page.emplace_back(q.limit);
    page.emplace_back(q.offset);
    for (const auto& r : c.Query(select + from + OrderBy(t, q) + " LIMIT ? OFFSET ?", page))
        out.rows.push_back(RowOut(c, t, cols, r));
    return out;
}

std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>> Aggregate(
    db::Connection& c, const TableInfo& t, const AggregateQuery& q) {
    SearchQuery where_q;
    where_q.filters = q.filters;
    where_q.terms = q.terms;
    std::vector<db::Value> args;
    std::string where = Where(c, t, where_q, args);
    std::string x = ColumnOf(t, q.x);
    std::string sql;
    if (q.fn == "none") {
        std::string y = ColumnOf(t, q.y);
        sql = "SELECT " + x + ", " + y + " FROM " + Ref(c, t.resource_id) + where +
              (where.empty() ? " WHERE " : " AND ") + x + " IS NOT NULL AND " + y +
              " IS NOT NULL ORDER BY \"_id\" LIMIT ?";
    } else {
        std::string value = q.fn == "count" ? "COUNT(*)"
                            : q.fn == "sum" ? "SUM(" + ColumnOf(t, q.y) + ")"
                                            : "AVG(" + ColumnOf(t, q.y) + ")";
        sql = "SELECT " + x + ", " + value + " AS v FROM " + Ref(c, t.resource_id) + where +
              " GROUP BY " + x + (q.by_value_desc ? " ORDER BY v DESC, 1" : " ORDER BY 1") +
              " LIMIT ?";
    }
    args.emplace_back(q.limit);
    std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>> out;
    for (const auto& r : c.Query(sql, args))
        out.emplace_back(Unbind(c, TypeOf(t, q.x), r.OptStr(0)), r.OptStr(1));
    return out;
}

}  // namespace govhub::datastore::store

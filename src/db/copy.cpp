#include "db/copy.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

namespace govhub::db {

namespace {

std::string Quote(const std::string& ident) {
    return "\"" + ident + "\"";
}

// table -> the tables it references
std::map<std::string, std::set<std::string>> Dependencies(Connection& c) {
    std::map<std::string, std::set<std::string>> deps;
    if (c.engine() == Engine::kSqlite) {
        for (const auto& t :
             c.Query("SELECT name FROM sqlite_master WHERE type = 'table'"
                     " AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'")) {
            auto& d = deps[t.Str(0)];
            for (const auto& fk :
                 c.Query("SELECT \"table\" FROM pragma_foreign_key_list(?)", {t.Str(0)}))
                if (fk.Str(0) != t.Str(0)) d.insert(fk.Str(0));
        }
    } else {
        for (const auto& t :
             c.Query("SELECT table_name FROM information_schema.tables WHERE table_schema ="
                     " current_schema() AND table_type = 'BASE TABLE'"
                     " AND table_name <> 'schema_migrations'"))
            deps[t.Str(0)];
        for (const auto& fk : c.Query(
                 "SELECT tc.table_name, ccu.table_name FROM information_schema.table_constraints tc"
                 " JOIN information_schema.constraint_column_usage ccu"
                 "   ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = "
                 "tc.table_schema"
                 " WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = "
                 "current_schema()")) {
            if (fk.Str(0) != fk.Str(1)) deps[fk.Str(0)].insert(fk.Str(1));
        }
    }
    return deps;
}

// CSV field for COPY: NULL is an unquoted empty field, text is always quoted.
void AppendCsvField(std::string& out, const std::optional<std::string>& v) {
    if (!v) return;
    out += '"';
    for (char ch : *v) {
        if (ch == '"') out += '"';
        out += ch;
    }
    out += '"';
}

}  // namespace

std::vector<std::string> TablesInDependencyOrder(Connection& c) {
    auto deps = Dependencies(c);
    std::vector<std::string> order;
    std::set<std::string> done;
    // Repeatedly take the tables whose parents are all placed (alphabetical within a round).
    while (done.size() < deps.size()) {
        std::vector<std::string> ready;
        for (const auto& [t, d] : deps) {
            if (done.count(t)) continue;
            if (std::all_of(d.begin(), d.end(),
                            [&](const std::string& p) { return done.count(p) || !deps.count(p); }))
                ready.push_back(t);
        }
        if (ready.empty())
            throw std::runtime_error("foreign keys form a cycle; cannot order tables");
        for (auto& t : ready) {
            done.insert(t);
            order.push_back(t);
        }
    }
    return order;
}

std::vector<std::string> TableColumns(Connection& c, const std::string& table) {
    std::vector<std::string> cols;
    if (c.engine() == Engine::kSqlite) {
        for (const auto& r : c.Query("SELECT name FROM pragma_table_info(?) ORDER BY cid", {table}))
            cols.push_back(r.Str(0));
    } else {
        for (const auto& r :
             c.Query("SELECT column_name FROM information_schema.columns WHERE table_schema ="
                     " current_schema() AND table_name = ? ORDER BY ordinal_position",
                     {table}))
            cols.push_back(r.Str(0));
    }
    return cols;
}

std::vector<TableCopy> CopyDatabase(Database& from, Database& to,
                                    const std::vector<std::string>& derived_prefixes,
                                    const std::function<void(const TableCopy&)>& progress,
                                    const std::vector<std::string>& seeded) {
    std::vector<TableCopy> report;
    to.Write([&](Connection& dst) {
        std::vector<std::string> tables;
        for (auto& t : TablesInDependencyOrder(dst)) {
            bool derived = std::any_of(derived_prefixes.begin(), derived_prefixes.end(),
                                       [&](const std::string& p) { return t.rfind(p, 0) == 0; });
            if (!derived) tables.push_back(t);
        }
        for (const auto& t : tables) {
            if (std::find(seeded.begin(), seeded.end(), t) != seeded.end()) {
                dst.Exec("DELETE FROM " + Quote(t));
                continue;
            }
            if (dst.One("SELECT 1 FROM " + Quote(t) + " LIMIT 1"))
                throw std::runtime_error("the target database is not empty (table " + t +
                                         " has rows); copy into a freshly created database");
        }
        for (const auto& table : tables) {
            std::vector<std::string> target_cols = TableColumns(dst, table);
            std::vector<std::string> source_cols;
            from.Read([&](Connection& src) { source_cols = TableColumns(src, table); });
            if (source_cols.empty()) continue;  // a table only the newer schema has
            std::vector<std::string> cols;
            for (const auto& col : target_cols)
                if (std::find(source_cols.begin(), source_cols.end(), col) != source_cols.end())
                    cols.push_back(col);
            std::string list;
            for (const auto& col : cols) list += (list.empty() ? "" : ", ") + Quote(col);
            TableCopy tc{table, 0};
            const int64_t kPage = 5000;
            // Pages in primary-key order (the first column of every govhub table is its key).
            auto page = [&](int64_t offset) {
                Rows rows;
                from.Read([&](Connection& src) {
                    rows = src.Query(
                        "SELECT " + list + " FROM " + Quote(table) + " ORDER BY 1 LIMIT ? OFFSET ?",
                        {kPage, offset});
                });
                return rows;
            };
            if (dst.engine() == Engine::kPostgres) {
                int64_t offset = 0;
                bool more = true;
                dst.CopyIn("COPY " + Quote(table) + " (" + list + ") FROM STDIN (FORMAT csv)",
                           [&](std::string& chunk) {
                               Rows rows = page(offset);
                               for (const auto& r : rows) {
                                   for (size_t i = 0; i < r.size(); ++i) {
                                       if (i) chunk += ',';
                                       AppendCsvField(chunk, r.OptStr(i));
                                   }
                                   chunk += '\n';
                               }
                               offset += static_cast<int64_t>(rows.size());
                               tc.rows += static_cast<int64_t>(rows.size());
                               more = static_cast<int64_t>(rows.size()) == kPage;
                               return more;
                           });
            } else {
                std::string marks;
                for (size_t i = 0; i < cols.size(); ++i) marks += i ? ", ?" : "?";
                std::string insert =
                    "INSERT INTO " + Quote(table) + " (" + list + ") VALUES (" + marks + ")";
                for (int64_t offset = 0;; offset += kPage) {
                    Rows rows = page(offset);
                    for (const auto& r : rows) {
                        std::vector<Value> params;
                        for (size_t i = 0; i < r.size(); ++i) params.push_back(V(r.OptStr(i)));
                        dst.Exec(insert, params);
                    }
                    tc.rows += static_cast<int64_t>(rows.size());
                    if (static_cast<int64_t>(rows.size()) < kPage) break;
                }
            }
            if (dst.engine() == Engine::kPostgres) {
                // Identity columns continue after the copied ids.
                for (const auto& r :
                     dst.Query("SELECT column_name FROM information_schema.columns WHERE"
                               " table_schema = current_schema() AND table_name = ? AND"
                               " is_identity = 'YES'",
                               {table})) {
                    dst.One("SELECT setval(pg_get_serial_sequence(?, ?), COALESCE((SELECT MAX(" +
                                Quote(r.Str(0)) + ") FROM " + Quote(table) + "), 0) + 1, false)",
                            {table, r.Str(0)});
                }
            }
            int64_t copied = dst.One("SELECT COUNT(*) FROM " + Quote(table))->Int(0);
            if (copied != tc.rows)
                throw std::runtime_error("table " + table + ": copied " + std::to_string(copied) +
                                         " of " + std::to_string(tc.rows) + " rows");
            report.push_back(tc);
            if (progress) progress(tc);
        }
    });
    return report;
}

}  // namespace govhub::db

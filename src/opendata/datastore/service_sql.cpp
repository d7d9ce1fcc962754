// datastore_search_sql: the statement checked (its length, the tables it names) and run in
// the database's sandbox over the tables the caller may read.
#include "opendata/datastore/service.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"
#include "opendata/datastore/service_internal.hpp"
#include "opendata/datastore/store.hpp"

namespace govhub::datastore {

using internal::In;
using internal::Invalid;
using internal::JsonValue;
using internal::kMaxLimit;

std::string SearchSqlStatement(const Json& params) {
    std::string sql = core::Trim(In(params).String("sql"));
    while (!sql.empty() &&
           (sql.back() == ';' || std::isspace(static_cast<unsigned char>(sql.back()))))
        sql.pop_back();
    if (sql.empty()) throw Invalid("sql", "Missing value");
    if (sql.size() > db::kSandboxMaxSqlBytes)
        throw Invalid("sql",
                      "is longer than " + std::to_string(db::kSandboxMaxSqlBytes / 1024) + " KB");
    if (sql.find('\0') != std::string::npos) throw Invalid("sql", "holds a NUL character");
    return sql;
}

std::vector<std::string> SqlTableIds(std::string_view sql) {
    std::vector<std::string> out;
    auto add = [&](std::string id) {
        if (id.size() >= 36 && core::IsUuid(std::string_view(id).substr(0, 36)) &&
            std::find(out.begin(), out.end(), id) == out.end())
            out.push_back(std::move(id));
    };
    size_t i = 0;
    while (i < sql.size()) {
        char c = sql[i];
        if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {  // -- to the end of the line
            size_t end = sql.find('\n', i);
            i = end == std::string_view::npos ? sql.size() : end + 1;
        } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
            size_t end = sql.find("*/", i + 2);
            i = end == std::string_view::npos ? sql.size() : end + 2;
        } else if (c == '\'' || c == '"' || c == '`' || c == '[') {
            // A quoted string or identifier; a doubled quote stands for itself ([...] has none).
            char close = c == '[' ? ']' : c;
            std::string text;
            size_t j = i + 1;
            for (; j < sql.size(); ++j) {
                if (sql[j] != close) {
                    text += sql[j];
                } else if (close != ']' && j + 1 < sql.size() && sql[j + 1] == close) {
                    text += close;
                    ++j;
                } else {
                    break;
                }
            }
            if (c != '\'') add(std::move(text));
            i = j + 1;
        } else {
            ++i;
        }
    }
    return out;
}

void CheckSqlTableIds(std::string_view sql,
                      const std::function<bool(const std::string&)>& readable) {
    for (const auto& id : SqlTableIds(sql))
        if (!readable(core::ToLower(id.substr(0, 36))))
            throw HttpError::Validation({{"query", "no such table: " + id}},
                                        "datastore.sql_refused");
}

Json DatastoreService::SearchSql(const accounts::Principal* p, const Json& params) {
    std::string sql = SearchSqlStatement(params);
    // Each table the statement reads: a loaded table of a resource the caller may read.
    std::map<std::string, bool> decided;
    auto readable = [&](const std::string& table) {
        if (auto it = decided.find(table); it != decided.end()) return it->second;
        bool ok = false;
        if (core::IsUuid(table)) {
            try {
                catalog_.ResourceAccess(p, table);
                ok = db_.Read(
                    [&](db::Connection& c) { return store::FindTable(c, table).has_value(); });
            } catch (const HttpError&) {
            }
        }
        decided[table] = ok;
        return ok;
    };
    // First by name: a table the caller may not read answers as one that does not exist,
    // whatever else is wrong with the statement (the database would name the missing table, or
    // another fault, in an order that told the two apart).
    CheckSqlTableIds(sql, readable);
    db::SandboxPolicy policy;
    policy.timeout_ms = config_.sql_timeout_ms;
    policy.max_rows = kMaxLimit;
    policy.pg_schema = "datastore";
    policy.pg_role = "govhub_datastore_reader";
    policy.may_read = [&](const std::string& schema, const std::string& table) {
        if (db_.engine() == db::Engine::kPostgres && schema != "datastore") return false;
        return readable(table);
    };
    db::SandboxResult r;
    try {
        r = db_.QuerySandboxed(sql, policy);
    } catch (const db::SandboxError& e) {
        throw HttpError::Validation({{"query", e.what()}}, "datastore.sql_refused");
    }
    // The index column PostgreSQL's tables carry (SELECT * would show it) is not data.
    Json fields = Json::array();
    std::vector<FieldType> types;
    std::vector<bool> shown;
    for (size_t i = 0; i < r.columns.size(); ++i) {
        shown.push_back(r.columns[i] != "_full_text");
        if (shown.back()) fields.push_back({{"id", r.columns[i]}, {"type", r.types[i]}});
        types.push_back(ParseTypeName(r.types[i]).value_or(FieldType::kText));
    }
    Json records = Json::array();
    for (const auto& row : r.rows) {
        Json obj = Json::object();
        for (size_t i = 0; i < row.size(); ++i)
            if (shown[i]) obj[r.columns[i]] = JsonValue(types[i], row.OptStr(i));
        records.push_back(std::move(obj));
    }
    Json out = {{"sql", sql}, {"fields", fields}, {"records", records}};
    if (r.truncated) out["records_truncated"] = true;
    return out;
}

}  // namespace govhub::datastore

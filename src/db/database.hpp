#pragma once
// The storage interface every module's store.cpp talks to, designed for both engines
// (DESIGN.md §4): SQLite (embedded default) and PostgreSQL (server engine).
//
// SQL is written once with `?` placeholders; engines that number parameters ($1..) rewrite
// them. Values cross the boundary as text or integers; rows come back as text, which both
// engines produce for every column type the platform uses.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace govhub::db {

enum class Engine { kSqlite, kPostgres };

using Value = std::variant<std::nullptr_t, int64_t, double, std::string>;

// Helpers so call sites can pass bool/int/const char*/optional.
inline Value V(std::nullptr_t) {
    return nullptr;
}
inline Value V(bool b) {
    return int64_t{b ? 1 : 0};
}
inline Value V(int i) {
    return int64_t{i};
}
inline Value V(int64_t i) {
    return i;
}
inline Value V(double d) {
    return d;
}
inline Value V(const char* s) {
    return std::string(s);
}
inline Value V(std::string s) {
    return s;
}
inline Value V(std::string_view s) {
    return std::string(s);
}
inline Value V(const std::optional<std::string>& s) {
    return s ? Value(*s) : Value(nullptr);
}

class Row {
  public:
    Row() = default;
    explicit Row(std::vector<std::optional<std::string>> cells) : cells_(std::move(cells)) {}
    size_t size() const { return cells_.size(); }
    bool IsNull(size_t i) const { return !cells_.at(i).has_value(); }
    // Empty string for NULL.
    const std::string& Str(size_t i) const;
    std::optional<std::string> OptStr(size_t i) const { return cells_.at(i); }
    int64_t Int(size_t i) const;  // 0 for NULL
    double Double(size_t i) const;
    bool Bool(size_t i) const;  // 1/t/true

  private:
    std::vector<std::optional<std::string>> cells_;
};

using Rows = std::vector<Row>;

// Error kinds services react to; the message never reaches a user.
class Error : public std::runtime_error {
  public:
    enum class Kind {
        kUniqueViolation,
        kForeignKey,
        kCheck,
        kBusy,
        kReadOnly,
        kConnection,
        kOther
    };
    Error(Kind kind, const std::string& message, std::string constraint = {})
        : std::runtime_error(message), kind_(kind), constraint_(std::move(constraint)) {}
    Kind kind() const { return kind_; }
    // The violated constraint or column when the engine tells it.
    const std::string& constraint() const { return constraint_; }

  private:
    Kind kind_;
    std::string constraint_;
};

class Connection {
  public:
    virtual ~Connection() = default;
    virtual Engine engine() const = 0;
    // Runs one statement (prepared and cached per connection) and returns every row.
    virtual Rows Query(std::string_view sql, const std::vector<Value>& params = {}) = 0;
    // The first column of every row as integers (NULL as 0), without building rows: for
    // statements that return many ids.
    virtual std::vector<int64_t> QueryInts(std::string_view sql,
                                           const std::vector<Value>& params = {}) = 0;
    // Runs one statement; returns the number of rows changed.
    virtual int64_t Exec(std::string_view sql, const std::vector<Value>& params = {}) = 0;
    // Runs several statements without parameters (migrations).
    virtual void ExecScript(std::string_view sql) = 0;
    // Bulk transfer with PostgreSQL's COPY (`COPY t (a, b) FROM STDIN (FORMAT csv)` /
    // `COPY (...) TO STDOUT ...`). The producer appends the next piece and returns false after
    // the last; a producer that throws aborts the COPY (nothing of it is kept) and its exception
    // reaches the caller. SQLite has no COPY: it throws Error.
    virtual void CopyIn(std::string_view copy_sql,
                        const std::function<bool(std::string&)>& producer);
    virtual void CopyOut(std::string_view copy_sql,
                         const std::function<void(std::string_view)>& consumer);

    std::optional<Row> One(std::string_view sql, const std::vector<Value>& params = {}) {
        Rows rows = Query(sql, params);
        if (rows.empty()) return std::nullopt;
        return std::move(rows.front());
    }
};

// Untrusted SQL (the datastore's datastore_search_sql) in a sandbox: one read-only statement,
// every table it reads allowed by `may_read`, a time limit and a row limit. SQLite enforces it
// with an authorizer on a read-only connection of its own; PostgreSQL with a read-only
// transaction under a role without privileges, after checking the relations of the query plan.
struct SandboxPolicy {
    // Asked for each table the statement reads (schema is "" on SQLite).
    std::function<bool(const std::string& schema, const std::string& table)> may_read;
    int timeout_ms = 10000;
    int64_t max_rows = 32000;
    // The result's cell bytes: past it the result is cut (truncated), like past max_rows.
    int64_t max_bytes = 32 << 20;
    // SQLite: the longest string or blob a statement may build (SQLITE_LIMIT_LENGTH), and
    // the memory of the process that runs it.
    int64_t max_value_bytes = 16 << 20;
    int64_t max_memory_bytes = 256 << 20;
    std::string pg_schema;  // PostgreSQL: the schema the statement's names resolve in
    std::string pg_role;    // PostgreSQL: the role it runs as
};
// The longest statement QuerySandboxed accepts.
inline constexpr size_t kSandboxMaxSqlBytes = 10 * 1024;
struct SandboxResult {
    std::vector<std::string> columns;
    std::vector<std::string>
        types;  // per column: "int", "numeric", "bool", "date", "timestamp", "text"
    Rows rows;
    bool truncated = false;  // more than max_rows rows
};
// A refused or failed sandboxed statement; the message is safe to show to the caller.
struct SandboxError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Database {
  public:
    virtual ~Database() = default;
    virtual Engine engine() const = 0;
    virtual std::string Describe() const = 0;  // engine and location, without secrets

    // Runs `f` on a read connection. Inside a write transaction on the same thread it uses
    // that transaction's connection, so it sees the uncommitted writes.
    virtual void WithRead(const std::function<void(Connection&)>& f) = 0;
    // Runs `f` in a write transaction: committed when `f` returns, rolled back when it throws.
    // Nested calls on one thread join the outer transaction.
    virtual void WithWrite(const std::function<void(Connection&)>& f) = 0;
    // See SandboxPolicy. Throws SandboxError.
    virtual SandboxResult QuerySandboxed(const std::string& sql, const SandboxPolicy& policy) = 0;

    template <typename F>
    auto Read(F&& f) -> std::invoke_result_t<F, Connection&> {
        return Run(&Database::WithRead, std::forward<F>(f));
    }
    template <typename F>
    auto Write(F&& f) -> std::invoke_result_t<F, Connection&> {
        return Run(&Database::WithWrite, std::forward<F>(f));
    }

  private:
    template <typename F>
    auto Run(void (Database::*with)(const std::function<void(Connection&)>&), F&& f)
        -> std::invoke_result_t<F, Connection&> {
        using R = std::invoke_result_t<F, Connection&>;
        if constexpr (std::is_void_v<R>) {
            (this->*with)([&](Connection& c) { f(c); });
        } else {
            std::optional<R> out;
            (this->*with)([&](Connection& c) { out.emplace(f(c)); });
            return std::move(*out);
        }
    }
};

struct OpenOptions {
    int read_connections = 4;
    // PostgreSQL: prepare each statement once per connection. Off for a database whose tables
    // are replaced under the same names (the datastore): a prepared plan of a replaced table
    // fails with "cached plan must not change result type".
    bool prepare_statements = true;
};

// "sqlite:PATH" (PATH relative to the working directory) or "postgresql://...".
std::unique_ptr<Database> Open(const std::string& url, const OpenOptions& options = {});

// A LIKE pattern matching `text` literally anywhere (`%`, `_` and `\` escaped), for
// `LIKE ? ESCAPE '\'` on both engines.
std::string LikeContaining(std::string_view text);

// Rewrites `?` placeholders to $1, $2 ... outside quotes and comments (PostgreSQL).
std::string NumberPlaceholders(std::string_view sql);

}  // namespace govhub::db

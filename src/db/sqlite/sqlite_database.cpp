#include "db/sqlite/sqlite_database.hpp"

#include <sqlite3.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <set>
#include <unordered_map>

namespace govhub::db {

namespace {
std::vector<SqliteDatabase::ConnectionHook>& Hooks() {
    static std::vector<SqliteDatabase::ConnectionHook> hooks;
    return hooks;
}

Error MakeError(sqlite3* db, int rc, std::string_view sql) {
    std::string msg = sqlite3_errmsg(db);
    int primary = rc & 0xff;
    Error::Kind kind = Error::Kind::kOther;
    std::string constraint;
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        kind = Error::Kind::kUniqueViolation;
        // "UNIQUE constraint failed: users.name"
        auto colon = msg.find(": ");
        if (colon != std::string::npos) constraint = msg.substr(colon + 2);
    } else if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
        kind = Error::Kind::kForeignKey;
    } else if (rc == SQLITE_CONSTRAINT_CHECK) {
        kind = Error::Kind::kCheck;
    } else if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
        kind = Error::Kind::kBusy;
    } else if (primary == SQLITE_READONLY) {
        kind = Error::Kind::kReadOnly;
    }
    return Error(kind, "sqlite: " + msg + " [" + std::string(sql.substr(0, 120)) + "]", constraint);
}
}  // namespace

class SqliteConnection : public Connection {
  public:
    SqliteConnection(const std::string& path, bool read_only) {
        int flags = SQLITE_OPEN_NOMUTEX |
                    (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
        if (rc != SQLITE_OK) {
            std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
            sqlite3_close(db_);
            throw Error(Error::Kind::kConnection, "cannot open " + path + ": " + msg);
        }
        sqlite3_extended_result_codes(db_, 1);
        sqlite3_busy_timeout(db_, 5000);
        if (!read_only) {
            ExecScript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
        }
        ExecScript("PRAGMA foreign_keys=ON;");
        for (auto& hook : Hooks()) hook(db_);
    }
    ~SqliteConnection() override {
        for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
        sqlite3_exec(db_, "PRAGMA optimize;", nullptr, nullptr, nullptr);
        sqlite3_close_v2(db_);
    }

    Engine engine() const override { return Engine::kSqlite; }

    Rows Query(std::string_view sql, const std::vector<Value>& params) override {
        sqlite3_stmt* stmt = Prepare(sql, params);
        Rows rows;
        int rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            int n = sqlite3_column_count(stmt);
            std::vector<std::optional<std::string>> cells;
            cells.reserve(static_cast<size_t>(n));
            for (int i = 0; i < n; ++i) {
                if (sqlite3_column_type(stmt, i) == SQLITE_NULL) {
                    cells.emplace_back(std::nullopt);
                } else {
                    auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
                    cells.emplace_back(
                        std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt, i))));
                }
            }
            rows.emplace_back(std::move(cells));
        }
        Finish(stmt, rc, sql);
        return rows;
    }

    std::vector<int64_t> QueryInts(std::string_view sql,
                                   const std::vector<Value>& params) override {
        sqlite3_stmt* stmt = Prepare(sql, params);
        std::vector<int64_t> out;
        int rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
            out.push_back(sqlite3_column_int64(stmt, 0));
        Finish(stmt, rc, sql);
        return out;
    }

    int64_t Exec(std::string_view sql, const std::vector<Value>& params) override {
        sqlite3_stmt* stmt = Prepare(sql, params);
        int rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        }
        Finish(stmt, rc, sql);
        return sqlite3_changes64(db_);
    }

    void ExecScript(std::string_view sql) override {
        char* err = nullptr;
        std::string s(sql);
        int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
        if (rc != SQLITE_OK) {
            std::string msg = err ? err : "unknown error";
            sqlite3_free(err);
            auto e = MakeError(db_, sqlite3_extended_errcode(db_), sql);
            throw Error(e.kind(), "sqlite: " + msg, e.constraint());
        }
    }

    sqlite3* handle() { return db_; }

  private:
    sqlite3_stmt* Prepare(std::string_view sql, const std::vector<Value>& params) {
        std::string key(sql);
        auto it = cache_.find(key);
        // Statements built from data (IN lists of any length) must not grow the cache forever;
        // none is in use between calls, so all can go.
        if (it == cache_.end() && cache_.size() >= 512) {
            for (auto& [text, cached] : cache_) sqlite3_finalize(cached);
            cache_.clear();
        }
        sqlite3_stmt* stmt;
        if (it == cache_.end()) {
            int rc = sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()),
                                        SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
            if (rc != SQLITE_OK) throw MakeError(db_, rc, sql);
            cache_.emplace(std::move(key), stmt);
        } else {
            stmt = it->second;
            sqlite3_reset(stmt);
            sqlite3_clear_bindings(stmt);
        }
        if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt))
            throw Error(Error::Kind::kOther,
                        "parameter count mismatch [" + std::string(sql.substr(0, 120)) + "]");
        for (size_t i = 0; i < params.size(); ++i) {
            int idx = static_cast<int>(i + 1);
            const Value& v = params[i];
            int rc = SQLITE_OK;
            if (std::holds_alternative<std::nullptr_t>(v)) {
                rc = sqlite3_bind_null(stmt, idx);
            } else if (auto* n = std::get_if<int64_t>(&v)) {
                rc = sqlite3_bind_int64(stmt, idx, *n);
            } else if (auto* d = std::get_if<double>(&v)) {
                rc = sqlite3_bind_double(stmt, idx, *d);
            } else {
                const auto& s = std::get<std::string>(v);
                rc = sqlite3_bind_text64(stmt, idx, s.data(), s.size(), SQLITE_TRANSIENT,
                                         SQLITE_UTF8);
            }
            if (rc != SQLITE_OK) throw MakeError(db_, rc, sql);
        }
        return stmt;
    }

    void Finish(sqlite3_stmt* stmt, int rc, std::string_view sql) {
        if (rc != SQLITE_DONE) {
            Error e = MakeError(db_, sqlite3_extended_errcode(db_), sql);
            sqlite3_reset(stmt);
            throw e;
        }
        sqlite3_reset(stmt);
    }

    sqlite3* db_ = nullptr;
    std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

namespace {
// The write transaction of this thread, so nested Write/Read calls join it.
thread_local SqliteConnection* t_write_conn = nullptr;
thread_local const SqliteDatabase* t_write_db = nullptr;
}  // namespace

void SqliteDatabase::AddConnectionHook(ConnectionHook hook) {
    Hooks().push_back(std::move(hook));
}

SqliteDatabase::SqliteDatabase(std::string path, const OpenOptions& options)
    : path_(std::move(path)), max_readers_(std::max(1, options.read_connections)) {
    auto parent = std::filesystem::path(path_).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    writer_ = OpenConnection(false);
}

SqliteDatabase::~SqliteDatabase() {
    idle_readers_.clear();
    writer_.reset();
}

std::unique_ptr<SqliteConnection> SqliteDatabase::OpenConnection(bool read_only) {
    return std::make_unique<SqliteConnection>(path_, read_only);
}

void SqliteDatabase::WithRead(const std::function<void(Connection&)>& f) {
    if (t_write_conn && t_write_db == this) return f(*t_write_conn);
    std::unique_ptr<SqliteConnection> conn;
    {
        std::unique_lock lock(pool_mutex_);
        pool_cv_.wait(lock, [&] { return !idle_readers_.empty() || readers_open_ < max_readers_; });
        if (!idle_readers_.empty()) {
            conn = std::move(idle_readers_.back());
            idle_readers_.pop_back();
        } else {
            ++readers_open_;
        }
    }
    if (!conn) {
        try {
            conn = OpenConnection(true);
        } catch (...) {
            std::lock_guard lock(pool_mutex_);
            --readers_open_;
            pool_cv_.notify_one();
            throw;
        }
    }
    struct Return {
        SqliteDatabase* db;
        std::unique_ptr<SqliteConnection>& c;
        ~Return() {
            std::lock_guard lock(db->pool_mutex_);
            db->idle_readers_.push_back(std::move(c));
            db->pool_cv_.notify_one();
        }
    } give_back{this, conn};
    // A read connection keeps no transaction open between statements (autocommit).
    f(*conn);
}

void SqliteDatabase::WithWrite(const std::function<void(Connection&)>& f) {
    if (t_write_conn && t_write_db == this) return f(*t_write_conn);
    std::lock_guard lock(write_mutex_);
    writer_->ExecScript("BEGIN IMMEDIATE");
    t_write_conn = writer_.get();
    t_write_db = this;
    try {
        f(*writer_);
        t_write_conn = nullptr;
        t_write_db = nullptr;
        writer_->ExecScript("COMMIT");
    } catch (...) {
        t_write_conn = nullptr;
        t_write_db = nullptr;
        try {
            writer_->ExecScript("ROLLBACK");
        } catch (...) {
        }
        throw;
    }
}

namespace {

// Functions a sandboxed statement may call: SQLite's own scalar, date and aggregate functions.
// Everything else (load_extension, fts5 internals, anything an extension added) is refused.
const std::set<std::string>& AllowedFunctions() {
    static const std::set<std::string> kAllowed = {"abs",
                                                   "avg",
                                                   "char",
                                                   "coalesce",
                                                   "count",
                                                   "date",
                                                   "datetime",
                                                   "format",
                                                   "glob",
                                                   "group_concat",
                                                   "hex",
                                                   "iif",
                                                   "ifnull",
                                                   "instr",
                                                   "julianday",
                                                   "length",
                                                   "like",
                                                   "lower",
                                                   "ltrim",
                                                   "max",
                                                   "min",
                                                   "nullif",
                                                   "printf",
                                                   "quote",
                                                   "random",
                                                   "replace",
                                                   "round",
                                                   "rtrim",
                                                   "sign",
                                                   "string_agg",
                                                   "strftime",
                                                   "substr",
                                                   "substring",
                                                   "sum",
                                                   "time",
                                                   "total",
                                                   "trim",
                                                   "typeof",
                                                   "unicode",
                                                   "unixepoch",
                                                   "upper",
                                                   "zeroblob",
                                                   "cast",
                                                   "concat",
                                                   "concat_ws",
                                                   "row_number",
                                                   "rank",
                                                   "dense_rank",
                                                   "percent_rank",
                                                   "cume_dist",
                                                   "ntile",
                                                   "lag",
                                                   "lead",
                                                   "first_value",
                                                   "last_value",
                                                   "nth_value",
                                                   "likely",
                                                   "unlikely",
                                                   "json",
                                                   "json_extract",
                                                   "json_array_length",
                                                   "json_type",
                                                   "json_valid",
                                                   "ceil",
                                                   "ceiling",
                                                   "floor",
                                                   "ln",
                                                   "log",
                                                   "log10",
                                                   "mod",
                                                   "pi",
                                                   "pow",
                                                   "power",
                                                   "sqrt",
                                                   "exp"};
    return kAllowed;
}

struct Sandbox {
    const SandboxPolicy* policy;
    std::set<std::string> tables;  // the database's tables and views (other names are CTEs)
    std::string denied;            // why the authorizer refused, for the error
    std::chrono::steady_clock::time_point deadline;
    bool timed_out = false;
};

int Authorize(void* user, int action, const char* a, const char* b, const char*, const char*) {
    auto* s = static_cast<Sandbox*>(user);
    switch (action) {
        case SQLITE_SELECT:
        case SQLITE_RECURSIVE:
            return SQLITE_OK;
        case SQLITE_READ: {
            std::string table = a ? a : "";
            // A name that is no table of the database is a common table expression's.
            if (!s->tables.count(table)) return SQLITE_OK;
            if (s->policy->may_read && s->policy->may_read("", table)) return SQLITE_OK;
            if (s->denied.empty()) s->denied = "the table \"" + table + "\" is not readable";
            return SQLITE_DENY;
        }
        case SQLITE_FUNCTION: {
            std::string fn = b ? b : "";
            for (auto& ch : fn)
                ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            if (AllowedFunctions().count(fn)) return SQLITE_OK;
            if (s->denied.empty()) s->denied = "the function " + fn + "() is not allowed";
            return SQLITE_DENY;
        }
        default:
            if (s->denied.empty()) s->denied = "only SELECT statements are allowed";
            return SQLITE_DENY;
    }
}

int Progress(void* user) {
    auto* s = static_cast<Sandbox*>(user);
    if (std::chrono::steady_clock::now() > s->deadline) {
        s->timed_out = true;
        return 1;
    }
    return 0;
}

}  // namespace

SandboxResult SqliteDatabase::QuerySandboxed(const std::string& sql, const SandboxPolicy& policy) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) !=
        SQLITE_OK) {
        sqlite3_close(db);
        throw SandboxError("the datastore cannot be opened");
    }
    struct Closer {
        sqlite3* db;
        ~Closer() { sqlite3_close_v2(db); }
    } closer{db};
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 64 << 20);
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
    Sandbox box{&policy,
                {},
                "",
                std::chrono::steady_clock::now() + std::chrono::milliseconds(policy.timeout_ms)};
    {
        sqlite3_stmt* names = nullptr;
        sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view')", -1,
                           &names, nullptr);
        while (names && sqlite3_step(names) == SQLITE_ROW)
            box.tables.insert(reinterpret_cast<const char*>(sqlite3_column_text(names, 0)));
        sqlite3_finalize(names);
        box.tables.insert(
            {"sqlite_master", "sqlite_schema", "sqlite_temp_master", "sqlite_sequence"});
    }
    sqlite3_set_authorizer(db, Authorize, &box);
    sqlite3_progress_handler(db, 1000, Progress, &box);
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &stmt, &tail);
    if (rc != SQLITE_OK || !stmt) {
        std::string why = !box.denied.empty() ? box.denied : sqlite3_errmsg(db);
        sqlite3_finalize(stmt);
        throw SandboxError(stmt || rc != SQLITE_OK ? why : "the statement is empty");
    }
    struct Finalizer {
        sqlite3_stmt* s;
        ~Finalizer() { sqlite3_finalize(s); }
    } finalizer{stmt};
    for (const char* p = tail; p && *p; ++p)
        if (!std::isspace(static_cast<unsigned char>(*p)) && *p != ';')
            throw SandboxError("only one statement is allowed");
    if (!sqlite3_stmt_readonly(stmt)) throw SandboxError("only SELECT statements are allowed");
    SandboxResult out;
    int cols = sqlite3_column_count(stmt);
    for (int i = 0; i < cols; ++i) out.columns.emplace_back(sqlite3_column_name(stmt, i));
    out.types.assign(static_cast<size_t>(cols), "");
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        // A column's type is that of its first value (SQLite types values, not columns).
        for (int i = 0; i < cols; ++i) {
            auto& t = out.types[static_cast<size_t>(i)];
            if (!t.empty()) continue;
            int ct = sqlite3_column_type(stmt, i);
            if (ct == SQLITE_INTEGER)
                t = "int";
            else if (ct == SQLITE_FLOAT)
                t = "numeric";
            else if (ct != SQLITE_NULL)
                t = "text";
        }
        if (static_cast<int64_t>(out.rows.size()) >= policy.max_rows) {
            out.truncated = true;
            break;
        }
        std::vector<std::optional<std::string>> cells;
        cells.reserve(static_cast<size_t>(cols));
        for (int i = 0; i < cols; ++i) {
            if (sqlite3_column_type(stmt, i) == SQLITE_NULL) {
                cells.emplace_back(std::nullopt);
            } else {
                const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
                cells.emplace_back(
                    std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt, i))));
            }
        }
        out.rows.emplace_back(std::move(cells));
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        if (box.timed_out)
            throw SandboxError("the query ran longer than " +
                               std::to_string(policy.timeout_ms / 1000) + " s and was stopped");
        throw SandboxError(!box.denied.empty() ? box.denied : sqlite3_errmsg(db));
    }
    for (auto& t : out.types)
        if (t.empty()) t = "text";
    return out;
}

}  // namespace govhub::db

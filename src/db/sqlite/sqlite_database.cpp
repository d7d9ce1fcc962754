#include "db/sqlite/sqlite_database.hpp"

#include "db/sqlite/sandbox.hpp"

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

SandboxResult SqliteDatabase::QuerySandboxed(const std::string& sql, const SandboxPolicy& policy) {
    return RunSqliteSandbox(path_, sql, policy);
}

}  // namespace govhub::db

#include "db/sqlite/backup.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <random>
#include <stdexcept>
#include <thread>

namespace govhub::db {

namespace fs = std::filesystem;

namespace {

// A raw connection of its own: the backup API needs the handle, and the site's pools are not
// in this process anyway.
class Handle {
  public:
    Handle(const std::string& path, int flags) {
        int rc = sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
        if (rc != SQLITE_OK) {
            std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
            sqlite3_close(db_);
            db_ = nullptr;
            throw Error(Error::Kind::kConnection, "sqlite: cannot open " + path + ": " + msg);
        }
        sqlite3_extended_result_codes(db_, 1);
    }
    ~Handle() {
        if (db_) sqlite3_close_v2(db_);
    }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;

    sqlite3* get() { return db_; }
    // Runs statements; returns the result code (SQLITE_BUSY is the caller's to handle).
    int TryExec(const std::string& sql) {
        return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
    }
    void Exec(const std::string& sql) {
        int rc = TryExec(sql);
        if (rc != SQLITE_OK) Throw(rc, sql);
    }
    std::vector<std::vector<std::string>> Query(const std::string& sql) {
        sqlite3_stmt* stmt = nullptr;
        int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr);
        if (rc != SQLITE_OK) Throw(rc, sql);
        std::vector<std::vector<std::string>> rows;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            std::vector<std::string> row;
            for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
                auto* t = sqlite3_column_text(stmt, i);
                row.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
            }
            rows.push_back(std::move(row));
        }
        sqlite3_finalize(stmt);
        if (rc != SQLITE_DONE) Throw(rc, sql);
        return rows;
    }
    [[noreturn]] void Throw(int rc, const std::string& what) {
        int primary = rc & 0xff;
        auto kind = primary == SQLITE_BUSY || primary == SQLITE_LOCKED ? Error::Kind::kBusy
                                                                       : Error::Kind::kOther;
        throw Error(kind, std::string("sqlite: ") + sqlite3_errmsg(db_) + " [" + what + "]");
    }

  private:
    sqlite3* db_ = nullptr;
};

class SqliteSnapshot : public Snapshot {
  public:
    explicit SqliteSnapshot(const std::vector<std::string>& paths) {
        for (const auto& p : paths) {
            if (!fs::exists(p)) throw std::runtime_error("no SQLite database at " + p);
            paths_.push_back(p);
            // Read-only, like the site's own readers: WAL lets them read while it writes.
            readers_.push_back(std::make_unique<Handle>(p, SQLITE_OPEN_READONLY));
        }
        Hold();
        consistency =
            paths.size() > 1
                ? "one instant: the databases' read snapshots began while the backup held "
                  "every database's write lock"
                : "one read snapshot of the database";
    }

    void Write(size_t i, const std::string& path) override {
        Handle dest(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        sqlite3_backup* b = sqlite3_backup_init(dest.get(), "main", readers_.at(i)->get(), "main");
        if (!b) dest.Throw(sqlite3_extended_errcode(dest.get()), "backup of " + paths_[i]);
        int rc;
        // The source's read transaction is already open, so every step reads the same
        // snapshot and the copy never restarts for the site's writes.
        while ((rc = sqlite3_backup_step(b, 1024)) == SQLITE_OK || rc == SQLITE_BUSY ||
               rc == SQLITE_LOCKED)
            if (rc != SQLITE_OK) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        int finish = sqlite3_backup_finish(b);
        if (rc != SQLITE_DONE || finish != SQLITE_OK)
            dest.Throw(rc != SQLITE_DONE ? rc : finish, "backup of " + paths_[i]);
        // A single file: the copy would otherwise say WAL and need its -wal beside it.
        dest.Exec("PRAGMA journal_mode=DELETE");
        auto check = dest.Query("PRAGMA quick_check");
        if (check.empty() || check[0].empty() || check[0][0] != "ok")
            throw std::runtime_error("the backup of " + paths_[i] +
                                     " fails quick_check: " + (check.empty() ? "" : check[0][0]));
    }

    std::map<std::string, int> SchemaVersions(size_t i) override {
        std::map<std::string, int> out;
        auto& r = *readers_.at(i);
        if (r.Query("SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations'").empty())
            return out;
        for (const auto& row :
             r.Query("SELECT module, MAX(version) FROM schema_migrations GROUP BY module"))
            out[row[0]] = std::stoi(row[1]);
        return out;
    }

  private:
    // Takes every database's write lock (waiting out the site's current write transactions),
    // starts the read snapshots, and lets go: the locks last as long as the reads take to
    // begin. The last database (the datastore's, whose loads write longest) is locked first
    // and waited for longest, while nothing else is held; the others are waited for briefly,
    // and when one stays busy everything is let go and tried again a moment later.
    void Hold() {
        std::mt19937 rng(std::random_device{}());
        for (int attempt = 1;; ++attempt) {
            std::vector<std::unique_ptr<Handle>> locks;
            bool busy = false;
            for (size_t k = 0; k < paths_.size() && !busy; ++k) {
                size_t i = paths_.size() - 1 - k;
                locks.push_back(std::make_unique<Handle>(paths_[i], SQLITE_OPEN_READWRITE));
                sqlite3_busy_timeout(locks.back()->get(), k == 0 ? 120000 : 500);
                int rc = locks.back()->TryExec("BEGIN IMMEDIATE");
                if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
                    busy = true;
                else if (rc != SQLITE_OK)
                    locks.back()->Throw(rc, "BEGIN IMMEDIATE on " + paths_[i]);
            }
            if (busy) {
                for (auto& l : locks) l->TryExec("ROLLBACK");
                if (attempt == 20)
                    throw Error(Error::Kind::kBusy,
                                "sqlite: the databases stayed busy; no consistent point found");
                std::this_thread::sleep_for(
                    std::chrono::milliseconds(std::uniform_int_distribution<int>(20, 200)(rng)));
                continue;
            }
            // A deferred transaction's snapshot begins with its first read.
            for (auto& r : readers_) {
                r->Exec("BEGIN");
                r->Query("SELECT COUNT(*) FROM sqlite_master");
            }
            point = std::chrono::system_clock::now();
            for (auto& l : locks) l->Exec("ROLLBACK");
            return;
        }
    }

    std::vector<std::string> paths_;
    std::vector<std::unique_ptr<Handle>> readers_;
};

}  // namespace

std::unique_ptr<Snapshot> TakeSqliteSnapshot(const std::vector<std::string>& paths) {
    return std::make_unique<SqliteSnapshot>(paths);
}

std::string SqliteWhatIsIn(const std::string& path) {
    if (!fs::exists(path)) return "";
    if (fs::is_regular_file(path) && fs::file_size(path) == 0) return "";
    Handle h(path, SQLITE_OPEN_READONLY);
    auto rows = h.Query("SELECT type, name FROM sqlite_master LIMIT 1");
    return rows.empty() ? "" : rows[0][0] + " " + rows[0][1];
}

void SqliteRestore(const std::string& path, const std::string& file) {
    if (!SqliteWhatIsIn(path).empty() || fs::exists(path + "-wal"))
        throw std::runtime_error("the SQLite database " + path + " is not empty");
    auto parent = fs::path(path).parent_path();
    if (!parent.empty()) fs::create_directories(parent);
    // Through the backup API again (not a byte copy), so the file is written and synced the
    // way SQLite writes, and a file that is not a database fails here.
    std::string partial = path + ".restoring";
    fs::remove(partial);
    {
        Handle src(file, SQLITE_OPEN_READONLY);
        Handle dest(partial, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        sqlite3_backup* b = sqlite3_backup_init(dest.get(), "main", src.get(), "main");
        if (!b) dest.Throw(sqlite3_extended_errcode(dest.get()), "restore of " + file);
        int rc = sqlite3_backup_step(b, -1);
        int finish = sqlite3_backup_finish(b);
        if (rc != SQLITE_DONE || finish != SQLITE_OK)
            dest.Throw(rc != SQLITE_DONE ? rc : finish, "restore of " + file);
        auto check = dest.Query("PRAGMA quick_check");
        if (check.empty() || check[0].empty() || check[0][0] != "ok")
            throw std::runtime_error(file + " fails quick_check");
    }
    fs::rename(partial, path);
}

}  // namespace govhub::db

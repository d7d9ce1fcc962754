#pragma once
// SQLite engine (DESIGN.md §4): WAL, synchronous=NORMAL, one writer connection serialized by
// a mutex with BEGIN IMMEDIATE, a pool of read-only connections, statements prepared once per
// connection.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "db/database.hpp"

struct sqlite3;

namespace govhub::db {

class SqliteConnection;

class SqliteDatabase : public Database {
  public:
    SqliteDatabase(std::string path, const OpenOptions& options);
    ~SqliteDatabase() override;

    Engine engine() const override { return Engine::kSqlite; }
    std::string Describe() const override { return "sqlite:" + path_; }
    void WithRead(const std::function<void(Connection&)>& f) override;
    void WithWrite(const std::function<void(Connection&)>& f) override;
    SandboxResult QuerySandboxed(const std::string& sql, const SandboxPolicy& policy) override;

    // Lets extensions (the FTS5 Thai tokenizer) register on every connection as it opens.
    using ConnectionHook = std::function<void(sqlite3*)>;
    static void AddConnectionHook(ConnectionHook hook);

  private:
    std::unique_ptr<SqliteConnection> OpenConnection(bool read_only);

    std::string path_;
    std::mutex write_mutex_;
    std::unique_ptr<SqliteConnection> writer_;

    std::mutex pool_mutex_;
    std::condition_variable pool_cv_;
    std::vector<std::unique_ptr<SqliteConnection>> idle_readers_;
    int readers_open_ = 0;
    int max_readers_;
};

}  // namespace govhub::db

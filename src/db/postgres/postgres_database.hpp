#pragma once
// PostgreSQL engine (DESIGN.md §3–§4): a thin RAII layer over libpq with a connection pool,
// statements prepared once per connection, text parameters typed by the server, transactions,
// COPY in and out, and errors mapped from SQLSTATE.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace govhub::db {

class PgConnection;

class PostgresDatabase : public Database {
  public:
    PostgresDatabase(std::string url, const OpenOptions& options);
    ~PostgresDatabase() override;

    Engine engine() const override { return Engine::kPostgres; }
    std::string Describe() const override;
    void WithRead(const std::function<void(Connection&)>& f) override;
    void WithWrite(const std::function<void(Connection&)>& f) override;
    SandboxResult QuerySandboxed(const std::string& sql, const SandboxPolicy& policy) override;

  private:
    std::unique_ptr<PgConnection> Acquire();
    void Release(std::unique_ptr<PgConnection> conn);

    std::string url_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<std::unique_ptr<PgConnection>> idle_;
    int open_ = 0;
    int max_connections_;
    bool prepare_ = true;
};

// "postgresql://user:secret@host/db" -> "postgresql://user@host/db" for logs and messages.
std::string RedactUrl(const std::string& url);

}  // namespace govhub::db

#pragma once
// Versioned schema migrations, per module. One definition serves both engines; `sqlite` and
// `postgres` carry the per-engine variants where the engines differ (FTS5 vs tsvector, types).
#include <string>
#include <vector>

#include "db/database.hpp"

namespace govhub::db {

// In `sql`, the token {auto_id} stands for an auto-incrementing integer primary key
// (INTEGER PRIMARY KEY AUTOINCREMENT on SQLite, BIGINT GENERATED ... IDENTITY on PostgreSQL),
// so tables that differ only there need no per-engine copy.
inline constexpr const char* kAutoIdToken = "{auto_id}";

struct Migration {
    std::string module;  // "accounts", "audit", ...
    int version = 0;     // increasing within the module
    std::string name;
    std::string sql;       // runs on both engines
    std::string sqlite;    // runs on SQLite only, after `sql`
    std::string postgres;  // runs on PostgreSQL only, after `sql`
};

// Every module adds its migrations here at start-up (see app/app.cpp).
class MigrationSet {
  public:
    void Add(Migration m) { migrations_.push_back(std::move(m)); }
    const std::vector<Migration>& all() const { return migrations_; }

  private:
    std::vector<Migration> migrations_;
};

struct MigrationReport {
    std::vector<std::string> applied;  // "module:version name"
};

// `sql` with the engine's spelling of the portable tokens.
std::string ForEngine(const std::string& sql, Engine engine);

// Applies every migration not yet recorded in `schema_migrations`, each in its own
// transaction, in (module order of registration, version) order.
MigrationReport ApplyMigrations(Database& db, const MigrationSet& set);

}  // namespace govhub::db

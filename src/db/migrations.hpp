#pragma once
// Versioned schema migrations, per module. One definition serves both engines; `sqlite` and
// `postgres` carry the per-engine variants where the engines differ (FTS5 vs tsvector, types).
#include <string>
#include <vector>

#include "db/database.hpp"

namespace govhub::db {

struct Migration {
    std::string module;  // "accounts", "audit", ...
    int version = 0;     // increasing within the module
    std::string name;
    std::string sql;       // runs on both engines
    std::string sqlite;    // runs on SQLite only, after `sql`
    std::string postgres;  // runs on PostgreSQL only, after `sql`
};

// Every module adds its migrations here at start-up (see app/modules.cpp).
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

// Applies every migration not yet recorded in `schema_migrations`, each in its own
// transaction, in (module order of registration, version) order.
MigrationReport ApplyMigrations(Database& db, const MigrationSet& set);

}  // namespace govhub::db

#pragma once
// One point in time of a site's databases, written out while the site serves, and read back
// into empty databases (`govhub admin backup` / `restore`, app/backup.hpp). Nothing here names
// a table: whatever the migrations created is in the snapshot, so a later migration needs no
// change here.
//
// SQLite: each database is held by a read transaction of its own connection (WAL: writers go
// on), and the online backup API (sqlite3_backup_*) copies the pages of that snapshot into a
// new file. The read transactions of all the databases start while the backup holds every
// database's write lock for a moment (BEGIN IMMEDIATE), so together they are one instant.
// PostgreSQL: a REPEATABLE READ transaction per database exports its snapshot
// (pg_export_snapshot) and `pg_dump --snapshot` dumps exactly that. Snapshots cannot span
// databases: two databases are two snapshots taken one after the other (milliseconds apart);
// one database holding both (the default: schema "datastore") is one snapshot.
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace govhub::db {

// The file of a "sqlite:PATH" URL; nullopt for another engine.
std::optional<std::string> SqlitePath(const std::string& url);
// The engine a URL selects (throws for an unknown scheme, like Open).
Engine EngineOf(const std::string& url);
const char* EngineName(Engine engine);  // "sqlite" / "postgresql"

class Snapshot {
  public:
    virtual ~Snapshot() = default;
    // Writes database `i` (in the order given to TakeSnapshot) as of the snapshot to `path`:
    // a self-contained SQLite database file (rollback journal, checked with quick_check), or a
    // pg_dump archive (custom format).
    virtual void Write(size_t i, const std::string& path) = 0;
    // The applied migrations of database `i` at the snapshot: module -> highest version.
    virtual std::map<std::string, int> SchemaVersions(size_t i) = 0;
    // A wall-clock time at or after the snapshot: whatever committed before it is in the
    // snapshot, so a file that reached its place before a row referring to it was committed
    // is older than this.
    std::chrono::system_clock::time_point point;
    // How the databases relate in time, in words for the manifest.
    std::string consistency;
};

// Holds every database of `urls` (one engine; no two the same) at one point until destroyed.
std::unique_ptr<Snapshot> TakeSnapshot(const std::vector<std::string>& urls);

// Empty when the database of `url` holds nothing (a SQLite file that does not exist or has no
// tables; a PostgreSQL database without tables or schemas of its own); otherwise a few words on
// what it holds ("table users").
std::string WhatIsIn(const std::string& url);

// Loads a file that Snapshot::Write made into the empty database of `url` (same engine):
// SQLite: the file is copied into place; PostgreSQL: pg_restore in one transaction, objects
// owned by the connecting role.
void RestoreDatabase(const std::string& url, const std::string& path);

}  // namespace govhub::db

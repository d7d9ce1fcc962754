#pragma once
// PostgreSQL side of db/backup.hpp: exported snapshots, pg_dump and pg_restore.
#include <memory>
#include <string>
#include <vector>

#include "db/backup.hpp"

namespace govhub::db {

std::unique_ptr<Snapshot> TakePostgresSnapshot(const std::vector<std::string>& urls);
std::string PostgresWhatIsIn(const std::string& url);
void PostgresRestore(const std::string& url, const std::string& file);

}  // namespace govhub::db

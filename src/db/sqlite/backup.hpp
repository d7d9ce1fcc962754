#pragma once
// SQLite side of db/backup.hpp.
#include <memory>
#include <string>
#include <vector>

#include "db/backup.hpp"

namespace govhub::db {

std::unique_ptr<Snapshot> TakeSqliteSnapshot(const std::vector<std::string>& paths);
std::string SqliteWhatIsIn(const std::string& path);
void SqliteRestore(const std::string& path, const std::string& file);

}  // namespace govhub::db

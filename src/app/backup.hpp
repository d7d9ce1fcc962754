#pragma once
// `govhub admin backup`, `restore` and `verify-backup`: a whole site (main database, datastore
// database, the files of the data directory) from one point in time, taken while it serves,
// and put back into a new data directory and empty databases on the same engine.
//
// A backup is a directory `govhub-backup-<UTC time>` holding
//   manifest.json        engine, govhub version, schema versions, the snapshot time and how
//                        consistent it is, and every file with its size and SHA-256
//   SHA256SUMS           the same checksums and manifest.json's, for `sha256sum -c`
//   databases/main.db    SQLite: a database file made with the online backup API
//   databases/main.dump  PostgreSQL: a pg_dump archive (custom format)
//   databases/datastore.* the datastore's database, when it is a database of its own
//   files/...            every file of the data directory but tmp/ and run/ (uploads in flight,
//                        process leases), .backup/ (this command's lock and staging) and the
//                        SQLite files
// It is written as `<name>.partial` and renamed when complete, so a directory without the
// suffix is a whole backup.
//
// Files are never rewritten in place (uploads and attachments get new names; only purges
// remove them), and a file reaches its place before the row that refers to it is committed.
// So the backup first hard-links every file into .backup/staging (a file the site deletes
// afterwards stays readable), then takes the database snapshot, then links the files that
// arrived meanwhile, leaving out those that arrived after the snapshot (their ctime is later):
// every file a restored row refers to is there, and files of uploads that finished after the
// snapshot are not.
#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

#include "app/config.hpp"

namespace govhub::app {

// Backs up the site `site` describes into a new directory under `into` (created if missing);
// returns the backup's path. Reads only: the site keeps serving and writing meanwhile.
std::string BackupSite(const Config& site, const std::string& into, std::ostream& out);

// Checks every file of the backup against SHA256SUMS and manifest.json, and that nothing is
// missing or added; returns the manifest. Throws with what is wrong.
nlohmann::json VerifyBackup(const std::string& backup);

// Restores the backup into `target`'s data directory (absent or empty) and databases (empty),
// which must use the backup's engine. Verifies the whole backup before writing anything.
void RestoreSite(const std::string& backup, const Config& target, std::ostream& out);

}  // namespace govhub::app

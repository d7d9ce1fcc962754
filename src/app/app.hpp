#pragma once
// Module wiring: one object owns the database, mailer, templates and services, and builds the
// router and server. Subcommands (main.cpp) use it.
#include <memory>
#include <string>

#include "app/config.hpp"

namespace govhub::db {
class Database;
}
namespace govhub::accounts {
class AccountService;
class IdentityService;
}  // namespace govhub::accounts

namespace govhub::app {

class App {
  public:
    explicit App(Config config);
    ~App();

    const Config& config() const { return config_; }
    db::Database& database();
    accounts::AccountService& accounts();
    // Verified identities (Learning's sign-up): the lead's learning pages use it.
    accounts::IdentityService& identities();
    // `govhub admin vault-rotate`: adds a key version and queues the re-seal job (a serving node
    // runs it); returns the new version. Throws for keys from GOVHUB_VAULT_KEYS.
    int RotateVault();
    // `govhub admin vault-reseal`: queues the re-seal job (after a rotation made in
    // GOVHUB_VAULT_KEYS).
    void QueueReseal();

    // `govhub workd zone --out FILE`: the zone fragment of every live workD subdomain, written
    // atomically; returns how many domains it holds.
    int WriteWorkdZone(const std::string& path);

    // Applies pending migrations; returns how many ran.
    int Migrate(bool verbose);
    // Copies every table from `from_url` into this app's (empty) database, migrating both
    // first. Prints a line per table.
    void CopyFrom(const std::string& from_url);
    // bench/search.sh: generated datasets; prints the indexing rate.
    void SeedBench(int64_t datasets);
    // Adds the demo content of every module (idempotent).
    void SeedDemo();
    // Serves until SIGTERM/SIGINT. Creates `admin` on an empty site and prints its password.
    int Serve();
    // Prints the route table `serve` builds, as JSON: [{method, pattern, csrf, ...}].
    void PrintRoutes();

  private:
    struct Parts;
    Config config_;
    std::unique_ptr<Parts> parts_;
};

}  // namespace govhub::app

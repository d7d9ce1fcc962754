#pragma once
// The one shape of a module (docs/architecture.md, "The module contract"): what app wires for
// every module, in the order of its list. It lives in api, the lowest module that sees all three
// things a module adds to: migrations (db), routes (http) and CKAN actions (api). The job runner
// is in jobs, above api: it is named here by a declaration only (no include), and the modules
// below jobs (accounts) leave RegisterJobs alone.
#include <string>

#include "api/action.hpp"
#include "db/migrations.hpp"
#include "http/router.hpp"

namespace govhub::jobs {
class JobRunner;
}

namespace govhub::api {

class Module {
  public:
    virtual ~Module() = default;
    // A short name for logs and docs ("accounts", "opendata.catalog").
    virtual std::string name() const = 0;
    // Its tables: added to the set applied at start-up and by `govhub migrate`.
    virtual void AddMigrations(db::MigrationSet&) {}
    // Its job kinds, registered with this process's runner (`serve` only).
    virtual void RegisterJobs(jobs::JobRunner&) {}
    // Its pages and HTTP routes, and its CKAN actions.
    virtual void RegisterRoutes(http::Router&, ActionRegistry&) {}
};

}  // namespace govhub::api

#include "opendata/datastore/module.hpp"

#include "opendata/datastore/api.hpp"
#include "opendata/datastore/pages.hpp"
#include "opendata/datastore/store.hpp"

namespace govhub::datastore {

namespace {
class DatastoreModule final : public api::Module {
  public:
    DatastoreModule(DatastoreService& ds, const render::PageRenderer& pages,
                    db::MigrationSet& own_migrations)
        : ds_(ds), pages_(pages), own_migrations_(own_migrations) {}
    std::string name() const override { return "opendata.datastore"; }
    void AddMigrations(db::MigrationSet&) override { store::AddMigrations(own_migrations_); }
    void RegisterJobs(jobs::JobRunner& runner) override { datastore::RegisterJobs(runner, ds_); }
    void RegisterRoutes(http::Router& router, api::ActionRegistry& actions) override {
        RegisterApi(router, actions, ds_);
        RegisterPages(router, ds_, pages_);
    }

  private:
    DatastoreService& ds_;
    const render::PageRenderer& pages_;
    db::MigrationSet& own_migrations_;
};
}  // namespace

std::unique_ptr<api::Module> MakeModule(DatastoreService& ds, const render::PageRenderer& pages,
                                        db::MigrationSet& own_migrations) {
    return std::make_unique<DatastoreModule>(ds, pages, own_migrations);
}

}  // namespace govhub::datastore

#include "workd/module.hpp"

#include "workd/store.hpp"

namespace govhub::workd {

namespace {
class WorkdModule final : public api::Module {
  public:
    WorkdModule(WorkdService& service, const render::PageRenderer& pages)
        : service_(service), pages_(pages) {}
    std::string name() const override { return "workd"; }
    void AddMigrations(db::MigrationSet& set) override { store::AddMigrations(set); }
    void RegisterJobs(jobs::JobRunner&) override {}
    void RegisterRoutes(http::Router&, api::ActionRegistry&) override {}

  private:
    WorkdService& service_;
    const render::PageRenderer& pages_;
};
}  // namespace

std::unique_ptr<api::Module> MakeModule(WorkdService& service, const render::PageRenderer& pages) {
    return std::make_unique<WorkdModule>(service, pages);
}

}  // namespace govhub::workd

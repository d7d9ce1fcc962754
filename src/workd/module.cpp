#include "workd/module.hpp"

#include "workd/check_job.hpp"
#include "workd/domains.hpp"
#include "workd/routes_domains.hpp"
#include "workd/store.hpp"

namespace govhub::workd {

namespace {
class WorkdModule final : public api::Module {
  public:
    WorkdModule(WorkdService& service, const render::PageRenderer& pages)
        : service_(service), pages_(pages) {}
    std::string name() const override { return "workd"; }
    void AddMigrations(db::MigrationSet& set) override { store::AddMigrations(set); }
    void RegisterJobs(jobs::JobRunner& runner) override {
        if (!service_.jobs()) return;
        RegisterDnsCheckJob(runner, *service_.jobs(), service_.domains());
        ScheduleDnsChecks(*service_.jobs());
    }
    void RegisterRoutes(http::Router& router, api::ActionRegistry&) override {
        RegisterDomainRoutes(router, service_.domains(), pages_);
    }

  private:
    WorkdService& service_;
    const render::PageRenderer& pages_;
};
}  // namespace

std::unique_ptr<api::Module> MakeModule(WorkdService& service, const render::PageRenderer& pages) {
    return std::make_unique<WorkdModule>(service, pages);
}

}  // namespace govhub::workd

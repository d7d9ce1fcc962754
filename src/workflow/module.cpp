#include "workflow/module.hpp"

#include "workflow/purge_job.hpp"
#include "workflow/routes.hpp"
#include "workflow/store.hpp"

namespace govhub::workflow {

namespace {
class WorkflowModule final : public api::Module {
  public:
    WorkflowModule(WorkflowService& service, jobs::JobService& jobs,
                   const render::PageRenderer& pages)
        : service_(service), jobs_(jobs), pages_(pages) {}
    std::string name() const override { return "workflow"; }
    void AddMigrations(db::MigrationSet& set) override { store::AddMigrations(set); }
    void RegisterJobs(jobs::JobRunner& runner) override {
        RegisterPurgeJob(runner, jobs_, service_);
        RegisterReminderJob(runner, jobs_, service_);
    }
    void RegisterRoutes(http::Router& router, api::ActionRegistry&) override {
        workflow::RegisterRoutes(router, service_, pages_);
    }

  private:
    WorkflowService& service_;
    jobs::JobService& jobs_;
    const render::PageRenderer& pages_;
};
}  // namespace

std::unique_ptr<api::Module> MakeModule(WorkflowService& service, jobs::JobService& jobs,
                                        const render::PageRenderer& pages) {
    return std::make_unique<WorkflowModule>(service, jobs, pages);
}

}  // namespace govhub::workflow

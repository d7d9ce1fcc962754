#include "workflow/module.hpp"

#include "workflow/purge_job.hpp"
#include "workflow/routes.hpp"
#include "workflow/store.hpp"
#include "workflow/vault_job.hpp"

namespace govhub::workflow {

namespace {
class WorkflowModule final : public api::Module {
  public:
    WorkflowModule(WorkflowService& service, jobs::JobService& jobs,
                   const render::PageRenderer& pages, core::Vault* vault,
                   accounts::IdentityService* identities)
        : service_(service), jobs_(jobs), pages_(pages), vault_(vault), identities_(identities) {}
    std::string name() const override { return "workflow"; }
    void AddMigrations(db::MigrationSet& set) override { store::AddMigrations(set); }
    void RegisterJobs(jobs::JobRunner& runner) override {
        RegisterPurgeJob(runner, jobs_, service_);
        RegisterReminderJob(runner, jobs_, service_);
        if (vault_ && identities_)
            RegisterResealJob(runner, jobs_, *vault_, *identities_, service_);
    }
    void RegisterRoutes(http::Router& router, api::ActionRegistry&) override {
        workflow::RegisterRoutes(router, service_, pages_);
    }

  private:
    WorkflowService& service_;
    jobs::JobService& jobs_;
    const render::PageRenderer& pages_;
    core::Vault* vault_;
    accounts::IdentityService* identities_;
};
}  // namespace

std::unique_ptr<api::Module> MakeModule(WorkflowService& service, jobs::JobService& jobs,
                                        const render::PageRenderer& pages, core::Vault* vault,
                                        accounts::IdentityService* identities) {
    return std::make_unique<WorkflowModule>(service, jobs, pages, vault, identities);
}

}  // namespace govhub::workflow

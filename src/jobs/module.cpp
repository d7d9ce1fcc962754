#include "jobs/module.hpp"

#include "jobs/routes.hpp"
#include "jobs/store.hpp"
#include "jobs/test_jobs.hpp"

namespace govhub::jobs {

namespace {
class JobsModule final : public api::Module {
  public:
    JobsModule(JobService& service, const render::PageRenderer& pages, ModuleConfig config)
        : service_(service), pages_(pages), config_(std::move(config)) {}
    std::string name() const override { return "jobs"; }
    void AddMigrations(db::MigrationSet& set) override { store::AddMigrations(set); }
    void RegisterJobs(JobRunner& runner) override {
        if (config_.enable_test_jobs) RegisterTestJobs(runner, config_.data_dir);
    }
    void RegisterRoutes(http::Router& router, api::ActionRegistry& actions) override {
        jobs::RegisterRoutes(router, actions, service_, pages_);
    }

  private:
    JobService& service_;
    const render::PageRenderer& pages_;
    ModuleConfig config_;
};
}  // namespace

std::unique_ptr<api::Module> MakeModule(JobService& service, const render::PageRenderer& pages,
                                        ModuleConfig config) {
    return std::make_unique<JobsModule>(service, pages, std::move(config));
}

}  // namespace govhub::jobs

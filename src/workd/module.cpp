#include "workd/module.hpp"

#include <nlohmann/json.hpp>

#include "jobs/runner.hpp"
#include "workd/agency_routes.hpp"
#include "workd/check_job.hpp"
#include "workd/domains.hpp"
#include "workd/form_routes.hpp"
#include "workd/review_routes.hpp"
#include "workd/routes_domains.hpp"
#include "workd/store.hpp"

namespace govhub::workd {

namespace {
class WorkdModule final : public api::Module {
  public:
    WorkdModule(WorkdService& service, const render::PageRenderer& pages)
        : service_(service),
          pages_(pages),
          desk_(service.db(), service.workflow(), service.addresses(), service.config().zone) {}
    std::string name() const override { return "workd"; }
    void AddMigrations(db::MigrationSet& set) override { store::AddMigrations(set); }
    void RegisterJobs(jobs::JobRunner& runner) override {
        // The hand-over of an approved service, queued in the step that made it ready.
        runner.Register(kOpenHandoverJob, [this](jobs::JobContext& ctx) {
            auto payload = nlohmann::json::parse(ctx.payload(), nullptr, false);
            std::string id = payload.is_object() && payload.contains("request_id") &&
                                     payload["request_id"].is_string()
                                 ? payload["request_id"].get<std::string>()
                                 : "";
            auto handover = service_.CreateHandover(id);
            return nlohmann::json{{"handover", handover ? handover->reference : ""}}.dump();
        });
        if (!service_.jobs()) return;
        RegisterDnsCheckJob(runner, *service_.jobs(), service_.domains());
        ScheduleDnsChecks(*service_.jobs());
    }
    void RegisterRoutes(http::Router& router, api::ActionRegistry&) override {
        // The request form (step 1): pages, JSON API and the printed form.
        RegisterFormPages(router, desk_, pages_);
        RegisterChangePages(router, service_, pages_);
        RegisterRequestApi(router, desk_, service_.i18n());
        RegisterPrintedForm(router, desk_, service_.workflow(), pages_, service_.config().site_url,
                            service_.config().tmp_dir, service_.config().zone);
        RegisterDomainRoutes(router, service_.domains(), pages_);
        RegisterReviewApi(router, service_);
        RegisterStaffPages(router, service_, pages_);
        // /workd: the service's home and the agency view.
        RegisterAgencyPages(router, service_, pages_);
    }

  private:
    WorkdService& service_;
    const render::PageRenderer& pages_;
    RequestDesk desk_;
};
}  // namespace

std::unique_ptr<api::Module> MakeModule(WorkdService& service, const render::PageRenderer& pages) {
    return std::make_unique<WorkdModule>(service, pages);
}

}  // namespace govhub::workd

#include "learning/module.hpp"

#include <filesystem>

#include "jobs/runner.hpp"
#include "learning/bulk_enrol.hpp"
#include "learning/certificates.hpp"
#include "learning/reports.hpp"
#include "learning/store.hpp"

namespace govhub::learning {

namespace {
class LearningModule final : public api::Module {
  public:
    LearningModule(LearningService& service, SignupService& signup,
                   accounts::IdentityService& identities, const render::PageRenderer& pages,
                   PageSettings settings)
        : service_(service),
          signup_(signup),
          identities_(identities),
          quiz_(service),
          reports_(service),
          pages_(pages),
          settings_(std::move(settings)) {}
    std::string name() const override { return "learning"; }
    void AddMigrations(db::MigrationSet& set) override { store::AddMigrations(set); }
    void RegisterJobs(jobs::JobRunner& runner) override {
        if (settings_.bulk) RegisterBulkEnrolJob(runner, *settings_.bulk);
        if (settings_.certificates)
            runner.Register(kRenderCertificateJob,
                            [c = settings_.certificates](jobs::JobContext& ctx) {
                                return c->RunRenderJob(ctx.payload());
                            });
    }
    void RegisterRoutes(http::Router& router, api::ActionRegistry&) override {
        RegisterPages(router, service_, quiz_, pages_, settings_);
        RegisterQuizRoutes(router, quiz_, service_, pages_, settings_);
        RegisterApi(router, service_);
        RegisterHistoryRoutes(router, service_, pages_);
        RegisterSignupRoutes(router, signup_, service_, identities_, pages_, settings_);
        if (settings_.scorm) RegisterScormApi(router, *settings_.scorm);
        // <data dir>/learning/tmp, beside the media folder.
        RegisterReportRoutes(
            router, reports_, pages_, settings_,
            (std::filesystem::path(service_.config().media_dir).parent_path() / "tmp").string());
        RegisterProfileRoutes(router, service_, reports_, pages_, settings_);
        if (settings_.branding) {
            RegisterDesignRoutes(router, *settings_.branding, pages_, settings_);
            RegisterVerifyRoutes(router, *settings_.branding, pages_, settings_);
        }
        if (settings_.bulk) RegisterBulkRoutes(router, *settings_.bulk, pages_, settings_);
        if (settings_.certificates) {
            RegisterCertificateRoutes(router, *settings_.certificates, pages_, settings_);
            RegisterCertificateApi(router, *settings_.certificates);
        }
    }

  private:
    LearningService& service_;
    SignupService& signup_;
    accounts::IdentityService& identities_;
    QuizService quiz_;
    ReportService reports_;
    const render::PageRenderer& pages_;
    PageSettings settings_;
};
}  // namespace

std::unique_ptr<api::Module> MakeModule(LearningService& service, SignupService& signup,
                                        accounts::IdentityService& identities,
                                        const render::PageRenderer& pages, PageSettings settings) {
    return std::make_unique<LearningModule>(service, signup, identities, pages,
                                            std::move(settings));
}

}  // namespace govhub::learning

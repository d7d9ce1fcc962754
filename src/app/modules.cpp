#include "app/modules.hpp"

#include "accounts/closure/closure.hpp"

namespace govhub::app {

namespace {
class MigrationsModule final : public api::Module {
  public:
    MigrationsModule(std::string name, std::function<void(db::MigrationSet&)> add)
        : name_(std::move(name)), add_(std::move(add)) {}
    std::string name() const override { return name_; }
    void AddMigrations(db::MigrationSet& set) override { add_(set); }

  private:
    std::string name_;
    std::function<void(db::MigrationSet&)> add_;
};

class Closure final : public api::Module {
  public:
    Closure(accounts::AccountService& accounts, workflow::WorkflowService& workflow,
            const render::PageRenderer& pages, std::string site_url, std::string tmp_dir)
        : accounts_(accounts),
          workflow_(workflow),
          pages_(pages),
          site_url_(std::move(site_url)),
          tmp_dir_(std::move(tmp_dir)) {}
    std::string name() const override { return "accounts.closure"; }
    void RegisterRoutes(http::Router& router, api::ActionRegistry&) override {
        closure::RegisterRoutes(router, accounts_, workflow_, pages_, site_url_, tmp_dir_);
    }

  private:
    accounts::AccountService& accounts_;
    workflow::WorkflowService& workflow_;
    const render::PageRenderer& pages_;
    std::string site_url_, tmp_dir_;
};
}  // namespace

std::unique_ptr<api::Module> MigrationsOnly(std::string name,
                                            std::function<void(db::MigrationSet&)> add) {
    return std::make_unique<MigrationsModule>(std::move(name), std::move(add));
}

std::unique_ptr<api::Module> ClosureModule(accounts::AccountService& accounts,
                                           workflow::WorkflowService& workflow,
                                           const render::PageRenderer& pages, std::string site_url,
                                           std::string tmp_dir) {
    return std::make_unique<Closure>(accounts, workflow, pages, std::move(site_url),
                                     std::move(tmp_dir));
}

}  // namespace govhub::app

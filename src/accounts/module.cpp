#include "accounts/module.hpp"

#include "accounts/routes.hpp"
#include "accounts/store.hpp"

namespace govhub::accounts {

namespace {
class AccountsModule final : public api::Module {
  public:
    AccountsModule(AccountService& service, const render::PageRenderer& pages)
        : service_(service), pages_(pages) {}
    std::string name() const override { return "accounts"; }
    void AddMigrations(db::MigrationSet& set) override { store::AddMigrations(set); }
    void RegisterRoutes(http::Router& router, api::ActionRegistry& actions) override {
        accounts::RegisterRoutes(router, actions, service_, pages_);
    }

  private:
    AccountService& service_;
    const render::PageRenderer& pages_;
};
}  // namespace

std::unique_ptr<api::Module> MakeModule(AccountService& service,
                                        const render::PageRenderer& pages) {
    return std::make_unique<AccountsModule>(service, pages);
}

}  // namespace govhub::accounts

#include "accounts/module.hpp"

#include "accounts/routes.hpp"
#include "accounts/store.hpp"

namespace govhub::accounts {

namespace {
class AccountsModule final : public api::Module {
  public:
    AccountsModule(AccountService& service, const render::PageRenderer& pages,
                   PageExtensions extensions)
        : service_(service), pages_(pages), extensions_(std::move(extensions)) {}
    std::string name() const override { return "accounts"; }
    void AddMigrations(db::MigrationSet& set) override { store::AddMigrations(set); }
    void RegisterRoutes(http::Router& router, api::ActionRegistry& actions) override {
        accounts::RegisterRoutes(router, actions, service_, pages_, extensions_);
    }

  private:
    AccountService& service_;
    const render::PageRenderer& pages_;
    PageExtensions extensions_;
};
}  // namespace

std::unique_ptr<api::Module> MakeModule(AccountService& service, const render::PageRenderer& pages,
                                        PageExtensions extensions) {
    return std::make_unique<AccountsModule>(service, pages, std::move(extensions));
}

}  // namespace govhub::accounts

#include "opendata/catalog/module.hpp"

#include "opendata/catalog/api.hpp"
#include "opendata/catalog/store.hpp"

namespace govhub::catalog {

namespace {
class CatalogModule final : public api::Module {
  public:
    CatalogModule(CatalogService& catalog, const render::PageRenderer& pages,
                  PageExtensions extensions)
        : catalog_(catalog), pages_(pages), extensions_(std::move(extensions)) {}
    std::string name() const override { return "opendata.catalog"; }
    void AddMigrations(db::MigrationSet& set) override { store::AddMigrations(set); }
    void RegisterRoutes(http::Router& router, api::ActionRegistry& actions) override {
        RegisterActions(actions, catalog_);
        catalog::RegisterRoutes(router, catalog_, pages_, extensions_);
    }

  private:
    CatalogService& catalog_;
    const render::PageRenderer& pages_;
    PageExtensions extensions_;
};
}  // namespace

std::unique_ptr<api::Module> MakeModule(CatalogService& catalog, const render::PageRenderer& pages,
                                        PageExtensions extensions) {
    return std::make_unique<CatalogModule>(catalog, pages, std::move(extensions));
}

}  // namespace govhub::catalog

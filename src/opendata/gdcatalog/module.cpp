#include "opendata/gdcatalog/module.hpp"

#include "opendata/gdcatalog/routes.hpp"

namespace govhub::gdcatalog {

namespace {
class GdCatalogModule final : public api::Module {
  public:
    GdCatalogModule(catalog::CatalogService& catalog, jobs::JobService& jobs,
                    accounts::AccountService& accounts, const render::PageRenderer& pages,
                    std::string tmp_dir)
        : catalog_(catalog),
          jobs_(jobs),
          accounts_(accounts),
          pages_(pages),
          tmp_dir_(std::move(tmp_dir)) {}
    std::string name() const override { return "opendata.gdcatalog"; }
    void RegisterJobs(jobs::JobRunner& runner) override {
        gdcatalog::RegisterJobs(runner, catalog_, accounts_);
    }
    void RegisterRoutes(http::Router& router, api::ActionRegistry&) override {
        gdcatalog::RegisterRoutes(router, catalog_, jobs_, pages_, tmp_dir_);
    }

  private:
    catalog::CatalogService& catalog_;
    jobs::JobService& jobs_;
    accounts::AccountService& accounts_;
    const render::PageRenderer& pages_;
    std::string tmp_dir_;
};
}  // namespace

std::unique_ptr<api::Module> MakeModule(catalog::CatalogService& catalog, jobs::JobService& jobs,
                                        accounts::AccountService& accounts,
                                        const render::PageRenderer& pages, std::string tmp_dir) {
    return std::make_unique<GdCatalogModule>(catalog, jobs, accounts, pages, std::move(tmp_dir));
}

}  // namespace govhub::gdcatalog

#include "opendata/officers/module.hpp"

#include "opendata/officers/officers.hpp"

namespace govhub::officers {

namespace {
class OfficersModule final : public api::Module {
  public:
    OfficersModule(workflow::WorkflowService& workflow, catalog::CatalogService& catalog,
                   const render::PageRenderer& pages, std::string site_url, std::string tmp_dir)
        : workflow_(workflow),
          catalog_(catalog),
          pages_(pages),
          site_url_(std::move(site_url)),
          tmp_dir_(std::move(tmp_dir)) {}
    std::string name() const override { return "opendata.officers"; }
    void RegisterRoutes(http::Router& router, api::ActionRegistry&) override {
        officers::RegisterRoutes(router, workflow_, catalog_, pages_, site_url_, tmp_dir_);
    }

  private:
    workflow::WorkflowService& workflow_;
    catalog::CatalogService& catalog_;
    const render::PageRenderer& pages_;
    std::string site_url_, tmp_dir_;
};
}  // namespace

std::unique_ptr<api::Module> MakeModule(workflow::WorkflowService& workflow,
                                        catalog::CatalogService& catalog,
                                        const render::PageRenderer& pages, std::string site_url,
                                        std::string tmp_dir) {
    return std::make_unique<OfficersModule>(workflow, catalog, pages, std::move(site_url),
                                            std::move(tmp_dir));
}

}  // namespace govhub::officers

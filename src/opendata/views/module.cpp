#include "opendata/views/module.hpp"

#include "opendata/views/store.hpp"

namespace govhub::views {

namespace {
class ViewsModule final : public api::Module {
  public:
    ViewsModule(ViewService& views, datastore::DatastoreService& ds,
                const render::PageRenderer& pages, MapTiles tiles)
        : views_(views), ds_(ds), pages_(pages), tiles_(std::move(tiles)) {}
    std::string name() const override { return "opendata.views"; }
    void AddMigrations(db::MigrationSet& set) override { store::AddMigrations(set); }
    void RegisterRoutes(http::Router& router, api::ActionRegistry& actions) override {
        RegisterApi(actions, views_);
        RegisterPages(router, views_, ds_, pages_, tiles_);
    }

  private:
    ViewService& views_;
    datastore::DatastoreService& ds_;
    const render::PageRenderer& pages_;
    MapTiles tiles_;
};
}  // namespace

std::unique_ptr<api::Module> MakeModule(ViewService& views, datastore::DatastoreService& ds,
                                        const render::PageRenderer& pages, MapTiles tiles) {
    return std::make_unique<ViewsModule>(views, ds, pages, std::move(tiles));
}

}  // namespace govhub::views

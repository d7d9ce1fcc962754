#pragma once
// Views on the pages: saved charts and maps on the resource and dataset pages, the chart
// explorer any visitor may use (editors save what they built), and /view/{id}/embed for other
// sites. Charts are drawn by ECharts and maps by Leaflet (web/static/js/views.js); each also
// shows its numbers as a plain table, for readers without JavaScript or a screen.
#include <string>

#include "api/action.hpp"
#include "http/router.hpp"
#include "opendata/catalog/routes.hpp"
#include "opendata/datastore/service.hpp"
#include "opendata/views/service.hpp"
#include "render/page.hpp"

namespace govhub::views {

struct MapTiles {
    std::string url = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
    std::string attribution = "© OpenStreetMap contributors";
};

catalog::ResourcePageExtension ResourceViewsPanel(ViewService& views,
                                                  datastore::DatastoreService& ds,
                                                  const render::PageRenderer& pages,
                                                  const MapTiles& tiles);
// Previews of files that are not tables: PDFs and images shown inline, text and JSON (pretty
// printed) as their first 64 KiB.
catalog::ResourcePageExtension FilePreviewPanel(datastore::DatastoreService& ds);
catalog::DatasetPageExtension DatasetViewsPanel(ViewService& views, datastore::DatastoreService& ds,
                                                const MapTiles& tiles);
void RegisterPages(http::Router& router, ViewService& views, datastore::DatastoreService& ds,
                   const render::PageRenderer& pages, const MapTiles& tiles);
// resource_view_create, _update, _delete, _list, _show.
void RegisterApi(api::ActionRegistry& actions, ViewService& views);

}  // namespace govhub::views

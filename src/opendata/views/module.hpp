#pragma once
// The views in the one module shape (api/module.hpp): their table, their CKAN actions and pages.
// Their panels on the catalog's pages are handed to the catalog module (views/pages.hpp).
#include <memory>

#include "api/module.hpp"
#include "opendata/datastore/service.hpp"
#include "opendata/views/pages.hpp"
#include "opendata/views/service.hpp"
#include "render/page.hpp"

namespace govhub::views {

std::unique_ptr<api::Module> MakeModule(ViewService& views, datastore::DatastoreService& ds,
                                        const render::PageRenderer& pages, MapTiles tiles);

}  // namespace govhub::views

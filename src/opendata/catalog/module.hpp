#pragma once
// The catalog in the one module shape (api/module.hpp): its tables, its CKAN actions, and its
// pages with what other modules add to them (`extensions`: the datastore's and the views'
// panels, chosen by app).
#include <memory>

#include "api/module.hpp"
#include "opendata/catalog/routes.hpp"
#include "opendata/catalog/service.hpp"
#include "render/page.hpp"

namespace govhub::catalog {

std::unique_ptr<api::Module> MakeModule(CatalogService& catalog, const render::PageRenderer& pages,
                                        PageExtensions extensions);

}  // namespace govhub::catalog

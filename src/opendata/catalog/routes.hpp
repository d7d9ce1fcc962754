#pragma once
#include "http/router.hpp"
#include "opendata/catalog/service.hpp"
#include "render/page.hpp"

namespace govhub::catalog {

// Catalog pages and file downloads (pages.cpp).
void RegisterRoutes(http::Router& router, CatalogService& catalog,
                    const render::PageRenderer& pages);

}  // namespace govhub::catalog

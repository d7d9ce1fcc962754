#pragma once
// Pieces the catalog's page files share (pages.cpp, pages_datasets.cpp, pages_organizations.cpp,
// pages_feeds.cpp); not for other modules.
#include <string>
#include <vector>

#include "opendata/catalog/routes.hpp"

namespace govhub::catalog::internal {

// What every page file's handlers hold, and the helpers more than one of them uses.
struct PagesBase {
    CatalogService& catalog;
    const render::PageRenderer& pages;

    // The group types with their groups (the portal home, /group); pages.cpp.
    render::View Categories(const std::string& locale) const;
    // "1 dataset", "5 datasets" in the reader's language; pages.cpp.
    std::string DatasetCount(int64_t n, const std::string& locale) const;
    // Datasets as DCAT-AP JSON-LD or Turtle (the catalog feeds, a dataset's .jsonld/.ttl);
    // pages_feeds.cpp.
    http::Response Dcat(const std::vector<Json>& datasets, bool turtle, bool whole) const;
};

// Each file's routes; RegisterRoutes (pages.cpp) registers them in this order.
// /organization (the directory), /organization/new, /organization/{name} and its /edit, /group
// (pages_organizations.cpp).
void RegisterOrganizationPages(http::Router& router, CatalogService& catalog,
                               const render::PageRenderer& pages);
// /dataset (search), the dataset form, a dataset's and a resource's page, downloads,
// /dashboard and the trash (pages_datasets.cpp).
void RegisterDatasetPages(http::Router& router, CatalogService& catalog,
                          const render::PageRenderer& pages, PageExtensions extensions);
// /catalog.jsonld, /catalog.ttl and /sitemap.xml (pages_feeds.cpp).
void RegisterFeeds(http::Router& router, CatalogService& catalog,
                   const render::PageRenderer& pages);

}  // namespace govhub::catalog::internal

#pragma once
// Pieces the catalog's page files share (pages.cpp, pages_datasets.cpp, pages_organizations.cpp,
// pages_feeds.cpp, pages_activity.cpp); not for other modules.
#include <map>
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
    // The dataset search with its facets, sort and paging on `path` (/dataset, a group's page),
    // with `fixed_field`:`fixed_value` always filtered on and its facet not offered (none when
    // empty); the view partials/dataset_search renders. pages_datasets.cpp.
    render::View DatasetSearch(http::Request& req, const std::string& path,
                               const std::string& fixed_field,
                               const std::string& fixed_value) const;
    // Datasets as DCAT-AP JSON-LD or Turtle (the catalog feeds, a dataset's .jsonld/.ttl);
    // pages_feeds.cpp.
    http::Response Dcat(const std::vector<Json>& datasets, bool turtle, bool whole) const;
    // A GD-Catalog field as the dataset and resource forms show it (an input, a select or
    // checkboxes, with its value from `values` and its message from `error_of`), for the
    // partial templates/partials/schema_field; pages_datasets.cpp.
    render::View SchemaFieldView(const FieldSpec& spec, const Json& values,
                                 const std::map<std::string, std::string>& error_of,
                                 const std::string& locale) const;
    // A submitted GD-Catalog field into `d` when it was filled in (multiple choices as a
    // list; a date typed as the reader reads it as ISO); pages_datasets.cpp.
    void SchemaFieldValue(const FieldSpec& spec, http::Request& req, Json& d) const;
    // A dataset's activity (CatalogService::PackageActivityForPage) as the dataset page lists
    // it: per entry `when`, `what` (what happened, a file by its name), `fields` (the labels of
    // the fields changed, bookkeeping left out), `also` (what else happened with it: made
    // private, files added with the dataset) and `actor` (the full name in the reader's
    // language, else the login name); pages_activity.cpp.
    render::View Activity(const Json& entries, const std::string& locale) const;
};

// Each file's routes; RegisterRoutes (pages.cpp) registers them in this order.
// /organization (the directory), /organization/new, /organization/{name} and its /edit, /group
// (pages_organizations.cpp).
void RegisterOrganizationPages(http::Router& router, CatalogService& catalog,
                               const render::PageRenderer& pages);
// /group/new, /group/{name} (a group and its datasets) and its /edit (pages_groups.cpp).
void RegisterGroupPages(http::Router& router, CatalogService& catalog,
                        const render::PageRenderer& pages);
// /organization/{name}/members and the member forms (pages_members.cpp).
void RegisterMemberPages(http::Router& router, CatalogService& catalog,
                         const render::PageRenderer& pages);
// /dataset (search), the dataset form, a dataset's and a resource's page, downloads,
// /dashboard and the trash (pages_datasets.cpp).
void RegisterDatasetPages(http::Router& router, CatalogService& catalog,
                          const render::PageRenderer& pages, PageExtensions extensions);
// A dataset's files in the browser: /dataset/{name}/resource/new (the second stage of a new
// dataset, "add data", and its "finish"), a file's edit, replace, delete and reordering, and
// /dataset/{name}/publish (pages_resources.cpp). Registered before the dataset pages so "new"
// is never taken for a resource id.
void RegisterResourcePages(http::Router& router, CatalogService& catalog,
                           const render::PageRenderer& pages);
// /catalog.jsonld, /catalog.ttl and /sitemap.xml (pages_feeds.cpp).
void RegisterFeeds(http::Router& router, CatalogService& catalog,
                   const render::PageRenderer& pages);

}  // namespace govhub::catalog::internal

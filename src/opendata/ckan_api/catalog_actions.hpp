#pragma once
#include "opendata/catalog/service.hpp"
#include "opendata/ckan_api/action.hpp"

namespace govhub::ckan_api {

// CKAN's catalog actions over catalog::CatalogService: package_*, resource_*, organization_*,
// group_*, license_list, tag_list, help_show.
void RegisterCatalogActions(ActionRegistry& actions, catalog::CatalogService& catalog);

}  // namespace govhub::ckan_api

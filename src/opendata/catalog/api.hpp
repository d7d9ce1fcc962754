#pragma once
#include "api/action.hpp"
#include "opendata/catalog/service.hpp"

namespace govhub::catalog {

// CKAN's catalog actions over CatalogService: package_*, resource_*, organization_*, group_*,
// member_*, bulk_update_*, the activity lists, license_list and the tag actions.
void RegisterActions(api::ActionRegistry& actions, CatalogService& catalog);

}  // namespace govhub::catalog

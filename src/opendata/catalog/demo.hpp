#pragma once
#include <string>

#include "opendata/catalog/service.hpp"

namespace govhub::catalog {

// Demo agencies (with a ministry -> department hierarchy), a group in each of the seven
// GD-Catalog group types, and datasets with Thai metadata and small CSV files. Idempotent.
// Returns how many datasets it created.
int SeedDemo(CatalogService& catalog, const accounts::Principal& sysadmin,
             const std::string& tmp_dir, const std::string& editor_name);

}  // namespace govhub::catalog

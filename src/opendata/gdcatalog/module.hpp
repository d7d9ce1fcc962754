#pragma once
// GD-Catalog export and import in the one module shape (api/module.hpp): the import job and the
// export, import and report pages. No tables of its own.
#include <memory>
#include <string>

#include "accounts/service.hpp"
#include "api/module.hpp"
#include "jobs/service.hpp"
#include "opendata/catalog/service.hpp"
#include "render/page.hpp"

namespace govhub::gdcatalog {

std::unique_ptr<api::Module> MakeModule(catalog::CatalogService& catalog, jobs::JobService& jobs,
                                        accounts::AccountService& accounts,
                                        const render::PageRenderer& pages, std::string tmp_dir);

}  // namespace govhub::gdcatalog

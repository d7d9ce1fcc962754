#pragma once
// /catalog.xlsx (the export), the import page and its job (catalog.import), and the import's
// report page.
#include "accounts/service.hpp"
#include "http/router.hpp"
#include "jobs/runner.hpp"
#include "jobs/service.hpp"
#include "opendata/catalog/service.hpp"
#include "render/page.hpp"

namespace govhub::gdcatalog {

inline constexpr const char* kImportJob = "catalog.import";

void RegisterRoutes(http::Router& router, catalog::CatalogService& catalog, jobs::JobService& jobs,
                    const render::PageRenderer& pages, const std::string& tmp_dir);
void RegisterJobs(jobs::JobRunner& runner, catalog::CatalogService& catalog,
                  accounts::AccountService& accounts);

}  // namespace govhub::gdcatalog

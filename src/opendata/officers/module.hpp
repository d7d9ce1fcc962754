#pragma once
// The officer membership process in the one module shape (api/module.hpp): its application form
// and printed application (the request type itself is registered with the workflow by app).
#include <memory>
#include <string>

#include "api/module.hpp"
#include "opendata/catalog/service.hpp"
#include "render/page.hpp"
#include "workflow/service.hpp"

namespace govhub::officers {

std::unique_ptr<api::Module> MakeModule(workflow::WorkflowService& workflow,
                                        catalog::CatalogService& catalog,
                                        const render::PageRenderer& pages, std::string site_url,
                                        std::string tmp_dir);

}  // namespace govhub::officers

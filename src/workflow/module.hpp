#pragma once
// The workflow module in the one module shape (api/module.hpp): its tables, the document purge
// job, and the request pages.
#include <memory>

#include "api/module.hpp"
#include "jobs/service.hpp"
#include "render/page.hpp"
#include "workflow/service.hpp"

namespace govhub::workflow {

std::unique_ptr<api::Module> MakeModule(WorkflowService& service, jobs::JobService& jobs,
                                        const render::PageRenderer& pages);

}  // namespace govhub::workflow

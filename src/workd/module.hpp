#pragma once
// The workD module in the one module shape (api/module.hpp): its tables, jobs and routes.
#include <memory>

#include "api/module.hpp"
#include "render/page.hpp"
#include "workd/service.hpp"

namespace govhub::workd {

std::unique_ptr<api::Module> MakeModule(WorkdService& service, const render::PageRenderer& pages);

}  // namespace govhub::workd

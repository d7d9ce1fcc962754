#pragma once
// Adapters to the one module shape (api/module.hpp) for the pieces app wires that have no
// module.hpp of their own: audit and search (below api, so they cannot implement it; they add
// only migrations) and account closure (it sits in accounts/closure but includes workflow, above
// accounts: its module stays here until it moves into workflow).
#include <functional>
#include <memory>
#include <string>

#include "accounts/service.hpp"
#include "api/module.hpp"
#include "render/page.hpp"
#include "workflow/service.hpp"

namespace govhub::app {

std::unique_ptr<api::Module> MigrationsOnly(std::string name,
                                            std::function<void(db::MigrationSet&)> add);
std::unique_ptr<api::Module> ClosureModule(accounts::AccountService& accounts,
                                           workflow::WorkflowService& workflow,
                                           const render::PageRenderer& pages, std::string site_url,
                                           std::string tmp_dir);

}  // namespace govhub::app

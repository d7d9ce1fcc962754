#pragma once
// Adapters to the one module shape (api/module.hpp) for the pieces app wires that have no
// module.hpp of their own: audit and search (below api, so they cannot implement it; they add
// only migrations).
#include <functional>
#include <memory>
#include <string>

#include "api/module.hpp"

namespace govhub::app {

std::unique_ptr<api::Module> MigrationsOnly(std::string name,
                                            std::function<void(db::MigrationSet&)> add);
}  // namespace govhub::app

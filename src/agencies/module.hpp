#pragma once
// The agencies module in the one module shape (api/module.hpp): the directory's tables. Its
// actions and pages are still the catalog's organization_* and member_* ones, the catalog's view
// of the directory.
#include <memory>

#include "api/module.hpp"

namespace govhub::agencies {

std::unique_ptr<api::Module> MakeModule();

}  // namespace govhub::agencies

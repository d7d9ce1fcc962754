#pragma once
// The Learning module in the one module shape (api/module.hpp): its tables, its pages and its
// JSON API (issue 16).
#include <memory>

#include "api/module.hpp"
#include "learning/routes.hpp"
#include "learning/signup.hpp"

namespace govhub::learning {

std::unique_ptr<api::Module> MakeModule(LearningService& service, SignupService& signup,
                                        accounts::IdentityService& identities,
                                        const render::PageRenderer& pages, PageSettings settings);

}  // namespace govhub::learning

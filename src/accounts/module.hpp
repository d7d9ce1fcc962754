#pragma once
// The accounts module in the one module shape (api/module.hpp): its migrations, and its pages,
// admin and developer pages and CKAN actions.
#include <memory>

#include "accounts/routes.hpp"
#include "accounts/service.hpp"
#include "api/module.hpp"
#include "render/page.hpp"

namespace govhub::accounts {

std::unique_ptr<api::Module> MakeModule(AccountService& service, const render::PageRenderer& pages,
                                        PageExtensions extensions = {});

}  // namespace govhub::accounts

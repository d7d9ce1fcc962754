#pragma once
#include "accounts/service.hpp"
#include "api/action.hpp"
#include "http/router.hpp"
#include "render/page.hpp"

namespace govhub::accounts {

// HTML pages (pages.cpp) and CKAN actions (api.cpp) of the accounts module.
void RegisterPages(http::Router& router, AccountService& service,
                   const render::PageRenderer& pages);
void RegisterActions(api::ActionRegistry& actions, AccountService& service);
// /admin/users and /admin/users/{name} (admin_pages.cpp): sysadmins only.
void RegisterAdminPages(http::Router& router, AccountService& service,
                        const render::PageRenderer& pages);
// /developer (developer_pages.cpp): the API landing page, a token at once, quick-starts.
void RegisterDeveloperPages(http::Router& router, AccountService& service,
                            const render::PageRenderer& pages);

inline void RegisterRoutes(http::Router& router, api::ActionRegistry& actions,
                           AccountService& service, const render::PageRenderer& pages) {
    RegisterPages(router, service, pages);
    RegisterAdminPages(router, service, pages);
    RegisterDeveloperPages(router, service, pages);
    RegisterActions(actions, service);
}

}  // namespace govhub::accounts

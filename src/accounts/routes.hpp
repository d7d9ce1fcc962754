#pragma once
#include <functional>
#include <utility>
#include <vector>

#include "accounts/service.hpp"
#include "api/action.hpp"
#include "http/router.hpp"
#include "render/page.hpp"

namespace govhub::accounts {

// What modules above accounts add to a person's profile (/user/{name}), e.g. the agencies and
// roles they hold: they fill `view` under a key of their own, which the profile template shows.
// `viewer` is who is looking (nullptr: a visitor); each extension decides what they may see.
using ProfileExtension = std::function<void(http::Request& req, const User& user,
                                            const Principal* viewer, render::View& view)>;

struct PageExtensions {
    std::vector<ProfileExtension> profile;
};

// HTML pages (pages.cpp) and CKAN actions (api.cpp) of the accounts module.
void RegisterPages(http::Router& router, AccountService& service, const render::PageRenderer& pages,
                   PageExtensions extensions = {});
void RegisterActions(api::ActionRegistry& actions, AccountService& service);
// /admin/users and /admin/users/{name} (admin_pages.cpp): sysadmins only.
void RegisterAdminPages(http::Router& router, AccountService& service,
                        const render::PageRenderer& pages);
// /developer (developer_pages.cpp): the API landing page, a token at once, quick-starts.
void RegisterDeveloperPages(http::Router& router, AccountService& service,
                            const render::PageRenderer& pages);

inline void RegisterRoutes(http::Router& router, api::ActionRegistry& actions,
                           AccountService& service, const render::PageRenderer& pages,
                           PageExtensions extensions = {}) {
    RegisterPages(router, service, pages, std::move(extensions));
    RegisterAdminPages(router, service, pages);
    RegisterDeveloperPages(router, service, pages);
    RegisterActions(actions, service);
}

}  // namespace govhub::accounts

// CKAN actions of the accounts module: api_token_create/list/revoke, user_show, user_list.
#include <algorithm>

#include "accounts/middleware.hpp"
#include "accounts/routes.hpp"
#include "accounts/store.hpp"
#include "core/strings.hpp"

namespace govhub::accounts {
namespace {

using ckan_api::ActionContext;
using ckan_api::Json;

const Principal& RequireUser(const ActionContext& ctx) {
    const Principal* p = CurrentUser(ctx.req);
    if (!p) throw HttpError(403, "forbidden", "Authorization Error: you must be logged in");
    return *p;
}

Json TokenJson(const ApiToken& t) {
    return {{"id", t.id},
            {"name", t.name},
            {"user_id", t.user_id},
            {"created_at", t.created},
            {"last_access", t.last_used.empty() ? Json(nullptr) : Json(t.last_used)}};
}

// CKAN's user dictionary; the e-mail only for the user and sysadmins, the sysadmin flag only
// for sysadmins (and the user themself): who to attack is nobody else's business.
Json UserJson(const User& u, bool private_fields, bool show_sysadmin) {
    Json j = {{"id", u.id},
              {"name", u.name},
              {"fullname", u.fullname_th},
              {"fullname_th", u.fullname_th},
              {"fullname_en", u.fullname_en},
              {"display_name", u.fullname_th.empty() ? u.name : u.fullname_th},
              {"created", u.created},
              {"state", ToString(u.state)}};
    if (show_sysadmin) j["sysadmin"] = u.sysadmin;
    if (private_fields) j["email"] = u.email;
    return j;
}

int LimitParam(const ActionContext& ctx) {
    auto it = ctx.params.find("limit");
    if (it == ctx.params.end() || it->is_null()) return 100;
    if (it->is_number_integer())
        return static_cast<int>(std::clamp<int64_t>(it->get<int64_t>(), 1, 1000));
    if (it->is_string())
        if (auto v = core::ParseInt(it->get<std::string>()))
            return static_cast<int>(std::clamp<int64_t>(*v, 1, 1000));
    throw HttpError(400, "search_query", "Search Query Error: limit must be an integer");
}

}  // namespace

void RegisterActions(ckan_api::ActionRegistry& actions, AccountService& service) {
    actions.Add("api_token_create", [&service](ActionContext& ctx) -> Json {
        const Principal& p = RequireUser(ctx);
        std::string user = ckan_api::RequireString(ctx, "user");
        std::string name = ckan_api::RequireString(ctx, "name");
        auto created = service.CreateApiToken(p, user, name, CallerOf(ctx.req));
        return {{"token", created.raw}, {"id", created.token.id}};
    });
    actions.Add("api_token_list",
                [&service](ActionContext& ctx) -> Json {
                    const Principal& p = RequireUser(ctx);
                    // CKAN 2.10 names it user_id; older clients send user.
                    std::string user = ckan_api::OptionalString(
                        ctx, "user_id", ckan_api::OptionalString(ctx, "user"));
                    Json out = Json::array();
                    for (const auto& t : service.ListApiTokens(p, user))
                        out.push_back(TokenJson(t));
                    return out;
                },
                {.side_effect_free = true});
    actions.Add("api_token_revoke", [&service](ActionContext& ctx) -> Json {
        const Principal& p = RequireUser(ctx);
        std::string key =
            ckan_api::OptionalString(ctx, "token", ckan_api::OptionalString(ctx, "jti"));
        if (key.empty()) throw HttpError::Validation({{"token", "Missing value"}});
        service.RevokeApiToken(p, key, CallerOf(ctx.req));
        return nullptr;
    });
    actions.Add("user_show",
                [&service](ActionContext& ctx) -> Json {
                    const Principal* viewer = CurrentUser(ctx.req);
                    std::string id = ckan_api::OptionalString(ctx, "id");
                    if (id.empty()) {
                        if (!viewer) throw HttpError::Validation({{"id", "Missing value"}});
                        id = viewer->user_id;
                    }
                    auto u = service.ViewUser(id, viewer);
                    if (!u) throw HttpError::NotFound("Not found: User was not found");
                    bool own = service.CanManage(viewer, *u);
                    return UserJson(*u, own, own);
                },
                {.side_effect_free = true});
    actions.Add("user_list",
                [&service](ActionContext& ctx) -> Json {
                    const Principal* viewer = CurrentUser(ctx.req);
                    bool admin = viewer && viewer->sysadmin;
                    Json out = Json::array();
                    for (const auto& u : service.ListUsersPublic(
                             viewer, ckan_api::OptionalString(ctx, "q"), LimitParam(ctx)))
                        out.push_back(UserJson(u, admin, admin));
                    return out;
                },
                {.side_effect_free = true});
}

}  // namespace govhub::accounts

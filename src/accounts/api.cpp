// CKAN actions of the accounts module: api_token_create/list/revoke, user_show, user_list.
#include <algorithm>

#include "accounts/auth.hpp"
#include "accounts/middleware.hpp"
#include "accounts/routes.hpp"
#include "accounts/store.hpp"
#include "core/i18n.hpp"
#include "core/strings.hpp"

namespace govhub::accounts {
namespace {

using api::ActionContext;
using api::Json;

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

constexpr const char* kApiTokenCreate =
    "Creates an API token for a user: the caller themself, or anyone for a sysadmin.\n\n"
    ":param user: the name or id of the user the token acts as\n"
    ":type user: string\n"
    ":param name: what the token is for (1 to 100 characters; at most 100 tokens per user)\n"
    ":type name: string\n\n"
    ":returns: token (shown this once; only its hash is kept) and id\n"
    ":rtype: dictionary";
constexpr const char* kApiTokenList =
    "Lists a user's API tokens (never the tokens themselves): the caller's own, or any user's "
    "for a sysadmin.\n\n"
    ":param user_id: the name or id of the user (default: the caller; older clients send "
    "user)\n"
    ":type user_id: string\n\n"
    ":returns: id, name, user_id, created_at and last_access of each\n"
    ":rtype: list of dictionaries";
constexpr const char* kApiTokenRevoke =
    "Revokes an API token: the caller's own, or any for a sysadmin.\n\n"
    ":param token: the token's id, or the token itself (older clients send jti)\n"
    ":type token: string\n\n"
    ":returns: null";
constexpr const char* kUserShow =
    "Returns a user's public dictionary; the e-mail and the sysadmin flag only to the user "
    "themself and sysadmins. Accounts that are not active are shown to them only.\n\n"
    ":param id: the name or id of the user (default: the caller)\n"
    ":type id: string\n"
    ":param include_password_hash: sysadmins only: add password_hash, for moving people to "
    "another site with ckanapi (default false)\n"
    ":type include_password_hash: bool\n\n"
    ":rtype: dictionary";
constexpr const char* kUserList =
    "Lists active users. Signed-in callers only, unless the site sets --public-user-details; "
    "e-mails and the sysadmin flag for sysadmins only.\n\n"
    ":param q: only users whose name or full name contains this text\n"
    ":type q: string\n"
    ":param limit: at most this many users are read (1 to 1000, default 100); q filters "
    "those\n"
    ":type limit: integer\n\n"
    ":rtype: list of dictionaries";

}  // namespace

constexpr const char* kUserCreate =
    "Creates a user (sysadmins only): how `ckanapi load` moves people in from another portal.\n\n"
    ":param name: the user name (a-z, 0-9, - and _; 2 to 100 characters)\n"
    ":type name: string\n"
    ":param email: the e-mail address (taken as confirmed)\n"
    ":type email: string\n"
    ":param password: a password under the site's policy, or\n"
    ":type password: string\n"
    ":param password_hash: the hash from a CKAN dump ($pbkdf2-sha512$...) or a govhub one "
    "($argon2id$...), kept and rehashed at the person's first login\n"
    ":type password_hash: string\n"
    ":param id: the id to keep (optional; refused if taken)\n"
    ":type id: string\n"
    ":param fullname: the full name (CKAN's one name), or fullname_th and fullname_en\n"
    ":type fullname: string\n\n"
    ":returns: the user\n"
    ":rtype: dictionary";
constexpr const char* kUserUpdate =
    "Updates a user (sysadmins only): e-mail, names and password; what is not given stays.\n\n"
    ":param id: the id or name of the user\n"
    ":type id: string\n"
    ":param email, fullname, fullname_th, fullname_en, password, password_hash: as in "
    "user_create\n\n"
    ":returns: the user\n"
    ":rtype: dictionary";

UserImport ImportOf(const api::Params& args) {
    UserImport in;
    in.id = args.String("id");
    in.name = args.String("name");
    in.email = args.String("email");
    in.fullname = args.String("fullname");
    in.fullname_th = args.String("fullname_th");
    in.fullname_en = args.String("fullname_en");
    in.password = args.String("password");
    in.password_hash = args.String("password_hash");
    return in;
}

void RegisterActions(api::ActionRegistry& actions, AccountService& service) {
    actions.Add("user_create",
                [&service](ActionContext& ctx) -> Json {
                    const Principal& p = ctx.RequireUser();
                    User u = service.CreateUserBySysadmin(p, ImportOf(ctx.args), ctx.caller);
                    return UserJson(u, true, true);
                },
                {.help = kUserCreate});
    actions.Add("user_update",
                [&service](ActionContext& ctx) -> Json {
                    const Principal& p = ctx.RequireUser();
                    User u = service.UpdateUserBySysadmin(p, ctx.args.Require("id"),
                                                          ImportOf(ctx.args), ctx.caller);
                    return UserJson(u, true, true);
                },
                {.help = kUserUpdate});
    actions.Add("api_token_create",
                [&service](ActionContext& ctx) -> Json {
                    const Principal& p = ctx.RequireUser();
                    std::string user = ctx.args.Require("user");
                    std::string name = ctx.args.Require("name");
                    auto created = service.CreateApiToken(p, user, name, ctx.caller);
                    return {{"token", created.raw}, {"id", created.token.id}};
                },
                {.help = kApiTokenCreate});
    actions.Add("api_token_list",
                [&service](ActionContext& ctx) -> Json {
                    const Principal& p = ctx.RequireUser();
                    // CKAN 2.10 names it user_id; older clients send user.
                    std::string user = ctx.args.String("user_id", ctx.args.String("user"));
                    Json out = Json::array();
                    for (const auto& t : service.ListApiTokens(p, user))
                        out.push_back(TokenJson(t));
                    return out;
                },
                {.help = kApiTokenList, .side_effect_free = true});
    actions.Add("api_token_revoke",
                [&service](ActionContext& ctx) -> Json {
                    const Principal& p = ctx.RequireUser();
                    std::string key = ctx.args.String("token", ctx.args.String("jti"));
                    if (key.empty()) ctx.args.Fail("token", core::Message("api.param.missing"));
                    service.RevokeApiToken(p, key, ctx.caller);
                    return nullptr;
                },
                {.help = kApiTokenRevoke});
    actions.Add("user_show",
                [&service](ActionContext& ctx) -> Json {
                    const Principal* viewer = ctx.user;
                    std::string id = ctx.args.String("id");
                    if (id.empty()) {
                        if (!viewer) ctx.args.Fail("id", core::Message("api.param.missing"));
                        id = viewer->user_id;
                    }
                    auto u = service.ViewUser(id, viewer);
                    if (!u) throw HttpError::NotFound("Not found: User was not found");
                    bool personal = CanSeePersonalData(viewer, u->id);
                    Json j = UserJson(*u, personal, personal);
                    // CKAN's include_password_hash, for `ckanapi dump users` between sites.
                    if (ctx.args.Bool("include_password_hash", false) && CanAdministerUsers(viewer))
                        j["password_hash"] = u->password_hash;
                    return j;
                },
                {.help = kUserShow, .side_effect_free = true});
    actions.Add("user_list",
                [&service](ActionContext& ctx) -> Json {
                    const Principal* viewer = ctx.user;
                    bool admin = CanSeePersonalDataInLists(viewer);
                    Json out = Json::array();
                    for (const auto& u : service.ListUsersPublic(
                             viewer, ctx.args.String("q"),
                             static_cast<int>(ctx.args.Int("limit", 100, 1, 1000))))
                        out.push_back(UserJson(u, admin, admin));
                    return out;
                },
                // A bad limit was a Search Query Error before the shared reader; it stays one.
                {.help = kUserList, .side_effect_free = true, .search_errors = true});
}

}  // namespace govhub::accounts

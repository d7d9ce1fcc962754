// The administrator's user list: search and filters, a user's page with suspend/reactivate and
// the sysadmin role. Each action is audited by the service.
#include <nlohmann/json.hpp>

#include "accounts/auth.hpp"
#include "accounts/middleware.hpp"
#include "accounts/routes.hpp"
#include "api/params.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"
#include "core/thai_date.hpp"

namespace govhub::accounts {
namespace {

using http::Request;
using http::Response;
using render::View;

const Principal* Admin(Request& req) {
    const Principal* p = CurrentUser(req);
    if (p && !CanAdministerUsers(p)) throw HttpError::Forbidden("admin.sysadmin_only");
    return p;
}

View UserRow(const User& u, const render::PageRenderer& pages, const std::string& locale) {
    View v;
    v.Set("name", u.name)
        .Set("display", u.DisplayName(locale))
        .Set("email", u.email)
        .Set("state", ToString(u.state))
        .Set("state_label", pages.T(locale, std::string("admin.state_") + ToString(u.state)))
        .Set("sysadmin", u.sysadmin)
        .Set("totp_enabled", u.totp_enabled)
        .Set("created", core::FormatIsoDate(u.created, locale))
        .Set("active", u.state == UserState::kActive)
        .Set("suspended", u.state == UserState::kSuspended);
    return v;
}

Response UserPage(AccountService& service, const render::PageRenderer& pages, Request& req,
                  const Principal& admin, const User& u,
                  const std::vector<FieldError>& errors = {}) {
    View v = UserRow(u, pages, req.locale);
    // The actions the administrator may take on this account (none on their own).
    bool suspend = CanSuspend(&admin, u.id);
    bool sysadmin_role =
        u.sysadmin ? CanRevokeSysadmin(&admin, u.id) : CanGrantSysadmin(&admin, u.id);
    bool second_factor = u.totp_enabled && CanResetSecondFactor(&admin, u.id);
    v.Set("can_suspend", suspend).Set("can_sysadmin_role", sysadmin_role);
    v.Set("can_reset_second_factor", second_factor);
    v.Set("has_actions", suspend || sysadmin_role || second_factor);
    View roles = View::List();
    for (const auto& m : service.MembershipsOf(admin, u.id)) {
        View r;
        r.Set("object_type", pages.T(req.locale, "admin.object_" + m.object_type))
            .Set("object_id", m.object_id)
            .Set("href", m.object_type == "organization" ? "/organization/" + m.object_id
                         : m.object_type == "workflow"   ? std::string("/staff/roles")
                                                         : std::string())
            .Set("capacity",
                 pages.T(req.locale, std::string("admin.capacity_") + ToString(m.capacity)));
        roles.Push(std::move(r));
    }
    v.Set("has_roles", !roles.items().empty()).Set("roles", std::move(roles));
    if (!errors.empty()) pages.AddErrors(v, errors, req.locale);
    return Response::Html(
        pages.Render("accounts/admin_user", std::move(v), PageContextOf(req), u.name),
        errors.empty() ? 200 : 409);
}

}  // namespace

void RegisterAdminPages(http::Router& router, AccountService& service,
                        const render::PageRenderer& pages) {
    router.Get("/admin/users", [&service, &pages](Request& req) {
        const Principal* p = Admin(req);
        api::RequireUser(p);
        // A mistyped link reads as its default: page 1, every state (the page never refuses).
        nlohmann::json query = api::QueryJson(req);
        api::Params args(query, api::ParamErrors::kFallback);
        std::string state = args.String("state");
        if (!ParseUserState(state)) state.clear();
        UserFilter f{.q = args.String("q"),
                     .state = state,
                     .sysadmins_only = args.String("role") == "sysadmin"};
        if (std::string org = args.String("organization"); !org.empty()) {
            f.object_type = "organization";
            f.object_id = org;
        }
        int page = static_cast<int>(args.Int("page", 1, 1, 100000));
        f.offset = (page - 1) * f.limit;
        auto [users, total] = service.ListUsers(*p, f);
        View v;
        View rows = View::List();
        for (const auto& u : users) rows.Push(UserRow(u, pages, req.locale));
        v.Set("has_users", !rows.items().empty()).Set("users", std::move(rows));
        v.Set("total", total).Set("q", f.q).Set("organization", f.object_id);
        v.Set("role_sysadmin", f.sysadmins_only);
        View states = View::List();
        for (const char* s : {"pending", "active", "suspended", "cancelled"}) {
            View st;
            st.Set("id", s).Set("label", pages.T(req.locale, std::string("admin.state_") + s));
            st.Set("current", f.state == s);
            states.Push(std::move(st));
        }
        v.Set("states", std::move(states));
        v.Set("has_prev", page > 1).Set("prev", page - 1).Set("state", f.state);
        v.Set("has_next", static_cast<int64_t>(page) * f.limit < total).Set("next", page + 1);
        return Response::Html(pages.Render("accounts/admin_users", std::move(v), PageContextOf(req),
                                           "admin.users_title"));
    });
    router.Get("/admin/users/{name}", [&service, &pages](Request& req) {
        const Principal* p = Admin(req);
        if (!p) return Response::Redirect("/user/login?next=%2Fadmin%2Fusers");
        auto u = service.ViewUser(std::string(req.PathParam("name")), p);
        if (!u) throw HttpError::NotFound("admin.no_such_user");
        return UserPage(service, pages, req, *p, *u);
    });
    router.Post("/admin/users/{name}", [&service, &pages](Request& req) {
        const Principal* p = Admin(req);
        if (!p) throw HttpError::Unauthorized();
        std::string name(req.PathParam("name"));
        Caller caller{.principal = p, .ip = req.client_ip, .locale = req.locale};
        std::string action = req.FormValue("action");
        try {
            if (action == "suspend")
                service.SetUserState(*p, name, UserState::kSuspended, req.FormValue("reason"),
                                     caller);
            else if (action == "reactivate")
                service.SetUserState(*p, name, UserState::kActive, req.FormValue("reason"), caller);
            else if (action == "grant_sysadmin")
                service.SetSysadmin(*p, name, true, caller);
            else if (action == "revoke_sysadmin")
                service.SetSysadmin(*p, name, false, caller);
            else if (action == "reset_second_factor")
                service.ResetSecondFactor(*p, name, caller);
            else
                throw HttpError::Validation({{"action", "admin.bad_action"}});
        } catch (const HttpError& e) {
            if (e.fields().empty()) throw;
            auto u = service.ViewUser(name, p);
            if (!u) throw HttpError::NotFound("admin.no_such_user");
            return UserPage(service, pages, req, *p, *u, e.fields());
        }
        return Response::Redirect("/admin/users/" + core::UrlEncode(name));
    });
}

}  // namespace govhub::accounts

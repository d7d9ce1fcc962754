// An agency's members in the browser (/organization/{name}/members) for those who may manage
// them (the agency's admins and sysadmins, agencies::CanManageMembers): the list with roles, a
// form to add a person by user name or e-mail with a role, a role change per person, and removal
// after a confirmation page. Every change calls the service's organization_member_create or
// organization_member_delete, which checks the permission again, keeps the agency's last admin
// and records the change in the audit log.
#include <memory>

#include "accounts/middleware.hpp"
#include "agencies/auth.hpp"
#include "core/i18n.hpp"
#include "core/strings.hpp"
#include "opendata/catalog/pages_internal.hpp"

namespace govhub::catalog::internal {

namespace {

using render::View;

// A member form's POST body: a user name or e-mail and a role.
constexpr size_t kFormBodyLimit = 16 * 1024;
// What the "not found" message repeats of what was typed.
constexpr size_t kEchoChars = 120;

const char* kRoles[] = {"member", "editor", "admin"};

std::string Echo(const std::string& typed) {
    if (core::Utf8Length(typed) <= kEchoChars) return typed;
    size_t bytes = 0, chars = 0;
    while (bytes < typed.size() && chars < kEchoChars) {
        unsigned char c = typed[bytes];
        bytes += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        ++chars;
    }
    return typed.substr(0, bytes) + "…";
}

struct MemberPages : PagesBase {
    // The agency `name` names, when `p` may manage its members (403 otherwise; 404 when there
    // is no such agency).
    Json Manageable(const accounts::Principal* p, const std::string& name) const {
        api::RequireUser(p);
        Json o = catalog.OrganizationShow(p, name, false);
        if (!agencies::CanManageMembers(p, catalog.HeldIn(p, o["id"].get<std::string>())))
            throw HttpError::Forbidden();
        return o;
    }

    // 404 unless `user` (a user name) is a member of the agency `o`: a row's change and removal
    // act on members only (adding is the add form's).
    static void RequireMember(const Json& o, const std::string& user) {
        if (o.contains("users"))
            for (const auto& u : o["users"])
                if (u["name"] == user) return;
        throw HttpError::NotFound("opendata.members.not_a_member");
    }

    View RoleOptions(const std::string& locale, const std::string& chosen) const {
        View options = View::List();
        for (const char* r : kRoles) {
            View opt;
            opt.Set("value", r)
                .Set("label", pages.T(locale, std::string("agencies.role_") + r))
                .Set("selected", chosen == r);
            options.Push(std::move(opt));
        }
        return options;
    }

    // The members page; `typed`/`typed_role`: the add form's values, kept after an error;
    // `errors`: beside the add form's fields (user, role) and in the summary.
    http::Response Page(http::Request& req, const Json& o, const std::string& typed,
                        const std::string& typed_role, const std::vector<FieldError>& errors,
                        int status) const {
        const std::string& locale = req.locale;
        const accounts::Principal* p = accounts::CurrentUser(req);
        std::string name = o["name"].get<std::string>();
        View v;
        v.Set("name", name).Set("title", AgencyTitle(o, locale));
        View members = View::List();
        const Json& users = o.contains("users") ? o["users"] : Json::array();
        for (const char* role : {"admin", "editor", "member"})
            for (const auto& u : users) {
                if (u["capacity"] != role) continue;
                View m;
                std::string uname = u["name"].get<std::string>();
                m.Set("user", uname).Set("role", role);
                m.Set("role_label", pages.T(locale, std::string("agencies.role_") + role));
                m.Set("roles", RoleOptions(locale, role));
                m.Set("you", p && p->user_id == u["id"].get<std::string>());
                members.Push(std::move(m));
            }
        v.Set("has_members", !users.empty()).Set("members", std::move(members));
        v.Set("user_value", typed).Set("roles", RoleOptions(locale, typed_role));
        std::vector<FieldError> summary;
        for (const auto& e : errors) {
            std::string text = pages.T(locale, e.message);
            if (e.field == "user") v.Set("user_error", text);
            if (e.field == "role") v.Set("role_error", text);
            summary.push_back(e);
        }
        v.Set("done", req.Query("done") == "1");
        pages.AddErrors(v, summary, locale);
        return http::Response::Html(
            pages.Render(
                "opendata/members", std::move(v), accounts::PageContextOf(req),
                pages.T(locale, "opendata.members.title") + " · " + AgencyTitle(o, locale)),
            status);
    }

    http::Response List(http::Request& req) const {
        Json o = Manageable(accounts::CurrentUser(req), std::string(req.PathParam("name")));
        return Page(req, o, "", "member", {}, 200);
    }

    // Calls `change`; on a refusal the page is shown again with the service's messages, the
    // service's "username" field being the form's "user".
    template <class Fn>
    http::Response Apply(http::Request& req, const Json& o, const std::string& typed,
                         const std::string& typed_role, bool add_form, Fn change) const {
        std::string name = o["name"].get<std::string>();
        try {
            change();
            return http::Response::Redirect("/organization/" + name + "/members?done=1");
        } catch (const HttpError& e) {
            std::vector<FieldError> errors;
            if (e.status() == 404 && e.message() == "error.user_not_found") {
                errors.push_back(
                    {"user", core::Message("opendata.members.not_found", {{"user", Echo(typed)}})});
            } else if (e.status() == 409) {
                for (auto f : e.fields()) {
                    if (f.field == "username") f.field = "user";
                    if (!add_form) f.field.clear();  // a row's change: the summary only
                    errors.push_back(f);
                }
            } else {
                throw;
            }
            // Shown again with what the list holds now.
            Json fresh = catalog.OrganizationShow(accounts::CurrentUser(req), name, false);
            return Page(req, fresh, add_form ? typed : "", add_form ? typed_role : "member", errors,
                        add_form ? 422 : 409);
        }
    }

    // Adding someone (or giving someone already in the agency the chosen role).
    http::Response Add(http::Request& req) const {
        const accounts::Principal* p = accounts::CurrentUser(req);
        Json o = Manageable(p, std::string(req.PathParam("name")));
        std::string typed = core::Trim(req.FormValue("user"));
        std::string role = core::Trim(req.FormValue("role"));
        // Every problem at once.
        std::vector<FieldError> errors;
        if (typed.empty()) errors.push_back({"user", "schema.required"});
        if (!agencies::ParseRole(role)) errors.push_back({"role", "catalog.bad_role"});
        if (!errors.empty()) return Page(req, o, typed, role, errors, 422);
        return Apply(req, o, typed, role, true, [&] {
            catalog.OrganizationMemberCreate(p, o["id"].get<std::string>(), typed, role,
                                             accounts::CallerOf(req));
        });
    }

    http::Response ChangeRole(http::Request& req) const {
        const accounts::Principal* p = accounts::CurrentUser(req);
        Json o = Manageable(p, std::string(req.PathParam("name")));
        std::string user(req.PathParam("user"));
        RequireMember(o, user);
        std::string role = core::Trim(req.FormValue("role"));
        if (!agencies::ParseRole(role))
            return Page(req, o, "", "member", {{"", "catalog.bad_role"}}, 422);
        return Apply(req, o, user, role, false, [&] {
            catalog.OrganizationMemberCreate(p, o["id"].get<std::string>(), user, role,
                                             accounts::CallerOf(req));
        });
    }

    http::Response ConfirmRemove(http::Request& req) const {
        Json o = Manageable(accounts::CurrentUser(req), std::string(req.PathParam("name")));
        std::string user(req.PathParam("user"));
        RequireMember(o, user);
        View v;
        v.Set("name", o["name"].get<std::string>()).Set("title", AgencyTitle(o, req.locale));
        v.Set("user", user);
        v.Set("question",
              pages.T(req.locale,
                      core::Message("opendata.members.remove_question",
                                    {{"user", user}, {"agency", AgencyTitle(o, req.locale)}})));
        return http::Response::Html(pages.Render("opendata/member_remove", std::move(v),
                                                 accounts::PageContextOf(req),
                                                 "opendata.members.remove_title"));
    }

    http::Response Remove(http::Request& req) const {
        const accounts::Principal* p = accounts::CurrentUser(req);
        Json o = Manageable(p, std::string(req.PathParam("name")));
        std::string user(req.PathParam("user"));
        RequireMember(o, user);
        return Apply(req, o, user, "", false, [&] {
            catalog.OrganizationMemberDelete(p, o["id"].get<std::string>(), user,
                                             accounts::CallerOf(req));
        });
    }
};

}  // namespace

void RegisterMemberPages(http::Router& router, CatalogService& catalog,
                         const render::PageRenderer& pages) {
    auto pg = std::make_shared<MemberPages>(MemberPages{{catalog, pages}});
    router.Get("/organization/{name}/members", [pg](http::Request& req) { return pg->List(req); });
    router.Post("/organization/{name}/members", [pg](http::Request& req) { return pg->Add(req); },
                {.body_limit = kFormBodyLimit, .rate_limit = "form"});
    router.Post("/organization/{name}/members/{user}/role",
                [pg](http::Request& req) { return pg->ChangeRole(req); },
                {.body_limit = kFormBodyLimit, .rate_limit = "form"});
    router.Get("/organization/{name}/members/{user}/remove",
               [pg](http::Request& req) { return pg->ConfirmRemove(req); });
    router.Post("/organization/{name}/members/{user}/remove",
                [pg](http::Request& req) { return pg->Remove(req); },
                {.body_limit = kFormBodyLimit, .rate_limit = "form"});
}

}  // namespace govhub::catalog::internal

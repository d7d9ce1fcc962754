// The staff's pages: /staff/roles (who reviews and administers each type, and how long its
// documents are kept), the queue at /staff/requests, and a request as its reviewer sees it.
#include <algorithm>

#include "accounts/middleware.hpp"
#include "core/error.hpp"
#include "core/i18n.hpp"
#include "core/strings.hpp"
#include "http/response.hpp"
#include "workflow/pages_internal.hpp"

namespace govhub::workflow {
namespace {

using http::Response;
using render::View;

int PageParam(const std::string& v) {
    auto n = core::ParseInt(v);
    return n && *n >= 1 && *n <= 100000 ? static_cast<int>(*n) : 1;
}

}  // namespace

namespace internal {

void RegisterStaffPages(http::Router& router, WorkflowService& service,
                        const render::PageRenderer& pages) {
    // Who reviews and administers each kind of request (sysadmins grant it).
    auto roles_page = [&service, &pages](http::Request& req, const std::vector<FieldError>& errors,
                                         const std::string& typed_user) {
        View v;
        View types = View::List();
        for (const auto& id : service.TypeIds()) {
            View t;
            t.Set("id", id).Set("label", pages.T(req.locale, "workflow." + id + ".title"));
            View staff = View::List();
            auto admins = service.Staff(id, accounts::Capacity::kAdmin);
            for (const auto& u : service.Staff(id, accounts::Capacity::kEditor)) {
                bool admin = std::any_of(admins.begin(), admins.end(),
                                         [&](const accounts::User& a) { return a.id == u.id; });
                View s;
                s.Set("name", u.name).Set("display", u.DisplayName(req.locale));
                std::string scope;
                for (const auto& name : service.ReviewerAgencyNames(u.id, id))
                    scope += (scope.empty() ? "" : ", ") + name;
                s.Set("agencies",
                      scope.empty() ? pages.T(req.locale, "workflow.all_agencies") : scope);
                s.Set("role", pages.T(req.locale, admin ? "workflow.role_administrator"
                                                        : "workflow.role_reviewer"));
                staff.Push(std::move(s));
            }
            t.Set("has_staff", !staff.items().empty()).Set("staff", std::move(staff));
            TypeSettings settings = service.Settings(id);
            t.Set("retention_days", settings.retention_days
                                        ? std::to_string(*settings.retention_days)
                                        : std::string());
            t.Set("retention_label",
                  settings.retention_days
                      ? pages.T(req.locale,
                                core::Message("workflow.retention_days",
                                              {{"n", std::to_string(*settings.retention_days)}}))
                      : pages.T(req.locale, "workflow.retention_forever"));
            types.Push(std::move(t));
        }
        v.Set("types", std::move(types)).Set("typed_user", typed_user);
        if (!errors.empty()) pages.AddErrors(v, errors, req.locale);
        return Response::Html(pages.Render("workflow/roles", std::move(v),
                                           accounts::PageContextOf(req), "workflow.roles_title"),
                              errors.empty() ? 200 : 409);
    };
    router.Get("/staff/roles", [roles_page](http::Request& req) {
        const accounts::Principal* p = accounts::CurrentUser(req);
        api::RequireUser(p);
        if (!p->sysadmin) throw HttpError::Forbidden("admin.sysadmin_only");
        return roles_page(req, {}, "");
    });
    router.Post("/staff/roles", [&service, roles_page](http::Request& req) {
        const auto& p = SignedIn(req);
        std::string user = core::Trim(req.FormValue("user"));
        std::string role = req.FormValue("role");
        std::optional<accounts::Capacity> capacity;
        if (role == "reviewer") capacity = accounts::Capacity::kEditor;
        if (role == "administrator") capacity = accounts::Capacity::kAdmin;
        try {
            if (role != "none" && !capacity)
                throw HttpError::Validation({{"role", "workflow.choose_role"}});
            accounts::Caller caller{.principal = &p, .ip = req.client_ip, .locale = req.locale};
            service.SetStaff(p, user, req.FormValue("type"), capacity, caller);
            // The agencies this person reviews for the type (none typed: every agency).
            if (capacity) {
                std::vector<std::string> agencies;
                for (auto& name : core::Split(req.FormValue("agencies"), ','))
                    if (!core::Trim(name).empty()) agencies.push_back(core::Trim(name));
                if (agencies.size() > 200)
                    throw HttpError::Validation({{"agencies", "workflow.too_many_agencies"}});
                service.SetReviewerAgencies(p, user, req.FormValue("type"), agencies, caller);
            }
        } catch (const HttpError& e) {
            if (e.fields().empty()) throw;
            return roles_page(req, e.fields(), user);
        }
        return Response::Redirect("/staff/roles");
    });

    router.Post("/staff/roles/retention", [&service, roles_page](http::Request& req) {
        const auto& p = SignedIn(req);
        std::string typed = core::Trim(req.FormValue("retention_days"));
        try {
            std::optional<int> days;
            if (!typed.empty()) {
                auto n = core::ParseInt(typed);
                if (!n || *n < 0 || *n > kMaxRetentionDays)
                    throw HttpError::Validation({{"retention_days", "workflow.bad_retention"}});
                days = static_cast<int>(*n);
            }
            service.SetRetention(p, req.FormValue("type"), days, req.client_ip);
        } catch (const HttpError& e) {
            if (e.fields().empty()) throw;
            return roles_page(req, e.fields(), "");
        }
        return Response::Redirect("/staff/roles");
    });

    router.Get("/staff/requests", [&service, &pages](http::Request& req) {
        const accounts::Principal* p = accounts::CurrentUser(req);
        api::RequireUser(p);
        QueueFilter f{.type = req.Query("type"),
                      .state = req.Query("state"),
                      .q = req.Query("q"),
                      .overdue_only = req.Query("overdue") == "1",
                      .include_closed = req.Query("closed") == "1",
                      .limit = 50};
        int page = PageParam(req.Query("page"));
        f.offset = (page - 1) * f.limit;
        QueuePage q = service.Queue(*p, f);
        View v;
        View rows = View::List();
        for (const auto& r : q.items) rows.Push(RowView(service, r, pages, req.locale));
        v.Set("has_requests", !rows.items().empty()).Set("requests", std::move(rows));
        v.Set("total", q.total).Set("q", f.q).Set("overdue_only", f.overdue_only);
        v.Set("include_closed", f.include_closed);
        View types = View::List();
        for (const auto& id : service.TypeIds()) {
            if (!service.IsReviewer(p, id)) continue;
            View t;
            t.Set("id", id).Set("label", pages.T(req.locale, "workflow." + id + ".title"));
            t.Set("current", id == f.type);
            View states = View::List();
            for (const auto& s : service.Type(id).states) {
                View st;
                st.Set("id", s.id).Set("label", Label(pages, req.locale, id, "state", s.id));
                st.Set("current", s.id == f.state);
                states.Push(std::move(st));
            }
            t.Set("states", std::move(states));
            types.Push(std::move(t));
        }
        v.Set("types", std::move(types)).Set("type", f.type).Set("state", f.state);
        v.Set("has_prev", page > 1).Set("prev", page - 1);
        v.Set("has_next", static_cast<int64_t>(page) * f.limit < q.total).Set("next", page + 1);
        return Response::Html(pages.Render("workflow/queue", std::move(v),
                                           accounts::PageContextOf(req), "workflow.queue_title"));
    });
    router.Get("/staff/requests/{reference}", [&service, &pages](http::Request& req) {
        const accounts::Principal* p = accounts::CurrentUser(req);
        api::RequireUser(p);
        auto r = service.Find(p, std::string(req.PathParam("reference")));
        if (!r || !service.CanReview(p, *r)) throw HttpError::NotFound("workflow.not_found");
        return RequestPage(service, pages, req, *r, true);
    });
    router.Post("/staff/requests/{reference}", [&service, &pages](http::Request& req) {
        return TakeStep(service, pages, req, true);
    });
}

}  // namespace internal

}  // namespace govhub::workflow

// The learner's own work details after sign-up (issue 17): civil servant or not, the agency
// (the directory's, as on the sign-up form) and the position.
//   /learning/profile          the form (GET) and its POST, linked from the profile's Learning
//                              section; a changed agency is pending until it confirms it
//   /api/learning/my/profile   the same as JSON (GET, PUT)
// Rules: LearningService::DeclareWork; the standing: ReportService::Membership.
#include <nlohmann/json.hpp>

#include "accounts/middleware.hpp"
#include "core/thai_date.hpp"
#include "learning/reports.hpp"
#include "learning/route_util.hpp"
#include "learning/routes.hpp"

namespace govhub::learning {
namespace {

using http::Request;
using http::Response;
using Json = nlohmann::json;
using render::View;

template <class Get>
WorkDeclaration DeclarationFrom(Get&& get) {
    std::string cs = get("civil_servant");
    return {.civil_servant = cs == "1" || cs == "true",
            .agency_id = get("agency_id"),
            .position = get("position")};
}

struct ProfilePages {
    LearningService& learning;
    ReportService& reports;
    const render::PageRenderer& pages;
    PageSettings settings;

    // `typed`: what was sent, shown again with its errors; else the stored profile.
    Response Form(const Request& req, const api::Principal& p, const WorkDeclaration* typed,
                  const std::vector<FieldError>& errors, int status) const {
        WorkDeclaration w;
        if (typed) {
            w = *typed;
        } else if (auto profile = learning.Profile(p.user_id)) {
            w = {profile->civil_servant, profile->agency_id, profile->position};
        }
        MembershipStatus m = reports.Membership(p.user_id, req.locale);
        View v;
        v.Set("verified", learning.Verified(p.user_id))
            .Set("civil_servant", w.civil_servant)
            .Set("position", w.position)
            .Set("agencies", SelectOptions(learning.ActiveAgencies(req.locale), w.agency_id))
            .Set("has_agency", !m.agency_title.empty())
            .Set("agency", m.agency_title)
            .Set("agency_confirmed", m.confirmed)
            .Set("saved", !typed && req.Query("saved") == "1");
        pages.AddErrors(v, errors, req.locale);
        return LearningPage(pages, settings, req, "learning/profile", std::move(v),
                            "learning.work.title", status);
    }
};

Json ProfileJson(LearningService& learning, ReportService& reports, const api::Principal& p,
                 const std::string& locale) {
    auto profile = learning.Profile(p.user_id);
    MembershipStatus m = reports.Membership(p.user_id, locale);
    Json j = {{"verified", learning.Verified(p.user_id)},
              {"civil_servant", profile && profile->civil_servant},
              {"position", profile ? profile->position : ""},
              {"agency", nullptr},
              {"status", "none"}};
    if (!m.agency_id.empty()) {
        j["agency"] = {{"id", m.agency_id}, {"name", m.agency_name}, {"title", m.agency_title}};
        j["status"] = m.confirmed ? "confirmed" : "pending";
        j["declared_at"] = m.declared_at;
        if (m.confirmed) j["confirmed_at"] = m.confirmed_at;
    }
    return j;
}

}  // namespace

void RegisterProfileRoutes(http::Router& router, LearningService& learning, ReportService& reports,
                           const render::PageRenderer& pages, const PageSettings& settings) {
    auto pg = std::make_shared<ProfilePages>(ProfilePages{learning, reports, pages, settings});
    http::RouteOptions form{.body_limit = 16 << 10, .rate_limit = "form"};
    router.Get("/learning/profile", [pg](Request& req) {
        const api::Principal& p = api::RequireUser(api::CurrentUser(req));
        return pg->Form(req, p, nullptr, {}, 200);
    });
    router.Post(
        "/learning/profile",
        [pg](Request& req) {
            const api::Principal& p = api::RequireUser(api::CurrentUser(req));
            WorkDeclaration w = DeclarationFrom([&](const char* k) { return req.FormValue(k); });
            try {
                pg->learning.DeclareWork(p.user_id, w, api::CallerOf(req));
            } catch (const HttpError& e) {
                if (e.fields().empty()) throw;
                return pg->Form(req, p, &w, e.fields(), e.status());
            }
            return Response::Redirect("/learning/profile?saved=1");
        },
        form);
    router.Get("/api/learning/my/profile", [&learning, &reports](Request& req) {
        const api::Principal& p = api::RequireUser(api::CurrentUser(req));
        return SendJson(ProfileJson(learning, reports, p, req.locale));
    });
    router.Add(
        "PUT", "/api/learning/my/profile",
        [&learning, &reports](Request& req) {
            const api::Principal& p = api::RequireUser(api::CurrentUser(req));
            Json body = JsonObjectBody(req);
            learning.DeclareWork(p.user_id,
                                 DeclarationFrom([&](const char* k) { return JsonText(body, k); }),
                                 api::CallerOf(req));
            return SendJson(ProfileJson(learning, reports, p, req.locale));
        },
        form);
}

}  // namespace govhub::learning

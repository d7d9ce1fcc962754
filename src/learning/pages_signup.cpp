// Learning's sign-up pages and their JSON twins (signup.hpp has the rules):
//   /learning/signup    a new account with its identity verified by the card's laser code;
//   /learning/identity  a signed-in account adds its verified identity (or sees it, masked).
// POST /api/learning/signup and /api/learning/identity take the same fields as JSON.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "accounts/middleware.hpp"
#include "core/json_reader.hpp"
#include "core/strings.hpp"
#include "core/thai_date.hpp"
#include "learning/route_util.hpp"
#include "learning/routes.hpp"
#include "learning/signup.hpp"

namespace govhub::learning {
namespace {

using Json = nlohmann::json;
using http::Request;
using http::Response;
using render::View;

// The identity fields, from a form or a JSON object (the same names).
template <class Get>
IdentityForm IdentityFrom(Get&& get) {
    return {.title_th = get("title_th"),
            .first_name_th = get("first_name_th"),
            .last_name_th = get("last_name_th"),
            .first_name_en = get("first_name_en"),
            .last_name_en = get("last_name_en"),
            .birth_day = get("birth_day"),
            .birth_month = get("birth_month"),
            .birth_year = get("birth_year"),
            .citizen_id = get("citizen_id"),
            .laser = get("laser"),
            .civil_servant = get("civil_servant") == "1" || get("civil_servant") == "true",
            .agency_id = get("agency_id"),
            .position = get("position"),
            .consent = get("consent") == "1" || get("consent") == "true"};
}

struct SignupPages {
    SignupService& signup;
    LearningService& learning;
    accounts::IdentityService& identities;
    const render::PageRenderer& pages;
    PageSettings settings;

    Response Page(const Request& req, const std::string& tmpl, View v, const std::string& title,
                  int status = 200) const {
        return LearningPage(pages, settings, req, tmpl, std::move(v), title, status);
    }

    // The identity part of both forms, with what was typed (never the laser code) and errors.
    View IdentityView(const Request& req, const IdentityForm& f, const SignupResult* r) const {
        const std::string& locale = req.locale;
        View v;
        v.Set("title_th", f.title_th)
            .Set("first_name_th", f.first_name_th)
            .Set("last_name_th", f.last_name_th)
            .Set("first_name_en", f.first_name_en)
            .Set("last_name_en", f.last_name_en)
            .Set("birth_year", f.birth_year)
            .Set("citizen_id", f.citizen_id)
            .Set("civil_servant", f.civil_servant)
            .Set("position", f.position)
            .Set("consent", f.consent)
            .Set("consent_text",
                 pages.T(locale, "learning.consent.text_v" + std::to_string(kConsentVersion)))
            .Set("consent_version", kConsentVersion)
            .Set("enabled", signup.enabled());
        SelectChoices days, months;
        for (int d = 0; d <= 31; ++d)
            days.emplace_back(std::to_string(d),
                              d ? std::to_string(d) : pages.T(locale, "learning.identity.unknown"));
        for (int m = 0; m <= 12; ++m)
            months.emplace_back(
                std::to_string(m),
                m ? core::MonthName(m, locale) : pages.T(locale, "learning.identity.unknown"));
        v.Set("days", SelectOptions(days, core::Trim(f.birth_day)))
            .Set("months", SelectOptions(months, core::Trim(f.birth_month)))
            .Set("agencies", SelectOptions(learning.ActiveAgencies(locale), f.agency_id));
        if (r) {
            pages.AddErrors(v, r->errors, locale);
            if (!r->message.empty()) {
                v.Set("message", pages.T(locale, r->message)).Set("has_message", true);
                // The page-wide message is an error summary of its own when no field is wrong.
                if (r->errors.empty()) v.Set("has_errors", false);
            }
        }
        return v;
    }

    // ---- sign up
    Response SignupForm(Request& req) const {
        if (api::CurrentUser(req)) return Response::Redirect("/learning/identity");
        return Page(req, "learning/signup", IdentityView(req, {}, nullptr),
                    "learning.signup_title");
    }

    Response SignUp(Request& req) const {
        if (api::CurrentUser(req)) return Response::Redirect("/learning/identity");
        learning::SignupForm f{
            .identity = IdentityFrom([&](const char* k) { return req.FormValue(k); }),
            .email = req.FormValue("email"),
            .password = req.FormValue("password"),
            .password_confirm = req.FormValue("password_confirm"),
            .locale = req.locale};
        SignupResult r = signup.SignUp(f, api::CallerOf(req));
        if (r.done) {
            View v;
            v.Set("email", r.email);
            return Page(req, "learning/signed_up", std::move(v), "learning.signup_done_title", 201);
        }
        View v = IdentityView(req, f.identity, &r);
        v.Set("email", f.email);
        return Page(req, "learning/signup", std::move(v), "learning.signup_title", r.status);
    }

    // ---- an existing account's identity
    Response IdentityPage(Request& req, const IdentityForm& f, const SignupResult* r) const {
        const api::Principal& p = api::RequireUser(api::CurrentUser(req));
        View v = IdentityView(req, f, r);
        if (auto id = identities.FindIdentity(p.user_id)) {
            View shown;
            shown.Set("name", id->title_th + id->first_name_th + " " + id->last_name_th)
                .Set("citizen_id", id->masked_citizen_id)
                .Set("verified_at", core::FormatIsoDate(id->verified_at, req.locale, false))
                .Set("verifier", id->verifier)
                .Set("demo", id->verifier == "demo");
            v.Set("identity", std::move(shown)).Set("verified", true);
        }
        if (auto profile = learning.Profile(p.user_id)) {
            v.Set("consent_at", core::FormatIsoDate(profile->consent_at, req.locale, false))
                .Set("consent_given", profile->consent_version > 0)
                .Set("accepted_version", profile->consent_version);
        }
        return Page(req, "learning/identity", std::move(v), "learning.identity_title",
                    r ? r->status : 200);
    }

    Response IdentityForm_(Request& req) const { return IdentityPage(req, {}, nullptr); }

    Response AddIdentity(Request& req) const {
        api::RequireUser(api::CurrentUser(req));
        IdentityForm f = IdentityFrom([&](const char* k) { return req.FormValue(k); });
        SignupResult r = signup.AddIdentity(f, api::CallerOf(req));
        if (r.done) return Response::Redirect("/learning/identity?verified=1");
        return IdentityPage(req, f, &r);
    }
};

Response SendResult(const SignupResult& r, const render::PageRenderer& pages,
                    const std::string& locale) {
    if (r.done) return Response::Json(Json{{"done", true}, {"email", r.email}}.dump(), 201);
    Json fields = Json::object();
    for (const auto& e : r.errors) fields[e.field].push_back(pages.T(locale, e.message));
    Json error = {{"message", pages.T(locale, r.message.empty() ? "error.validation" : r.message)},
                  {"fields", fields}};
    return Response::Json(Json{{"done", false}, {"error", error}}.dump(
                              -1, ' ', false, Json::error_handler_t::replace),
                          r.status);
}

}  // namespace

void RegisterSignupRoutes(http::Router& router, SignupService& signup, LearningService& learning,
                          accounts::IdentityService& identities, const render::PageRenderer& pages,
                          const PageSettings& settings) {
    auto pg =
        std::make_shared<SignupPages>(SignupPages{signup, learning, identities, pages, settings});
    http::RouteOptions form{.body_limit = 32 << 10, .rate_limit = "form"};
    router.Get("/learning/signup", [pg](Request& req) { return pg->SignupForm(req); });
    router.Post(
        "/learning/signup", [pg](Request& req) { return pg->SignUp(req); }, form);
    router.Get("/learning/identity", [pg](Request& req) { return pg->IdentityForm_(req); });
    router.Post(
        "/learning/identity", [pg](Request& req) { return pg->AddIdentity(req); }, form);
    router.Post(
        "/api/learning/signup",
        [&signup, &pages](Request& req) {
            if (api::CurrentUser(req)) throw HttpError::BadRequest("learning.error.signed_in");
            Json j = JsonObjectBody(req);
            auto get = [&](const char* k) { return JsonText(j, k); };
            learning::SignupForm f{.identity = IdentityFrom(get),
                                   .email = get("email"),
                                   .password = get("password"),
                                   .password_confirm = get("password_confirm"),
                                   .locale = req.locale};
            return SendResult(signup.SignUp(f, api::CallerOf(req)), pages, req.locale);
        },
        form);
    router.Post(
        "/api/learning/identity",
        [&signup, &pages](Request& req) {
            api::RequireUser(api::CurrentUser(req));
            Json j = JsonObjectBody(req);
            IdentityForm f = IdentityFrom([&](const char* k) { return JsonText(j, k); });
            SignupResult r = signup.AddIdentity(f, api::CallerOf(req));
            if (r.done) return Response::Json(R"({"done": true})", 201);
            return SendResult(r, pages, req.locale);
        },
        form);
    // A sysadmin ends a verification lock early (by citizen ID, or the locks an account's tries
    // caused): the identity service audits it.
    // The page lists the IDs locked or failing now (by the start of their keyed hash, with the
    // last account that tried), each with its own unlock button.
    auto locks_page = [pg, &identities](const Request& req, View v, int status) {
        const api::Principal& p = api::RequireSysadmin(api::CurrentUser(req));
        View rows = View::List();
        for (const auto& c : identities.VerificationCounters(p)) {
            View r;
            r.Set("key", c.key)
                .Set("short", c.key.substr(0, std::min<size_t>(10, c.key.size())))
                .Set("failures", c.failures)
                .Set("locked", c.locked_until > 0)
                .Set("until", c.locked_until > 0
                                  ? core::FormatDate(c.locked_until * 1000000, req.locale, true)
                                  : std::string())
                .Set("user", c.user_name)
                .Set("has_user", !c.user_name.empty());
            rows.Push(std::move(r));
        }
        v.Set("has_counters", !rows.items().empty()).Set("counters", std::move(rows));
        return pg->Page(req, "learning/identity_locks", std::move(v), "learning.locks_title",
                        status);
    };
    router.Get("/learning/admin/identity-locks", [locks_page](Request& req) {
        api::RequireSysadmin(api::CurrentUser(req));
        return locks_page(req, View(), 200);
    });
    router.Post(
        "/learning/admin/identity-locks/unlock",
        [locks_page, &identities](Request& req) {
            const api::Principal& p = api::RequireSysadmin(api::CurrentUser(req));
            int n = identities.UnlockVerificationKey(p, req.FormValue("key"), api::CallerOf(req));
            View v;
            v.Set("done", n > 0).Set("none", n == 0).Set("count", n);
            return locks_page(req, std::move(v), 200);
        },
        form);
    router.Post(
        "/learning/admin/identity-locks",
        [locks_page, &identities](Request& req) {
            const api::Principal& p = api::RequireSysadmin(api::CurrentUser(req));
            std::string typed = core::Trim(req.FormValue("citizen_id"));
            View v;
            v.Set("typed", typed);
            try {
                int n = identities.UnlockVerification(p, typed, api::CallerOf(req));
                v.Set("done", n > 0).Set("none", n == 0).Set("count", n);
            } catch (const HttpError& e) {
                // Not a citizen ID nor a user name: said beside the field, not a 404 page.
                if (e.status() != 404 && e.status() != 409) throw;
                v.Set("error", true);
                return locks_page(req, std::move(v), 422);
            }
            return locks_page(req, std::move(v), 200);
        },
        form);
    router.Post(
        "/api/learning/identity/unlock",
        [&identities](Request& req) {
            const api::Principal& p = api::RequireSysadmin(api::CurrentUser(req));
            Json j = JsonObjectBody(req);
            int n = identities.UnlockVerification(p, JsonText(j, "citizen_id"), api::CallerOf(req));
            return Response::Json(Json{{"unlocked", n}}.dump());
        },
        form);
    router.Get("/api/learning/identity", [&identities](Request& req) {
        const api::Principal& p = api::RequireUser(api::CurrentUser(req));
        auto id = identities.FindIdentity(p.user_id);
        if (!id) return Response::Json(R"({"verified": false})");
        Json out = {{"verified", true},
                    {"title_th", id->title_th},
                    {"first_name_th", id->first_name_th},
                    {"last_name_th", id->last_name_th},
                    {"first_name_en", id->first_name_en},
                    {"last_name_en", id->last_name_en},
                    {"citizen_id", id->masked_citizen_id},
                    {"verifier", id->verifier},
                    {"verified_at", id->verified_at}};
        return Response::Json(out.dump(-1, ' ', false, Json::error_handler_t::replace));
    });
}

}  // namespace govhub::learning

// Public certificate verification and the issuer's published material (issue 17):
//   /learning/verify (a form), /learning/verify/{code} (the QR code's address) and its JSON twin
//   GET /api/learning/verify/{code}: valid, revoked (with its date) or unknown (404);
//   POST /learning/verify/{code}/name and PUT /api/learning/my/name-on-certificate: the
//   learner's choice of "full" or "initials";
//   GET /learning/certificates/{code}/credential.jwt (the OB 3.0 VC-JWT as issued),
//   /.well-known/jwks.json, /.well-known/did.json, /learning/credentials/status/1.
// The verification routes are of the "lookup" rate-limit class (per IP, any method), so codes
// cannot be tried fast. No login is needed for any of them but the name choice.
#include <nlohmann/json.hpp>

#include "accounts/middleware.hpp"
#include "core/thai_date.hpp"
#include "learning/branding.hpp"
#include "learning/route_util.hpp"
#include "learning/routes.hpp"

namespace govhub::learning {
namespace {

using http::Request;
using http::Response;
using render::View;

std::string Str(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A stored ISO date or time in the locale's words ("7 ธันวาคม 2569", "7 December 2026"); a
// date alone is read as that day (Bangkok's day begins 7 hours after UTC midnight).
std::string DateText(const std::string& iso, const std::string& locale) {
    if (iso.empty()) return "";
    std::string t = iso.size() == 10 ? iso + "T00:00:00Z" : iso;
    return core::FormatIsoDate(t, locale);
}

nlohmann::json VerificationJson(const Verification& v, const std::string& site_url) {
    const nlohmann::json& s = v.snapshot;
    const Certificate& c = v.certificate;
    nlohmann::json out{
        {"code", c.code},
        {"status", v.revoked ? "revoked" : "valid"},
        {"learner_name", v.learner_name},
        {"learner_name_en", v.learner_name_en},
        {"name_on_certificate", v.name_choice},
        {"course", Str(s, "course_name")},
        {"course_title", Str(s, "course_title")},
        {"course_title_en", Str(s, "course_title_en")},
        {"agency_title", Str(s, "agency_title")},
        {"agency_title_en", Str(s, "agency_title_en")},
        {"completed_at", Str(s, "completed_at").empty() ? c.completed_at : Str(s, "completed_at")},
        {"issued_at", c.issued_at},
        {"revoked_at", v.revoked ? nlohmann::json(c.revoked_at) : nlohmann::json(nullptr)},
        {"credential_url", site_url + "/learning/certificates/" + c.code + "/credential.jwt"},
        {"status_list_url", site_url + "/learning/credentials/status/1"},
        {"status_list_index", c.status_index},
        {"jwks_url", site_url + "/.well-known/jwks.json"}};
    if (s.contains("minutes")) out["minutes"] = s["minutes"];
    return out;
}

struct VerifyPages {
    BrandingService& branding;
    const render::PageRenderer& pages;
    PageSettings settings;

    Response Page(const Request& req, View v, int status) const {
        v.Set("site_url", branding.config().site_url);
        return LearningPage(pages, settings, req, "learning/verify", std::move(v),
                            "learning.verify.title", status);
    }

    // The form alone, or with "no such certificate" for what was typed.
    Response Unknown(const Request& req, const std::string& typed) const {
        View v;
        v.Set("typed", typed).Set("unknown", !typed.empty()).Set("found", false);
        return Page(req, std::move(v), typed.empty() ? 200 : 404);
    }

    Response Form(Request& req) const {
        std::string typed = req.Query("code");
        if (typed.empty()) return Unknown(req, "");
        // The certificate's own address, so it can be bookmarked and shared.
        if (auto code = NormalizeCertificateCode(typed))
            return Response::Redirect("/learning/verify/" + *code, 303);
        return Unknown(req, typed);
    }

    Response Show(Request& req) const {
        std::string typed(req.PathParam("code"));
        auto v = branding.Verify(typed, api::CurrentUser(req));
        if (!v) return Unknown(req, typed);
        // A code typed loosely ("abcd efgh…") lands on its one address.
        if (typed != v->certificate.code)
            return Response::Redirect("/learning/verify/" + v->certificate.code, 301);
        const nlohmann::json& s = v->snapshot;
        const Certificate& c = v->certificate;
        const std::string& loc = req.locale;
        auto local = [&](const char* th, const char* en) {
            std::string t = Str(s, th), e = Str(s, en);
            return loc == "en" && !e.empty() ? e : t;
        };
        std::string completed =
            Str(s, "completed_at").empty() ? c.completed_at : Str(s, "completed_at");
        View view;
        view.Set("found", true)
            .Set("code", c.code)
            .Set("revoked", v->revoked)
            .Set("valid", !v->revoked)
            .Set("revoked_date", DateText(c.revoked_at, loc))
            .Set("learner_name", v->learner_name)
            .Set("learner_name_en", v->learner_name_en)
            .Set("has_name_en", !v->learner_name_en.empty())
            .Set("course_title", local("course_title", "course_title_en"))
            .Set("course_name", Str(s, "course_name"))
            .Set("agency_title", local("agency_title", "agency_title_en"))
            .Set("completed_th", DateText(completed, "th"))
            .Set("completed_en", DateText(completed, "en"))
            .Set("issued", DateText(c.issued_at, loc))
            .Set("has_credential", !c.credential.empty())
            .Set("own", v->own)
            .Set("name_saved", v->own && req.Query("saved") == "1")
            .Set("initials", v->name_choice == "initials");
        return Page(req, std::move(view), 200);
    }

    Response SetName(Request& req) const {
        std::string typed(req.PathParam("code"));
        branding.SetNameChoiceFor(typed, req.FormValue("name_on_certificate"), api::CallerOf(req));
        auto code = NormalizeCertificateCode(typed);
        return Response::Redirect("/learning/verify/" + code.value_or(typed) + "?saved=1");
    }
};

// Published for any verifier, from any origin.
Response Public(Response res, const std::string& cache) {
    res.headers.Set("Access-Control-Allow-Origin", "*");
    res.headers.Set("Cache-Control", cache);
    return res;
}

}  // namespace

void RegisterVerifyRoutes(http::Router& router, BrandingService& branding,
                          const render::PageRenderer& pages, const PageSettings& settings) {
    auto pg = std::make_shared<VerifyPages>(VerifyPages{branding, pages, settings});
    http::RouteOptions lookup{.rate_limit = "lookup"};
    http::RouteOptions lookup_form{.body_limit = 16 << 10, .rate_limit = "lookup"};

    router.Get(
        "/learning/verify", [pg](Request& req) { return pg->Form(req); }, lookup);
    router.Get(
        "/learning/verify/{code}", [pg](Request& req) { return pg->Show(req); }, lookup);
    router.Post(
        "/learning/verify/{code}/name", [pg](Request& req) { return pg->SetName(req); },
        lookup_form);
    router.Get(
        "/api/learning/verify/{code}",
        [&branding](Request& req) {
            auto v = branding.Verify(req.PathParam("code"), api::CurrentUser(req));
            if (!v) throw HttpError::NotFound("learning.verify.unknown");
            return Public(SendJson(VerificationJson(*v, branding.config().site_url)), "no-cache");
        },
        lookup);
    router.Add(
        "PUT", "/api/learning/my/name-on-certificate",
        [&branding](Request& req) {
            nlohmann::json body = JsonObjectBody(req);
            branding.SetNameChoice(JsonText(body, "name_on_certificate"), api::CallerOf(req));
            return SendJson({{"name_on_certificate", JsonText(body, "name_on_certificate")}});
        },
        http::RouteOptions{.body_limit = 16 << 10, .rate_limit = "form"});
    router.Get(
        "/learning/certificates/{code}/credential.jwt",
        [&branding](Request& req) {
            auto jwt = branding.CredentialOf(req.PathParam("code"));
            if (!jwt) throw HttpError::NotFound("learning.verify.unknown");
            return Public(Response::Text(*jwt, 200, "application/jwt"), "public, max-age=300");
        },
        lookup);
    router.Get("/.well-known/jwks.json", [&branding](Request&) {
        return Public(SendJson(branding.JwksJson()), "public, max-age=300");
    });
    router.Get("/.well-known/did.json", [&branding](Request&) {
        return Public(Response::Text(branding.DidJson().dump(), 200, "application/did+json"),
                      "public, max-age=300");
    });
    // Made again only when a revocation happened (BrandingService::Status); verifiers may keep
    // it a few seconds.
    router.Get("/learning/credentials/status/1", [&branding](Request&) {
        return Public(Response::Text(branding.StatusListJwt(), 200, "application/jwt"),
                      "public, max-age=5");
    });
}

}  // namespace govhub::learning

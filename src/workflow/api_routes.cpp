// The workflow's JSON routes: the bulk decision (POST /api/requests/decide), reviewer scopes
// (/api/staff/roles/{user}/agencies) and /api/holidays.
#include <nlohmann/json.hpp>

#include "accounts/middleware.hpp"
#include "api/params.hpp"
#include "core/error.hpp"
#include "core/json_reader.hpp"
#include "core/strings.hpp"
#include "http/response.hpp"
#include "workflow/pages_internal.hpp"

namespace govhub::workflow {
namespace {

using http::Response;
using Json = nlohmann::json;

Json ScopesJson(const StaffScopes& s) {
    Json types = Json::array();
    for (const auto& t : s.types) {
        Json agencies = Json::array();
        for (const auto& a : t.agencies)
            agencies.push_back(
                {{"id", a.id}, {"name", a.name}, {"title", a.title}, {"title_en", a.title_en}});
        types.push_back({{"type", t.type},
                         {"role", t.role},
                         {"all_agencies", t.agencies.empty()},
                         {"agencies", std::move(agencies)}});
    }
    return {{"user", s.user_name}, {"user_id", s.user_id}, {"types", std::move(types)}};
}

// A JSON object body, or form fields; anything else is a 400.
Json BodyParams(const http::Request& req) {
    std::string ctype = core::ToLower(req.Header("Content-Type"));
    if (core::StartsWith(ctype, "application/x-www-form-urlencoded") ||
        core::StartsWith(ctype, "multipart/form-data"))
        return api::FormJson(req);
    Json body = core::ParseJsonBoundedOrDiscarded(req.body);
    if (!body.is_object()) throw HttpError(400, "bad_json", "error.bad_json");
    return body;
}

}  // namespace

namespace internal {

void RegisterApiRoutes(http::Router& router, WorkflowService& service) {
    // The bulk decision (reviewers): {"requests": [ids or references], "transition", "note"};
    // each request its own audited step, the outcome of each in "results".
    router.Post("/api/requests/decide", [&service](http::Request& req) {
        const auto& p = SignedIn(req);
        Json body = Json::parse(req.body, nullptr, false);
        if (!body.is_object() || !body.contains("requests") || !body["requests"].is_array())
            throw HttpError::Validation({{"requests", "form.required"}});
        std::vector<std::string> ids;
        for (const auto& x : body["requests"]) {
            if (!x.is_string()) throw HttpError::Validation({{"requests", "workflow.bad_data"}});
            ids.push_back(x.get<std::string>());
        }
        auto text = [&](const char* key) {
            return body.contains(key) && body[key].is_string() ? body[key].get<std::string>()
                                                               : std::string();
        };
        auto outcomes = service.Decide(
            p, ids, {.transition = text("transition"), .note = text("note"), .ip = req.client_ip});
        Json results = Json::array();
        int failed = 0;
        for (const auto& o : outcomes) {
            Json one = {{"request", o.request}, {"ok", o.ok}};
            if (!o.reference.empty()) one["reference"] = o.reference;
            if (o.ok) {
                one["state"] = o.state;
            } else {
                ++failed;
                one["status"] = o.status;
                one["error"] = o.error;
            }
            results.push_back(std::move(one));
        }
        return Response::Json(
            Json{{"results", results}, {"failed", failed}, {"decided", outcomes.size() - failed}}
                .dump());
    });
    // Reviewer scopes: which agencies a person reviews for each type they are staff of
    // (sysadmins read anyone's, a person their own), and setting them for one type
    // (sysadmins; audited as on /staff/roles).
    router.Get("/api/staff/roles/{user}/agencies", [&service](http::Request& req) {
        const auto& p = SignedIn(req);
        return Response::Json(
            ScopesJson(service.ScopesOf(p, std::string(req.PathParam("user")))).dump());
    });
    router.Post("/api/staff/roles/{user}/agencies", [&service](http::Request& req) {
        const auto& p = SignedIn(req);
        std::string user(req.PathParam("user"));
        // Who before what: a refused caller learns nothing about the body.
        if (!WorkflowService::CanSetScopes(&p)) throw HttpError::Forbidden("admin.sysadmin_only");
        Json body = BodyParams(req);
        api::Params in(body);
        std::string type = in.Require("type");
        if (!in.json().contains("agencies"))
            throw HttpError::Validation({{"agencies", "api.param.missing"}});
        accounts::Caller caller{.principal = &p, .ip = req.client_ip, .locale = req.locale};
        service.SetReviewerAgencies(p, user, type, in.List("agencies"), caller);
        return Response::Json(ScopesJson(service.ScopesOf(p, user)).dump());
    });
    router.Get("/api/holidays", [&service](http::Request& req) {
        Json out = Json::array();
        // A bad year is the API's Validation Error (409, naming "year"); none: every year.
        Json query = api::QueryJson(req);
        int year = YearParam(api::Params(query), 0);
        for (const auto& h : service.Holidays(year))
            out.push_back({{"date", h.day},
                           {"name_th", h.name_th},
                           {"name_en", h.name_en},
                           {"kind", h.kind},
                           {"confirmed", h.confirmed}});
        return Response::Json(Json{{"holidays", out}}.dump());
    });
}

}  // namespace internal

}  // namespace govhub::workflow

// The workflow's JSON routes: the bulk decision (POST /api/requests/decide) and
// /api/holidays.
#include <nlohmann/json.hpp>

#include "accounts/middleware.hpp"
#include "core/error.hpp"
#include "http/response.hpp"
#include "workflow/pages_internal.hpp"

namespace govhub::workflow {
namespace {

using http::Response;
using Json = nlohmann::json;

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
    router.Get("/api/holidays", [&service](http::Request& req) {
        Json out = Json::array();
        int year = req.Query("year").empty() ? 0 : YearParam(req.Query("year"));
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

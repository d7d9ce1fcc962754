// workD's budget as JSON: GET /api/workd/budget, GET and PUT /api/workd/budget/{year}.
#include <nlohmann/json.hpp>

#include "accounts/middleware.hpp"
#include "api/params.hpp"
#include "core/error.hpp"
#include "core/json_reader.hpp"
#include "core/strings.hpp"
#include "http/response.hpp"
#include "workd/review_routes.hpp"

namespace govhub::workd {
namespace {

using http::Response;
using Json = nlohmann::json;

Json BudgetJson(const Budget& b) {
    return {{"fiscal_year", b.fiscal_year},
            {"set", b.set},
            {"updated", b.updated},
            {"mail_accounts",
             {{"allocation", b.mail_allocation},
              {"committed", b.mail_committed},
              {"remaining", b.mail_allocation - b.mail_committed}}},
            {"conference_accounts",
             {{"allocation", b.conference_allocation},
              {"committed", b.conference_committed},
              {"remaining", b.conference_allocation - b.conference_committed}}}};
}

// The path's Buddhist-era fiscal year; anything else is a 409 naming `year`.
int YearOf(http::Request& req) {
    auto n = core::ParseInt(std::string(req.PathParam("year")));
    if (!n || *n < 2500 || *n > 2800)
        throw HttpError::Validation({{"year", "workd.budget.bad_year"}});
    return static_cast<int>(*n);
}

}  // namespace

void RegisterReviewApi(http::Router& router, WorkdService& service) {
    // A change to an approved service, filed as a draft (docs/api.md): {"parent": "WD-…",
    // "members_change", "more_mail_accounts", "more_conference_accounts", "relay",
    // "relay_details"}; submitted with POST /api/requests/{reference}/transitions.
    router.Post("/api/workd/changes",
                [&service](http::Request& req) {
                    const auto& p = api::RequireUser(api::CurrentUser(req));
                    Json body = core::ParseJsonBoundedOrDiscarded(req.body);
                    if (!body.is_object()) throw HttpError(400, "bad_json", "error.bad_json");
                    if (!body.contains("parent") || !body["parent"].is_string())
                        throw HttpError::Validation({{"parent", "form.required"}});
                    std::string parent = body["parent"].get<std::string>();
                    body.erase("parent");
                    workflow::Request r = service.FileChange(p, parent, body.dump(), req.client_ip);
                    return Response::Json(Json{{"reference", r.reference},
                                               {"state", r.state},
                                               {"url", "/requests/" + r.reference},
                                               {"api", "/api/requests/" + r.reference}}
                                              .dump(),
                                          201);
                },
                {.body_limit = 64 << 10, .rate_limit = "form"});
    router.Get("/api/workd/budget", [&service](http::Request& req) {
        const auto& p = api::RequireUser(api::CurrentUser(req));
        Json years = Json::array();
        for (const auto& b : service.Budgets(p)) years.push_back(BudgetJson(b));
        return Response::Json(
            Json{{"current_fiscal_year", service.CurrentFiscalYear()}, {"budgets", years}}.dump());
    });
    router.Get("/api/workd/budget/{year}", [&service](http::Request& req) {
        const auto& p = api::RequireUser(api::CurrentUser(req));
        if (!service.CanReadBudget(&p)) throw HttpError::Forbidden("workd.budget.staff_only");
        return Response::Json(BudgetJson(service.ReadBudget(p, YearOf(req))).dump());
    });
    router.Add("PUT", "/api/workd/budget/{year}", [&service](http::Request& req) {
        const auto& p = api::RequireUser(api::CurrentUser(req));
        // Who before what: a refused caller learns nothing about the body.
        if (!WorkdService::CanSetBudget(&p))
            throw HttpError::Forbidden("workd.budget.sysadmin_only");
        int year = YearOf(req);
        Json body = core::ParseJsonBoundedOrDiscarded(req.body);
        if (!body.is_object()) throw HttpError(400, "bad_json", "error.bad_json");
        api::Params in(body);
        for (const char* key : {"mail_accounts", "conference_accounts"})
            if (!body.contains(key) || body[key].is_null())
                throw HttpError::Validation({{key, "api.param.missing"}});
        int64_t mail = in.Int("mail_accounts", 0, 0, WorkdService::kMaxAllocation);
        int64_t conf = in.Int("conference_accounts", 0, 0, WorkdService::kMaxAllocation);
        return Response::Json(
            BudgetJson(service.SetBudget(p, year, mail, conf, req.client_ip)).dump());
    });
}

}  // namespace govhub::workd

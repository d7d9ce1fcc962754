// workD's staff page: /staff/workd/budget, the allocation of each Thai fiscal year against what
// approvals committed (staff of workD read it; sysadmins set a year's allocation).
#include <nlohmann/json.hpp>

#include "accounts/middleware.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"
#include "http/response.hpp"
#include "workd/review_routes.hpp"

namespace govhub::workd {
namespace {

using http::Response;
using render::View;

std::string Grouped(int64_t n) {
    std::string digits = std::to_string(n < 0 ? -n : n), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return n < 0 ? "-" + out : out;
}

struct Typed {
    std::string year, mail, conference;
};

Response BudgetPage(WorkdService& service, const render::PageRenderer& pages, http::Request& req,
                    const accounts::Principal& p, std::vector<FieldError> errors = {},
                    const Typed& typed = {}) {
    const std::string& locale = req.locale;
    View v;
    int current = service.CurrentFiscalYear();
    // The form starts from the chosen year's figures (?year=, the year just saved, else the
    // current one); what was typed is kept when it comes back with errors.
    Typed form = typed;
    if (errors.empty()) {
        std::string chosen = req.Query("year").empty() ? req.Query("saved") : req.Query("year");
        auto y = core::ParseInt(core::Trim(chosen).substr(0, 20));
        form.year = y && *y >= 2500 && *y <= 2800 ? std::to_string(*y) : std::to_string(current);
    }
    View years = View::List();
    for (const auto& b : service.Budgets(p)) {
        if (errors.empty() && std::to_string(b.fiscal_year) == form.year) {
            form.mail = std::to_string(b.mail_allocation);
            form.conference = std::to_string(b.conference_allocation);
        }
        View y;
        auto share = [&](const char* prefix, int64_t allocation, int64_t committed) {
            y.Set(std::string(prefix) + "_allocation", Grouped(allocation))
                .Set(std::string(prefix) + "_committed", Grouped(committed))
                .Set(std::string(prefix) + "_remaining", Grouped(allocation - committed))
                .Set(std::string(prefix) + "_over", committed > allocation)
                .Set(std::string(prefix) + "_raw", std::to_string(allocation));
        };
        share("mail", b.mail_allocation, b.mail_committed);
        share("conference", b.conference_allocation, b.conference_committed);
        const bool be = locale != "en";
        y.Set("year", std::to_string(b.fiscal_year))
            .Set("current", b.fiscal_year == current)
            .Set("default", !b.set)
            .Set("from",
                 // The years as the reader counts them: Buddhist era in Thai, CE in English.
                 pages.T(locale, core::Message(
                                     "workd.budget.year_span",
                                     {{"start", std::to_string(b.fiscal_year - 1 - (be ? 0 : 543))},
                                      {"end", std::to_string(b.fiscal_year - (be ? 0 : 543))}})));
        years.Push(std::move(y));
    }
    v.Set("years", std::move(years))
        .Set("current_year", std::to_string(current))
        .Set("can_set", WorkdService::CanSetBudget(&p))
        .Set("typed_year", form.year.empty() ? std::to_string(current) : form.year)
        .Set("typed_mail", form.mail)
        .Set("typed_conference", form.conference)
        .Set("saved", req.Query("saved"))
        .Set("has_saved", !req.Query("saved").empty());
    if (!errors.empty()) pages.AddErrors(v, errors, locale);
    return Response::Html(pages.Render("workd/budget", std::move(v), accounts::PageContextOf(req),
                                       "workd.budget.title"),
                          errors.empty() ? 200 : 409);
}

}  // namespace

void RegisterStaffPages(http::Router& router, WorkdService& service,
                        const render::PageRenderer& pages) {
    router.Get("/staff/workd/budget", [&service, &pages](http::Request& req) {
        const accounts::Principal* p = accounts::CurrentUser(req);
        api::RequireUser(p);
        if (!service.CanReadBudget(p)) throw HttpError::Forbidden("workd.budget.staff_only");
        return BudgetPage(service, pages, req, *p);
    });
    router.Post("/staff/workd/budget", [&service, &pages](http::Request& req) {
        const auto& p = api::RequireUser(api::CurrentUser(req));
        if (!WorkdService::CanSetBudget(&p))
            throw HttpError::Forbidden("workd.budget.sysadmin_only");
        Typed typed{.year = core::Trim(req.FormValue("year")).substr(0, 20),
                    .mail = core::Trim(req.FormValue("mail_accounts")).substr(0, 20),
                    .conference = core::Trim(req.FormValue("conference_accounts")).substr(0, 20)};
        std::vector<FieldError> errors;
        auto year = core::ParseInt(typed.year);
        auto mail = core::ParseInt(typed.mail);
        auto conf = core::ParseInt(typed.conference);
        if (!year || *year < 2500 || *year > 2800) errors = {{"year", "workd.budget.bad_year"}};
        for (auto [key, n] : {std::pair{"mail_accounts", mail}, {"conference_accounts", conf}})
            if (!n || *n < 0 || *n > WorkdService::kMaxAllocation)
                errors.push_back({key, "workd.budget.bad_count"});
        try {
            if (!errors.empty()) throw HttpError::Validation(errors);
            service.SetBudget(p, static_cast<int>(*year), *mail, *conf, req.client_ip);
        } catch (const HttpError& e) {
            if (e.fields().empty()) throw;
            return BudgetPage(service, pages, req, p, e.fields(), typed);
        }
        return Response::Redirect("/staff/workd/budget?saved=" + typed.year);
    });
}

}  // namespace govhub::workd

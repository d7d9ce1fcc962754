// /admin/holidays: the holiday table the working-day clocks count by (sysadmins).
#include <nlohmann/json.hpp>

#include "accounts/middleware.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/i18n.hpp"
#include "core/strings.hpp"
#include "core/thai_date.hpp"
#include "http/response.hpp"
#include "workflow/pages_internal.hpp"

namespace govhub::workflow {
namespace {

using http::Response;
using render::View;
using Json = nlohmann::json;

Holiday HolidayFrom(const http::Request& req) {
    return {.day = core::Trim(req.FormValue("day")),
            .name_th = req.FormValue("name_th"),
            .name_en = req.FormValue("name_en"),
            .kind = req.FormValue("kind", "fixed"),
            .confirmed = req.FormValue("confirmed") == "1"};
}

Response HolidaysPage(WorkflowService& service, const render::PageRenderer& pages,
                      http::Request& req, int year, const std::vector<FieldError>& errors = {},
                      const Holiday& typed = {}) {
    const std::string& locale = req.locale;
    View v;
    v.Set("year", year).Set("year_be", core::BuddhistYear(year));
    v.Set("prev", year - 1).Set("next", year + 1);
    v.Set("prev_be", core::BuddhistYear(year - 1)).Set("next_be", core::BuddhistYear(year + 1));
    View rows = View::List();
    int pending = 0;
    for (const auto& h : service.Holidays(year)) {
        int64_t day = core::DayFromIso(h.day);
        View r;
        r.Set("day", h.day)
            .Set("date", core::FormatDate(core::BangkokDayStart(day) * 1000000, locale))
            .Set("weekday",
                 pages.T(locale, "workflow.weekday_" + std::to_string(core::WeekdayOf(day))))
            .Set("name_th", h.name_th)
            .Set("name_en", h.name_en)
            .Set("name", locale == "en" && !h.name_en.empty() ? h.name_en : h.name_th)
            .Set("kind", h.kind)
            .Set("kind_label", pages.T(locale, "workflow.holiday_kind_" + h.kind))
            .Set("confirmed", h.confirmed);
        for (const char* k : {"fixed", "lunar", "substitution", "special"})
            r.Set(std::string("is_") + k, h.kind == k);
        pending += !h.confirmed;
        rows.Push(std::move(r));
    }
    v.Set("has_holidays", !rows.items().empty()).Set("holidays", std::move(rows));
    v.Set("pending", pending).Set("has_pending", pending > 0);
    v.Set("typed_day", typed.day).Set("typed_name_th", typed.name_th);
    v.Set("typed_name_en", typed.name_en)
        .Set("typed_confirmed", typed.confirmed || typed.day.empty());
    for (const char* k : {"fixed", "lunar", "substitution", "special"})
        v.Set(std::string("typed_is_") + k, typed.kind == k);
    if (!errors.empty()) pages.AddErrors(v, errors, locale);
    return Response::Html(pages.Render("workflow/holidays", std::move(v),
                                       accounts::PageContextOf(req), "workflow.holidays_title"),
                          errors.empty() ? 200 : 409);
}

}  // namespace

namespace internal {

void RegisterAdminPages(http::Router& router, WorkflowService& service,
                        const render::PageRenderer& pages) {
    router.Get("/admin/holidays", [&service, &pages](http::Request& req) {
        const accounts::Principal* p = accounts::CurrentUser(req);
        api::RequireUser(p);
        if (!p->sysadmin) throw HttpError::Forbidden("workflow.holidays_sysadmin");
        Json query = api::QueryJson(req);
        api::Params args(query, api::ParamErrors::kFallback);
        return HolidaysPage(service, pages, req, YearParam(args, ThisYear()));
    });
    router.Post("/admin/holidays", [&service, &pages](http::Request& req) {
        const auto& p = SignedIn(req);
        Holiday h = HolidayFrom(req);
        // Back to the year of the day typed (this year if it is not a date).
        Json typed_year = {{"year", h.day.substr(0, 4)}};
        int year = YearParam(api::Params(typed_year, api::ParamErrors::kFallback), ThisYear());
        try {
            if (req.FormValue("action") == "delete")
                service.DeleteHoliday(p, h.day, req.client_ip);
            else
                service.SaveHoliday(p, h, req.client_ip);
        } catch (const HttpError& e) {
            if (e.fields().empty()) throw;
            return HolidaysPage(service, pages, req, year, e.fields(), h);
        }
        return Response::Redirect("/admin/holidays?year=" + std::to_string(year));
    });
}

}  // namespace internal

}  // namespace govhub::workflow

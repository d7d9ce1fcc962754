// HTML pages for jobs: a job's own page with progress and log, and the admin list.
#include "accounts/middleware.hpp"
#include "core/clock.hpp"
#include "core/strings.hpp"
#include "core/thai_date.hpp"
#include "jobs/routes.hpp"

namespace govhub::jobs {
namespace {

using http::Request;
using http::Response;
using render::View;

View JobView(const Job& j, const render::PageRenderer& pages, const std::string& locale) {
    View v;
    v.Set("id", j.id).Set("kind", j.kind).Set("state", std::string(ToString(j.state)));
    v.Set("state_label", pages.T(locale, std::string("jobs.state.") + ToString(j.state)));
    v.Set("done", j.progress_done)
        .Set("total", j.progress_total)
        .Set("has_total", j.progress_total > 0);
    int64_t percent = j.progress_total > 0
                          ? std::min<int64_t>(100, j.progress_done * 100 / j.progress_total)
                          : (j.state == JobState::kSucceeded ? 100 : 0);
    v.Set("percent", percent);
    // Mustache treats "" as true: every optional text gets its own flag.
    v.Set("message", pages.T(locale, j.message)).Set("has_message", !j.message.empty());
    v.Set("error", pages.T(locale, j.error)).Set("has_error", !j.error.empty());
    v.Set("attempts", j.attempts).Set("max_attempts", j.max_attempts);
    v.Set("created", core::FormatIsoDate(j.created, locale, true))
        .Set("started", core::FormatIsoDate(j.started, locale, true));
    v.Set("finished", core::FormatIsoDate(j.finished, locale, true));
    v.Set("has_started", !j.started.empty()).Set("has_finished", !j.finished.empty());
    v.Set("active", !j.finished_state());
    v.Set("retryable", j.state == JobState::kFailed || j.state == JobState::kCancelled);
    return v;
}

}  // namespace

void RegisterPages(http::Router& router, JobService& service, const render::PageRenderer& pages) {
    auto require = [](Request& req) -> const accounts::Principal* {
        return accounts::CurrentUser(req);
    };
    router.Get("/jobs/{id}", [&service, &pages, require](Request& req) {
        const accounts::Principal* p = require(req);
        api::RequireUser(p);
        auto j = service.Get(std::string(req.PathParam("id")), p);
        if (!j) throw HttpError::NotFound("jobs.not_found");
        View v = JobView(*j, pages, req.locale);
        v.Set("sysadmin", p->sysadmin);
        View log = View::List();
        for (const auto& e : service.LogOf(j->id, p)) {
            View item;
            item.Set("at", core::FormatIsoDate(e.at, req.locale, true))
                .Set("level", e.level)
                .Set("message", pages.T(req.locale, e.message));
            log.Push(std::move(item));
        }
        v.Set("has_log", !log.items().empty());
        v.Set("log", std::move(log));
        render::PageContext ctx = accounts::PageContextOf(req);
        // Unfinished jobs refresh themselves; the page works without JavaScript.
        if (!j->finished_state()) ctx.refresh_seconds = 2;
        return Response::Html(pages.Render("jobs/show", std::move(v), ctx, "jobs.title"));
    });
    router.Post("/jobs/{id}/cancel", [&service, require](Request& req) {
        const accounts::Principal* p = require(req);
        if (!p) throw HttpError::Unauthorized();
        std::string id(req.PathParam("id"));
        service.Cancel(id, *p, req.client_ip);
        return Response::Redirect("/jobs/" + id);
    });
    router.Post("/jobs/{id}/retry", [&service, require](Request& req) {
        const accounts::Principal* p = require(req);
        if (!p) throw HttpError::Unauthorized();
        std::string id(req.PathParam("id"));
        service.Retry(id, *p, req.client_ip);
        return Response::Redirect("/jobs/" + id);
    });
    router.Get("/admin/jobs", [&service, &pages, require](Request& req) {
        const accounts::Principal* p = require(req);
        api::RequireUser(p);
        if (!p->sysadmin) throw HttpError::Forbidden();
        std::string state = req.Query("state");
        if (!state.empty() && !ParseJobState(state)) state.clear();
        store::ListFilter f{.state = state, .limit = 200};
        View v;
        View rows = View::List();
        for (const auto& j : service.List(*p, f)) rows.Push(JobView(j, pages, req.locale));
        v.Set("has_jobs", !rows.items().empty());
        v.Set("jobs", std::move(rows));
        v.Set("count", service.CountFor(*p, f));
        View filters = View::List();
        for (const char* s : {"", "queued", "running", "succeeded", "failed", "cancelled"}) {
            View item;
            item.Set("value", s).Set("has_value", *s != '\0').Set("current", state == s);
            item.Set("label",
                     pages.T(req.locale, *s ? std::string("jobs.state.") + s : "jobs.all"));
            filters.Push(std::move(item));
        }
        v.Set("filters", std::move(filters));
        return Response::Html(pages.Render("jobs/admin", std::move(v), accounts::PageContextOf(req),
                                           "jobs.admin_title"));
    });
}

}  // namespace govhub::jobs

// JSON endpoints for jobs: /api/jobs (list, enqueue), /api/jobs/{id} (show with log, cancel,
// retry) and CKAN's job_list / job_show / job_cancel.
#include "accounts/middleware.hpp"
#include "core/json_reader.hpp"
#include "core/strings.hpp"
#include "jobs/routes.hpp"

#include <functional>

namespace govhub::jobs {
namespace {

using ckan_api::Json;

// Progress messages, errors and log lines are core::Messages, put in the reader's words.
using Words = std::function<std::string(const std::string&)>;

Json JobJson(const Job& j, const Words& words) {
    Json result = nullptr;
    if (!j.result.empty()) {
        result = Json::parse(j.result, nullptr, false);
        if (result.is_discarded()) result = j.result;
    }
    auto opt = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
    return {
        {"id", j.id},
        {"kind", j.kind},
        {"state", ToString(j.state)},
        {"owner_id", opt(j.owner_id)},
        {"progress",
         {{"done", j.progress_done}, {"total", j.progress_total}, {"message", words(j.message)}}},
        {"attempts", j.attempts},
        {"max_attempts", j.max_attempts},
        {"cancel_requested", j.cancel_requested},
        {"error", opt(words(j.error))},
        {"result", result},
        {"created", j.created},
        {"started", opt(j.started)},
        {"finished", opt(j.finished)}};
}

Json LogJson(const std::vector<JobLogEntry>& log, const Words& words) {
    Json out = Json::array();
    for (const auto& e : log)
        out.push_back({{"at", e.at}, {"level", e.level}, {"message", words(e.message)}});
    return out;
}

const accounts::Principal& RequireUser(const http::Request& req) {
    const accounts::Principal* p = accounts::CurrentUser(req);
    if (!p) throw HttpError::Unauthorized();
    return *p;
}

int IntParam(const std::string& v, int fallback, int lo, int hi) {
    auto n = core::ParseInt(v);
    if (!n || *n < 0) return fallback;
    return static_cast<int>(std::clamp<int64_t>(*n, lo, hi));
}

http::Response Send(const Json& body, int status = 200) {
    return http::Response::Json(body.dump(-1, ' ', false, Json::error_handler_t::replace), status);
}

}  // namespace

void RegisterApi(http::Router& router, ckan_api::ActionRegistry& actions, JobService& service,
                 const render::PageRenderer& pages) {
    // /api/jobs speaks the request's language; CKAN's actions speak English, as CKAN does.
    auto words = [&pages](const http::Request& req) -> Words {
        return [&pages, locale = req.locale](const std::string& m) { return pages.T(locale, m); };
    };
    const Words english = [&pages](const std::string& m) { return pages.T("en", m); };
    router.Get("/api/jobs", [&service, words](http::Request& req) {
        const auto& p = RequireUser(req);
        store::ListFilter f{.state = req.Query("state"),
                            .kind = req.Query("kind"),
                            .limit = IntParam(req.Query("limit"), 50, 1, 1000),
                            .offset = IntParam(req.Query("offset"), 0, 0, 1000000)};
        Json list = Json::array();
        for (const auto& j : service.List(p, f)) list.push_back(JobJson(j, words(req)));
        return Send({{"count", service.CountFor(p, f)}, {"jobs", list}});
    });
    router.Post("/api/jobs",
                [&service](http::Request& req) {
                    const auto& p = RequireUser(req);
                    // Bounded (issue #12): a hostile body is refused while it is read.
                    Json body = core::ParseJsonBoundedOrDiscarded(req.body);
                    if (body.is_discarded() || !body.is_object())
                        throw HttpError(400, "bad_json", "error.bad_json");
                    if (!body.contains("kind") || !body["kind"].is_string())
                        throw HttpError::Validation({{"kind", "jobs.unknown_kind"}});
                    std::string payload = body.contains("payload") ? body["payload"].dump() : "{}";
                    std::string id = service.EnqueueAs(p, body["kind"].get<std::string>(), payload,
                                                       req.client_ip);
                    return Send({{"id", id}}, 201);
                },
                {.body_limit = 256 * 1024});
    router.Get("/api/jobs/{id}", [&service, words](http::Request& req) {
        auto j = service.Get(std::string(req.PathParam("id")), &RequireUser(req));
        if (!j) throw HttpError::NotFound("jobs.not_found");
        Json out = JobJson(*j, words(req));
        out["log"] = LogJson(service.LogOf(j->id, accounts::CurrentUser(req)), words(req));
        return Send(out);
    });
    router.Post("/api/jobs/{id}/cancel", [&service, words](http::Request& req) {
        service.Cancel(std::string(req.PathParam("id")), RequireUser(req), req.client_ip);
        return Send(
            JobJson(*service.Get(std::string(req.PathParam("id")), accounts::CurrentUser(req)),
                    words(req)));
    });
    router.Post("/api/jobs/{id}/retry", [&service, words](http::Request& req) {
        service.Retry(std::string(req.PathParam("id")), RequireUser(req), req.client_ip);
        return Send(
            JobJson(*service.Get(std::string(req.PathParam("id")), accounts::CurrentUser(req)),
                    words(req)));
    });

    // CKAN's job actions (sysadmin in CKAN; here owners see their own jobs too).
    auto ckan_user = [](ckan_api::ActionContext& ctx) -> const accounts::Principal& {
        const accounts::Principal* p = accounts::CurrentUser(ctx.req);
        if (!p) throw HttpError(403, "forbidden", "Authorization Error: you must be logged in");
        return *p;
    };
    actions.Add("job_list",
                [&service, ckan_user, english](ckan_api::ActionContext& ctx) -> Json {
                    store::ListFilter f{
                        .state = ckan_api::OptionalString(ctx, "state"),
                        .kind = ckan_api::OptionalString(ctx, "kind"),
                        .limit = IntParam(ckan_api::OptionalString(ctx, "limit"), 100, 1, 1000)};
                    Json list = Json::array();
                    for (const auto& j : service.List(ckan_user(ctx), f))
                        list.push_back(JobJson(j, english));
                    return list;
                },
                {.side_effect_free = true});
    actions.Add("job_show",
                [&service, ckan_user, english](ckan_api::ActionContext& ctx) -> Json {
                    auto j = service.Get(ckan_api::RequireString(ctx, "id"), &ckan_user(ctx));
                    if (!j) throw HttpError::NotFound("Not found: Job was not found");
                    Json out = JobJson(*j, english);
                    out["log"] =
                        LogJson(service.LogOf(j->id, accounts::CurrentUser(ctx.req)), english);
                    return out;
                },
                {.side_effect_free = true});
    actions.Add("job_cancel", [&service, ckan_user](ckan_api::ActionContext& ctx) -> Json {
        service.Cancel(ckan_api::RequireString(ctx, "id"), ckan_user(ctx), ctx.req.client_ip);
        return nullptr;
    });
}

}  // namespace govhub::jobs

// JSON endpoints for jobs: /api/jobs (list, enqueue), /api/jobs/{id} (show with log, cancel,
// retry) and CKAN's job_list / job_show / job_cancel.
#include "accounts/middleware.hpp"
#include "core/json_reader.hpp"
#include "core/strings.hpp"
#include "jobs/routes.hpp"

#include <functional>

namespace govhub::jobs {
namespace {

using api::Json;

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

const api::Principal& RequireUser(const http::Request& req) {
    return api::RequireUser(api::CurrentUser(req));
}

constexpr const char* kJobList =
    "Lists background jobs, newest first: the caller's own, or every job for a sysadmin. "
    "Messages are in English.\n\n"
    ":param state: only jobs in this state: queued, running, succeeded, failed or cancelled\n"
    ":type state: string\n"
    ":param kind: only jobs of this kind\n"
    ":type kind: string\n"
    ":param limit: at most this many (1 to 1000, default 100)\n"
    ":type limit: integer\n\n"
    ":returns: id, kind, state, owner_id, progress, attempts, max_attempts, "
    "cancel_requested, error, result, created, started and finished of each\n"
    ":rtype: list of dictionaries";
constexpr const char* kJobShow =
    "Returns a job with its log: the caller's own, or any for a sysadmin.\n\n"
    ":param id: the job's id\n"
    ":type id: string\n\n"
    ":returns: the job, as job_list shows it, with log (at, level, message of each line)\n"
    ":rtype: dictionary";
constexpr const char* kJobCancel =
    "Asks a queued or running job to stop: the caller's own, or any for a sysadmin (a "
    "Validation Error once it has finished).\n\n"
    ":param id: the job's id\n"
    ":type id: string\n\n"
    ":returns: null";

http::Response Send(const Json& body, int status = 200) {
    return http::Response::Json(body.dump(-1, ' ', false, Json::error_handler_t::replace), status);
}

}  // namespace

void RegisterApi(http::Router& router, api::ActionRegistry& actions, JobService& service,
                 const render::PageRenderer& pages) {
    // /api/jobs speaks the request's language; CKAN's actions speak English, as CKAN does.
    auto words = [&pages](const http::Request& req) -> Words {
        return [&pages, locale = req.locale](const std::string& m) { return pages.T(locale, m); };
    };
    const Words english = [&pages](const std::string& m) { return pages.T("en", m); };
    router.Get("/api/jobs", [&service, words](http::Request& req) {
        const auto& p = RequireUser(req);
        Json query = api::QueryJson(req);
        api::Params in(query);
        store::ListFilter f{.state = in.String("state"),
                            .kind = in.String("kind"),
                            .limit = static_cast<int>(in.Int("limit", 50, 1, 1000)),
                            .offset = static_cast<int>(in.Int("offset", 0, 0, 1000000))};
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
    actions.Add("job_list",
                [&service, english](api::ActionContext& ctx) -> Json {
                    store::ListFilter f{
                        .state = ctx.args.String("state"),
                        .kind = ctx.args.String("kind"),
                        .limit = static_cast<int>(ctx.args.Int("limit", 100, 1, 1000))};
                    Json list = Json::array();
                    for (const auto& j : service.List(ctx.RequireUser(), f))
                        list.push_back(JobJson(j, english));
                    return list;
                },
                {.help = kJobList, .side_effect_free = true});
    actions.Add("job_show",
                [&service, english](api::ActionContext& ctx) -> Json {
                    auto j = service.Get(ctx.args.Require("id"), &ctx.RequireUser());
                    if (!j) throw HttpError::NotFound("Not found: Job was not found");
                    Json out = JobJson(*j, english);
                    out["log"] = LogJson(service.LogOf(j->id, ctx.user), english);
                    return out;
                },
                {.help = kJobShow, .side_effect_free = true});
    actions.Add("job_cancel",
                [&service](api::ActionContext& ctx) -> Json {
                    service.Cancel(ctx.args.Require("id"), ctx.RequireUser(), ctx.req.client_ip);
                    return nullptr;
                },
                {.help = kJobCancel});
}

}  // namespace govhub::jobs

// The SCORM runtime's JSON on the site (docs/api.md, "Learning: SCORM runtime"):
//   POST /api/learning/lessons/{id}/scorm/launch   an enrolled learner (session or API token)
//        gets a per-attempt token, the runtime page's URL on the package origin and the data
//        model to resume with;
//   POST /api/learning/scorm/commit                the runtime page's commits: "Authorization:
//        Bearer <per-attempt token>", no cookies, no CSRF (the token is the credential), CORS
//        for the package origin alone (RouteOptions::cors_origin), preflight answered by
//   OPTIONS /api/learning/scorm/commit.
// A commit's answer: {"result": "true", "progress": <course standing>, "lesson": <lesson
// progress>, "sco": {...}, "parts": {"done", "total"}}; a repeated or late one {"result": "true",
// "stale": true} with nothing changed; refused values 422 {"result": "false", "errorCode": <SCORM
// code>, "errors": [...]} with nothing changed; a bad or expired token 401.
#include <nlohmann/json.hpp>

#include "core/json_reader.hpp"
#include "core/strings.hpp"
#include "learning/route_util.hpp"
#include "learning/routes.hpp"

namespace govhub::learning {
namespace {

using Json = nlohmann::json;
using http::Request;
using http::Response;

}  // namespace

static Json LaunchJson(const ScormLaunch& l, const std::vector<ScoStatus>& menu) {
    Json items = Json::array();
    for (const auto& s : menu)
        items.push_back({{"id", s.sco.id},
                         {"title", s.sco.title},
                         {"started", s.started},
                         {"done", s.done},
                         {"score", s.score ? Json(*s.score) : Json(nullptr)}});
    return {{"token", l.token},
            {"lesson_id", l.lesson_id},
            {"sco", l.sco_id},
            {"sco_title", l.sco_title},
            {"version", std::string(ScormVersionText(l.version))},
            {"run_url", l.run_url},
            {"launch_path", l.launch_path},
            {"commit_url", l.commit_url},
            {"seq_start", l.seq_start},
            {"expires", l.expires},
            // Written by govhub: parsed back only to nest it in the answer.
            {"cmi", Json::parse(l.initial_cmi, nullptr, false)},
            {"items", items}};
}

void RegisterScormApi(http::Router& router, ScormLessons& scorm) {
    router.Post(
        "/api/learning/lessons/{id}/scorm/launch",
        [&scorm](Request& req) {
            std::string sco;
            if (!req.body.empty()) {
                Json body = core::ParseJsonBounded(req.body);
                if (!body.is_object())
                    throw HttpError::BadRequest("learning.error.body_not_object");
                if (auto it = body.find("sco"); it != body.end() && it->is_string())
                    sco = it->get<std::string>();
            }
            if (sco.size() > 255) throw HttpError::NotFound("learning.scorm.sco_not_found");
            std::string lesson(req.PathParam("id"));
            ScormLaunch l = scorm.Launch(lesson, sco, api::CallerOf(req));
            return SendJson(LaunchJson(l, scorm.Menu(lesson, api::CurrentUser(req)->user_id)));
        },
        http::RouteOptions{.body_limit = 4 << 10, .rate_limit = "form"});

    // The package origin's scripts only; its Origin header decides the CORS answer.
    std::string origin = scorm.PackageOrigin();
    http::RouteOptions commit{.body_limit = scorm.config().cmi.body_max + 1024,
                              .csrf = false,
                              .own_credentials = true,
                              .cors_origin = origin};
    // The preflight changes nothing: an ordinary (CSRF-checked, though OPTIONS is safe) route.
    http::RouteOptions preflight = commit;
    preflight.csrf = true;
    router.Add(
        "OPTIONS", "/api/learning/scorm/commit", [](Request&) { return Response::Text("", 204); },
        preflight);
    router.Post(
        "/api/learning/scorm/commit",
        [&scorm](Request& req) {
            ScormCommitOutcome out = scorm.Commit(http::BearerToken(req), req.body);
            if (!out.errors.empty()) {
                Json errors = Json::array();
                for (const auto& e : out.errors)
                    errors.push_back(
                        {{"element", e.element}, {"code", e.code}, {"message", e.message}});
                return SendJson({{"result", "false"},
                                 {"errorCode", out.errors.front().code},
                                 {"errors", errors}},
                                422);
            }
            if (out.stale) return SendJson({{"result", "true"}, {"stale", true}});
            Json answer = {{"result", "true"}, {"sco", {{"done", out.sco_done}}}};
            if (out.update) {
                answer["progress"] = StandingJson(out.update->course);
                answer["lesson"] = LessonProgressJson(&out.update->lesson);
                answer["parts"] = {{"done", out.parts_done}, {"total", out.parts_total}};
            }
            return SendJson(answer);
        },
        commit);
}

}  // namespace govhub::learning

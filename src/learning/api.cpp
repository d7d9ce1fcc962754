// Learning's JSON API (docs/api.md, "Learning"): the catalog, a course's outline, enrolment, a
// learner's courses and progress, and the progress reports of lessons. Bodies are JSON objects
// (or form fields); errors are the site's JSON errors ({"error": {...}}) with learning.* keys.
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

int64_t Int(const Json& j, const char* key) {
    auto it = j.find(key);
    if (it != j.end() && it->is_number()) {
        double d = it->get<double>();
        if (d >= -9e15 && d <= 9e15) return static_cast<int64_t>(d);
    } else if (it != j.end() && it->is_string()) {
        if (auto n = core::ParseInt(it->get<std::string>())) return *n;
    }
    throw HttpError::Validation({{key, "learning.error.bad_number"}});
}

Json CourseJson(const Course& c) {
    return {{"id", c.id},
            {"name", c.name},
            {"title", c.title},
            {"title_en", c.title_en},
            {"summary", c.summary},
            {"summary_en", c.summary_en},
            {"category", c.category},
            {"level", kCourseLevelText.Name(c.level)},
            {"minutes", c.minutes},
            {"agency_id", c.agency_id.empty() ? Json(nullptr) : Json(c.agency_id)},
            {"state", kCourseStateText.Name(c.state)},
            {"enrol_key_required", !c.enrol_key_hash.empty()},
            {"min_study_minutes", c.min_study_minutes},
            {"video_threshold", c.video_threshold},
            {"url", "/learning/course/" + c.name},
            {"modified", c.modified}};
}

// A progress report's answer: the lesson's own progress and the course standing.
Json UpdateJson(const LearningService::LessonUpdate& u) {
    return {{"lesson", LessonProgressJson(&u.lesson)}, {"progress", StandingJson(u.course)}};
}

Json OutlineJson(const CourseOutline& o) {
    Json course = CourseJson(o.course);
    course["description"] = o.course.description;
    course["description_en"] = o.course.description_en;
    course["certificate_info"] = o.course.certificate_info;
    course["certificate_info_en"] = o.course.certificate_info_en;
    course["learners"] = o.learners;
    std::unordered_map<std::string, const LessonProgress*> mine;
    for (const auto& p : o.progress) mine[p.lesson_id] = &p;
    Json sections = Json::array();
    for (const auto& s : o.sections) {
        Json lessons = Json::array();
        for (const auto& l : o.lessons) {
            if (l.section_id != s.id) continue;
            Json lj = {{"id", l.id},
                       {"kind", kLessonKindText.Name(l.kind)},
                       {"title", l.title},
                       {"title_en", l.title_en},
                       {"required", l.required},
                       {"minutes", l.minutes},
                       {"url", "/learning/lesson/" + l.id}};
            if (o.enrolment) {
                auto it = mine.find(l.id);
                lj["progress"] = LessonProgressJson(it == mine.end() ? nullptr : it->second);
            }
            lessons.push_back(std::move(lj));
        }
        sections.push_back(
            {{"id", s.id}, {"title", s.title}, {"title_en", s.title_en}, {"lessons", lessons}});
    }
    course["sections"] = std::move(sections);
    course["enrolled"] = o.enrolment.has_value();
    course["can_author"] = o.can_author;
    if (o.enrolment) course["progress"] = StandingJson(o.standing);
    return course;
}

}  // namespace

Json StandingJson(const CourseProgress& p) {
    return {{"lessons_required", p.lessons_required},
            {"lessons_done", p.lessons_done},
            {"percent", p.percent},
            {"study_seconds", p.study_seconds},
            {"min_study_minutes", p.min_study_minutes},
            {"completed", p.completed},
            {"completed_at", p.completed_at.empty() ? Json(nullptr) : Json(p.completed_at)}};
}

Json LessonProgressJson(const LessonProgress* p) {
    return {{"completed", p && p->completed},
            {"percent", p ? p->percent : 0},
            {"score", p && p->score ? Json(*p->score) : Json(nullptr)},
            {"position_ms", p ? p->position_ms : 0}};
}

void RegisterApi(http::Router& router, LearningService& service) {
    http::RouteOptions small{.body_limit = 16 << 10, .rate_limit = "form"};
    router.Get("/api/learning/courses", [&service](Request& req) {
        CatalogQuery q{.q = req.Query("q"),
                       .category = req.Query("category"),
                       .level = req.Query("level"),
                       .agency = req.Query("agency")};
        q.page = static_cast<int>(core::ParseInt(req.Query("page", "1")).value_or(1));
        q.per_page = static_cast<int>(core::ParseInt(req.Query("limit", "20")).value_or(20));
        if (core::Utf8Length(q.q) > 200)
            throw HttpError::BadRequest("learning.error.query_too_long");
        CatalogPage page = service.Search(q, api::CurrentUser(req));
        Json results = Json::array();
        for (const auto& c : page.courses) results.push_back(CourseJson(c));
        Json cats = Json::array();
        for (const auto& [k, n] : page.categories) cats.push_back({{"name", k}, {"count", n}});
        Json levels = Json::array();
        for (const auto& [k, n] : page.levels) levels.push_back({{"name", k}, {"count", n}});
        return SendJson({{"count", page.total},
                         {"results", results},
                         {"categories", cats},
                         {"levels", levels}});
    });
    router.Get("/api/learning/courses/{name}", [&service](Request& req) {
        auto o = service.Outline(std::string(req.PathParam("name")), api::CurrentUser(req));
        if (!o) throw HttpError::NotFound("learning.course_not_found");
        return SendJson(OutlineJson(*o));
    });
    router.Post(
        "/api/learning/courses/{name}/enrol",
        [&service](Request& req) {
            Json body = FieldsOf(req);
            auto o = service.Outline(std::string(req.PathParam("name")), api::CurrentUser(req));
            if (!o) throw HttpError::NotFound("learning.course_not_found");
            service.Enrol(o->course.id, JsonText(body, "key"), api::CallerOf(req));
            return SendJson({{"enrolled", true},
                             {"progress", StandingJson(service.Standing(
                                              o->course.id, api::CurrentUser(req)->user_id))}});
        },
        small);
    router.Post(
        "/api/learning/courses/{name}/unenrol",
        [&service](Request& req) {
            auto o = service.Outline(std::string(req.PathParam("name")), api::CurrentUser(req));
            if (!o) throw HttpError::NotFound("learning.course_not_found");
            service.Unenrol(o->course.id, api::CallerOf(req));
            return SendJson({{"enrolled", false}});
        },
        small);
    router.Get("/api/learning/my/courses", [&service](Request& req) {
        const api::Principal& p = api::RequireUser(api::CurrentUser(req));
        Json out = Json::array();
        for (const auto& [e, c] : service.MyCourses(p)) {
            Json j = CourseJson(c);
            j["enrolled_at"] = e.enrolled_at;
            j["progress"] = StandingJson(service.Standing(c.id, p.user_id));
            out.push_back(std::move(j));
        }
        return SendJson({{"results", out}});
    });
    router.Post(
        "/api/learning/lessons/{id}/viewed",
        [&service](Request& req) {
            auto u = service.MarkViewed(std::string(req.PathParam("id")), api::CallerOf(req));
            return SendJson(UpdateJson(u));
        },
        small);
    router.Post(
        "/api/learning/lessons/{id}/video",
        [&service](Request& req) {
            Json body = FieldsOf(req);
            auto u = service.RecordVideo(std::string(req.PathParam("id")), Int(body, "position_ms"),
                                         Int(body, "played_ms"), Int(body, "duration_ms"),
                                         api::CallerOf(req));
            return SendJson(UpdateJson(u));
        },
        // A player reports every few seconds: not the per-IP form class.
        http::RouteOptions{.body_limit = 4 << 10});
}

}  // namespace govhub::learning

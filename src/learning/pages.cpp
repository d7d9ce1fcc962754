// Learning's pages (issue 16): the course catalog at /learning, a course's page, a lesson's page
// (text, video with resume, PDF), "my courses", and the authoring pages (a course's form, its
// sections and lessons, media uploads, publish). Every page works without JavaScript;
// /static/js/learning.js reports video progress and updates the progress bar in place.
#include <algorithm>

#include "accounts/middleware.hpp"
#include "core/i18n.hpp"
#include "core/strings.hpp"
#include "core/thai_date.hpp"
#include "http/security_headers.hpp"
#include "learning/branding.hpp"
#include "learning/reports.hpp"
#include "learning/route_util.hpp"
#include "learning/routes.hpp"
#include "render/markdown.hpp"

namespace govhub::learning {
namespace {

using http::Request;
using http::Response;
using render::View;

// The English text where the reader reads English and there is one; else the Thai.
const std::string& Localized(const std::string& th, const std::string& en,
                             const std::string& locale) {
    return locale == "en" && !en.empty() ? en : th;
}

std::string Minutes(int minutes, const render::PageRenderer& pages, const std::string& locale) {
    int h = minutes / 60, m = minutes % 60;
    std::string out;
    if (h) out += std::to_string(h) + " " + pages.T(locale, "learning.hours");
    if (m || !h)
        out += (out.empty() ? "" : " ") + std::to_string(m) + " " +
               pages.T(locale, "learning.minutes");
    return out;
}

struct Pages {
    LearningService& service;
    QuizService& quiz;
    const render::PageRenderer& pages;
    PageSettings settings;

    // Every Learning page: the demo verifier's notice, and the module's own script.
    Response Page(const Request& req, const std::string& tmpl, View v, const std::string& title,
                  int status = 200) const {
        return LearningPage(pages, settings, req, tmpl, std::move(v), title, status);
    }

    // `agency` is the course's agency title, read by the caller (one read per page of cards).
    View CourseCard(const Course& c, const std::string& locale, const std::string& agency) const {
        View v;
        v.Set("name", c.name)
            .Set("title", Localized(c.title, c.title_en, locale))
            .Set("summary", Localized(c.summary, c.summary_en, locale))
            .Set("category", pages.T(locale, "learning.category." + c.category))
            .Set("level",
                 pages.T(locale, "learning.level." + std::string(kCourseLevelText.Name(c.level))))
            .Set("duration", Minutes(c.minutes, pages, locale))
            .Set("agency", agency)
            .Set("has_agency", !c.agency_id.empty())
            .Set("draft", c.state == CourseState::kDraft)
            .Set("key_required", !c.enrol_key_hash.empty());
        return v;
    }

    // The agencies' titles of a page of courses, in one read.
    std::unordered_map<std::string, std::string> AgencyTitlesOf(
        const std::vector<const Course*>& list, const std::string& locale) const {
        std::vector<std::string> ids;
        for (const Course* c : list) ids.push_back(c->agency_id);
        return service.AgencyTitles(ids, locale);
    }

    View StandingView(const CourseProgress& p) const {
        View v;
        v.Set("percent", p.percent)
            .Set("done", p.lessons_done)
            .Set("required", p.lessons_required)
            .Set("completed", p.completed);
        return v;
    }

    // ---- catalog
    Response Catalog(Request& req) const {
        const std::string& locale = req.locale;
        CatalogQuery q{
            .q = req.Query("q"), .category = req.Query("category"), .level = req.Query("level")};
        if (core::Utf8Length(q.q) > 200) q.q = "";
        q.page = static_cast<int>(core::ParseInt(req.Query("page", "1")).value_or(1));
        CatalogPage page = service.Search(q, api::CurrentUser(req));
        View v;
        v.Set("q", q.q);
        View results = View::List();
        std::vector<const Course*> shown;
        for (const auto& c : page.courses) shown.push_back(&c);
        auto agencies = AgencyTitlesOf(shown, locale);
        for (const auto& c : page.courses)
            results.Push(CourseCard(c, locale, agencies[c.agency_id]));
        v.Set("has_results", !page.courses.empty()).Set("results", std::move(results));
        v.Set("count", page.total);
        auto url = [&](const std::string& category, const std::string& level, int page_no) {
            std::string u = "/learning?";
            if (!q.q.empty()) u += "q=" + core::UrlEncode(q.q) + "&";
            if (!category.empty()) u += "category=" + core::UrlEncode(category) + "&";
            if (!level.empty()) u += "level=" + core::UrlEncode(level) + "&";
            if (page_no > 1) u += "page=" + std::to_string(page_no) + "&";
            u.pop_back();
            return u;
        };
        // Facets as the data catalog shows them: each choice with its count under the search
        // (a choice with none is left out, unless it is the one chosen).
        auto count_of = [](const std::vector<std::pair<std::string, int64_t>>& counts,
                           const std::string& key) {
            for (const auto& [k, n] : counts)
                if (k == key) return n;
            return int64_t{0};
        };
        View cats = View::List();
        std::vector<std::pair<std::string, int64_t>> categories = page.categories;
        if (!q.category.empty() && count_of(categories, q.category) == 0 &&
            std::find(CourseCategories().begin(), CourseCategories().end(), q.category) !=
                CourseCategories().end())
            categories.emplace_back(q.category, 0);
        for (const auto& [key, n] : categories) {
            View c;
            bool active = key == q.category;
            c.Set("label", pages.T(locale, "learning.category." + key))
                .Set("count", n)
                .Set("active", active)
                .Set("url", url(active ? "" : key, q.level, 1));
            cats.Push(std::move(c));
        }
        v.Set("has_categories", !cats.items().empty()).Set("categories", std::move(cats));
        View levels = View::List();
        for (const auto& [lv, text] : kCourseLevelText.all()) {  // easiest first, not by count
            bool active = q.level == text;
            int64_t n = count_of(page.levels, std::string(text));
            if (n == 0 && !active) continue;
            View l;
            l.Set("label", pages.T(locale, "learning.level." + std::string(text)))
                .Set("count", n)
                .Set("active", active)
                .Set("url", url(q.category, active ? "" : std::string(text), 1));
            levels.Push(std::move(l));
        }
        v.Set("has_levels", !levels.items().empty()).Set("levels", std::move(levels));
        v.Set("has_filters", !q.category.empty() || !q.level.empty())
            .Set("clear_url", url("", "", 1));
        int pages_total = static_cast<int>((page.total + 19) / 20);
        int page_no = std::max(1, q.page);
        v.Set("has_pages", pages_total > 1)
            .Set("page", page_no)
            .Set("pages", std::max(1, pages_total))
            .Set("has_prev", page_no > 1)
            .Set("prev_url", url(q.category, q.level, page_no - 1))
            .Set("has_next", page_no < pages_total)
            .Set("next_url", url(q.category, q.level, page_no + 1));
        const api::Principal* p = api::CurrentUser(req);
        v.Set("signed_in", p != nullptr);
        v.Set("verified", p && service.Verified(p->user_id));
        v.Set("can_create", service.CanCreateCourse(p));
        v.Set("sysadmin", p && p->sysadmin);
        return Page(req, "learning/catalog", std::move(v), "learning.title");
    }

    // ---- course page
    Response CoursePage(Request& req) const {
        const api::Principal* p = api::CurrentUser(req);
        auto o = service.Outline(std::string(req.PathParam("name")), p);
        if (!o) throw HttpError::NotFound("learning.course_not_found");
        return CourseView(req, *o, {}, 200);
    }

    Response CourseView(Request& req, const CourseOutline& o, const std::vector<FieldError>& errors,
                        int status) const {
        const std::string& locale = req.locale;
        const api::Principal* p = api::CurrentUser(req);
        const Course& c = o.course;
        View v = CourseCard(c, locale, service.AgencyTitle(c.agency_id, locale));
        v.Set("id", c.id);
        const std::string& description = Localized(c.description, c.description_en, locale);
        // No "About" heading over nothing.
        v.Set("has_description", !core::Trim(description).empty());
        v.Set("description_html", render::MarkdownToHtml(description));
        v.Set("certificate_info", Localized(c.certificate_info, c.certificate_info_en, locale));
        v.Set("has_certificate_info", !c.certificate_info.empty());
        v.Set("learners", o.learners);
        v.Set("min_study", c.min_study_minutes > 0)
            .Set("min_study_duration", Minutes(c.min_study_minutes, pages, locale))
            .Set("video_threshold", c.video_threshold);
        std::unordered_map<std::string, const LessonProgress*> mine;
        for (const auto& pr : o.progress) mine[pr.lesson_id] = &pr;
        View sections = View::List();
        std::string next_lesson;
        bool has_video = false, has_quiz = false, has_scorm = false;
        for (const auto& s : o.sections) {
            View sv;
            sv.Set("title", Localized(s.title, s.title_en, locale));
            View lessons = View::List();
            for (const auto& l : o.lessons) {
                if (l.section_id != s.id) continue;
                auto it = mine.find(l.id);
                bool done = it != mine.end() && it->second->completed;
                if (!done && next_lesson.empty() && o.enrolment) next_lesson = l.id;
                has_video |= l.kind == LessonKind::kVideo;
                has_quiz |= l.kind == LessonKind::kQuiz;
                has_scorm |= l.kind == LessonKind::kScorm;
                View lv;
                lv.Set("id", l.id)
                    .Set("title", Localized(l.title, l.title_en, locale))
                    .Set("kind", pages.T(locale, "learning.kind." +
                                                     std::string(kLessonKindText.Name(l.kind))))
                    .Set("duration", l.minutes ? Minutes(l.minutes, pages, locale) : "")
                    .Set("has_duration", l.minutes > 0)
                    .Set("optional", !l.required)
                    .Set("done", done)
                    .Set("linked", o.enrolment.has_value() || o.can_author);
                lessons.Push(std::move(lv));
            }
            sv.Set("lessons", std::move(lessons));
            sections.Push(std::move(sv));
        }
        v.Set("sections", std::move(sections)).Set("has_sections", !o.sections.empty());
        v.Set("rule_video", has_video).Set("rule_quiz", has_quiz).Set("rule_scorm", has_scorm);
        v.Set("enrolled", o.enrolment.has_value());
        if (o.enrolment) {
            v.Set("standing", StandingView(o.standing));
            v.Set("next_lesson", next_lesson).Set("has_next_lesson", !next_lesson.empty());
            v.Set("completed_at", o.standing.completed
                                      ? core::FormatIsoDate(o.standing.completed_at, locale, false)
                                      : "");
        }
        v.Set("signed_in", p != nullptr);
        v.Set("verified", p && service.Verified(p->user_id));
        v.Set("can_author", o.can_author);
        v.Set("published", c.state == CourseState::kPublished);
        if (settings.certificates) AddCertificateStanding(v, *settings.certificates, o, req, pages);
        pages.AddErrors(v, errors, locale);
        return Page(req, "learning/course", std::move(v), Localized(c.title, c.title_en, locale),
                    status);
    }

    Response Enrol(Request& req) const {
        const api::Principal* p = api::CurrentUser(req);
        api::RequireUser(p);
        auto o = service.Outline(std::string(req.PathParam("name")), p);
        if (!o) throw HttpError::NotFound("learning.course_not_found");
        try {
            service.Enrol(o->course.id, req.FormValue("key"), api::CallerOf(req));
        } catch (const HttpError& e) {
            if (e.fields().empty()) throw;
            return CourseView(req, *o, e.fields(), 422);
        }
        return Response::Redirect("/learning/course/" + o->course.name);
    }

    Response Unenrol(Request& req) const {
        const api::Principal* p = api::CurrentUser(req);
        api::RequireUser(p);
        auto o = service.Outline(std::string(req.PathParam("name")), p);
        if (!o) throw HttpError::NotFound("learning.course_not_found");
        service.Unenrol(o->course.id, api::CallerOf(req));
        return Response::Redirect("/learning/course/" + o->course.name);
    }

    // ---- lesson page
    Response LessonPage(Request& req) const {
        const std::string& locale = req.locale;
        const api::Principal* p = api::CurrentUser(req);
        auto lv = service.OpenLesson(std::string(req.PathParam("id")), p);
        const Lesson& l = lv.lesson;
        CourseProgress standing = lv.outline.standing;
        bool learner = lv.outline.enrolment.has_value();
        std::unordered_map<std::string, bool> done;
        for (const auto& pr : lv.outline.progress) done[pr.lesson_id] = pr.completed;
        // A text lesson is done when it is opened (Moodle's "view" completion). The update
        // carries the lesson's and the course's new standing: no second open.
        if (learner && l.kind == LessonKind::kText && !(lv.progress && lv.progress->completed)) {
            LearningService::LessonUpdate u = service.MarkViewed(l.id, api::CallerOf(req));
            standing = u.course;
            lv.progress = u.lesson;
            done[l.id] = u.lesson.completed;
        }
        if (learner && l.kind == LessonKind::kVideo) service.StartVideo(l.id, api::CallerOf(req));
        View v;
        v.Set("id", l.id)
            .Set("title", Localized(l.title, l.title_en, locale))
            .Set("course_name", lv.outline.course.name)
            .Set("course_title",
                 Localized(lv.outline.course.title, lv.outline.course.title_en, locale))
            .Set("body_html", render::MarkdownToHtml(Localized(l.body, l.body_en, locale)))
            .Set("kind_" + std::string(kLessonKindText.Name(l.kind)), true)
            .Set("has_media", !l.media_file.empty())
            .Set("media_type", l.media_type)
            .Set("learner", learner)
            .Set("done", lv.progress && lv.progress->completed)
            .Set("resume_ms", lv.progress ? lv.progress->position_ms : int64_t{0})
            .Set("watched_percent", lv.progress ? lv.progress->percent : 0)
            .Set("threshold", lv.outline.course.video_threshold);
        if (learner) v.Set("standing", StandingView(standing));
        // The lesson menu, and the lessons before and after this one.
        View menu = View::List();
        const Lesson* prev = nullptr;
        const Lesson* next = nullptr;
        for (size_t i = 0; i < lv.outline.lessons.size(); ++i) {
            const Lesson& x = lv.outline.lessons[i];
            if (x.id == l.id) {
                if (i > 0) prev = &lv.outline.lessons[i - 1];
                if (i + 1 < lv.outline.lessons.size()) next = &lv.outline.lessons[i + 1];
            }
            View m;
            m.Set("id", x.id)
                .Set("title", Localized(x.title, x.title_en, locale))
                .Set("current", x.id == l.id)
                .Set("done", done[x.id]);
            menu.Push(std::move(m));
        }
        v.Set("menu", std::move(menu));
        v.Set("has_prev", prev != nullptr).Set("has_next", next != nullptr);
        if (prev)
            v.Set("prev_id", prev->id)
                .Set("prev_title", Localized(prev->title, prev->title_en, locale));
        if (next)
            v.Set("next_id", next->id)
                .Set("next_title", Localized(next->title, next->title_en, locale));
        v.Set("can_author", lv.outline.can_author);
        if (l.kind == LessonKind::kQuiz && learner) {
            QuizStanding qs = quiz.Standing(l.id, p->user_id);
            View qv;
            qv.Set("pass_percent", static_cast<int64_t>(qs.rules.pass_percent))
                .Set("attempt_limit", qs.rules.attempt_limit)
                .Set("limited", qs.rules.attempt_limit > 0)
                .Set("questions", qs.questions)
                .Set("attempts_used", qs.attempts_used)
                .Set("tried", qs.attempts_used > 0)
                .Set("can_start", qs.can_start)
                .Set("open", qs.open_attempt.has_value())
                .Set("open_attempt", qs.open_attempt.value_or(""))
                .Set("has_best", qs.best_percent.has_value())
                .Set("best", static_cast<int64_t>(qs.best_percent.value_or(0)))
                .Set("passed", qs.passed);
            v.Set("quiz", std::move(qv));
        }
        std::string frame_origin;
        if (l.kind == LessonKind::kScorm) frame_origin = AddScorm(v, req, l, p, learner);
        Response res =
            Page(req, "learning/lesson", std::move(v), Localized(l.title, l.title_en, locale));
        if (!frame_origin.empty()) {
            // The runtime frame comes from the package origin: the one origin added to frame-src.
            std::string csp = http::ContentSecurityPolicy();
            auto at = csp.find("frame-src 'self'");
            if (at != std::string::npos)
                csp.insert(at + std::string("frame-src 'self'").size(), " " + frame_origin);
            res.headers.Set("Content-Security-Policy", csp);
        }
        return res;
    }

    // A scorm lesson: the package's item tree as the lesson menu (each launchable item a link,
    // done ticked) and the runtime frame on the package origin for the chosen item (?sco=, else
    // the first not done). Returns the package origin when a frame is shown.
    // A learner of a lesson of several parts also sees how many they have done.
    std::string AddScorm(View& v, const Request& req, const Lesson& l, const api::Principal* p,
                         bool learner) const {
        if (!settings.scorm || !p) return "";
        auto pkg = settings.scorm->Package(l.id);
        v.Set("has_package", pkg.has_value() && !pkg->scos.empty());
        if (!pkg || pkg->scos.empty()) return "";
        std::string wanted = req.Query("sco");
        if (wanted.size() > 255) throw HttpError::NotFound("learning.scorm.sco_not_found");
        ScormLaunch launch = settings.scorm->Launch(l.id, wanted, api::CallerOf(req));
        std::unordered_map<std::string, bool> done;
        int parts = 0, parts_done = 0;
        for (const auto& s : settings.scorm->Menu(l.id, p->user_id)) {
            done[s.sco.id] = s.done;
            ++parts;
            parts_done += s.done ? 1 : 0;
        }
        if (learner && parts > 1)
            v.Set("has_scorm_parts", true)
                .Set("scorm_parts",
                     pages.T(req.locale, core::Message("learning.scorm.parts_done",
                                                       {{"done", std::to_string(parts_done)},
                                                        {"total", std::to_string(parts)}})))
                // The words with their {done}/{total} holes: learning.js refills them as the
                // runtime's commits report parts done.
                .Set("scorm_parts_format", pages.T(req.locale, "learning.scorm.parts_done"));
        View items = View::List();
        auto walk = [&](auto& self, const std::vector<ScormMenuItem>& list, int depth) -> void {
            for (const auto& i : list) {
                View iv;
                iv.Set("title", i.title)
                    .Set("depth", depth)
                    .Set("launchable", i.launchable)
                    .Set("href", "/learning/lesson/" + l.id + "?sco=" + core::UrlEncode(i.id))
                    .Set("current", i.launchable && i.id == launch.sco_id)
                    .Set("done", i.launchable && done[i.id]);
                items.Push(std::move(iv));
                if (depth < 8) self(self, i.children, depth + 1);
            }
        };
        walk(walk, pkg->items, 0);
        v.Set("scorm_items", std::move(items))
            .Set("scorm_run_url", launch.run_url)
            .Set("scorm_origin", settings.scorm->PackageOrigin())
            .Set("scorm_title", launch.sco_title)
            .Set("scorm_sequencing", pkg->declares_sequencing)
            .Set("scorm_version", std::string(ScormVersionText(pkg->version)));
        return settings.scorm->PackageOrigin();
    }

    // A lesson's video or PDF, with Range (seeking, resume). Opening a PDF is what makes a PDF
    // lesson done.
    Response Media(Request& req) const {
        const api::Principal* p = api::CurrentUser(req);
        auto lv = service.OpenLesson(std::string(req.PathParam("id")), p);
        if (lv.lesson.media_file.empty()) throw HttpError::NotFound("learning.no_media");
        if (lv.lesson.kind == LessonKind::kPdf && lv.outline.enrolment &&
            !(lv.progress && lv.progress->completed) && req.Header("Range").empty())
            service.MarkViewed(lv.lesson.id, api::CallerOf(req));
        // Private: only enrolled learners and authors may fetch it.
        return http::FileResponse(req, service.MediaPath(lv.lesson), lv.lesson.media_type,
                                  "private, max-age=3600");
    }

    // ---- my courses
    Response MyCourses(Request& req) const {
        const api::Principal& p = api::RequireUser(api::CurrentUser(req));
        std::vector<Course> authored_courses = service.Authored(p);
        std::vector<const Course*> shown;
        for (const auto& c : authored_courses) shown.push_back(&c);
        auto agencies = AgencyTitlesOf(shown, req.locale);
        View v;
        // The learner's courses with progress, scores, dates and certificates (pages_history).
        AddMyHistory(v, service, pages, req, p);
        View authored = View::List();
        for (const auto& c : authored_courses)
            authored.Push(CourseCard(c, req.locale, agencies[c.agency_id]));
        v.Set("has_authored", !authored.items().empty()).Set("authored", std::move(authored));
        v.Set("verified", service.Verified(p.user_id));
        v.Set("can_create", service.CanCreateCourse(&p));
        // The staff and HR report of each agency the reader administers (reports.hpp).
        View managed = View::List();
        for (const auto& a : ReportService(service).ManagedAgencies(&p, req.locale))
            managed.Push(View().Set("name", a.name).Set("title", a.title));
        v.Set("has_managed", !managed.items().empty()).Set("managed", std::move(managed));
        return Page(req, "learning/my", std::move(v), "learning.my_title");
    }
};

}  // namespace

accounts::ProfileExtension ProfileLearning(LearningService& service) {
    return [&service](http::Request& req, const accounts::User& user,
                      const accounts::Principal* viewer, View& view) {
        // Someone's courses are theirs: only on their own profile.
        if (!viewer || viewer->user_id != user.id) return;
        LearnerSummary s = service.Summary(user.id);
        bool verified = service.Verified(user.id);
        // Everyone sees the service: one who has not verified an identity yet is shown how.
        View lv;
        lv.Set("verified", verified)
            .Set("has_courses", s.in_progress + s.completed > 0)
            .Set("in_progress", s.in_progress)
            .Set("completed", s.completed);
        // The declared agency and whether it confirmed the membership, or that it declined it.
        MembershipStatus m = ReportService(service).Membership(user.id, req.locale);
        lv.Set("has_agency", !m.agency_title.empty())
            .Set("agency", m.agency_title)
            .Set("agency_confirmed", m.confirmed)
            .Set("has_notice", m.notice.has_value());
        if (m.notice)
            lv.Set("notice_agency", m.notice_agency_title)
                .Set("notice_at", core::FormatIsoDate(m.notice->at, req.locale))
                .Set("notice_removed", m.notice->how == "removed");
        view.Set("learning_profile", std::move(lv));
    };
}

void RegisterPages(http::Router& router, LearningService& service, QuizService& quiz,
                   const render::PageRenderer& pages, const PageSettings& settings) {
    auto pg = std::make_shared<Pages>(Pages{service, quiz, pages, settings});
    http::RouteOptions form{.body_limit = 16 << 10, .rate_limit = "form"};
    router.Get("/learning", [pg](Request& req) { return pg->Catalog(req); });
    router.Get("/learning/my", [pg](Request& req) { return pg->MyCourses(req); });
    router.Get("/learning/course/{name}", [pg](Request& req) { return pg->CoursePage(req); });
    router.Post(
        "/learning/course/{name}/enrol", [pg](Request& req) { return pg->Enrol(req); }, form);
    router.Post(
        "/learning/course/{name}/unenrol", [pg](Request& req) { return pg->Unenrol(req); }, form);
    router.Get("/learning/lesson/{id}", [pg](Request& req) { return pg->LessonPage(req); });
    router.Get("/learning/media/{id}", [pg](Request& req) { return pg->Media(req); });
    RegisterAuthoringPages(router, service, pages, settings);
}

}  // namespace govhub::learning

#include "learning/service.hpp"

#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>

#include "accounts/password.hpp"
#include "accounts/store.hpp"
#include "agencies/store.hpp"
#include "audit/audit.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/file_type.hpp"
#include "core/run_tool.hpp"
#include "core/strings.hpp"
#include "learning/store.hpp"
#include "learning/store_reports.hpp"
#include "search/index.hpp"

namespace govhub::learning {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSearchType = "course";

// Texts an author types: bounded, valid UTF-8, no stray control characters.
void CheckText(std::vector<FieldError>& errors, const char* field, const std::string& value,
               size_t max_chars, bool required, bool multiline = false) {
    if (required && core::Trim(value).empty()) {
        errors.push_back({field, "learning.error.required"});
        return;
    }
    if (!core::IsValidUtf8(value) || core::HasStrayControls(value, multiline)) {
        errors.push_back({field, "learning.error.bad_text"});
        return;
    }
    if (core::Utf8Length(value) > max_chars) errors.push_back({field, "learning.error.too_long"});
}

// A whole number typed in a form: empty is `fallback`; else within [lo, hi].
int Number(std::vector<FieldError>& errors, const char* field, const std::string& typed, int lo,
           int hi, int fallback) {
    std::string t = core::Trim(typed);
    if (t.empty()) return fallback;
    auto digits = core::TypedDigits(t);  // Thai digits too
    auto n = digits ? core::ParseInt(*digits) : std::nullopt;
    if (!n || *n < lo || *n > hi) {
        errors.push_back({field, "learning.error.bad_number"});
        return fallback;
    }
    return static_cast<int>(*n);
}

bool ValidSlug(const std::string& s) {
    static const std::regex kSlug("^[a-z0-9][a-z0-9_-]{1,99}$");
    return std::regex_match(s, kSlug);
}

void Fail(std::vector<FieldError> errors) {
    throw HttpError::Validation(std::move(errors));
}

// The learner's standing from the stored rows: required lessons done, study time.
CourseProgress Tally(db::Connection& c, const Course& course, const Enrolment& e) {
    CourseProgress out;
    std::unordered_map<std::string, bool> done;
    for (const auto& p : store::ProgressOf(c, course.id, e.user_id))
        done[p.lesson_id] = p.completed;
    for (const auto& l : store::LessonsOf(c, course.id)) {
        if (!l.required) continue;
        ++out.lessons_required;
        if (done[l.id]) ++out.lessons_done;
    }
    out.percent = out.lessons_required ? out.lessons_done * 100 / out.lessons_required : 0;
    out.study_seconds = e.study_seconds;
    out.min_study_minutes = course.min_study_minutes;
    out.completed = !e.completed_at.empty();
    out.completed_at = e.completed_at;
    return out;
}
// A video's length in milliseconds as Debian's ffprobe reads it (0 when it cannot: no ffprobe,
// or a file it does not understand). Bounded: 30 seconds, 64 bytes of answer.
int64_t ProbeDurationMs(const std::string& path) {
    auto r = core::RunTool({"/usr/bin/ffprobe", "-v", "error", "-show_entries", "format=duration",
                            "-of", "default=noprint_wrappers=1:nokey=1", path},
                           {.timeout = std::chrono::seconds(30), .max_output_bytes = 64});
    if (!r.ok()) return 0;
    char* end = nullptr;
    double seconds = std::strtod(r.output.c_str(), &end);
    if (end == r.output.c_str() || !(seconds > 0) || seconds > 24 * 3600) return 0;
    return static_cast<int64_t>(seconds * 1000);
}

}  // namespace

const std::vector<LessonKind>& LessonKinds() {
    static const std::vector<LessonKind> kKinds = {LessonKind::kText, LessonKind::kVideo,
                                                   LessonKind::kPdf, LessonKind::kScorm,
                                                   LessonKind::kQuiz};
    return kKinds;
}

const std::vector<std::string>& CourseCategories() {
    static const std::vector<std::string> kCategories = {
        "digital_government", "data", "cyber_security", "technology",
        "management",         "law",  "service_design", "general"};
    return kCategories;
}

LearningService::LearningService(db::Database& db, LearningConfig config, IdentityCheck verified)
    : db_(db), config_(std::move(config)), verified_(std::move(verified)) {}

// ---- permissions

bool LearningService::MayAuthor(db::Connection& c, const Course& course, const api::Principal* p) {
    if (!p) return false;
    if (p->sysadmin) return true;
    if (course.created_by == p->user_id) return true;
    if (!course.agency_id.empty()) {
        auto role = agencies::store::RoleOf(c, p->user_id, course.agency_id);
        if (role && *role != agencies::Role::kMember) return true;
    }
    return store::IsCourseStaff(c, course.id, p->user_id);
}

bool LearningService::CanCreateCourse(const api::Principal* p) {
    if (!p) return false;
    if (p->sysadmin) return true;
    return db_.Read([&](db::Connection& c) {
        for (const auto& [agency, role] : agencies::store::OfUser(c, p->user_id))
            if (role != agencies::Role::kMember) return true;
        return false;
    });
}

std::string LearningService::AgencyTitle(const std::string& agency_id, const std::string& locale) {
    if (agency_id.empty()) return "";
    return db_.Read([&](db::Connection& c) {
        auto a = agencies::store::Find(c, agency_id);
        return a ? a->Title(locale) : std::string();
    });
}

std::unordered_map<std::string, std::string> LearningService::AgencyTitles(
    const std::vector<std::string>& ids, const std::string& locale) {
    std::unordered_map<std::string, std::string> out;
    for (const auto& id : ids)
        if (!id.empty()) out.emplace(id, "");
    if (out.empty()) return out;
    db_.Read([&](db::Connection& c) {
        for (auto& [id, title] : out)
            if (auto a = agencies::store::Find(c, id)) title = a->Title(locale);
    });
    return out;
}

std::vector<std::pair<std::string, std::string>> LearningService::AgencyChoices(
    const api::Principal& p, const std::string& locale) {
    if (p.sysadmin) return ActiveAgencies(locale);
    return db_.Read([&](db::Connection& c) {
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& [a, role] : agencies::store::OfUser(c, p.user_id))
            if (role != agencies::Role::kMember) out.emplace_back(a.id, a.Title(locale));
        std::sort(out.begin(), out.end(),
                  [](const auto& x, const auto& y) { return x.second < y.second; });
        return out;
    });
}

std::vector<std::pair<std::string, std::string>> LearningService::ActiveAgencies(
    const std::string& locale) {
    return db_.Read([&](db::Connection& c) {
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& a : agencies::store::List(c))
            if (a.state == agencies::AgencyState::kActive) out.emplace_back(a.id, a.Title(locale));
        std::sort(out.begin(), out.end(),
                  [](const auto& x, const auto& y) { return x.second < y.second; });
        return out;
    });
}

Course LearningService::RequireAuthor(db::Connection& c, const std::string& course_id,
                                      const api::Caller& caller) {
    auto course = store::FindCourse(c, course_id);
    if (!course) throw HttpError::NotFound("learning.course_not_found");
    api::RequireUser(caller.principal);
    if (!MayAuthor(c, *course, caller.principal)) throw HttpError::Forbidden();
    return *course;
}

// ---- search index

void LearningService::Reindex(db::Connection& c, const Course& course) {
    if (course.state != CourseState::kPublished) {
        search::RemoveDocument(c, kSearchType, course.id);
        return;
    }
    search::Document doc{.object_type = kSearchType, .object_id = course.id};
    doc.title = course.title + " " + course.title_en;
    doc.tags = course.category;
    doc.body = course.summary + "\n" + course.summary_en + "\n" + course.description + "\n" +
               course.description_en;
    for (const auto& s : store::SectionsOf(c, course.id))
        doc.body += "\n" + s.title + " " + s.title_en;
    for (const auto& l : store::LessonsOf(c, course.id))
        doc.body += "\n" + l.title + " " + l.title_en;
    if (!course.agency_id.empty())
        if (auto a = agencies::store::Find(c, course.agency_id))
            doc.tags += " " + a->title + " " + a->title_en;
    search::IndexDocument(c, doc);
}

// ---- catalog

CatalogPage LearningService::Search(const CatalogQuery& q, const api::Principal*) {
    return db_.Read([&](db::Connection& c) {
        CatalogPage page;
        store::CourseFilter f;
        f.category = q.category;
        f.level = q.level;
        f.agency_id = q.agency;
        int per_page = std::clamp(q.per_page, 1, 100);
        int page_no = std::clamp(q.page, 1, 10000);
        // The facets count within the search; each facet leaves its own choice out.
        store::CourseFilter facets;
        facets.agency_id = q.agency;
        if (!core::Trim(q.q).empty()) {
            // Ranked by the index; the filters and paging apply to the ranked hits.
            f.filter_ids = true;
            f.limit = 1000;
            std::vector<search::Hit> hits = search::Search(c, kSearchType, q.q, 1000);
            for (const auto& h : hits) f.ids.push_back(h.object_id);
            facets.filter_ids = true;
            facets.ids = f.ids;
            std::vector<Course> found = store::ListCourses(c, f);
            std::unordered_map<std::string, size_t> rank;
            for (size_t i = 0; i < hits.size(); ++i) rank.emplace(hits[i].object_id, i);
            std::sort(found.begin(), found.end(),
                      [&](const Course& a, const Course& b) { return rank[a.id] < rank[b.id]; });
            page.total = static_cast<int64_t>(found.size());
            size_t from = std::min(found.size(), static_cast<size_t>((page_no - 1) * per_page));
            size_t to = std::min(found.size(), from + static_cast<size_t>(per_page));
            page.courses.assign(found.begin() + static_cast<long>(from),
                                found.begin() + static_cast<long>(to));
        } else {
            f.limit = per_page;
            f.offset = (page_no - 1) * per_page;
            page.courses = store::ListCourses(c, f);
            page.total = store::CountCourses(c, f);
        }
        store::CourseFilter by_category = facets, by_level = facets;
        by_category.level = q.level;
        by_level.category = q.category;
        page.categories = store::FacetCounts(c, by_category, store::CourseFacet::kCategory);
        page.levels = store::FacetCounts(c, by_level, store::CourseFacet::kLevel);
        return page;
    });
}

std::optional<CourseOutline> LearningService::Outline(const std::string& id_or_name,
                                                      const api::Principal* p) {
    return db_.Read([&](db::Connection& c) -> std::optional<CourseOutline> {
        auto course = store::FindCourse(c, id_or_name);
        if (!course) return std::nullopt;
        CourseOutline o;
        o.can_author = MayAuthor(c, *course, p);
        if (course->state != CourseState::kPublished && !o.can_author) return std::nullopt;
        o.course = *course;
        o.sections = store::SectionsOf(c, course->id);
        o.lessons = store::LessonsOf(c, course->id);
        o.learners = store::CountLearners(c, course->id);
        if (p) {
            auto e = store::FindEnrolment(c, course->id, p->user_id);
            if (e && e->state == EnrolmentState::kActive) {
                o.enrolment = e;
                o.progress = store::ProgressOf(c, course->id, p->user_id);
                o.standing = Tally(c, *course, *e);
            }
        }
        return o;
    });
}

std::vector<Course> LearningService::Authored(const api::Principal& p) {
    return db_.Read([&](db::Connection& c) {
        store::CourseFilter f;
        f.published_only = false;
        f.limit = 500;
        std::vector<Course> out;
        for (auto& course : store::ListCourses(c, f))
            if (MayAuthor(c, course, &p)) out.push_back(std::move(course));
        return out;
    });
}

// ---- authoring

namespace {

// Applies an author's input onto `course`, collecting every field error.
void ApplyCourseInput(db::Connection& c, const CourseInput& in, Course& course,
                      const api::Principal& p, bool creating) {
    std::vector<FieldError> errors;
    std::string name = core::ToLower(core::Trim(in.name));
    if (!ValidSlug(name))
        errors.push_back({"name", "learning.error.bad_name"});
    else if (auto other = store::FindCourse(c, name); other && other->id != course.id)
        errors.push_back({"name", "learning.error.name_taken"});
    CheckText(errors, "title", in.title, 200, true);
    CheckText(errors, "title_en", in.title_en, 200, false);
    CheckText(errors, "summary", in.summary, 1000, true, true);
    CheckText(errors, "summary_en", in.summary_en, 1000, false, true);
    CheckText(errors, "description", in.description, 50000, false, true);
    CheckText(errors, "description_en", in.description_en, 50000, false, true);
    CheckText(errors, "certificate_info", in.certificate_info, 4000, false, true);
    CheckText(errors, "certificate_info_en", in.certificate_info_en, 4000, false, true);
    const auto& cats = CourseCategories();
    if (std::find(cats.begin(), cats.end(), in.category) == cats.end())
        errors.push_back({"category", "learning.error.bad_category"});
    auto level = kCourseLevelText.Parse(in.level);
    if (!level) errors.push_back({"level", "learning.error.bad_level"});
    int minutes = Number(errors, "minutes", in.minutes, 1, 100000, 0);
    if (core::Trim(in.minutes).empty()) errors.push_back({"minutes", "learning.error.required"});
    int min_study = Number(errors, "min_study_minutes", in.min_study_minutes, 0, 100000, 0);
    int threshold = Number(errors, "video_threshold", in.video_threshold, 1, 100, 90);
    std::string agency = core::Trim(in.agency_id);
    if (!agency.empty()) {
        auto a = agencies::store::Find(c, agency);
        if (!a)
            errors.push_back({"agency_id", "learning.error.bad_agency"});
        else {
            agency = a->id;
            // Only a sysadmin places a course under an agency they are not an editor of.
            auto role = agencies::store::RoleOf(c, p.user_id, agency);
            bool editor = role && *role != agencies::Role::kMember;
            if (!p.sysadmin && !editor && agency != course.agency_id)
                errors.push_back({"agency_id", "learning.error.not_your_agency"});
        }
    } else if (creating && !p.sysadmin) {
        errors.push_back({"agency_id", "learning.error.required"});
    } else if (!creating && !p.sysadmin) {
        // Only a sysadmin takes a course out of its agency: an author whose form offers no
        // choice (course staff) or sends none keeps the course where it is, and its agency's
        // admins keep it in view.
        agency = course.agency_id;
    }
    if (in.enrol_key && core::Utf8Length(*in.enrol_key) > 100)
        errors.push_back({"enrol_key", "learning.error.too_long"});
    if (!errors.empty()) Fail(std::move(errors));
    course.name = name;
    course.title = core::Trim(in.title);
    course.title_en = core::Trim(in.title_en);
    course.summary = core::Trim(in.summary);
    course.summary_en = core::Trim(in.summary_en);
    course.description = in.description;
    course.description_en = in.description_en;
    course.category = in.category;
    course.level = *level;
    course.minutes = minutes;
    course.min_study_minutes = min_study;
    course.video_threshold = threshold;
    course.agency_id = agency;
    course.certificate_info = in.certificate_info;
    course.certificate_info_en = in.certificate_info_en;
    if (in.enrol_key)
        course.enrol_key_hash = core::Trim(*in.enrol_key).empty()
                                    ? ""
                                    : accounts::HashPassword(core::Trim(*in.enrol_key));
}

nlohmann::json CourseAudit(const Course& c) {
    return {{"name", c.name}, {"title", c.title}, {"state", kCourseStateText.Name(c.state)}};
}

}  // namespace

Course LearningService::CreateCourse(const CourseInput& in, const api::Caller& caller) {
    const api::Principal& p = api::RequireUser(caller.principal);
    if (!CanCreateCourse(&p)) throw HttpError::Forbidden("learning.error.cannot_create");
    return db_.Write([&](db::Connection& c) {
        Course course;
        course.id = core::NewUuid();
        ApplyCourseInput(c, in, course, p, true);
        course.created = course.modified = core::NowIso();
        course.created_by = p.user_id;
        course.state = CourseState::kDraft;
        store::InsertCourse(c, course);
        audit::Record(c, caller.actor(), "learning.course.create", "course", course.id,
                      CourseAudit(course));
        return course;
    });
}

Course LearningService::UpdateCourse(const std::string& id, const CourseInput& in,
                                     const api::Caller& caller) {
    return db_.Write([&](db::Connection& c) {
        Course course = RequireAuthor(c, id, caller);
        ApplyCourseInput(c, in, course, *caller.principal, false);
        course.modified = core::NowIso();
        store::UpdateCourse(c, course);
        Reindex(c, course);
        store::BumpCourseVersion(c, course.id);  // a certificate names its version
        audit::Record(c, caller.actor(), "learning.course.update", "course", course.id,
                      CourseAudit(course));
        return course;
    });
}

Course LearningService::SetPublished(const std::string& id, bool published,
                                     const api::Caller& caller) {
    return db_.Write([&](db::Connection& c) {
        Course course = RequireAuthor(c, id, caller);
        if (published && store::LessonsOf(c, course.id).empty())
            Fail({{"state", "learning.error.publish_empty"}});
        course.state = published ? CourseState::kPublished : CourseState::kDraft;
        course.modified = core::NowIso();
        store::UpdateCourse(c, course);
        Reindex(c, course);
        audit::Record(c, caller.actor(),
                      published ? "learning.course.publish" : "learning.course.unpublish", "course",
                      course.id, CourseAudit(course));
        return course;
    });
}

void LearningService::DeleteCourse(const std::string& id, const api::Caller& caller) {
    std::vector<std::string> files;
    db_.Write([&](db::Connection& c) {
        Course course = RequireAuthor(c, id, caller);
        // Authors edit; those who manage the course's staff delete (course staff may not).
        if (!MayManageStaff(c, course, caller.principal))
            throw HttpError::Forbidden("learning.error.may_not_delete");
        if (store::CountLearners(c, course.id) > 0)
            Fail({{"course", "learning.error.has_learners"}});
        for (const auto& l : store::LessonsOf(c, course.id))
            if (!l.media_file.empty()) files.push_back(MediaPath(l));
        search::RemoveDocument(c, kSearchType, course.id);
        store::DeleteCourse(c, course.id);
        audit::Record(c, caller.actor(), "learning.course.delete", "course", course.id,
                      CourseAudit(course));
    });
    for (const auto& f : files) {
        std::error_code ec;
        fs::remove(f, ec);
    }
}

Section LearningService::AddSection(const std::string& course_id, const std::string& title,
                                    const std::string& title_en, const api::Caller& caller) {
    return db_.Write([&](db::Connection& c) {
        Course course = RequireAuthor(c, course_id, caller);
        std::vector<FieldError> errors;
        CheckText(errors, "title", title, 200, true);
        CheckText(errors, "title_en", title_en, 200, false);
        if (!errors.empty()) Fail(std::move(errors));
        if (store::SectionsOf(c, course.id).size() >= 100)
            Fail({{"title", "learning.error.too_many"}});
        Section s{.id = core::NewUuid(),
                  .course_id = course.id,
                  .position = store::NextSectionPosition(c, course.id),
                  .title = core::Trim(title),
                  .title_en = core::Trim(title_en)};
        store::InsertSection(c, s);
        Reindex(c, course);
        store::BumpCourseVersion(c, course.id);  // a certificate names its version
        audit::Record(c, caller.actor(), "learning.section.create", "course", course.id,
                      {{"section", s.id}, {"title", s.title}});
        return s;
    });
}

Section LearningService::UpdateSection(const std::string& section_id, const std::string& title,
                                       const std::string& title_en, const api::Caller& caller) {
    return db_.Write([&](db::Connection& c) {
        auto s = store::FindSection(c, section_id);
        if (!s) throw HttpError::NotFound("learning.section_not_found");
        Course course = RequireAuthor(c, s->course_id, caller);
        std::vector<FieldError> errors;
        CheckText(errors, "title", title, 200, true);
        CheckText(errors, "title_en", title_en, 200, false);
        if (!errors.empty()) Fail(std::move(errors));
        s->title = core::Trim(title);
        s->title_en = core::Trim(title_en);
        store::UpdateSection(c, *s);
        Reindex(c, course);
        store::BumpCourseVersion(c, course.id);  // a certificate names its version
        audit::Record(c, caller.actor(), "learning.section.update", "course", course.id,
                      {{"section", s->id}, {"title", s->title}});
        return *s;
    });
}

void LearningService::DeleteSection(const std::string& section_id, const api::Caller& caller) {
    db_.Write([&](db::Connection& c) {
        auto s = store::FindSection(c, section_id);
        if (!s) throw HttpError::NotFound("learning.section_not_found");
        Course course = RequireAuthor(c, s->course_id, caller);
        for (const auto& l : store::LessonsOf(c, course.id))
            if (l.section_id == s->id) Fail({{"section", "learning.error.section_not_empty"}});
        store::DeleteSection(c, s->id);
        Reindex(c, course);
        store::BumpCourseVersion(c, course.id);  // a certificate names its version
        audit::Record(c, caller.actor(), "learning.section.delete", "course", course.id,
                      {{"section", s->id}, {"title", s->title}});
    });
}

namespace {
void CheckLessonInput(const LessonInput& in, std::vector<FieldError>& errors,
                      std::optional<LessonKind>& kind, int& minutes) {
    kind = kLessonKindText.Parse(in.kind);
    const auto& kinds = LessonKinds();
    if (!kind || std::find(kinds.begin(), kinds.end(), *kind) == kinds.end())
        errors.push_back({"kind", "learning.error.bad_kind"});
    CheckText(errors, "title", in.title, 200, true);
    CheckText(errors, "title_en", in.title_en, 200, false);
    CheckText(errors, "body", in.body, 200000, false, true);
    CheckText(errors, "body_en", in.body_en, 200000, false, true);
    minutes = Number(errors, "minutes", in.minutes, 0, 10000, 0);
}
}  // namespace

Lesson LearningService::AddLesson(const std::string& course_id, const LessonInput& in,
                                  const api::Caller& caller) {
    return db_.Write([&](db::Connection& c) {
        Course course = RequireAuthor(c, course_id, caller);
        std::vector<FieldError> errors;
        std::optional<LessonKind> kind;
        int minutes = 0;
        CheckLessonInput(in, errors, kind, minutes);
        auto section = store::FindSection(c, in.section_id);
        if (!section || section->course_id != course.id)
            errors.push_back({"section_id", "learning.error.bad_section"});
        if (kind && *kind == LessonKind::kText && core::Trim(in.body).empty())
            errors.push_back({"body", "learning.error.required"});
        if (!errors.empty()) Fail(std::move(errors));
        if (store::LessonsOf(c, course.id).size() >= 500)
            Fail({{"title", "learning.error.too_many"}});
        Lesson l;
        l.id = core::NewUuid();
        l.course_id = course.id;
        l.section_id = section->id;
        l.position = store::NextLessonPosition(c, section->id);
        l.kind = *kind;
        l.title = core::Trim(in.title);
        l.title_en = core::Trim(in.title_en);
        l.body = in.body;
        l.body_en = in.body_en;
        l.required = in.required;
        l.minutes = minutes;
        l.created = l.modified = core::NowIso();
        store::InsertLesson(c, l);
        Reindex(c, course);
        store::BumpCourseVersion(c, course.id);  // a certificate names its version
        audit::Record(
            c, caller.actor(), "learning.lesson.create", "course", course.id,
            {{"lesson", l.id}, {"title", l.title}, {"kind", kLessonKindText.Name(l.kind)}});
        return l;
    });
}

Lesson LearningService::UpdateLesson(const std::string& lesson_id, const LessonInput& in,
                                     const api::Caller& caller) {
    return db_.Write([&](db::Connection& c) {
        auto l = store::FindLesson(c, lesson_id);
        if (!l) throw HttpError::NotFound("learning.lesson_not_found");
        Course course = RequireAuthor(c, l->course_id, caller);
        std::vector<FieldError> errors;
        std::optional<LessonKind> kind;
        int minutes = 0;
        LessonInput typed = in;
        if (typed.kind.empty()) typed.kind = std::string(kLessonKindText.Name(l->kind));
        CheckLessonInput(typed, errors, kind, minutes);
        if (kind && *kind != l->kind) errors.push_back({"kind", "learning.error.kind_fixed"});
        std::string section_id = in.section_id.empty() ? l->section_id : in.section_id;
        auto section = store::FindSection(c, section_id);
        if (!section || section->course_id != course.id)
            errors.push_back({"section_id", "learning.error.bad_section"});
        if (l->kind == LessonKind::kText && core::Trim(in.body).empty())
            errors.push_back({"body", "learning.error.required"});
        if (!errors.empty()) Fail(std::move(errors));
        if (section->id != l->section_id) {
            l->section_id = section->id;
            l->position = store::NextLessonPosition(c, section->id);
        }
        l->title = core::Trim(in.title);
        l->title_en = core::Trim(in.title_en);
        l->body = in.body;
        l->body_en = in.body_en;
        l->required = in.required;
        l->minutes = minutes;
        l->modified = core::NowIso();
        store::UpdateLesson(c, *l);
        Reindex(c, course);
        store::BumpCourseVersion(c, course.id);  // a certificate names its version
        audit::Record(c, caller.actor(), "learning.lesson.update", "course", course.id,
                      {{"lesson", l->id}, {"title", l->title}});
        return *l;
    });
}

void LearningService::DeleteLesson(const std::string& lesson_id, const api::Caller& caller) {
    std::string file;
    db_.Write([&](db::Connection& c) {
        auto l = store::FindLesson(c, lesson_id);
        if (!l) throw HttpError::NotFound("learning.lesson_not_found");
        Course course = RequireAuthor(c, l->course_id, caller);
        if (!l->media_file.empty()) file = MediaPath(*l);
        store::DeleteLesson(c, l->id);
        Reindex(c, course);
        store::BumpCourseVersion(c, course.id);  // a certificate names its version
        audit::Record(c, caller.actor(), "learning.lesson.delete", "course", course.id,
                      {{"lesson", l->id}, {"title", l->title}});
    });
    if (!file.empty()) {
        std::error_code ec;
        fs::remove(file, ec);
    }
}

void LearningService::MoveLesson(const std::string& lesson_id, int direction,
                                 const api::Caller& caller) {
    db_.Write([&](db::Connection& c) {
        auto l = store::FindLesson(c, lesson_id);
        if (!l) throw HttpError::NotFound("learning.lesson_not_found");
        RequireAuthor(c, l->course_id, caller);
        std::vector<Lesson> siblings;
        for (auto& x : store::LessonsOf(c, l->course_id))
            if (x.section_id == l->section_id) siblings.push_back(std::move(x));
        auto it = std::find_if(siblings.begin(), siblings.end(),
                               [&](const Lesson& x) { return x.id == l->id; });
        long i = it - siblings.begin();
        long j = i + (direction < 0 ? -1 : 1);
        if (j < 0 || j >= static_cast<long>(siblings.size())) return;
        std::swap(siblings[static_cast<size_t>(i)], siblings[static_cast<size_t>(j)]);
        for (size_t k = 0; k < siblings.size(); ++k) {
            siblings[k].position = static_cast<int>(k) + 1;
            store::UpdateLesson(c, siblings[k]);
        }
        store::BumpCourseVersion(c, l->course_id);
    });
}

std::string LearningService::MediaPath(const Lesson& lesson) const {
    return config_.media_dir + "/" + lesson.media_file;
}

Lesson LearningService::AttachMedia(const std::string& lesson_id, MediaUpload upload,
                                    const api::Caller& caller) {
    // Checked before the transaction: the file is on disk already (streamed by http).
    std::string type = core::SniffFileType(upload.path);  // only MP4, WebM, PDF pass below
    int64_t duration_ms =
        type == "video/mp4" || type == "video/webm" ? ProbeDurationMs(upload.path) : 0;
    Lesson lesson = db_.Read([&](db::Connection& c) {
        auto l = store::FindLesson(c, lesson_id);
        if (!l) throw HttpError::NotFound("learning.lesson_not_found");
        RequireAuthor(c, l->course_id, caller);
        return *l;
    });
    bool video = lesson.kind == LessonKind::kVideo;
    if (lesson.kind != LessonKind::kVideo && lesson.kind != LessonKind::kPdf)
        Fail({{"upload", "learning.error.no_media_for_kind"}});
    if (upload.size == 0) Fail({{"upload", "learning.error.upload_missing"}});
    if (video && type != "video/mp4" && type != "video/webm")
        Fail({{"upload", "learning.error.not_video"}});
    if (!video && type != "application/pdf") Fail({{"upload", "learning.error.not_pdf"}});
    if (upload.size > (video ? config_.max_video_bytes : config_.max_pdf_bytes))
        Fail({{"upload", "learning.error.too_big"}});
    fs::create_directories(config_.media_dir);
    std::string ext = type == "video/mp4" ? ".mp4" : type == "video/webm" ? ".webm" : ".pdf";
    // A new name per upload: a cached old file is never served for the new one.
    std::string file = lesson.id + "-" + core::RandomToken(6) + ext;
    if (!upload.move_to(config_.media_dir + "/" + file))
        throw std::runtime_error("could not store the lesson's media");
    std::string old;
    Lesson saved = db_.Write([&](db::Connection& c) {
        auto l = store::FindLesson(c, lesson_id);
        if (!l) throw HttpError::NotFound("learning.lesson_not_found");
        Course course = RequireAuthor(c, l->course_id, caller);
        if (!l->media_file.empty()) old = MediaPath(*l);
        l->media_file = file;
        l->media_type = type;
        l->media_bytes = static_cast<int64_t>(upload.size);
        l->media_duration_ms = duration_ms;
        l->modified = core::NowIso();
        store::UpdateLesson(c, *l);
        store::BumpCourseVersion(c, course.id);
        audit::Record(c, caller.actor(), "learning.lesson.media", "course", course.id,
                      {{"lesson", l->id}, {"type", type}, {"bytes", l->media_bytes}});
        return *l;
    });
    if (!old.empty()) {
        std::error_code ec;
        fs::remove(old, ec);
    }
    return saved;
}

// ---- learners

Enrolment LearningService::Enrol(const std::string& course_id, const std::string& key,
                                 const api::Caller& caller) {
    const api::Principal& p = api::RequireUser(caller.principal);
    if (!Verified(p.user_id)) throw HttpError::Forbidden("learning.error.identity_required");
    return db_.Write([&](db::Connection& c) {
        auto course = store::FindCourse(c, course_id);
        if (!course || (course->state != CourseState::kPublished && !MayAuthor(c, *course, &p)))
            throw HttpError::NotFound("learning.course_not_found");
        auto existing = store::FindEnrolment(c, course->id, p.user_id);
        if (existing && existing->state == EnrolmentState::kActive) return *existing;
        if (!course->enrol_key_hash.empty() && !MayAuthor(c, *course, &p) &&
            !accounts::VerifyPassword(course->enrol_key_hash, core::Trim(key)))
            Fail({{"enrol_key",
                   key.empty() ? "learning.error.key_required" : "learning.error.key_wrong"}});
        // Coming back keeps what was done before: progress rows stay with the account.
        Enrolment e = existing.value_or(Enrolment{.course_id = course->id, .user_id = p.user_id});
        e.state = EnrolmentState::kActive;
        e.enrolled_at = core::NowIso();
        store::UpsertEnrolment(c, e);
        audit::Record(c, caller.actor(), "learning.enrol", "course", course->id,
                      nlohmann::json::object());
        return e;
    });
}

void LearningService::Unenrol(const std::string& course_id, const api::Caller& caller) {
    const api::Principal& p = api::RequireUser(caller.principal);
    db_.Write([&](db::Connection& c) {
        auto course = store::FindCourse(c, course_id);
        if (!course) throw HttpError::NotFound("learning.course_not_found");
        auto e = store::FindEnrolment(c, course->id, p.user_id);
        if (!e || e->state != EnrolmentState::kActive) return;
        e->state = EnrolmentState::kUnenrolled;
        store::UpsertEnrolment(c, *e);
        audit::Record(c, caller.actor(), "learning.unenrol", "course", course->id,
                      nlohmann::json::object());
    });
}

std::vector<std::pair<Enrolment, Course>> LearningService::MyCourses(const api::Principal& p) {
    return db_.Read([&](db::Connection& c) {
        std::vector<std::pair<Enrolment, Course>> out;
        for (auto& e : store::EnrolmentsOf(c, p.user_id))
            if (auto course = store::FindCourse(c, e.course_id))
                out.emplace_back(std::move(e), std::move(*course));
        return out;
    });
}

LearnerSummary LearningService::Summary(const std::string& user_id) {
    return db_.Read([&](db::Connection& c) {
        // An annulled completion is in progress again, as on "My learning" and in the reports.
        store::CompletionTally t = store::CountCompletions(c, user_id);
        return LearnerSummary{t.in_progress, t.completed};
    });
}

LearningService::LessonView LearningService::OpenLesson(const std::string& lesson_id,
                                                        const api::Principal* p) {
    auto lesson = db_.Read([&](db::Connection& c) { return store::FindLesson(c, lesson_id); });
    if (!lesson) throw HttpError::NotFound("learning.lesson_not_found");
    auto outline = Outline(lesson->course_id, p);
    if (!outline) throw HttpError::NotFound("learning.lesson_not_found");
    api::RequireUser(p);
    if (!outline->enrolment && !outline->can_author)
        throw HttpError::Forbidden("learning.error.not_enrolled");
    LessonView v{*lesson, std::move(*outline), std::nullopt};
    for (const auto& pr : v.outline.progress)
        if (pr.lesson_id == lesson->id) v.progress = pr;
    return v;
}

// ---- progress

CourseProgress LearningService::Evaluate(db::Connection& c, const std::string& course_id,
                                         const std::string& user_id, const Course* loaded) {
    // A video reports every few seconds: the course it already read is not read again.
    std::optional<Course> read;
    if (!loaded) read = store::FindCourse(c, course_id);
    const Course* course = loaded ? loaded : read ? &*read : nullptr;
    auto e = store::FindEnrolment(c, course_id, user_id);
    if (!course || !e) return {};
    CourseProgress out = Tally(c, *course, *e);
    bool met = out.lessons_required > 0 && out.lessons_done == out.lessons_required &&
               e->study_seconds >= int64_t{course->min_study_minutes} * 60;
    if (met && !out.completed) {
        // The completion is recorded in the transaction that met the rule: no batch, no lag.
        e->completed_at = core::NowIso();
        store::UpsertEnrolment(c, *e);
        store::RecordCompletionVersion(c, course_id, user_id);  // what it was earned on
        audit::Record(c, {user_id, ""}, "learning.course.complete", "course", course_id,
                      nlohmann::json::object());
        out.completed = true;
        out.completed_at = e->completed_at;
    }
    return out;
}

CourseProgress LearningService::Standing(const std::string& course_id, const std::string& user_id) {
    return db_.Read([&](db::Connection& c) {
        auto course = store::FindCourse(c, course_id);
        auto e = store::FindEnrolment(c, course_id, user_id);
        if (!course || !e) return CourseProgress{};
        return Tally(c, *course, *e);
    });
}

Lesson LearningService::LearnerLesson(db::Connection& c, const std::string& lesson_id,
                                      const std::string& user_id) {
    auto l = store::FindLesson(c, lesson_id);
    if (!l) throw HttpError::NotFound("learning.lesson_not_found");
    auto e = store::FindEnrolment(c, l->course_id, user_id);
    if (!e || e->state != EnrolmentState::kActive)
        throw HttpError::Forbidden("learning.error.not_enrolled");
    return *l;
}

Lesson LearningService::AuthorLesson(db::Connection& c, const std::string& lesson_id,
                                     const api::Caller& caller) {
    auto l = store::FindLesson(c, lesson_id);
    if (!l) throw HttpError::NotFound("learning.lesson_not_found");
    RequireAuthor(c, l->course_id, caller);
    return *l;
}

namespace {

LessonProgress ProgressRow(db::Connection& c, const Lesson& l, const std::string& user_id) {
    auto p = store::FindProgress(c, l.id, user_id);
    if (p) return *p;
    LessonProgress fresh;
    fresh.lesson_id = l.id;
    fresh.user_id = user_id;
    fresh.course_id = l.course_id;
    return fresh;
}
}  // namespace

LearningService::LessonUpdate LearningService::MarkViewed(const std::string& lesson_id,
                                                          const api::Caller& caller) {
    const api::Principal& p = api::RequireUser(caller.principal);
    return db_.Write([&](db::Connection& c) {
        Lesson l = LearnerLesson(c, lesson_id, p.user_id);
        if (l.kind != LessonKind::kText && l.kind != LessonKind::kPdf)
            throw HttpError::BadRequest("learning.error.not_viewable");
        LessonProgress pr = ProgressRow(c, l, p.user_id);
        if (!pr.completed) {
            pr.completed = true;
            pr.percent = 100;
            pr.completed_at = core::NowIso();
        }
        pr.updated = core::NowIso();
        store::UpsertProgress(c, pr);
        return LessonUpdate{pr, Evaluate(c, l.course_id, p.user_id)};
    });
}

void LearningService::StartVideo(const std::string& lesson_id, const api::Caller& caller) {
    const api::Principal& p = api::RequireUser(caller.principal);
    db_.Write([&](db::Connection& c) {
        Lesson l = LearnerLesson(c, lesson_id, p.user_id);
        if (l.kind != LessonKind::kVideo) return;
        LessonProgress pr = ProgressRow(c, l, p.user_id);
        pr.updated = core::NowIso();  // the clock the next report's played time is held to
        store::UpsertProgress(c, pr);
    });
}

LearningService::LessonUpdate LearningService::RecordVideo(const std::string& lesson_id,
                                                           int64_t position_ms, int64_t played_ms,
                                                           int64_t duration_ms,
                                                           const api::Caller& caller) {
    const api::Principal& p = api::RequireUser(caller.principal);
    constexpr int64_t kMaxMs = int64_t{24} * 3600 * 1000;
    if (position_ms < 0 || played_ms < 0 || duration_ms <= 0 || position_ms > kMaxMs ||
        duration_ms > kMaxMs || played_ms > kMaxMs)
        throw HttpError::BadRequest("learning.error.bad_progress");
    return db_.Write([&](db::Connection& c) {
        Lesson l = LearnerLesson(c, lesson_id, p.user_id);
        if (l.kind != LessonKind::kVideo) throw HttpError::BadRequest("learning.error.not_video");
        auto course = store::FindCourse(c, l.course_id);
        LessonProgress pr = ProgressRow(c, l, p.user_id);
        // The video's length is the one read at upload; the player's claim only when unknown.
        if (l.media_duration_ms > 0) duration_ms = l.media_duration_ms;
        duration_ms = std::max<int64_t>(duration_ms, 1000);
        int64_t now_us = core::NowEpochMicros();
        // Played time counts at most the wall time since the last report, or since the lesson
        // page was opened (StartVideo): a forged report cannot watch an hour in a second. No
        // grace is added per report: reports sent back to back would add their graces up.
        int64_t since_ms =
            pr.updated.empty()
                ? 0
                : std::max<int64_t>(0, (now_us - core::ParseIsoMicros(pr.updated)) / 1000);
        int64_t credited = std::min(played_ms, since_ms);
        pr.watched_ms = std::min(duration_ms, pr.watched_ms + credited);
        pr.position_ms = std::min(position_ms, duration_ms);
        pr.percent = static_cast<int>(std::min<int64_t>(100, pr.watched_ms * 100 / duration_ms));
        int threshold = course ? course->video_threshold : 90;
        if (!pr.completed && pr.percent >= threshold) {
            pr.completed = true;
            pr.completed_at = core::NowIso();
        }
        pr.updated = core::NowIso();
        store::UpsertProgress(c, pr);
        // Rounded, not cut: reports every 10 s of 9.99 s each must not lose a second apiece.
        if (credited >= 500)
            store::AddStudySeconds(c, l.course_id, p.user_id, (credited + 500) / 1000);
        return LessonUpdate{pr, Evaluate(c, l.course_id, p.user_id, course ? &*course : nullptr)};
    });
}

LearningService::LessonUpdate LearningService::RecordResult(db::Connection& c, const Lesson& l,
                                                            const std::string& user_id, bool done,
                                                            std::optional<int> score, int percent,
                                                            int64_t study_seconds) {
    LessonProgress pr = ProgressRow(c, l, user_id);
    if (score && (!pr.score || *score > *pr.score)) pr.score = score;  // the best one is kept
    pr.percent = std::max(pr.percent, std::clamp(percent, 0, 100));
    if (done && !pr.completed) {
        pr.completed = true;
        pr.percent = 100;
        pr.completed_at = core::NowIso();
    }
    pr.updated = core::NowIso();
    store::UpsertProgress(c, pr);
    if (study_seconds > 0) store::AddStudySeconds(c, l.course_id, user_id, study_seconds);
    return LessonUpdate{pr, Evaluate(c, l.course_id, user_id)};
}

// ---- profiles

std::optional<LearnerProfile> LearningService::Profile(const std::string& user_id) {
    return db_.Read([&](db::Connection& c) { return store::FindProfile(c, user_id); });
}

namespace {
// SaveProfile's rules inside the caller's transaction.
void StoreProfile(db::Connection& c, LearnerProfile p, const api::Caller& caller) {
    std::vector<FieldError> errors;
    if (p.civil_servant) {
        if (p.agency_id.empty() || !agencies::store::Find(c, p.agency_id))
            errors.push_back({"agency_id", "learning.error.bad_agency"});
        CheckText(errors, "position", p.position, 200, true);
    } else {
        p.agency_id.clear();
        p.position.clear();
    }
    if (!errors.empty()) Fail(std::move(errors));
    if (auto a = agencies::store::Find(c, p.agency_id)) p.agency_id = a->id;
    // A declared agency is pending until its administrators confirm it (reports.hpp): the
    // same agency keeps its confirmation, another one starts over.
    auto before = store::FindProfile(c, p.user_id);
    bool reset = false;
    if (before && before->agency_id == p.agency_id && !p.agency_id.empty()) {
        p.agency_declared_at = before->agency_declared_at;
        p.agency_confirmed_at = before->agency_confirmed_at;
        p.agency_confirmed_by = before->agency_confirmed_by;
    } else {
        reset = before && !before->agency_confirmed_at.empty();
        p.agency_declared_at = p.agency_id.empty() ? "" : core::NowIso();
        p.agency_confirmed_at.clear();
        p.agency_confirmed_by.clear();
        if (!p.agency_id.empty()) store::ClearMembershipNotice(c, p.user_id);
    }
    store::UpsertProfile(c, p);
    audit::Record(c, caller.actor(p.user_id), "learning.profile.update", "user", p.user_id,
                  {{"civil_servant", p.civil_servant},
                   {"agency", p.agency_id},
                   {"position", p.position},
                   {"agency_before", before ? before->agency_id : ""},
                   {"confirmation_reset", reset},
                   {"consent_version", p.consent_version}});
}
}  // namespace

void LearningService::SaveProfile(const LearnerProfile& profile, const api::Caller& caller) {
    db_.Write([&](db::Connection& c) { StoreProfile(c, profile, caller); });
}

void LearningService::DeclareWork(const std::string& user_id, const WorkDeclaration& work,
                                  const api::Caller& caller) {
    // The declaration names a person the agency's administrators confirm: a verified one.
    if (!Verified(user_id)) throw HttpError::Forbidden("learning.error.identity_required");
    db_.Write([&](db::Connection& c) {
        LearnerProfile p = store::FindProfile(c, user_id).value_or(LearnerProfile{});
        p.user_id = user_id;
        p.civil_servant = work.civil_servant;
        p.agency_id = core::Trim(work.agency_id);
        p.position = core::Trim(work.position);
        StoreProfile(c, std::move(p), caller);
    });
}

// ---- course staff

bool LearningService::MayManageStaff(db::Connection& c, const Course& course,
                                     const api::Principal* p) {
    if (!p) return false;
    if (p->sysadmin || course.created_by == p->user_id) return true;
    if (course.agency_id.empty()) return false;
    auto role = agencies::store::RoleOf(c, p->user_id, course.agency_id);
    return role && *role == agencies::Role::kAdmin;
}

bool LearningService::CanManageStaff(const Course& course, const api::Principal* p) {
    return db_.Read([&](db::Connection& c) { return MayManageStaff(c, course, p); });
}

Course LearningService::RequireStaffManager(db::Connection& c, const std::string& course_id,
                                            const api::Caller& caller) {
    auto course = store::FindCourse(c, course_id);
    if (!course) throw HttpError::NotFound("learning.course_not_found");
    api::RequireUser(caller.principal);
    if (!MayManageStaff(c, *course, caller.principal))
        throw HttpError::Forbidden("learning.staff.may_not_manage");
    return *course;
}

CourseStaffList LearningService::Staff(const std::string& course_id, const api::Principal* p,
                                       const std::string& locale) {
    return db_.Read([&](db::Connection& c) {
        auto course = store::FindCourse(c, course_id);
        if (!course) throw HttpError::NotFound("learning.course_not_found");
        api::RequireUser(p);
        if (!MayAuthor(c, *course, p)) throw HttpError::Forbidden();
        CourseStaffList out;
        out.can_manage = MayManageStaff(c, *course, p);
        for (const auto& id : store::CourseStaff(c, course->id))
            if (auto u = accounts::store::FindUserById(c, id))
                out.staff.push_back({u->id, u->name, u->DisplayName(locale)});
        std::sort(out.staff.begin(), out.staff.end(),
                  [](const auto& a, const auto& b) { return a.name < b.name; });
        return out;
    });
}

namespace {
// The account a staff form or call names (user name or id), or 404 naming the field.
accounts::User StaffUser(db::Connection& c, const std::string& user) {
    std::string key = core::Trim(user);
    auto u = key.empty() || key.size() > 200 ? std::nullopt : accounts::store::FindUser(c, key);
    if (!u)
        throw HttpError(404, "no_such_user", "learning.staff.no_such_user",
                        {{"user", "learning.staff.no_such_user"}});
    return *u;
}
}  // namespace

bool LearningService::AddStaff(const std::string& course_id, const std::string& user,
                               const api::Caller& caller) {
    return db_.Write([&](db::Connection& c) {
        Course course = RequireStaffManager(c, course_id, caller);
        if (core::Trim(user).empty()) Fail({{"user", "learning.error.required"}});
        auto u = StaffUser(c, user);
        if (u.state != accounts::UserState::kActive)
            throw HttpError(409, "not_active", "learning.staff.not_active",
                            {{"user", "learning.staff.not_active"}});
        if (store::IsCourseStaff(c, course.id, u.id)) return false;
        store::AddCourseStaff(c, course.id, u.id);
        audit::Record(c, caller.actor(), "learning.course.staff_add", "course", course.id,
                      {{"user", u.id}, {"name", u.name}});
        return true;
    });
}

bool LearningService::RemoveStaff(const std::string& course_id, const std::string& user,
                                  const api::Caller& caller) {
    return db_.Write([&](db::Connection& c) {
        Course course = RequireStaffManager(c, course_id, caller);
        auto u = StaffUser(c, user);
        if (!store::IsCourseStaff(c, course.id, u.id)) return false;
        store::RemoveCourseStaff(c, course.id, u.id);
        audit::Record(c, caller.actor(), "learning.course.staff_remove", "course", course.id,
                      {{"user", u.id}, {"name", u.name}});
        return true;
    });
}

}  // namespace govhub::learning

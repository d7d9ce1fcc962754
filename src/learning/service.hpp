#pragma once
// Learning's rules (issue 16): the course catalog with Thai search, course authoring (sections,
// lessons, media), self-enrolment, and progress recorded the moment a lesson's rule is met, with
// the course completion rule evaluated in the same transaction. Permissions are decided here
// (auth.hpp's predicates), so the JSON API and the pages agree. Errors are thrown as HttpError:
// Validation (fields with learning.* keys), Forbidden, NotFound.
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/principal.hpp"
#include "core/error.hpp"
#include "db/database.hpp"
#include "learning/model.hpp"

namespace govhub::learning {

struct LearningConfig {
    std::string media_dir;                         // <data dir>/learning/media
    uint64_t max_video_bytes = uint64_t{2} << 30;  // an uploaded video (MP4 or WebM)
    uint64_t max_pdf_bytes = uint64_t{200} << 20;
};

// Whether an account carries a verified identity (accounts' vault): Learning asks it before
// enrolment. Set by app; null means no one is verified.
using IdentityCheck = std::function<bool(const std::string& user_id)>;

// What an author may set on a course; the service checks every field.
struct CourseInput {
    std::string name, title, title_en, summary, summary_en, description, description_en;
    std::string category, level, agency_id;
    std::string minutes, min_study_minutes, video_threshold;  // as typed
    std::string certificate_info, certificate_info_en;
    std::optional<std::string> enrol_key;  // nullopt: unchanged; "": open enrolment
};

struct LessonInput {
    std::string section_id, kind, title, title_en, body, body_en, minutes;
    bool required = true;
};

// An uploaded file (a video or a PDF), streamed to a temp file by http.
struct MediaUpload {
    std::string path, filename;
    uint64_t size = 0;
    std::function<bool(const std::string& dest)> move_to;
};

struct CatalogQuery {
    std::string q, category, level, agency;
    int page = 1;
    int per_page = 20;
};
struct CatalogPage {
    std::vector<Course> courses;
    int64_t total = 0;
    // Facets (key, count), each counted under the search and the other facet's choice (not its
    // own, so every choice shows what picking it would give).
    std::vector<std::pair<std::string, int64_t>> categories;
    std::vector<std::pair<std::string, int64_t>> levels;
};

// What a learner says about their work: at sign-up, or changed later on /learning/profile.
struct WorkDeclaration {
    bool civil_servant = false;
    std::string agency_id;  // the agency's id or name (the directory's)
    std::string position;
};

// A learner's courses in brief (the profile's Learning section).
struct LearnerSummary {
    int64_t in_progress = 0, completed = 0;
};

// A course as one reader sees it: the outline, and the reader's own standing.
struct CourseOutline {
    Course course;
    std::vector<Section> sections;
    std::vector<Lesson> lessons;  // in outline order
    bool can_author = false;
    std::optional<Enrolment> enrolment;  // the reader's, when enrolled (active)
    std::vector<LessonProgress> progress;
    CourseProgress standing;
    int64_t learners = 0;
};

// One of a course's staff: an account that may author this one course (learning_course_staff).
struct StaffMember {
    std::string user_id, name;  // name: the account's user name
    std::string display_name;   // in the reader's language
};
struct CourseStaffList {
    std::vector<StaffMember> staff;  // by user name
    bool can_manage = false;         // the reader may add and remove staff
};

// The lesson kinds an author may add, in the order the form offers them.
const std::vector<LessonKind>& LessonKinds();
// The category keys a course may have (learning.category.<key>).
const std::vector<std::string>& CourseCategories();

class LearningService {
  public:
    LearningService(db::Database& db, LearningConfig config, IdentityCheck verified);

    // ---- catalog and course pages
    CatalogPage Search(const CatalogQuery& q, const api::Principal* p);
    // Null when the course does not exist or the reader may not see it (a draft).
    std::optional<CourseOutline> Outline(const std::string& id_or_name, const api::Principal* p);
    // Courses the reader may author (drafts included), for "my courses".
    std::vector<Course> Authored(const api::Principal& p);
    bool CanCreateCourse(const api::Principal* p);
    // The agency's title in the reader's language ("" for none or unknown).
    std::string AgencyTitle(const std::string& agency_id, const std::string& locale);
    // The titles of several agencies in one read (a page of course cards): id -> title.
    std::unordered_map<std::string, std::string> AgencyTitles(const std::vector<std::string>& ids,
                                                              const std::string& locale);
    // The agencies the author may place a course under: where they are an editor or admin,
    // every active one for a sysadmin. (id, title in the locale), by title.
    std::vector<std::pair<std::string, std::string>> AgencyChoices(const api::Principal& p,
                                                                   const std::string& locale);
    // Every active agency of the directory (a civil servant's agency at sign-up), by title.
    std::vector<std::pair<std::string, std::string>> ActiveAgencies(const std::string& locale);

    // ---- authoring
    Course CreateCourse(const CourseInput& in, const api::Caller& caller);
    Course UpdateCourse(const std::string& id, const CourseInput& in, const api::Caller& caller);
    Course SetPublished(const std::string& id, bool published, const api::Caller& caller);
    void DeleteCourse(const std::string& id, const api::Caller& caller);
    Section AddSection(const std::string& course_id, const std::string& title,
                       const std::string& title_en, const api::Caller& caller);
    Section UpdateSection(const std::string& section_id, const std::string& title,
                          const std::string& title_en, const api::Caller& caller);
    void DeleteSection(const std::string& section_id, const api::Caller& caller);
    Lesson AddLesson(const std::string& course_id, const LessonInput& in,
                     const api::Caller& caller);
    Lesson UpdateLesson(const std::string& lesson_id, const LessonInput& in,
                        const api::Caller& caller);
    void DeleteLesson(const std::string& lesson_id, const api::Caller& caller);
    // Moves a lesson one place up (-1) or down (+1) in its section.
    void MoveLesson(const std::string& lesson_id, int direction, const api::Caller& caller);
    // A video (MP4/WebM, checked by its first bytes) or PDF for a lesson of that kind.
    Lesson AttachMedia(const std::string& lesson_id, MediaUpload upload, const api::Caller& caller);

    // ---- course staff. Every author of the course may see the list; only a sysadmin, the
    // course's creator and its agency's admins may change it (as Moodle, where a teacher cannot
    // make other teachers and a manager can): a staff member or an agency editor cannot.
    // Unknown course 404 (a draft the reader may not see too), not an author 403.
    CourseStaffList Staff(const std::string& course_id, const api::Principal* p,
                          const std::string& locale);
    // By user name (or id). 404 learning.staff.no_such_user for no such account, 409
    // learning.staff.not_active for one that is not active; false when already staff (nothing
    // changes, nothing is audited).
    bool AddStaff(const std::string& course_id, const std::string& user, const api::Caller& caller);
    // False when the account was not staff of the course (nothing changes).
    bool RemoveStaff(const std::string& course_id, const std::string& user,
                     const api::Caller& caller);

    // ---- learners
    Enrolment Enrol(const std::string& course_id, const std::string& key,
                    const api::Caller& caller);
    void Unenrol(const std::string& course_id, const api::Caller& caller);
    std::vector<std::pair<Enrolment, Course>> MyCourses(const api::Principal& p);
    // How many of the user's active enrolments are completed and how many are not.
    LearnerSummary Summary(const std::string& user_id);
    // A lesson for its reader: the lesson, its course, and the reader's progress. Throws
    // NotFound / Forbidden (not enrolled and not an author).
    struct LessonView {
        Lesson lesson;
        CourseOutline outline;
        std::optional<LessonProgress> progress;
    };
    LessonView OpenLesson(const std::string& lesson_id, const api::Principal* p);
    // The path of a lesson's media file for someone who may open the lesson.
    std::string MediaPath(const Lesson& lesson) const;

    // ---- progress: each records the moment a lesson's rule is met and answers the lesson's
    // progress with the course standing computed in the same transaction.
    struct LessonUpdate {
        LessonProgress lesson;
        CourseProgress course;
    };
    // A text or PDF lesson was opened.
    LessonUpdate MarkViewed(const std::string& lesson_id, const api::Caller& caller);
    // A learner opened a video lesson's page: the time its next report is measured from.
    void StartVideo(const std::string& lesson_id, const api::Caller& caller);
    // A video's player reports where it is (position_ms), how much it played since the last
    // report (played_ms, at most the wall time since then) and its length.
    LessonUpdate RecordVideo(const std::string& lesson_id, int64_t position_ms, int64_t played_ms,
                             int64_t duration_ms, const api::Caller& caller);
    // A quiz or SCORM lesson's result: done when `passed`, with a score in percent.
    LessonUpdate RecordResult(db::Connection& c, const Lesson& lesson, const std::string& user_id,
                              bool done, std::optional<int> score, int percent,
                              int64_t study_seconds);
    CourseProgress Standing(const std::string& course_id, const std::string& user_id);

    // The learner profile beside the account (civil servant, agency, position, consent).
    std::optional<LearnerProfile> Profile(const std::string& user_id);
    void SaveProfile(const LearnerProfile& profile, const api::Caller& caller);
    // The learner changes their own work details (/learning/profile), the rest of the profile
    // (consent, the name on certificates) kept. A verified identity first (403
    // learning.error.identity_required); 422 on agency_id / position as at sign-up. Another
    // agency is a new declaration, pending until its administrators confirm it (SaveProfile).
    void DeclareWork(const std::string& user_id, const WorkDeclaration& work,
                     const api::Caller& caller);
    bool Verified(const std::string& user_id) const { return verified_ && verified_(user_id); }

    // For the kinds' own services (quiz, SCORM), inside their transaction: the lesson when the
    // caller may author its course, else Forbidden/NotFound; the lesson when the user is
    // enrolled in its course, else Forbidden/NotFound.
    Lesson AuthorLesson(db::Connection& c, const std::string& lesson_id, const api::Caller& caller);
    Lesson LearnerLesson(db::Connection& c, const std::string& lesson_id,
                         const std::string& user_id);

    // Whether the principal may author the course (a sysadmin, its creator, its agency's
    // editors and admins, its course staff): also who reads the course report (reports.hpp).
    bool MayAuthor(db::Connection& c, const Course& course, const api::Principal* p);
    // MayManageStaff for other services (certificates: who annuls a completion).
    bool CanManageStaff(const Course& course, const api::Principal* p);

    db::Database& db() { return db_; }
    const LearningConfig& config() const { return config_; }

  private:
    Course RequireAuthor(db::Connection& c, const std::string& course_id,
                         const api::Caller& caller);
    bool MayManageStaff(db::Connection& c, const Course& course, const api::Principal* p);
    Course RequireStaffManager(db::Connection& c, const std::string& course_id,
                               const api::Caller& caller);
    void Reindex(db::Connection& c, const Course& course);
    // The learner's standing after a change, recording the completion when it was just met.
    // `course`: the course when the caller has read it in this transaction (else it is read).
    CourseProgress Evaluate(db::Connection& c, const std::string& course_id,
                            const std::string& user_id, const Course* course = nullptr);

    db::Database& db_;
    LearningConfig config_;
    IdentityCheck verified_;
};

}  // namespace govhub::learning

#pragma once
// Every SQL statement of Learning (DESIGN.md §2): courses, sections, lessons, enrolments,
// lesson progress and learner profiles, on both engines.
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "db/migrations.hpp"
#include "learning/model.hpp"

namespace govhub::learning::store {

void AddMigrations(db::MigrationSet& set);

// ---- courses
void InsertCourse(db::Connection& c, const Course& course);
void UpdateCourse(db::Connection& c, const Course& course);  // every field but id and created
std::optional<Course> FindCourse(db::Connection& c, const std::string& id_or_name);
struct CourseFilter {
    std::vector<std::string> ids;  // only these (a search's hits); empty = no filter
    bool filter_ids = false;       // true: `ids` applies even when empty (no hits)
    bool published_only = true;
    std::string category, level, agency_id;
    int limit = 50, offset = 0;
};
std::vector<Course> ListCourses(db::Connection& c, const CourseFilter& f);
int64_t CountCourses(db::Connection& c, const CourseFilter& f);
// The catalog's facet counts under a filter (a search's hits, the other facet's choice): each
// category or level -> the count of courses `f` selects, most first. `limit`/`offset` unused.
enum class CourseFacet { kCategory, kLevel };
std::vector<std::pair<std::string, int64_t>> FacetCounts(db::Connection& c, const CourseFilter& f,
                                                         CourseFacet facet);
void DeleteCourse(db::Connection& c, const std::string& id);

// ---- sections and lessons
void InsertSection(db::Connection& c, const Section& s);
void UpdateSection(db::Connection& c, const Section& s);
void DeleteSection(db::Connection& c, const std::string& id);
std::vector<Section> SectionsOf(db::Connection& c, const std::string& course_id);
std::optional<Section> FindSection(db::Connection& c, const std::string& id);
int NextSectionPosition(db::Connection& c, const std::string& course_id);

void InsertLesson(db::Connection& c, const Lesson& l);
void UpdateLesson(db::Connection& c, const Lesson& l);
void DeleteLesson(db::Connection& c, const std::string& id);
std::optional<Lesson> FindLesson(db::Connection& c, const std::string& id);
std::vector<Lesson> LessonsOf(db::Connection& c, const std::string& course_id);
int NextLessonPosition(db::Connection& c, const std::string& section_id);

// ---- enrolment and progress
std::optional<Enrolment> FindEnrolment(db::Connection& c, const std::string& course_id,
                                       const std::string& user_id);
void UpsertEnrolment(db::Connection& c, const Enrolment& e);
std::vector<Enrolment> EnrolmentsOf(db::Connection& c, const std::string& user_id);
int64_t CountLearners(db::Connection& c, const std::string& course_id);
void AddStudySeconds(db::Connection& c, const std::string& course_id, const std::string& user_id,
                     int64_t seconds);

std::optional<LessonProgress> FindProgress(db::Connection& c, const std::string& lesson_id,
                                           const std::string& user_id);
void UpsertProgress(db::Connection& c, const LessonProgress& p);
std::vector<LessonProgress> ProgressOf(db::Connection& c, const std::string& course_id,
                                       const std::string& user_id);

// ---- profiles
std::optional<LearnerProfile> FindProfile(db::Connection& c, const std::string& user_id);
void UpsertProfile(db::Connection& c, const LearnerProfile& p);

// ---- a learner's history (store_history.cpp): each active enrolment, newest first, with what
// the "My learning" page and the transcript show.
struct HistoryRow {
    std::string course_id, enrolled_at, completed_at;
    int64_t study_seconds = 0;
    int course_version = 0;
    std::string annulled_at, annul_reason;  // the completion annulled by staff (learning:6)
    int lessons_required = 0, lessons_done = 0;
    int64_t score_sum = 0;   // the best scores of the quiz and SCORM lessons that have one
    int scored_lessons = 0;  // how many of those lessons have a score
};
std::vector<HistoryRow> HistoryRows(db::Connection& c, const std::string& user_id);
// model.hpp's CompletionCounts as an SQL condition on `learning_enrolments e`.
inline constexpr const char* kCompletionCountsSql =
    "(e.completed_at <> '' AND (e.annulled_at = '' OR e.completed_at > e.annulled_at))";
// The learner's active enrolments: how many have a completion that counts, and the rest.
struct CompletionTally {
    int64_t in_progress = 0, completed = 0;
};
CompletionTally CountCompletions(db::Connection& c, const std::string& user_id);

// ---- course staff: people who author one course besides its agency's editors
std::vector<std::string> CourseStaff(db::Connection& c, const std::string& course_id);
bool IsCourseStaff(db::Connection& c, const std::string& course_id, const std::string& user_id);
void AddCourseStaff(db::Connection& c, const std::string& course_id, const std::string& user_id);
void RemoveCourseStaff(db::Connection& c, const std::string& course_id, const std::string& user_id);

// ---- SCORM (store_scorm.cpp, migration learning:3): a lesson's package, each learner's data
// model per SCO, and the runtime pages' per-attempt tokens.
void AddScormMigrations(db::MigrationSet& set);

struct ScormPackageRow {
    std::string lesson_id;
    std::string dir;       // folder name under <data dir>/learning/scorm
    std::string version;   // "1.2" / "2004"
    std::string manifest;  // JSON (ScormLessons): title, item tree, warnings, sequencing flag
    std::string scos;      // JSON array: the launchable items with their rules, in menu order
    std::string uploaded, uploaded_by;
    int64_t bytes = 0;  // the zip's size
};
std::optional<ScormPackageRow> FindScormPackage(db::Connection& c, const std::string& lesson_id);
void UpsertScormPackage(db::Connection& c, const ScormPackageRow& p);

struct ScoStateRow {
    std::string lesson_id, user_id, sco_id;
    std::string state;  // CmiState::ToJson()
    int64_t last_seq = 0;
    bool done = false;
    std::optional<int> score;  // percent
    std::string updated;
};
std::optional<ScoStateRow> FindScoState(db::Connection& c, const std::string& lesson_id,
                                        const std::string& user_id, const std::string& sco_id);
std::vector<ScoStateRow> ScoStatesOf(db::Connection& c, const std::string& lesson_id,
                                     const std::string& user_id);
// Inserts the row, or replaces the stored one only when row.last_seq is greater: false (nothing
// written) when a commit with the same or a later seq is stored already (two nodes racing).
bool SaveScoState(db::Connection& c, const ScoStateRow& row);
// A replaced package starts every learner afresh (its SCOs and their suspend_data are new).
void DeleteScoStates(db::Connection& c, const std::string& lesson_id);

struct ScormTokenRow {
    std::string token_hash;  // SHA-256 of the token; the token itself is never stored
    std::string lesson_id, user_id, sco_id;
    int64_t created = 0, expires = 0;  // epoch seconds
};
void InsertScormToken(db::Connection& c, const ScormTokenRow& t);
std::optional<ScormTokenRow> FindScormToken(db::Connection& c, const std::string& token_hash);
void DeleteExpiredScormTokens(db::Connection& c, int64_t now);

}  // namespace govhub::learning::store

// ---- quizzes (store_quiz.cpp): a quiz lesson's rules and questions (JSON as quiz.hpp writes
// them), and each learner's attempts.
namespace govhub::learning::store {

struct QuizRow {
    std::string lesson_id;
    std::string rules_json = "{}";
    std::string questions_json = "[]";
    std::string modified;
    std::string review_answers = "after_pass";  // never | after_pass | always (learning:5)
    bool review_marks = true;                   // each question's right/wrong and feedback
};
std::optional<QuizRow> FindQuiz(db::Connection& c, const std::string& lesson_id);
void UpsertQuiz(db::Connection& c, const QuizRow& q);

struct QuizAttemptRow {
    std::string id, lesson_id, user_id;
    int number = 0;     // 1, 2, ... per learner and quiz
    uint64_t seed = 0;  // the paper: the draw and the order of options
    // The questions drawn, in order: each as QuestionToJson as it was when the attempt started
    // (so editing a question later changes neither an open paper nor a past result); attempts
    // made before that kept only the question ids (strings).
    std::string drawn_json = "[]";
    std::string started, submitted;  // submitted "" while open
    std::string answers_json = "{}";
    std::optional<int> percent_x100;  // the score, in hundredths of a percent
    bool passed = false;
};
void InsertQuizAttempt(db::Connection& c, const QuizAttemptRow& a);
void SubmitQuizAttempt(db::Connection& c, const QuizAttemptRow& a);
std::optional<QuizAttemptRow> FindQuizAttempt(db::Connection& c, const std::string& id);
// A learner's attempts at a quiz, oldest first.
std::vector<QuizAttemptRow> QuizAttempts(db::Connection& c, const std::string& lesson_id,
                                         const std::string& user_id);
// Attempts at a quiz whose drawn questions are still bare ids (made before the papers kept
// their questions): (attempt id, drawn JSON). SetAttemptDrawn replaces one's drawn JSON.
std::vector<std::pair<std::string, std::string>> AttemptsDrawnAsIds(db::Connection& c,
                                                                    const std::string& lesson_id);
void SetAttemptDrawn(db::Connection& c, const std::string& attempt_id,
                     const std::string& drawn_json);

// ---- certificates, designs (store_certificates.cpp; migration learning:6)
void AddCertificateMigrations(db::MigrationSet& set);
void InsertCertificate(db::Connection& c, const Certificate& x);
std::optional<Certificate> FindCertificateByCode(db::Connection& c, const std::string& code);
// The latest certificate of a learner for a course.
std::optional<Certificate> FindCertificate(db::Connection& c, const std::string& course_id,
                                           const std::string& user_id);
std::vector<Certificate> CertificatesOf(db::Connection& c, const std::string& user_id);
void SetCertificateFiles(db::Connection& c, const std::string& id, const std::string& pdf_file,
                         const std::string& pdf_sha256, const std::string& credential);
// False when it was revoked already (the first revocation's date and reason stay).
bool RevokeCertificate(db::Connection& c, const std::string& id, const std::string& at,
                       const std::string& reason, const std::string& by);
std::vector<int64_t> RevokedStatusIndices(db::Connection& c);
bool StatusIndexTaken(db::Connection& c, int64_t index);
std::optional<CertificateBranding> FindBranding(db::Connection& c, const std::string& agency_id);
void UpsertBranding(db::Connection& c, const CertificateBranding& b);

// ---- certificate requests (store_certificate_requests.cpp; columns of learning:6)
int CourseVersion(db::Connection& c, const std::string& course_id);
// A change to the course's content (fields, sections, lessons, quiz questions).
void BumpCourseVersion(db::Connection& c, const std::string& course_id);
bool CertificateAutoApprove(db::Connection& c, const std::string& course_id);
void SetCertificateAutoApprove(db::Connection& c, const std::string& course_id, bool on);
// The enrolment records the course's current version (at its completion).
void RecordCompletionVersion(db::Connection& c, const std::string& course_id,
                             const std::string& user_id);
// An active enrolment with its completion and annulment (completed or not).
std::optional<Completion> FindCompletion(db::Connection& c, const std::string& course_id,
                                         const std::string& user_id);
// A course's completions, the latest first.
std::vector<Completion> CompletionsOf(db::Connection& c, const std::string& course_id, int limit);
// False when not completed or annulled already.
bool AnnulCompletion(db::Connection& c, const std::string& course_id, const std::string& user_id,
                     const std::string& at, const std::string& reason, const std::string& by);

}  // namespace govhub::learning::store

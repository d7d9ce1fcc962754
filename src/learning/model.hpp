#pragma once
// Learning's plain types: courses made of sections and lessons, a learner's enrolment and the
// progress of each lesson (issue 16). Durations are whole minutes and seconds, scores whole
// percents: both engines store them as integers, with nothing to round differently.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/enum_text.hpp"

namespace govhub::learning {

enum class CourseState { kDraft, kPublished };
enum class CourseLevel { kBeginner, kIntermediate, kAdvanced };
// A lesson's kind decides how it is shown and when it counts as done:
//   text  — read: done when opened;
//   video — watched to the course's threshold (percent of its length), resumable;
//   pdf   — opened;
//   scorm — the package's SCOs report completed or passed;
//   quiz  — passed at its pass mark.
enum class LessonKind { kText, kVideo, kPdf, kScorm, kQuiz };
enum class EnrolmentState { kActive, kUnenrolled };

inline constexpr auto kCourseStateText = core::MakeEnumText<CourseState>(
    {{CourseState::kDraft, "draft"}, {CourseState::kPublished, "published"}});
inline constexpr auto kCourseLevelText =
    core::MakeEnumText<CourseLevel>({{CourseLevel::kBeginner, "beginner"},
                                     {CourseLevel::kIntermediate, "intermediate"},
                                     {CourseLevel::kAdvanced, "advanced"}});
inline constexpr auto kLessonKindText =
    core::MakeEnumText<LessonKind>({{LessonKind::kText, "text"},
                                    {LessonKind::kVideo, "video"},
                                    {LessonKind::kPdf, "pdf"},
                                    {LessonKind::kScorm, "scorm"},
                                    {LessonKind::kQuiz, "quiz"}});
inline constexpr auto kEnrolmentStateText = core::MakeEnumText<EnrolmentState>(
    {{EnrolmentState::kActive, "active"}, {EnrolmentState::kUnenrolled, "unenrolled"}});

struct Course {
    std::string id;
    std::string name;  // URL slug, unique
    std::string title, title_en;
    std::string summary, summary_en;          // one paragraph for the catalog
    std::string description, description_en;  // Markdown for the course page
    std::string category;                     // a key of the category list (learning.category.*)
    CourseLevel level = CourseLevel::kBeginner;
    int minutes = 0;        // the study time announced (the guide: 30–180 minutes)
    std::string agency_id;  // the owning agency (directory), "" for none
    CourseState state = CourseState::kDraft;
    std::string enrol_key_hash;  // "" = open self-enrolment; else an argon2id hash of the key
    // Course completion: every required lesson done (quizzes at their pass mark), and at least
    // this many minutes of recorded study (0 = no minimum).
    int min_study_minutes = 0;
    // Percent of a video's length a learner must have watched for it to count (1–100).
    int video_threshold = 90;
    std::string certificate_info, certificate_info_en;  // what the certificate says and needs
    std::string created, modified, created_by;
};

struct Section {
    std::string id, course_id;
    int position = 0;
    std::string title, title_en;
};

struct Lesson {
    std::string id, course_id, section_id;
    int position = 0;
    LessonKind kind = LessonKind::kText;
    std::string title, title_en;
    std::string body, body_en;  // Markdown: the text of a text lesson, the intro of the others
    bool required = true;
    int minutes = 0;  // announced study time
    // Media of video and PDF lessons, stored under the data dir (learning/media/<id>.<ext>).
    std::string media_file;  // file name, "" until uploaded
    std::string media_type;  // "video/mp4", "video/webm", "application/pdf"
    int64_t media_bytes = 0;
    // A video's length as ffprobe read it at upload (0: unknown). Progress reports are measured
    // against it, not against the length the player claims.
    int64_t media_duration_ms = 0;
    std::string created, modified;
};

struct Enrolment {
    std::string course_id, user_id;
    EnrolmentState state = EnrolmentState::kActive;
    std::string enrolled_at;
    std::string completed_at;   // "" until the course completion rule is met
    int64_t study_seconds = 0;  // time recorded in lessons (video played, SCORM session time)
};

// Whether an enrolment's completion counts (the one rule of the profile, "My learning" and the
// reports): recorded, and not annulled by staff — or recorded again after the annulment
// (studied again). Times are core::IsoUtc text, which sorts as time; store.hpp's
// kCompletionCountsSql is the same rule in SQL.
inline bool CompletionCounts(const std::string& completed_at, const std::string& annulled_at) {
    return !completed_at.empty() && (annulled_at.empty() || completed_at > annulled_at);
}

struct LessonProgress {
    std::string lesson_id, user_id, course_id;
    bool completed = false;
    int percent = 0;           // how far (video watched, SCORM progress, quiz best score)
    int64_t position_ms = 0;   // video: where to resume
    int64_t watched_ms = 0;    // video: distinct time watched (the threshold counts this)
    std::optional<int> score;  // quiz / SCORM score in percent
    std::string completed_at, updated;
};

// A learner's standing in a course, as the progress bar shows it.
struct CourseProgress {
    int lessons_required = 0;
    int lessons_done = 0;  // required lessons done
    int percent = 0;       // lessons_done / lessons_required
    int64_t study_seconds = 0;
    int min_study_minutes = 0;
    bool completed = false;
    std::string completed_at;
};

// The learning profile beside the account: whether the learner is a civil servant (then the
// agency and position), and the consent notice version accepted (PDPA).
struct LearnerProfile {
    std::string user_id;
    bool civil_servant = false;
    std::string agency_id, position;
    int consent_version = 0;
    std::string consent_at;
    // The declared agency stays pending until one of its administrators confirms it (issue
    // 17, reports.hpp); declaring another agency starts over.
    std::string agency_declared_at, agency_confirmed_at, agency_confirmed_by;
};

// A certificate as issued (issue 17): what it says is frozen in `snapshot` (JSON: the names,
// the course title and hours, the dates, the agency and its signatory) when it is issued, and
// its PDF is rendered once from it and kept (`pdf_file` under the data dir's
// learning/certificates/); later edits to the course or the learner's name change neither.
// `status_index` is its bit in the Bitstring Status List that says whether it is revoked.
struct Certificate {
    std::string id;
    std::string code;  // the verification code printed on it and in its QR code
    std::string course_id, user_id, agency_id, request_id;
    int course_version = 0;  // the course version the completion was earned on
    std::string completed_at, issued_at;
    int64_t status_index = 0;
    std::string snapshot;  // JSON
    std::string pdf_file, pdf_sha256;
    std::string credential;  // the Open Badges 3.0 VC-JWT
    std::string revoked_at, revoke_reason, revoked_by;
};

// An agency's certificate design, set by its administrators: the signatory printed under the
// signature image, and an optional background (PNG files under learning/branding/).
struct CertificateBranding {
    std::string agency_id;
    std::string signatory_name, signatory_name_en;
    std::string signatory_position, signatory_position_en;
    std::string signature_file;   // "" for none
    std::string background_file;  // "" for the plain frame
    std::string modified, modified_by;
};

// A learner's completion of a course as certificates see it (issue 17): when, on which course
// version, and its annulment (a quiz result found invalid) if any.
struct Completion {
    std::string user_id, user_name, fullname_th, fullname_en;
    std::string completed_at;
    int course_version = 0;
    std::string annulled_at, annul_reason, annulled_by;
};

}  // namespace govhub::learning

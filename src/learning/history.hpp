#pragma once
// A learner's own history (issue 17, step 7, "My learning"): every enrolment with its progress,
// score, study time, dates, the completion's state (annulled by staff, with the reason) and the
// certificates issued, with the totals the page and the transcript print. Only the learner
// reads their own: the functions take the signed-in principal, never a user id from a request.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/principal.hpp"
#include "learning/model.hpp"
#include "learning/service.hpp"

namespace govhub::learning {

// A completion annulled by staff (a quiz result found invalid) is not completed; a completion
// recorded after the annulment (studied again) is.
enum class HistoryState { kInProgress, kCompleted, kAnnulled };
inline constexpr auto kHistoryStateText =
    core::MakeEnumText<HistoryState>({{HistoryState::kInProgress, "in_progress"},
                                      {HistoryState::kCompleted, "completed"},
                                      {HistoryState::kAnnulled, "annulled"}});

// "in_progress" lists what is not completed (annulled completions too).
enum class HistoryFilter { kAll, kInProgress, kCompleted };
HistoryFilter ParseHistoryFilter(const std::string& text);  // anything else: kAll

struct HistoryCourse {
    Course course;
    std::string agency_title;  // in the reader's language, "" for none
    HistoryState state = HistoryState::kInProgress;
    std::string enrolled_at, completed_at, annulled_at, annul_reason;
    int course_version = 0;
    int percent = 0, lessons_done = 0, lessons_required = 0;
    int64_t study_seconds = 0;
    // The mean of the best scores of the course's quiz and SCORM lessons that have one,
    // rounded half up; none when no such lesson has a score.
    std::optional<int> score;
    std::vector<Certificate> certificates;  // of this course, newest first
    // The newest certificate not revoked (the transcript's code), or null.
    const Certificate* ValidCertificate() const;
};

struct LearningHistory {
    std::vector<HistoryCourse> courses;  // newest enrolment first, after the filter
    // Certificates of courses not in `courses` (unenrolled since, or the course deleted): they
    // stay the learner's; their title comes from the certificate's own snapshot.
    std::vector<Certificate> other_certificates;
    // Over every enrolment, whatever the filter.
    int64_t enrolled = 0, completed = 0, in_progress = 0;
    int64_t completed_minutes = 0;  // the announced hours of the completed courses
    int64_t study_seconds = 0;      // time recorded in lessons, all courses
};

// The course title a certificate was issued with (its snapshot), in the locale.
std::string CertificateCourseTitle(const Certificate& c, const std::string& locale);

class HistoryService {
  public:
    explicit HistoryService(LearningService& learning) : learning_(learning) {}
    LearningHistory Of(const api::Principal& p, const std::string& locale,
                       HistoryFilter filter = HistoryFilter::kAll);

  private:
    LearningService& learning_;
};

}  // namespace govhub::learning

// A learner's history in one read (issue 17, "My learning"): every active enrolment with its
// lesson counts, quiz/SCORM scores and the completion's annulment, so the page and the
// transcript need not read each course's lessons and progress one by one.
#include "db/row_reader.hpp"
#include "learning/store.hpp"

namespace govhub::learning::store {

std::vector<HistoryRow> HistoryRows(db::Connection& c, const std::string& user_id) {
    // Scores are summed and counted here and averaged by the caller: both engines then give
    // the same integers (no engine's own rounding of AVG).
    static const std::string kSql = R"sql(
SELECT e.course_id, e.enrolled_at, e.completed_at, e.study_seconds, e.course_version,
  e.annulled_at, e.annul_reason,
  (SELECT COUNT(*) FROM learning_lessons l WHERE l.course_id = e.course_id AND l.required = 1),
  (SELECT COUNT(*) FROM learning_lessons l JOIN learning_progress p
     ON p.lesson_id = l.id AND p.user_id = e.user_id
   WHERE l.course_id = e.course_id AND l.required = 1 AND p.completed = 1),
  (SELECT COALESCE(SUM(p.score), 0) FROM learning_progress p JOIN learning_lessons l
     ON l.id = p.lesson_id
   WHERE p.course_id = e.course_id AND p.user_id = e.user_id AND p.score IS NOT NULL
     AND l.kind IN ('quiz', 'scorm')),
  (SELECT COUNT(*) FROM learning_progress p JOIN learning_lessons l ON l.id = p.lesson_id
   WHERE p.course_id = e.course_id AND p.user_id = e.user_id AND p.score IS NOT NULL
     AND l.kind IN ('quiz', 'scorm'))
FROM learning_enrolments e
WHERE e.user_id = ? AND e.state = 'active'
ORDER BY e.enrolled_at DESC, e.course_id
)sql";
    std::vector<HistoryRow> out;
    for (const auto& row : c.Query(kSql, {user_id})) {
        db::RowReader r(row);
        HistoryRow h;
        h.course_id = r.Str();
        h.enrolled_at = r.Str();
        h.completed_at = r.Str();
        h.study_seconds = r.Int();
        h.course_version = static_cast<int>(r.Int());
        h.annulled_at = r.Str();
        h.annul_reason = r.Str();
        h.lessons_required = static_cast<int>(r.Int());
        h.lessons_done = static_cast<int>(r.Int());
        h.score_sum = r.Int();
        h.scored_lessons = static_cast<int>(r.Int());
        out.push_back(std::move(h));
    }
    return out;
}

CompletionTally CountCompletions(db::Connection& c, const std::string& user_id) {
    CompletionTally t;
    if (auto row =
            c.One(std::string("SELECT COUNT(*), COALESCE(SUM(CASE WHEN ") + kCompletionCountsSql +
                      " THEN 1 ELSE 0 END), 0) FROM learning_enrolments e "
                      "WHERE e.user_id = ? AND e.state = 'active'",
                  {user_id})) {
        t.completed = row->Int(1);
        t.in_progress = row->Int(0) - t.completed;
    }
    return t;
}

}  // namespace govhub::learning::store

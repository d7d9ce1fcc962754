#pragma once
// Quiz lessons (issue 16): an author keeps the rules (pass mark, attempt limit, draws from
// question banks) and the questions of a quiz lesson; a learner starts an attempt (a paper
// drawn with the attempt's own seed, so a reload shows the same paper), answers and submits.
// The answer key never leaves the server before submission (quiz.hpp's PublicQuestionJson);
// after it the result shows what the quiz's review options allow (QuizReview). A passed attempt
// completes the lesson, and the course rule is evaluated, in the submission's transaction.
#include <optional>
#include <string>
#include <vector>

#include "learning/quiz.hpp"
#include "learning/service.hpp"

namespace govhub::learning {

// What a learner sees of a submitted attempt (Moodle's review options). The right answers:
// never, once the learner has passed the quiz (in any attempt: the default, so a failed attempt
// cannot be copied into the next one), or always. `marks`: each question's right/wrong mark,
// points and feedback (off: only the total). Before submission nothing of the key is shown.
enum class ReviewAnswers { kNever, kAfterPassing, kAlways };
inline constexpr auto kReviewAnswersText = core::MakeEnumText<ReviewAnswers>({
    {ReviewAnswers::kNever, "never"},
    {ReviewAnswers::kAfterPassing, "after_pass"},
    {ReviewAnswers::kAlways, "always"},
});
struct QuizReview {
    ReviewAnswers answers = ReviewAnswers::kAfterPassing;
    bool marks = true;
};

struct QuizDefinition {
    QuizRules rules;
    std::vector<Question> questions;
    QuizReview review;
};

// One attempt as its learner sees it: before submission the paper (public questions), after
// it the result as well.
struct QuizAttemptView {
    std::string id, lesson_id;
    int number = 0;
    bool submitted = false;
    nlohmann::json paper = nlohmann::json::array();  // PublicQuestionJson of each drawn question
    // When submitted; what the quiz's review options hide is already taken out of it (the
    // right answers; with marks off, each question's mark, points awarded and feedback).
    std::optional<QuizResult> result;
    Answers answers;  // when submitted: what was answered
    std::string started, submitted_at;
    bool show_answers = false;  // the review options let this learner see the right answers now
    bool show_marks = false;    // ... and each question's right/wrong and feedback
};

struct QuizStanding {
    QuizRules rules;
    QuizReview review;
    int questions = 0;  // on each paper
    int attempts_used = 0;
    bool can_start = false;  // within the attempt limit (or an attempt is open)
    std::optional<std::string> open_attempt;
    std::optional<double> best_percent;
    bool passed = false;
};

class QuizService {
  public:
    explicit QuizService(LearningService& learning) : learning_(learning) {}

    // ---- authoring (the course's authors)
    QuizDefinition Definition(const std::string& lesson_id, const api::Caller& caller);
    // Rules as typed in the form or sent as JSON (quiz.hpp's QuizRulesFromJson shape), with
    // the review options beside them: "review_answers" (never | after_pass | always) and
    // "review_marks" (bool); either left out keeps its stored value.
    void SaveRules(const std::string& lesson_id, const nlohmann::json& rules,
                   const api::Caller& caller);
    Question AddQuestion(const std::string& lesson_id, nlohmann::json question,
                         const api::Caller& caller);
    // Replaces a question in place, keeping its id and place (an "id" in `question` is
    // ignored). Attempts keep the question as it was when they started (their paper), so past
    // results and open papers do not change.
    Question UpdateQuestion(const std::string& lesson_id, const std::string& question_id,
                            nlohmann::json question, const api::Caller& caller);
    void DeleteQuestion(const std::string& lesson_id, const std::string& question_id,
                        const api::Caller& caller);

    // ---- learners
    QuizStanding Standing(const std::string& lesson_id, const std::string& user_id);
    // The open attempt, or a new one within the attempt limit (else 409
    // learning.quiz.no_attempts_left).
    QuizAttemptView Start(const std::string& lesson_id, const api::Caller& caller);
    QuizAttemptView Attempt(const std::string& attempt_id, const api::Principal& p);
    // Scores the open attempt; a submitted one answers 409 (a repeated submission changes
    // nothing). Returns the attempt with its result and the course standing.
    std::pair<QuizAttemptView, LearningService::LessonUpdate> Submit(const std::string& attempt_id,
                                                                     const Answers& answers,
                                                                     const api::Caller& caller);

  private:
    LearningService& learning_;
};

}  // namespace govhub::learning

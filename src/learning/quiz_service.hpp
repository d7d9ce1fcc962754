#pragma once
// Quiz lessons (issue 16): an author keeps the rules (pass mark, attempt limit, draws from
// question banks) and the questions of a quiz lesson; a learner starts an attempt (a paper
// drawn with the attempt's own seed, so a reload shows the same paper), answers and submits.
// The answer key never leaves the server before submission (quiz.hpp's PublicQuestionJson);
// after it the result shows each question's feedback and the right answer. A passed attempt
// completes the lesson, and the course rule is evaluated, in the submission's transaction.
#include <optional>
#include <string>
#include <vector>

#include "learning/quiz.hpp"
#include "learning/service.hpp"

namespace govhub::learning {

struct QuizDefinition {
    QuizRules rules;
    std::vector<Question> questions;
};

// One attempt as its learner sees it: before submission the paper (public questions), after
// it the result as well.
struct QuizAttemptView {
    std::string id, lesson_id;
    int number = 0;
    bool submitted = false;
    nlohmann::json paper = nlohmann::json::array();  // PublicQuestionJson of each drawn question
    std::optional<QuizResult> result;                // when submitted
    Answers answers;                                 // when submitted: what was answered
    std::string started, submitted_at;
};

struct QuizStanding {
    QuizRules rules;
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
    // Rules as typed in the form or sent as JSON (quiz.hpp's QuizRulesFromJson shape).
    void SaveRules(const std::string& lesson_id, const nlohmann::json& rules,
                   const api::Caller& caller);
    Question AddQuestion(const std::string& lesson_id, nlohmann::json question,
                         const api::Caller& caller);
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

#pragma once
// The quiz engine of Learning (issue 16): question definitions and their authoring checks, the
// random draw of a paper from question banks, what the browser may see before submission, the
// learner's answers (JSON or a plain HTML form), and scoring with Thai-aware comparison of typed
// answers. A pure library: no SQL, no HTTP; the store keeps questions as QuestionToJson and an
// attempt as (the questions drawn, as QuestionToJson, seed, answers), and the service calls
// these functions.
//
// The answer key never reaches the browser before submission: PublicQuestionJson leaves out the
// correct choices, accepted answers, feedback and the matching pairs, and names every option by
// an opaque id derived from the attempt's secret seed (never the authored id), so neither the
// ids nor the order of the options say which is right. The seed must therefore come from a CSPRNG
// (core::RandomBytes) and stay on the server; it also makes a reload show the same paper.
//
// Limits (authoring): a prompt ≤ 4,000 characters, a choice, matching side or accepted answer
// ≤ 1,000, feedback ≤ 4,000; 2–20 choices, 2–20 pairs, 1–20 accepted answers; ids 1–64 of
// [A-Za-z0-9_-]; points in (0, 1000]; ≤ 500 questions in a quiz, ≤ 50 bank draws.
// Limits (answers from outside): a body ≤ 256 KiB (by default), JSON depth ≤ 4, answers to
// ≤ 500 questions, ≤ 20 values or matches per question, a value ≤ 1,000 characters.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/enum_text.hpp"
#include "core/error.hpp"
#include "core/result.hpp"

namespace govhub::learning {

enum class QuestionKind { kSingle, kMultiple, kTrueFalse, kMatching, kShortAnswer };
inline constexpr auto kQuestionKindText = core::MakeEnumText<QuestionKind>({
    {QuestionKind::kSingle, "single"},
    {QuestionKind::kMultiple, "multiple"},
    {QuestionKind::kTrueFalse, "truefalse"},
    {QuestionKind::kMatching, "matching"},
    {QuestionKind::kShortAnswer, "short"},
});

struct Choice {
    std::string id;  // authored; never shown to the learner (PublicQuestionJson uses opaque ids)
    std::string text;
};

struct MatchPair {
    std::string left_id;  // the learner answers {left_id: option id}
    std::string left;
    std::string
        right;  // the right-hand texts are the options, shuffled; equal texts are one option
};

struct Question {
    std::string id;
    QuestionKind kind = QuestionKind::kSingle;
    std::string prompt;                // plain text, may be Thai
    std::vector<Choice> choices;       // single, multiple
    std::vector<std::string> correct;  // choice ids (single: 1, multiple: ≥ 1); truefalse: "true"
                                       // or "false"
    std::vector<MatchPair> pairs;      // matching
    std::vector<std::string> accepted;  // short: any of them, compared after NormalizeAnswerText
    double points = 1;
    std::string feedback_correct;
    std::string feedback_wrong;
    std::string bank;  // "" = asked in every attempt; else drawn from by QuizRules::draws
};

struct BankDraw {
    std::string bank;
    int count = 1;
};

struct QuizRules {
    double pass_percent = 60;  // 0–100
    int attempt_limit = 0;     // 0 = unlimited
    std::vector<BankDraw> draws;
    bool shuffle = true;  // question order
};

inline constexpr size_t kMaxPromptChars = 4000;
inline constexpr size_t kMaxTextChars = 1000;  // a choice, a side of a pair, an accepted answer
inline constexpr size_t kMaxFeedbackChars = 4000;
inline constexpr size_t kMaxChoices = 20;
inline constexpr size_t kMaxPairs = 20;
inline constexpr size_t kMaxAccepted = 20;
inline constexpr size_t kMaxQuestions = 500;
inline constexpr size_t kMaxDraws = 50;
inline constexpr size_t kMaxIdBytes = 64;
inline constexpr double kMaxPoints = 1000;
inline constexpr int kMaxAttemptLimit = 1000;
inline constexpr size_t kMaxAnswerBytes = 256 * 1024;
inline constexpr size_t kMaxAnswerValueChars = 1000;

// ---------------------------------------------------------------- authoring

// A question as an author sent it (already parsed by core::ParseJsonBounded), checked. Errors
// carry learning.quiz.* keys and the field they are about ("prompt", "choices[2].text", ...).
// Fields that do not belong to the kind are ignored and not kept.
Result<Question> QuestionFromJson(const nlohmann::json& j);
// The full question, for storage; QuestionFromJson(QuestionToJson(q)) gives q back.
nlohmann::json QuestionToJson(const Question& q);

// What only the whole quiz can tell: ≤ 500 questions, unique question ids, pass mark 0–100, an
// attempt limit 0–1000, each draw from a bank that exists with a count ≥ 1, and at least one
// question on every paper.
std::vector<FieldError> CheckQuiz(const std::vector<Question>& questions, const QuizRules& rules);
// Rules as stored: {"pass_percent", "attempt_limit", "draws": [{"bank", "count"}], "shuffle"};
// missing fields keep their defaults. Errors as CheckQuiz's, about the rules alone.
Result<QuizRules> QuizRulesFromJson(const nlohmann::json& j);
nlohmann::json QuizRulesToJson(const QuizRules& rules);

// ---------------------------------------------------------------- the paper

// The ids of the questions of one attempt: every unbanked question, plus `count` questions from
// each bank drawn at random (all of them when the bank is smaller; two draws from one bank add
// up). Shuffled when rules.shuffle, else in authored order. The same seed gives the same paper.
std::vector<std::string> DrawQuestions(const std::vector<Question>& questions,
                                       const QuizRules& rules, uint64_t seed);

// What the browser gets before submission:
//   {"id", "kind", "prompt", "points",
//    "choices": [{"id": opaque, "text"}]          single, multiple (shuffled)
//    "items": [{"id": left id, "text"}],           matching (authored order)
//    "options": [{"id": opaque, "text"}]}          matching (shuffled, equal texts once)
// A true/false question has neither (the answer is "true" or "false"); a short answer neither.
// Never the correct choices, accepted answers, feedback, bank or which option fits which item.
nlohmann::json PublicQuestionJson(const Question& q, uint64_t seed);

// ---------------------------------------------------------------- answers

// One question's answer as received; its shape is checked against the kind only when scored (a
// wrong shape scores 0).
struct Answer {
    std::vector<std::string> values;             // option ids, "true"/"false", or typed text
    std::map<std::string, std::string> matches;  // matching: left id → option id
};
using Answers = std::map<std::string, Answer>;  // by question id

// Answers that cannot be read: too large, a shape that is no answer, too many values. A 400 (413
// for the size) whose message is a learning.quiz.* key; it never repeats the input.
class AnswersError : public HttpError {
  public:
    AnswersError(int status, std::string key) : HttpError(status, "bad_answers", std::move(key)) {}
};

// {"answers": {"<question id>": "option id" | ["id", ...] | "true" | true | {"<left id>":
// "<option id>"} | "typed text" | null}}; null means unanswered, other keys beside "answers" are
// ignored. Throws AnswersError, or core::JsonInputError for JSON that is not well-formed.
// Answers to questions that are not in the attempt are kept here and ignored by Score.
Answers ParseAnswers(std::string_view json_body, size_t max_bytes = kMaxAnswerBytes);

// The same from an HTML form (the page works without JavaScript): `q.<id>` (single, true/false,
// short; repeated for multiple) and `q.<id>.<left id>` (matching). Other fields (the CSRF
// token ...) are ignored; empty values are unanswered. Throws AnswersError as ParseAnswers.
Answers AnswersFromForm(const std::vector<std::pair<std::string, std::string>>& fields);

// How typed answers are compared: NFC, ํ + า written as ำ (NFC keeps them apart), Thai digits
// ๐–๙ as 0–9, zero-width characters (U+200B–U+200D, U+2060, U+FEFF, soft hyphen) removed,
// every run of Unicode white space one space, trimmed, case folded. Invalid UTF-8 gives "".
std::string NormalizeAnswerText(std::string_view text);

// ---------------------------------------------------------------- scoring

struct QuestionResult {
    std::string id;
    bool correct = false;  // full marks
    double awarded = 0;
    double points = 0;
    std::string feedback;  // feedback_correct when correct, else feedback_wrong (may be empty)
    // The answer key, for display after submission only:
    std::vector<std::string> correct_text;  // single/multiple: the correct choices' texts;
                                            // truefalse: "true" or "false"; short: accepted[0]
    std::vector<std::pair<std::string, std::string>> correct_pairs;  // matching: (left, right)
};

struct QuizResult {
    std::vector<QuestionResult> questions;  // in the order drawn
    double total_points = 0;
    double awarded_points = 0;
    double percent = 0;   // 0–100; 0 for an empty paper
    bool passed = false;  // percent ≥ pass_percent (to 1e-9, so 3 of 5 passes at 60)
};

// Scores the questions of one attempt, in the order drawn, against its answers; `seed` is the
// attempt's (it maps the opaque option ids back). Unanswered and wrongly shaped answers score 0.
//   single, truefalse, short: all or nothing.
//   multiple: partial credit, as Moodle's multiple-answer question (qtype_multichoice): each
//     correct choice ticked adds 1/k of the points (k correct choices), each wrong one ticked
//     takes 1/k away, and a negative total is 0 — so ticking everything is not full marks.
//   matching: partial credit, points × (pairs matched right / pairs).
QuizResult Score(const std::vector<Question>& drawn_in_order, const Answers& answers,
                 const QuizRules& rules, uint64_t seed);

// Whether one more attempt may start after `attempts_used` (submitted or in progress).
bool AttemptAllowed(const QuizRules& rules, int attempts_used);

}  // namespace govhub::learning

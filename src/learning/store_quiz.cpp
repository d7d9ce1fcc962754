#include "db/row_reader.hpp"
#include "learning/store.hpp"

namespace govhub::learning::store {

std::optional<QuizRow> FindQuiz(db::Connection& c, const std::string& lesson_id) {
    auto row = c.One(
        "SELECT lesson_id, rules, questions, modified, review_answers, review_marks "
        "FROM learning_quizzes WHERE lesson_id = ?",
        {lesson_id});
    if (!row) return std::nullopt;
    db::RowReader r(*row);
    QuizRow q;
    q.lesson_id = r.Str();
    q.rules_json = r.Str();
    q.questions_json = r.Str();
    q.modified = r.Str();
    q.review_answers = r.Str();
    q.review_marks = r.Bool();
    return q;
}

void UpsertQuiz(db::Connection& c, const QuizRow& q) {
    c.Exec(
        "INSERT INTO learning_quizzes (lesson_id, rules, questions, modified, review_answers, "
        "review_marks) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (lesson_id) DO UPDATE SET rules = excluded.rules, "
        "questions = excluded.questions, modified = excluded.modified, "
        "review_answers = excluded.review_answers, review_marks = excluded.review_marks",
        {q.lesson_id, q.rules_json, q.questions_json, q.modified, q.review_answers,
         db::V(q.review_marks)});
}

namespace {
constexpr const char* kAttemptColumns =
    "id, lesson_id, user_id, number, seed, drawn, started, submitted, answers, percent_x100, "
    "passed";

QuizAttemptRow ToAttempt(const db::Row& row) {
    db::RowReader r(row);
    QuizAttemptRow a;
    a.id = r.Str();
    a.lesson_id = r.Str();
    a.user_id = r.Str();
    a.number = static_cast<int>(r.Int());
    a.seed = std::stoull(r.Str());
    a.drawn_json = r.Str();
    a.started = r.Str();
    a.submitted = r.Str();
    a.answers_json = r.Str();
    if (auto p = r.OptStr()) a.percent_x100 = std::stoi(*p);
    a.passed = r.Bool();
    return a;
}
}  // namespace

void InsertQuizAttempt(db::Connection& c, const QuizAttemptRow& a) {
    c.Exec(std::string("INSERT INTO learning_quiz_attempts (") + kAttemptColumns +
               ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           {a.id, a.lesson_id, a.user_id, a.number, std::to_string(a.seed), a.drawn_json, a.started,
            a.submitted, a.answers_json,
            a.percent_x100 ? db::Value(int64_t{*a.percent_x100}) : db::Value(nullptr),
            db::V(a.passed)});
}

void SubmitQuizAttempt(db::Connection& c, const QuizAttemptRow& a) {
    c.Exec(
        "UPDATE learning_quiz_attempts SET submitted = ?, answers = ?, percent_x100 = ?, "
        "passed = ? WHERE id = ?",
        {a.submitted, a.answers_json,
         a.percent_x100 ? db::Value(int64_t{*a.percent_x100}) : db::Value(nullptr), db::V(a.passed),
         a.id});
}

std::optional<QuizAttemptRow> FindQuizAttempt(db::Connection& c, const std::string& id) {
    auto row = c.One(
        std::string("SELECT ") + kAttemptColumns + " FROM learning_quiz_attempts WHERE id = ?",
        {id});
    if (!row) return std::nullopt;
    return ToAttempt(*row);
}

std::vector<QuizAttemptRow> QuizAttempts(db::Connection& c, const std::string& lesson_id,
                                         const std::string& user_id) {
    std::vector<QuizAttemptRow> out;
    for (const auto& row :
         c.Query(std::string("SELECT ") + kAttemptColumns +
                     " FROM learning_quiz_attempts WHERE lesson_id = ? AND user_id = ? "
                     "ORDER BY number",
                 {lesson_id, user_id}))
        out.push_back(ToAttempt(row));
    return out;
}

std::vector<std::pair<std::string, std::string>> AttemptsDrawnAsIds(db::Connection& c,
                                                                    const std::string& lesson_id) {
    std::vector<std::pair<std::string, std::string>> out;
    // A kept paper is an array of objects: '[{'; an id list is '["' (a draw is never empty).
    for (const auto& row :
         c.Query("SELECT id, drawn FROM learning_quiz_attempts WHERE lesson_id = ? AND "
                 "drawn NOT LIKE '[{%' ORDER BY id",
                 {lesson_id}))
        out.emplace_back(row.Str(0), row.Str(1));
    return out;
}

void SetAttemptDrawn(db::Connection& c, const std::string& attempt_id,
                     const std::string& drawn_json) {
    c.Exec("UPDATE learning_quiz_attempts SET drawn = ? WHERE id = ?", {drawn_json, attempt_id});
}

}  // namespace govhub::learning::store

#include "learning/quiz_service.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "audit/audit.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/json_reader.hpp"
#include "learning/store.hpp"

namespace govhub::learning {

namespace {

using Json = nlohmann::json;

// The stored quiz of a lesson (an empty one when nothing was saved yet). Stored JSON was
// written by this module; reading it is still bounded, and a bad row is an empty quiz.
QuizDefinition Load(db::Connection& c, const std::string& lesson_id) {
    QuizDefinition d;
    auto row = store::FindQuiz(c, lesson_id);
    if (!row) return d;
    Json rules = core::ParseJsonBoundedOrDiscarded(row->rules_json);
    if (auto r = QuizRulesFromJson(rules.is_discarded() ? Json::object() : rules))
        d.rules = r.value();
    Json questions = core::ParseJsonBoundedOrDiscarded(row->questions_json);
    if (questions.is_array())
        for (const auto& q : questions)
            if (auto parsed = QuestionFromJson(q)) d.questions.push_back(parsed.value());
    d.review.answers =
        kReviewAnswersText.Parse(row->review_answers).value_or(ReviewAnswers::kAfterPassing);
    d.review.marks = row->review_marks;
    return d;
}

void Save(db::Connection& c, const std::string& lesson_id, const QuizDefinition& d) {
    Json questions = Json::array();
    for (const auto& q : d.questions) questions.push_back(QuestionToJson(q));
    store::UpsertQuiz(c, {.lesson_id = lesson_id,
                          .rules_json = QuizRulesToJson(d.rules).dump(),
                          .questions_json = questions.dump(),
                          .modified = core::NowIso(),
                          .review_answers = std::string(kReviewAnswersText.Name(d.review.answers)),
                          .review_marks = d.review.marks});
}

Lesson QuizLesson(Lesson l) {
    if (l.kind != LessonKind::kQuiz) throw HttpError::NotFound("learning.quiz.not_a_quiz");
    return l;
}

uint64_t NewSeed() {
    std::string bytes = core::RandomBytes(8);
    uint64_t seed = 0;
    std::memcpy(&seed, bytes.data(), sizeof seed);
    return seed >> 1;  // kept below 2^63: stored as text, read back with stoull
}

// An attempt's paper: the questions it keeps (QuestionToJson as they were at its start), or for
// an attempt made before papers kept them, the quiz's current questions with those ids.
std::vector<Question> Drawn(const QuizDefinition& d, const std::string& drawn_json) {
    Json drawn = core::ParseJsonBoundedOrDiscarded(drawn_json);
    std::vector<Question> out;
    if (!drawn.is_array()) return out;
    for (const auto& item : drawn) {
        if (item.is_object()) {
            if (auto parsed = QuestionFromJson(item)) out.push_back(parsed.value());
            continue;
        }
        if (!item.is_string()) continue;
        for (const auto& q : d.questions)
            if (q.id == item.get<std::string>()) out.push_back(q);
    }
    return out;
}

std::string PaperJson(const std::vector<Question>& drawn) {
    Json out = Json::array();
    for (const auto& q : drawn) out.push_back(QuestionToJson(q));
    return out.dump();
}

// Before a question changes or goes, attempts that name their questions only by id get their
// questions written in, as they are now: their results stay what they were.
void KeepPapers(db::Connection& c, const std::string& lesson_id, const QuizDefinition& before) {
    for (const auto& [id, drawn] : store::AttemptsDrawnAsIds(c, lesson_id))
        store::SetAttemptDrawn(c, id, PaperJson(Drawn(before, drawn)));
}

Json AnswersJson(const Answers& answers) {
    Json out = Json::object();
    for (const auto& [id, a] : answers) {
        if (!a.matches.empty())
            out[id] = a.matches;
        else
            out[id] = a.values;
    }
    return out;
}

Answers AnswersFrom(const std::string& stored) {
    try {
        return ParseAnswers(R"({"answers": )" + stored + "}");
    } catch (const HttpError&) {
        return {};
    }
}

// `passed_quiz`: the learner has passed this quiz (in any attempt), for the review options.
QuizAttemptView View(const store::QuizAttemptRow& a, const QuizDefinition& d, bool passed_quiz) {
    QuizAttemptView v;
    v.id = a.id;
    v.lesson_id = a.lesson_id;
    v.number = a.number;
    v.submitted = !a.submitted.empty();
    v.started = a.started;
    v.submitted_at = a.submitted;
    std::vector<Question> drawn = Drawn(d, a.drawn_json);
    for (const auto& q : drawn) v.paper.push_back(PublicQuestionJson(q, a.seed));
    if (v.submitted) {
        v.answers = AnswersFrom(a.answers_json);
        v.result = Score(drawn, v.answers, d.rules, a.seed);
        // The verdict is the one given at submission: a pass mark changed since does not turn a
        // failed attempt into a pass (or back) on its page while its record says otherwise.
        if (a.percent_x100) v.result->percent = *a.percent_x100 / 100.0;
        v.result->passed = a.passed;
        v.show_answers = d.review.answers == ReviewAnswers::kAlways ||
                         (d.review.answers == ReviewAnswers::kAfterPassing && passed_quiz);
        v.show_marks = d.review.marks;
        // Taken out here, so neither the page nor the JSON can show what the options hide.
        for (auto& r : v.result->questions) {
            if (!v.show_answers) {
                r.correct_text.clear();
                r.correct_pairs.clear();
            }
            if (!v.show_marks) {
                r.correct = false;
                r.awarded = 0;
                r.feedback.clear();
            }
        }
    }
    return v;
}

bool PassedQuiz(db::Connection& c, const std::string& lesson_id, const std::string& user_id) {
    for (const auto& a : store::QuizAttempts(c, lesson_id, user_id))
        if (a.passed) return true;
    return false;
}

ReviewAnswers ReviewAnswersOf(const Json& rules, ReviewAnswers current) {
    auto it = rules.find("review_answers");
    if (it == rules.end() || it->is_null()) return current;
    auto parsed = it->is_string() ? kReviewAnswersText.Parse(it->get<std::string>()) : std::nullopt;
    if (!parsed) throw HttpError::Validation({{"review_answers", "learning.quiz.bad_review"}});
    return *parsed;
}

bool ReviewMarksOf(const Json& rules, bool current) {
    auto it = rules.find("review_marks");
    if (it == rules.end() || it->is_null()) return current;
    if (it->is_boolean()) return it->get<bool>();
    if (it->is_string() && (*it == "true" || *it == "1")) return true;
    if (it->is_string() && (*it == "false" || *it == "0")) return false;
    throw HttpError::Validation({{"review_marks", "learning.quiz.bad_review"}});
}

}  // namespace

// ---- authoring

QuizDefinition QuizService::Definition(const std::string& lesson_id, const api::Caller& caller) {
    return learning_.db().Read([&](db::Connection& c) {
        QuizLesson(learning_.AuthorLesson(c, lesson_id, caller));
        return Load(c, lesson_id);
    });
}

void QuizService::SaveRules(const std::string& lesson_id, const Json& rules,
                            const api::Caller& caller) {
    learning_.db().Write([&](db::Connection& c) {
        Lesson l = QuizLesson(learning_.AuthorLesson(c, lesson_id, caller));
        QuizDefinition d = Load(c, l.id);
        // The rules given over the ones kept: a request naming only the review options (or
        // only the pass mark) changes only those.
        Json merged = QuizRulesToJson(d.rules);
        if (rules.is_object())
            for (const auto& [k, v] : rules.items()) merged[k] = v;
        auto parsed = QuizRulesFromJson(rules.is_object() ? merged : rules);
        if (!parsed) throw HttpError::Validation(parsed.errors().fields);
        d.rules = parsed.value();
        if (rules.is_object()) {
            d.review.answers = ReviewAnswersOf(rules, d.review.answers);
            d.review.marks = ReviewMarksOf(rules, d.review.marks);
        }
        // Draws must name banks that exist; an empty quiz may still get its rules.
        if (!d.questions.empty()) {
            auto errors = CheckQuiz(d.questions, d.rules);
            if (!errors.empty()) throw HttpError::Validation(errors);
        }
        Save(c, l.id, d);
        store::BumpCourseVersion(c, l.course_id);  // a certificate names its version
        audit::Record(c, caller.actor(), "learning.quiz.rules", "course", l.course_id,
                      {{"lesson", l.id},
                       {"rules", QuizRulesToJson(d.rules)},
                       {"review_answers", kReviewAnswersText.Name(d.review.answers)},
                       {"review_marks", d.review.marks}});
    });
}

Question QuizService::AddQuestion(const std::string& lesson_id, Json question,
                                  const api::Caller& caller) {
    return learning_.db().Write([&](db::Connection& c) {
        Lesson l = QuizLesson(learning_.AuthorLesson(c, lesson_id, caller));
        QuizDefinition d = Load(c, l.id);
        if (question.is_object() && (!question.contains("id") || question["id"] == ""))
            question["id"] = "q" + core::RandomToken(6);
        auto parsed = QuestionFromJson(question);
        if (!parsed) throw HttpError::Validation(parsed.errors().fields);
        d.questions.push_back(parsed.value());
        // A draw from a bank needs only the bank to exist, so checking the whole quiz here
        // catches duplicate ids and the 500-question cap.
        auto errors = CheckQuiz(d.questions, d.rules);
        if (!errors.empty()) throw HttpError::Validation(errors);
        Save(c, l.id, d);
        store::BumpCourseVersion(c, l.course_id);  // a certificate names its version
        audit::Record(c, caller.actor(), "learning.quiz.question_add", "course", l.course_id,
                      {{"lesson", l.id}, {"question", parsed->id}});
        return parsed.value();
    });
}

Question QuizService::UpdateQuestion(const std::string& lesson_id, const std::string& question_id,
                                     Json question, const api::Caller& caller) {
    return learning_.db().Write([&](db::Connection& c) {
        Lesson l = QuizLesson(learning_.AuthorLesson(c, lesson_id, caller));
        QuizDefinition d = Load(c, l.id);
        auto it = std::find_if(d.questions.begin(), d.questions.end(),
                               [&](const Question& q) { return q.id == question_id; });
        if (it == d.questions.end()) throw HttpError::NotFound("learning.quiz.no_question");
        if (question.is_object()) question["id"] = question_id;
        auto parsed = QuestionFromJson(question);
        if (!parsed) throw HttpError::Validation(parsed.errors().fields);
        KeepPapers(c, l.id, d);
        *it = parsed.value();
        // A bank renamed away may leave a draw naming a bank that no longer exists.
        auto errors = CheckQuiz(d.questions, d.rules);
        if (!errors.empty()) throw HttpError::Validation(errors);
        Save(c, l.id, d);
        store::BumpCourseVersion(c, l.course_id);  // a certificate names its version
        audit::Record(c, caller.actor(), "learning.quiz.question_update", "course", l.course_id,
                      {{"lesson", l.id}, {"question", question_id}});
        return parsed.value();
    });
}

void QuizService::DeleteQuestion(const std::string& lesson_id, const std::string& question_id,
                                 const api::Caller& caller) {
    learning_.db().Write([&](db::Connection& c) {
        Lesson l = QuizLesson(learning_.AuthorLesson(c, lesson_id, caller));
        QuizDefinition d = Load(c, l.id);
        KeepPapers(c, l.id, d);
        auto before = d.questions.size();
        std::erase_if(d.questions, [&](const Question& q) { return q.id == question_id; });
        if (d.questions.size() == before) throw HttpError::NotFound("learning.quiz.no_question");
        Save(c, l.id, d);
        store::BumpCourseVersion(c, l.course_id);  // a certificate names its version
        audit::Record(c, caller.actor(), "learning.quiz.question_delete", "course", l.course_id,
                      {{"lesson", l.id}, {"question", question_id}});
    });
}

// ---- learners

QuizStanding QuizService::Standing(const std::string& lesson_id, const std::string& user_id) {
    return learning_.db().Read([&](db::Connection& c) {
        QuizStanding s;
        QuizDefinition d = Load(c, lesson_id);
        s.rules = d.rules;
        s.review = d.review;
        s.questions = static_cast<int>(DrawQuestions(d.questions, d.rules, 0).size());
        for (const auto& a : store::QuizAttempts(c, lesson_id, user_id)) {
            if (a.submitted.empty()) {
                s.open_attempt = a.id;
                continue;
            }
            ++s.attempts_used;
            s.passed |= a.passed;
            double pct = a.percent_x100.value_or(0) / 100.0;
            if (!s.best_percent || pct > *s.best_percent) s.best_percent = pct;
        }
        s.can_start = s.questions > 0 &&
                      (s.open_attempt.has_value() || AttemptAllowed(d.rules, s.attempts_used));
        return s;
    });
}

QuizAttemptView QuizService::Start(const std::string& lesson_id, const api::Caller& caller) {
    const api::Principal& p = api::RequireUser(caller.principal);
    return learning_.db().Write([&](db::Connection& c) {
        Lesson l = QuizLesson(learning_.LearnerLesson(c, lesson_id, p.user_id));
        QuizDefinition d = Load(c, l.id);
        auto attempts = store::QuizAttempts(c, l.id, p.user_id);
        for (const auto& a : attempts)
            if (a.submitted.empty()) return View(a, d, false);  // the open one: the same paper
        if (!AttemptAllowed(d.rules, static_cast<int>(attempts.size())))
            throw HttpError(409, "no_attempts_left", "learning.quiz.no_attempts_left");
        store::QuizAttemptRow a;
        a.id = core::NewUuid();
        a.lesson_id = l.id;
        a.user_id = p.user_id;
        a.number = attempts.empty() ? 1 : attempts.back().number + 1;
        a.seed = NewSeed();
        std::vector<std::string> ids = DrawQuestions(d.questions, d.rules, a.seed);
        if (ids.empty()) throw HttpError(409, "empty_quiz", "learning.quiz.empty_quiz");
        // The paper keeps its questions as they are now (an author may edit them later).
        a.drawn_json = PaperJson(Drawn(d, Json(ids).dump()));
        a.started = core::NowIso();
        store::InsertQuizAttempt(c, a);
        return View(a, d, false);
    });
}

QuizAttemptView QuizService::Attempt(const std::string& attempt_id, const api::Principal& p) {
    return learning_.db().Read([&](db::Connection& c) {
        auto a = store::FindQuizAttempt(c, attempt_id);
        if (!a || a->user_id != p.user_id) throw HttpError::NotFound("learning.quiz.no_attempt");
        return View(*a, Load(c, a->lesson_id), PassedQuiz(c, a->lesson_id, p.user_id));
    });
}

std::pair<QuizAttemptView, LearningService::LessonUpdate> QuizService::Submit(
    const std::string& attempt_id, const Answers& answers, const api::Caller& caller) {
    const api::Principal& p = api::RequireUser(caller.principal);
    return learning_.db().Write([&](db::Connection& c) {
        auto a = store::FindQuizAttempt(c, attempt_id);
        if (!a || a->user_id != p.user_id) throw HttpError::NotFound("learning.quiz.no_attempt");
        if (!a->submitted.empty())
            throw HttpError(409, "already_submitted", "learning.quiz.already_submitted");
        Lesson l = learning_.LearnerLesson(c, a->lesson_id, p.user_id);
        QuizDefinition d = Load(c, l.id);
        std::vector<Question> drawn = Drawn(d, a->drawn_json);
        // Only answers to this paper's questions are kept.
        Answers kept;
        for (const auto& q : drawn)
            if (auto it = answers.find(q.id); it != answers.end()) kept.emplace(q.id, it->second);
        QuizResult result = Score(drawn, kept, d.rules, a->seed);
        a->submitted = core::NowIso();
        a->answers_json = AnswersJson(kept).dump();
        a->percent_x100 = static_cast<int>(std::lround(result.percent * 100));
        a->passed = result.passed;
        store::SubmitQuizAttempt(c, *a);
        int percent = static_cast<int>(std::lround(result.percent));
        auto update = learning_.RecordResult(c, l, p.user_id, result.passed, percent, percent, 0);
        audit::Record(c, caller.actor(), "learning.quiz.submit", "course", l.course_id,
                      {{"lesson", l.id},
                       {"attempt", a->id},
                       {"percent", result.percent},
                       {"passed", result.passed}});
        // After SubmitQuizAttempt: this attempt's pass counts.
        return std::make_pair(View(*a, d, PassedQuiz(c, l.id, p.user_id)), update);
    });
}

}  // namespace govhub::learning

#include "learning/quiz_service.hpp"

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
    return d;
}

void Save(db::Connection& c, const std::string& lesson_id, const QuizDefinition& d) {
    Json questions = Json::array();
    for (const auto& q : d.questions) questions.push_back(QuestionToJson(q));
    store::UpsertQuiz(c, {.lesson_id = lesson_id,
                          .rules_json = QuizRulesToJson(d.rules).dump(),
                          .questions_json = questions.dump(),
                          .modified = core::NowIso()});
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

std::vector<Question> Drawn(const QuizDefinition& d, const std::string& drawn_json) {
    Json ids = core::ParseJsonBoundedOrDiscarded(drawn_json);
    std::vector<Question> out;
    if (!ids.is_array()) return out;
    for (const auto& id : ids) {
        if (!id.is_string()) continue;
        for (const auto& q : d.questions)
            if (q.id == id.get<std::string>()) out.push_back(q);
    }
    return out;
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

QuizAttemptView View(const store::QuizAttemptRow& a, const QuizDefinition& d) {
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
    }
    return v;
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
        auto parsed = QuizRulesFromJson(rules);
        if (!parsed) throw HttpError::Validation(parsed.errors().fields);
        QuizDefinition d = Load(c, l.id);
        d.rules = parsed.value();
        // Draws must name banks that exist; an empty quiz may still get its rules.
        if (!d.questions.empty()) {
            auto errors = CheckQuiz(d.questions, d.rules);
            if (!errors.empty()) throw HttpError::Validation(errors);
        }
        Save(c, l.id, d);
        audit::Record(c, caller.actor(), "learning.quiz.rules", "course", l.course_id,
                      {{"lesson", l.id}, {"rules", QuizRulesToJson(d.rules)}});
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
        audit::Record(c, caller.actor(), "learning.quiz.question_add", "course", l.course_id,
                      {{"lesson", l.id}, {"question", parsed->id}});
        return parsed.value();
    });
}

void QuizService::DeleteQuestion(const std::string& lesson_id, const std::string& question_id,
                                 const api::Caller& caller) {
    learning_.db().Write([&](db::Connection& c) {
        Lesson l = QuizLesson(learning_.AuthorLesson(c, lesson_id, caller));
        QuizDefinition d = Load(c, l.id);
        auto before = d.questions.size();
        std::erase_if(d.questions, [&](const Question& q) { return q.id == question_id; });
        if (d.questions.size() == before) throw HttpError::NotFound("learning.quiz.no_question");
        Save(c, l.id, d);
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
            if (a.submitted.empty()) return View(a, d);  // the open one: the same paper again
        if (!AttemptAllowed(d.rules, static_cast<int>(attempts.size())))
            throw HttpError(409, "no_attempts_left", "learning.quiz.no_attempts_left");
        store::QuizAttemptRow a;
        a.id = core::NewUuid();
        a.lesson_id = l.id;
        a.user_id = p.user_id;
        a.number = attempts.empty() ? 1 : attempts.back().number + 1;
        a.seed = NewSeed();
        std::vector<std::string> drawn = DrawQuestions(d.questions, d.rules, a.seed);
        if (drawn.empty()) throw HttpError(409, "empty_quiz", "learning.quiz.empty_quiz");
        a.drawn_json = Json(drawn).dump();
        a.started = core::NowIso();
        store::InsertQuizAttempt(c, a);
        return View(a, d);
    });
}

QuizAttemptView QuizService::Attempt(const std::string& attempt_id, const api::Principal& p) {
    return learning_.db().Read([&](db::Connection& c) {
        auto a = store::FindQuizAttempt(c, attempt_id);
        if (!a || a->user_id != p.user_id) throw HttpError::NotFound("learning.quiz.no_attempt");
        return View(*a, Load(c, a->lesson_id));
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
        return std::make_pair(View(*a, d), update);
    });
}

}  // namespace govhub::learning

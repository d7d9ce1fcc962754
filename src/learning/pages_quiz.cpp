// Quiz lessons in the browser and over JSON (quiz_service.hpp has the rules):
//   learners: POST /learning/lesson/{id}/attempt starts (or reopens) an attempt,
//             GET/POST /learning/attempt/{id} shows the paper and takes the answers, then shows
//             the result with feedback; JSON: POST /api/learning/lessons/{id}/attempts,
//             GET/POST /api/learning/attempts/{id};
//   authors:  /learning/lesson/{id}/quiz (rules with the review options, questions, a question
//             form in plain text: one choice per line, "*" before the right ones; matching
//             "left = right"; short answers one accepted answer per line; ?edit=<question>
//             fills it with a question to change in place); JSON:
//             POST /api/learning/lessons/{id}/quiz/rules, .../quiz/questions and
//             .../quiz/questions/{question} (replace one).
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "accounts/middleware.hpp"
#include "core/i18n.hpp"
#include "core/json_reader.hpp"
#include "core/strings.hpp"
#include "learning/quiz_service.hpp"
#include "learning/route_util.hpp"
#include "learning/routes.hpp"

namespace govhub::learning {
namespace {

using Json = nlohmann::json;
using http::Request;
using http::Response;
using render::View;

std::string Percent(double p) {
    double r = std::round(p * 10) / 10;
    std::string s = std::to_string(r);
    s = s.substr(0, s.find('.') + 2);
    if (s.size() >= 2 && s.substr(s.size() - 2) == ".0") s.resize(s.size() - 2);
    return s;
}

// "1 point", "2 points" (Thai has one form): {n} in learning.quiz.n_points(_one).
std::string PointsText(const render::PageRenderer& pages, const std::string& locale,
                       double points) {
    std::string text =
        pages.T(locale, points == 1 ? "learning.quiz.n_points_one" : "learning.quiz.n_points");
    auto at = text.find("{n}");
    if (at != std::string::npos) text.replace(at, 3, Percent(points));
    return text;
}

// A stored question as the author's plain-text form (QuestionFromForm reads it back).
Json FormOfQuestion(const Question& q) {
    std::string answers;
    auto line = [&](const std::string& t) { answers += t + "\n"; };
    if (q.kind == QuestionKind::kSingle || q.kind == QuestionKind::kMultiple) {
        for (const auto& c : q.choices) {
            bool right = std::find(q.correct.begin(), q.correct.end(), c.id) != q.correct.end();
            line((right ? "*" : "") + c.text);
        }
    } else if (q.kind == QuestionKind::kMatching) {
        for (const auto& p : q.pairs) line(p.left + " = " + p.right);
    } else if (q.kind == QuestionKind::kShortAnswer) {
        for (const auto& a : q.accepted) line(a);
    }
    bool is_false =
        q.kind == QuestionKind::kTrueFalse && !q.correct.empty() && q.correct.front() == "false";
    return {{"kind", std::string(kQuestionKindText.Name(q.kind))},
            {"prompt", q.prompt},
            {"answers", answers},
            {"bank", q.bank},
            {"points", Percent(q.points)},
            {"truefalse", is_false ? "false" : "true"},
            {"feedback_correct", q.feedback_correct},
            {"feedback_wrong", q.feedback_wrong}};
}

// What the author typed, to show the form again with an error.
Json TypedForm(const Request& req) {
    return {{"kind", req.FormValue("kind")},
            {"prompt", req.FormValue("prompt")},
            {"answers", req.FormValue("answers")},
            {"bank", req.FormValue("bank")},
            {"points", req.FormValue("points")},
            {"truefalse", req.FormValue("truefalse") == "false" ? "false" : "true"},
            {"feedback_correct", req.FormValue("feedback_correct")},
            {"feedback_wrong", req.FormValue("feedback_wrong")}};
}

// The author's plain-text question form as quiz.hpp's JSON.
Json QuestionFromForm(const Request& req) {
    std::string kind = req.FormValue("kind");
    Json q = {{"kind", kind},
              {"prompt", req.FormValue("prompt")},
              {"feedback_correct", req.FormValue("feedback_correct")},
              {"feedback_wrong", req.FormValue("feedback_wrong")},
              {"bank", core::Trim(req.FormValue("bank"))}};
    std::string points = core::Trim(req.FormValue("points"));
    if (!points.empty()) {
        auto n = core::ParseInt(points);
        q["points"] = n ? Json(*n) : Json(points);
    }
    std::vector<std::string> lines;
    for (auto& line : core::Split(req.FormValue("answers"), '\n')) {
        std::string t = core::Trim(line);
        if (!t.empty()) lines.push_back(t);
    }
    if (kind == "single" || kind == "multiple") {
        Json choices = Json::array(), correct = Json::array();
        for (size_t i = 0; i < lines.size(); ++i) {
            std::string text = lines[i];
            std::string id = "c" + std::to_string(i + 1);
            if (text[0] == '*') {
                correct.push_back(id);
                text = core::Trim(text.substr(1));
            }
            choices.push_back({{"id", id}, {"text", text}});
        }
        q["choices"] = choices;
        q["correct"] = correct;
    } else if (kind == "truefalse") {
        q["correct"] = Json::array({req.FormValue("truefalse") == "false" ? "false" : "true"});
    } else if (kind == "matching") {
        Json pairs = Json::array();
        for (size_t i = 0; i < lines.size(); ++i) {
            auto eq = lines[i].find('=');
            pairs.push_back(
                {{"left_id", "m" + std::to_string(i + 1)},
                 {"left", core::Trim(lines[i].substr(0, eq))},
                 {"right", eq == std::string::npos ? "" : core::Trim(lines[i].substr(eq + 1))}});
        }
        q["pairs"] = pairs;
    } else if (kind == "short") {
        q["accepted"] = lines;
    }
    return q;
}

struct QuizPages {
    QuizService& quiz;
    LearningService& learning;
    const render::PageRenderer& pages;
    PageSettings settings;

    Response Page(const Request& req, const std::string& tmpl, View v, const std::string& title,
                  int status = 200) const {
        return LearningPage(pages, settings, req, tmpl, std::move(v), title, status);
    }

    // ---- the learner's paper and result
    View PaperView(const QuizAttemptView& a, const std::string& locale) const {
        View v;
        v.Set("id", a.id).Set("number", a.number).Set("submitted", a.submitted);
        View questions = View::List();
        int n = 0;
        for (const auto& q : a.paper) {
            View qv;
            std::string kind = q.value("kind", "");
            std::string id = q.value("id", "");
            qv.Set("n", ++n)
                .Set("id", id)
                .Set("prompt", q.value("prompt", ""))
                .Set("points", Percent(q.value("points", 1.0)))
                .Set("points_text", PointsText(pages, locale, q.value("points", 1.0)))
                .Set("kind_" + kind, true)
                .Set("name", "q." + id);
            const Answer* given = nullptr;
            if (auto it = a.answers.find(id); it != a.answers.end()) given = &it->second;
            auto chosen = [&](const std::string& value) {
                return given && std::find(given->values.begin(), given->values.end(), value) !=
                                    given->values.end();
            };
            View choices = View::List();
            for (const auto& c : q.value("choices", Json::array())) {
                View cv;
                std::string cid = c.value("id", "");
                cv.Set("value", cid).Set("text", c.value("text", "")).Set("checked", chosen(cid));
                choices.Push(std::move(cv));
            }
            qv.Set("choices", std::move(choices));
            if (kind == "truefalse")
                qv.Set("true_checked", chosen("true")).Set("false_checked", chosen("false"));
            if (kind == "short")
                qv.Set("typed", given && !given->values.empty() ? given->values.front() : "");
            View items = View::List();
            for (const auto& item : q.value("items", Json::array())) {
                View iv;
                std::string left = item.value("id", "");
                iv.Set("name", "q." + id + "." + left).Set("text", item.value("text", ""));
                View options = View::List();
                for (const auto& o : q.value("options", Json::array())) {
                    View ov;
                    std::string oid = o.value("id", "");
                    bool sel =
                        given && given->matches.count(left) && given->matches.at(left) == oid;
                    ov.Set("value", oid).Set("text", o.value("text", "")).Set("selected", sel);
                    options.Push(std::move(ov));
                }
                iv.Set("options", std::move(options));
                items.Push(std::move(iv));
            }
            qv.Set("items", std::move(items));
            // What the learner answered, in words, for the result (a walkthrough found a
            // wrong mark with no way to see what had been typed or chosen).
            if (a.submitted && given) {
                std::string yours;
                auto add = [&](const std::string& t) { yours += (yours.empty() ? "" : " · ") + t; };
                for (const auto& c : q.value("choices", Json::array()))
                    if (chosen(c.value("id", ""))) add(c.value("text", ""));
                if (kind == "truefalse" && !given->values.empty())
                    add(pages.T(locale, given->values.front() == "true" ? "learning.quiz.true"
                                                                        : "learning.quiz.false"));
                if (kind == "short" && !given->values.empty()) add(given->values.front());
                for (const auto& item : q.value("items", Json::array())) {
                    std::string left = item.value("id", "");
                    if (!given->matches.count(left)) continue;
                    for (const auto& o : q.value("options", Json::array()))
                        if (o.value("id", "") == given->matches.at(left))
                            add(item.value("text", "") + " → " + o.value("text", ""));
                }
                qv.Set("your_answer", yours).Set("has_your_answer", !yours.empty());
            }
            if (a.result && static_cast<size_t>(n - 1) < a.result->questions.size()) {
                const QuestionResult& r = a.result->questions[static_cast<size_t>(n - 1)];
                qv.Set("correct", r.correct)
                    .Set("awarded", Percent(r.awarded))
                    .Set("feedback", r.feedback)
                    .Set("has_feedback", !r.feedback.empty());
                std::string key;
                for (const auto& t : r.correct_text) {
                    std::string shown = t == "true"    ? pages.T(locale, "learning.quiz.true")
                                        : t == "false" ? pages.T(locale, "learning.quiz.false")
                                                       : t;
                    key += (key.empty() ? "" : " · ") + shown;
                }
                for (const auto& [l, rt] : r.correct_pairs)
                    key += (key.empty() ? "" : " · ") + l + " → " + rt;
                // The service already emptied the key when the review options hide it.
                qv.Set("key", key).Set("has_key", a.show_answers && !key.empty() && !r.correct);
            }
            questions.Push(std::move(qv));
        }
        v.Set("questions", std::move(questions));
        if (a.result)
            v.Set("percent", Percent(a.result->percent))
                .Set("passed", a.result->passed)
                .Set("awarded", Percent(a.result->awarded_points))
                .Set("total", Percent(a.result->total_points))
                .Set("show_marks", a.show_marks)
                .Set("show_answers", a.show_answers);
        return v;
    }

    Response AttemptPage(const Request& req, const QuizAttemptView& a, int status = 200,
                         const std::optional<CourseProgress>& standing = std::nullopt) const {
        const api::Principal& p = api::RequireUser(api::CurrentUser(req));
        auto lv = learning.OpenLesson(a.lesson_id, &p);
        View v = PaperView(a, req.locale);
        v.Set("lesson_id", a.lesson_id)
            .Set("lesson_title", req.locale == "en" && !lv.lesson.title_en.empty()
                                     ? lv.lesson.title_en
                                     : lv.lesson.title)
            .Set("course_name", lv.outline.course.name);
        QuizStanding s = quiz.Standing(a.lesson_id, p.user_id);
        v.Set("pass_percent", Percent(s.rules.pass_percent))
            .Set("can_retry", a.submitted && s.can_start && !s.passed)
            // How many tries remain, when the quiz limits them (a walkthrough asked).
            .Set("has_tries_left", a.submitted && !s.passed && s.rules.attempt_limit > 0)
            .Set("tries_left",
                 pages.T(req.locale,
                         core::Message("learning.quiz.tries_left",
                                       {{"left", std::to_string(std::max(
                                                     0, s.rules.attempt_limit - s.attempts_used))},
                                        {"limit", std::to_string(s.rules.attempt_limit)}})))
            .Set("answers_after_pass", a.submitted && !a.show_answers &&
                                           s.review.answers == ReviewAnswers::kAfterPassing);
        CourseProgress c = standing.value_or(lv.outline.standing);
        View sv;
        sv.Set("percent", c.percent)
            .Set("done", c.lessons_done)
            .Set("required", c.lessons_required)
            .Set("completed", c.completed);
        v.Set("standing", std::move(sv));
        return Page(req, "learning/quiz_attempt", std::move(v), "learning.quiz.attempt_title",
                    status);
    }

    Response StartAttempt(Request& req) const {
        auto a = quiz.Start(std::string(req.PathParam("id")), api::CallerOf(req));
        return Response::Redirect("/learning/attempt/" + a.id);
    }

    Response ShowAttempt(Request& req) const {
        const api::Principal& p = api::RequireUser(api::CurrentUser(req));
        return AttemptPage(req, quiz.Attempt(std::string(req.PathParam("id")), p));
    }

    Response SubmitAttempt(Request& req) const {
        std::vector<std::pair<std::string, std::string>> fields(req.Form().begin(),
                                                                req.Form().end());
        Answers answers = AnswersFromForm(fields);
        auto [a, update] =
            quiz.Submit(std::string(req.PathParam("id")), answers, api::CallerOf(req));
        return AttemptPage(req, a, 200, update.course);
    }

    // ---- the author's editor
    // `typed`: the question form's fields (empty: a new question); `editing`: the id of the
    // question the form changes ("" adds one).
    Response Editor(const Request& req, const std::string& lesson_id,
                    const std::vector<FieldError>& errors, int status, const Json& typed,
                    const std::string& editing = "") const {
        const std::string& locale = req.locale;
        QuizDefinition d = quiz.Definition(lesson_id, api::CallerOf(req));
        auto lv = learning.OpenLesson(lesson_id, api::CurrentUser(req));
        View v;
        v.Set("lesson_id", lesson_id)
            .Set("lesson_title", lv.lesson.title)
            .Set("course_name", lv.outline.course.name)
            .Set("pass_percent", Percent(d.rules.pass_percent))
            .Set("attempt_limit", d.rules.attempt_limit)
            .Set("shuffle", d.rules.shuffle)
            .Set("review_marks", d.review.marks);
        SelectChoices review;
        for (const auto& [r, text] : kReviewAnswersText.all())
            review.emplace_back(std::string(text),
                                pages.T(locale, "learning.quiz.review." + std::string(text)));
        v.Set("review_answers",
              SelectOptions(review, std::string(kReviewAnswersText.Name(d.review.answers))));
        std::string draws;
        for (const auto& dr : d.rules.draws)
            draws += dr.bank + " = " + std::to_string(dr.count) + "\n";
        v.Set("draws", draws);
        View questions = View::List();
        int n = 0, editing_n = 0;
        for (const auto& q : d.questions) {
            View qv;
            qv.Set("n", ++n)
                .Set("id", q.id)
                .Set("prompt", q.prompt)
                .Set("kind", pages.T(locale, "learning.quiz.kind." +
                                                 std::string(kQuestionKindText.Name(q.kind))))
                .Set("points", Percent(q.points))
                .Set("points_text", PointsText(pages, locale, q.points))
                .Set("bank", q.bank)
                .Set("has_bank", !q.bank.empty())
                .Set("editing", q.id == editing);
            if (q.id == editing) editing_n = n;
            questions.Push(std::move(qv));
        }
        v.Set("questions", std::move(questions)).Set("has_questions", n > 0);
        SelectChoices kinds;
        for (const auto& [k, text] : kQuestionKindText.all())
            kinds.emplace_back(std::string(text),
                               pages.T(locale, "learning.quiz.kind." + std::string(text)));
        v.Set("kinds", SelectOptions(kinds, typed.value("kind", "single")));
        std::string points = typed.value("points", "");
        v.Set("typed_prompt", typed.value("prompt", ""))
            .Set("typed_answers", typed.value("answers", ""))
            .Set("typed_bank", typed.value("bank", ""))
            .Set("typed_points", points.empty() ? "1" : points)
            .Set("typed_false", typed.value("truefalse", "true") == "false")
            .Set("typed_feedback_correct", typed.value("feedback_correct", ""))
            .Set("typed_feedback_wrong", typed.value("feedback_wrong", ""))
            .Set("editing", !editing.empty())
            .Set("editing_id", editing)
            .Set("editing_n", editing_n);
        // The engine names fields like "choices[2].text": on this form they are all "answers".
        std::vector<FieldError> shown;
        for (auto e : errors) {
            if (e.field != "prompt" && e.field != "points" && e.field != "bank" &&
                e.field != "pass_percent" && e.field != "attempt_limit" && e.field != "draws" &&
                e.field != "kind" && e.field != "review_answers" && e.field != "review_marks")
                e.field = "answers";
            if (core::StartsWith(e.field, "draws")) e.field = "draws";
            shown.push_back(e);
        }
        pages.AddErrors(v, shown, locale);
        return Page(req, "learning/quiz_editor", std::move(v), "learning.quiz.editor_title",
                    status);
    }

    Response EditorPage(Request& req) const {
        std::string id(req.PathParam("id"));
        std::string editing = req.Query("edit");
        if (editing.empty()) return Editor(req, id, {}, 200, Json::object());
        QuizDefinition d = quiz.Definition(id, api::CallerOf(req));
        for (const auto& q : d.questions)
            if (q.id == editing) return Editor(req, id, {}, 200, FormOfQuestion(q), editing);
        throw HttpError::NotFound("learning.quiz.no_question");
    }

    Response SaveRules(Request& req) const {
        std::string id(req.PathParam("id"));
        Json rules = {{"shuffle", req.FormValue("shuffle") == "1"}};
        // An unticked box sends nothing: the marker says the form had the review options (a
        // form without them keeps the stored ones).
        if (req.FormValue("review") == "1") {
            rules["review_answers"] = req.FormValue("review_answers");
            rules["review_marks"] = req.FormValue("review_marks") == "1";
        }
        auto number = [&](const char* field) -> Json {
            std::string t = core::Trim(req.FormValue(field));
            if (t.empty()) return 0;
            auto digits = core::TypedDigits(t);
            auto n = digits ? core::ParseInt(*digits) : std::nullopt;
            return n ? Json(*n) : Json(t);
        };
        rules["pass_percent"] = number("pass_percent");
        rules["attempt_limit"] = number("attempt_limit");
        Json draws = Json::array();
        for (auto& line : core::Split(req.FormValue("draws"), '\n')) {
            std::string t = core::Trim(line);
            if (t.empty()) continue;
            auto eq = t.find('=');
            std::string bank = core::Trim(t.substr(0, eq));
            auto count = eq == std::string::npos ? std::nullopt
                                                 : core::ParseInt(core::Trim(t.substr(eq + 1)));
            draws.push_back({{"bank", bank}, {"count", count ? Json(*count) : Json("?")}});
        }
        rules["draws"] = draws;
        try {
            quiz.SaveRules(id, rules, api::CallerOf(req));
        } catch (const HttpError& e) {
            if (e.fields().empty()) throw;
            return Editor(req, id, e.fields(), 422, Json::object());
        }
        return Response::Redirect("/learning/lesson/" + id + "/quiz");
    }

    Response AddQuestion(Request& req) const {
        std::string id(req.PathParam("id"));
        try {
            quiz.AddQuestion(id, QuestionFromForm(req), api::CallerOf(req));
        } catch (const HttpError& e) {
            if (e.fields().empty()) throw;
            return Editor(req, id, e.fields(), 422, TypedForm(req));
        }
        return Response::Redirect("/learning/lesson/" + id + "/quiz#questions");
    }

    Response UpdateQuestion(Request& req) const {
        std::string id(req.PathParam("id")), question(req.PathParam("question"));
        try {
            quiz.UpdateQuestion(id, question, QuestionFromForm(req), api::CallerOf(req));
        } catch (const HttpError& e) {
            if (e.fields().empty()) throw;
            return Editor(req, id, e.fields(), 422, TypedForm(req), question);
        }
        return Response::Redirect("/learning/lesson/" + id + "/quiz#q-" + question);
    }
};

Json ResultJson(const QuizAttemptView& a) {
    Json out = {{"id", a.id},
                {"lesson_id", a.lesson_id},
                {"number", a.number},
                {"submitted", a.submitted},
                {"questions", a.paper}};
    if (a.result) {
        // Only what the quiz's review options show: the key when show_answers, each question's
        // mark and feedback when show_marks (quiz_service took the rest out already).
        Json qs = Json::array();
        for (const auto& r : a.result->questions) {
            Json q = {{"id", r.id}, {"points", r.points}};
            if (a.show_marks) {
                q["correct"] = r.correct;
                q["awarded"] = r.awarded;
                q["feedback"] = r.feedback;
            }
            if (a.show_answers) {
                Json pairs = Json::array();
                for (const auto& [l, rt] : r.correct_pairs) pairs.push_back({l, rt});
                q["correct_answer"] = r.correct_text;
                q["correct_pairs"] = pairs;
            }
            qs.push_back(std::move(q));
        }
        out["review"] = {{"answers_shown", a.show_answers}, {"marks_shown", a.show_marks}};
        out["result"] = {{"percent", a.result->percent},
                         {"passed", a.result->passed},
                         {"awarded_points", a.result->awarded_points},
                         {"total_points", a.result->total_points},
                         {"questions", qs}};
    }
    return out;
}

}  // namespace

void RegisterQuizRoutes(http::Router& router, QuizService& quiz, LearningService& learning,
                        const render::PageRenderer& pages, const PageSettings& settings) {
    auto pg = std::make_shared<QuizPages>(QuizPages{quiz, learning, pages, settings});
    http::RouteOptions form{.body_limit = 64 << 10, .rate_limit = "form"};
    http::RouteOptions answers{.body_limit = kMaxAnswerBytes, .rate_limit = "form"};
    router.Post(
        "/learning/lesson/{id}/attempt", [pg](Request& req) { return pg->StartAttempt(req); },
        form);
    router.Get("/learning/attempt/{id}", [pg](Request& req) { return pg->ShowAttempt(req); });
    router.Post(
        "/learning/attempt/{id}", [pg](Request& req) { return pg->SubmitAttempt(req); }, answers);
    router.Get("/learning/lesson/{id}/quiz", [pg](Request& req) { return pg->EditorPage(req); });
    router.Post(
        "/learning/lesson/{id}/quiz/rules", [pg](Request& req) { return pg->SaveRules(req); },
        form);
    router.Post(
        "/learning/lesson/{id}/quiz/questions", [pg](Request& req) { return pg->AddQuestion(req); },
        form);
    router.Post(
        "/learning/lesson/{id}/quiz/questions/{question}/edit",
        [pg](Request& req) { return pg->UpdateQuestion(req); }, form);
    router.Post(
        "/learning/lesson/{id}/quiz/questions/{question}/delete",
        [pg](Request& req) {
            std::string id(req.PathParam("id"));
            pg->quiz.DeleteQuestion(id, std::string(req.PathParam("question")), api::CallerOf(req));
            return Response::Redirect("/learning/lesson/" + id + "/quiz#questions");
        },
        form);

    // ---- JSON
    router.Get("/api/learning/lessons/{id}/quiz", [&quiz, &learning](Request& req) {
        const api::Principal& p = api::RequireUser(api::CurrentUser(req));
        std::string id(req.PathParam("id"));
        learning.OpenLesson(id, &p);  // enrolled learners and authors only
        learning::QuizStanding s = quiz.Standing(id, p.user_id);
        return SendJson(
            {{"rules", QuizRulesToJson(s.rules)},
             {"review",
              {{"answers", kReviewAnswersText.Name(s.review.answers)}, {"marks", s.review.marks}}},
             {"questions_per_attempt", s.questions},
             {"attempts_used", s.attempts_used},
             {"can_start", s.can_start},
             {"open_attempt", s.open_attempt ? Json(*s.open_attempt) : Json(nullptr)},
             {"best_percent", s.best_percent ? Json(*s.best_percent) : Json(nullptr)},
             {"passed", s.passed}});
    });
    router.Post(
        "/api/learning/lessons/{id}/attempts",
        [&quiz](Request& req) {
            return SendJson(
                ResultJson(quiz.Start(std::string(req.PathParam("id")), api::CallerOf(req))), 201);
        },
        form);
    router.Get("/api/learning/attempts/{id}", [&quiz](Request& req) {
        const api::Principal& p = api::RequireUser(api::CurrentUser(req));
        return SendJson(ResultJson(quiz.Attempt(std::string(req.PathParam("id")), p)));
    });
    router.Post(
        "/api/learning/attempts/{id}",
        [&quiz](Request& req) {
            api::RequireUser(api::CurrentUser(req));
            Answers a = ParseAnswers(req.body);
            auto [view, update] =
                quiz.Submit(std::string(req.PathParam("id")), a, api::CallerOf(req));
            Json out = ResultJson(view);
            out["progress"] = {{"lessons_required", update.course.lessons_required},
                               {"lessons_done", update.course.lessons_done},
                               {"percent", update.course.percent},
                               {"completed", update.course.completed}};
            return SendJson(out);
        },
        answers);
    router.Post(
        "/api/learning/lessons/{id}/quiz/rules",
        [&quiz](Request& req) {
            Json j = JsonObjectBody(req);
            quiz.SaveRules(std::string(req.PathParam("id")), j, api::CallerOf(req));
            return SendJson({{"saved", true}});
        },
        form);
    router.Post(
        "/api/learning/lessons/{id}/quiz/questions",
        [&quiz](Request& req) {
            Json j = JsonObjectBody(req);
            Question q = quiz.AddQuestion(std::string(req.PathParam("id")), j, api::CallerOf(req));
            return SendJson(QuestionToJson(q), 201);
        },
        form);
    router.Post(
        "/api/learning/lessons/{id}/quiz/questions/{question}",
        [&quiz](Request& req) {
            Json j = JsonObjectBody(req);
            Question q =
                quiz.UpdateQuestion(std::string(req.PathParam("id")),
                                    std::string(req.PathParam("question")), j, api::CallerOf(req));
            return SendJson(QuestionToJson(q));
        },
        form);
}

}  // namespace govhub::learning

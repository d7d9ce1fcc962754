#include "learning/quiz.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "core/json_reader.hpp"
#include "core/test_i18n.hpp"

namespace govhub::learning {
namespace {

using nlohmann::json;

// Every message key the quiz may produce; a test below holds I18N_quiz.json (or, once merged,
// web/i18n) to it.
const std::set<std::string> kAllKeys = {"not_object",
                                        "wrong_type",
                                        "bad_id",
                                        "duplicate_id",
                                        "bad_kind",
                                        "prompt_required",
                                        "prompt_too_long",
                                        "text_required",
                                        "text_too_long",
                                        "feedback_too_long",
                                        "bad_text",
                                        "bad_points",
                                        "bad_bank",
                                        "too_few_choices",
                                        "too_many_choices",
                                        "no_correct",
                                        "single_several_correct",
                                        "correct_unknown",
                                        "truefalse_correct",
                                        "too_few_pairs",
                                        "too_many_pairs",
                                        "no_accepted",
                                        "too_many_accepted",
                                        "too_many_questions",
                                        "duplicate_question",
                                        "bad_pass_percent",
                                        "bad_attempt_limit",
                                        "too_many_draws",
                                        "unknown_bank",
                                        "bad_draw_count",
                                        "empty_quiz",
                                        "answers_too_large",
                                        "bad_answers",
                                        "too_many_answers",
                                        "answer_too_long"};

std::set<std::string>& KeysSeen() {
    static std::set<std::string> seen;
    return seen;
}

Question Q(const json& j) {
    auto r = QuestionFromJson(j);
    if (!r.ok()) {
        std::string why;
        for (const auto& f : r.errors().fields) why += f.field + ": " + f.message + "; ";
        ADD_FAILURE() << "question refused: " << why << j.dump();
        return {};
    }
    return r.value();
}

// The errors of an authoring mistake, as "field=key" strings (the key without its prefix).
std::vector<std::string> Mistakes(const json& j) {
    auto r = QuestionFromJson(j);
    std::vector<std::string> out;
    if (r.ok()) return out;
    for (const auto& f : r.errors().fields) {
        EXPECT_EQ(f.message.rfind("learning.quiz.", 0), 0u) << f.message;
        std::string key = f.message.substr(std::string("learning.quiz.").size());
        KeysSeen().insert(key);
        out.push_back(f.field + "=" + key);
    }
    return out;
}

bool Has(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

json SingleJson() {
    return {{"id", "capital"},
            {"kind", "single"},
            {"prompt", "เมืองหลวงของประเทศไทยคือ"},
            {"choices",
             {{{"id", "a"}, {"text", "เชียงใหม่"}},
              {{"id", "b"}, {"text", "กรุงเทพมหานคร"}},
              {{"id", "c"}, {"text", "ขอนแก่น"}}}},
            {"correct", {"b"}},
            {"feedback_correct", "ถูกต้อง กรุงเทพฯ เป็นเมืองหลวง"},
            {"feedback_wrong", "ลองทบทวนบทที่ 1 อีกครั้ง"}};
}

json MultipleJson() {
    return {{"id", "pdpa"},
            {"kind", "multiple"},
            {"prompt", "ข้อใดเป็นข้อมูลส่วนบุคคล"},
            {"points", 2},
            {"choices",
             {{{"id", "cid"}, {"text", "เลขประจำตัวประชาชน"}},
              {{"id", "mail"}, {"text", "อีเมลส่วนตัว"}},
              {{"id", "gdp"}, {"text", "ผลิตภัณฑ์มวลรวมของประเทศ"}},
              {{"id", "rain"}, {"text", "ปริมาณน้ำฝนเฉลี่ย"}}}},
            {"correct", {"cid", "mail"}}};
}

json TrueFalseJson() {
    return {{"id", "tf"},
            {"kind", "truefalse"},
            {"prompt", "บัตรประชาชนแบบเก่าตลอดชีพไม่มีเลขหลังบัตร"},
            {"correct", {"true"}},
            {"feedback_correct", "ใช่ บัตรแบบเก่าไม่มีรหัสเลเซอร์"}};
}

json MatchingJson() {
    return {{"id", "match"},
            {"kind", "matching"},
            {"prompt", "จับคู่หน่วยงานกับชื่อย่อ"},
            {"points", 3},
            {"pairs",
             {{{"left_id", "l1"}, {"left", "สำนักงานพัฒนารัฐบาลดิจิทัล"}, {"right", "สพร."}},
              {{"left_id", "l2"}, {"left", "กรมการปกครอง"}, {"right", "ปค."}},
              {{"left_id", "l3"}, {"left", "สถาบันพัฒนาบุคลากรภาครัฐด้านดิจิทัล"}, {"right", "TDGA"}}}},
            {"feedback_wrong", "ดูตารางชื่อย่อท้ายบท"}};
}

json ShortJson() {
    return {{"id", "year"},
            {"kind", "short"},
            {"prompt", "พ.ศ. ที่ประกาศใช้พระราชบัญญัตินี้"},
            {"accepted", {"2567", "พ.ศ. 2567"}},
            {"feedback_correct", "ถูกต้อง"}};
}

constexpr uint64_t kSeed = 0x5eed5eed12345678ULL;

// The option id the browser shows for a choice or a right-hand text, found by its text: the
// way a learner answers.
std::string OptionId(const Question& q, const std::string& text, uint64_t seed = kSeed) {
    json pub = PublicQuestionJson(q, seed);
    const char* list = q.kind == QuestionKind::kMatching ? "options" : "choices";
    for (const auto& o : pub[list])
        if (o["text"] == text) return o["id"].get<std::string>();
    ADD_FAILURE() << "no option " << text;
    return {};
}

Answers One(const std::string& qid, Answer a) {
    Answers answers;
    answers[qid] = std::move(a);
    return answers;
}

double Awarded(const Question& q, const Answers& answers, uint64_t seed = kSeed) {
    auto r = Score({q}, answers, QuizRules{}, seed);
    EXPECT_EQ(r.questions.size(), 1u);
    return r.questions.empty() ? -1 : r.questions[0].awarded;
}

// ---------------------------------------------------------------- kinds and round trip

TEST(QuizKind, TextFormsReadBack) {
    EXPECT_EQ(kQuestionKindText.Name(QuestionKind::kShortAnswer), "short");
    EXPECT_EQ(kQuestionKindText.Name(QuestionKind::kTrueFalse), "truefalse");
    for (const auto& [kind, text] : kQuestionKindText.all())
        EXPECT_EQ(kQuestionKindText.Parse(text), kind);
    EXPECT_FALSE(kQuestionKindText.Parse("essay"));
}

TEST(QuizAuthoring, EveryKindRoundTripsThroughStorage) {
    for (const json& j :
         {SingleJson(), MultipleJson(), TrueFalseJson(), MatchingJson(), ShortJson()}) {
        Question q = Q(j);
        json stored = QuestionToJson(q);
        Question back = Q(stored);
        EXPECT_EQ(QuestionToJson(back), stored) << j.dump();
        EXPECT_EQ(back.id, q.id);
        EXPECT_EQ(back.kind, q.kind);
        EXPECT_EQ(back.correct, q.correct);
        EXPECT_EQ(back.accepted, q.accepted);
        EXPECT_EQ(back.pairs.size(), q.pairs.size());
        EXPECT_EQ(back.feedback_correct, q.feedback_correct);
        EXPECT_EQ(back.points, q.points);
    }
    json banked = ShortJson();
    banked["bank"] = "law";
    EXPECT_EQ(Q(QuestionToJson(Q(banked))).bank, "law");
}

TEST(QuizAuthoring, FieldsOfAnotherKindAreNotKept) {
    json j = ShortJson();
    j["choices"] = SingleJson()["choices"];
    j["correct"] = {"b"};
    json stored = QuestionToJson(Q(j));
    EXPECT_FALSE(stored.contains("choices"));
    EXPECT_FALSE(stored.contains("correct"));
}

// ---------------------------------------------------------------- authoring mistakes

TEST(QuizAuthoring, RefusesEachMistakeWithItsKey) {
    auto with = [](json j, const std::string& key, json value) {
        j[key] = std::move(value);
        return j;
    };
    EXPECT_TRUE(Has(Mistakes(json::array()), "=not_object"));
    EXPECT_TRUE(Has(Mistakes(with(SingleJson(), "prompt", "  \n")), "prompt=prompt_required"));
    EXPECT_TRUE(Has(Mistakes(with(SingleJson(), "prompt", "\u200B")), "prompt=prompt_required"));
    EXPECT_TRUE(Has(Mistakes(with(SingleJson(), "prompt", std::string(4001, 'x'))),
                    "prompt=prompt_too_long"));
    // 4,000 Thai characters are 12,000 bytes: the limit counts characters.
    std::string thai4000;
    for (int i = 0; i < 4000; ++i) thai4000 += "ก";
    EXPECT_TRUE(Mistakes(with(SingleJson(), "prompt", thai4000)).empty());
    EXPECT_TRUE(Has(Mistakes(with(SingleJson(), "prompt", "a\x01b")), "prompt=bad_text"));
    EXPECT_TRUE(Has(Mistakes(with(SingleJson(), "kind", "essay")), "kind=bad_kind"));
    EXPECT_TRUE(Has(Mistakes(with(SingleJson(), "kind", 3)), "kind=wrong_type"));
    EXPECT_TRUE(Has(Mistakes(with(SingleJson(), "id", "a.b")), "id=bad_id"));
    EXPECT_TRUE(Has(Mistakes(with(SingleJson(), "id", "")), "id=bad_id"));
    EXPECT_TRUE(Has(Mistakes(with(SingleJson(), "points", 0)), "points=bad_points"));
    EXPECT_TRUE(Has(Mistakes(with(SingleJson(), "points", 1001)), "points=bad_points"));
    EXPECT_TRUE(Has(Mistakes(with(SingleJson(), "points", "1")), "points=wrong_type"));
    EXPECT_TRUE(Has(Mistakes(with(SingleJson(), "bank", "a b")), "bank=bad_bank"));
    EXPECT_TRUE(Has(Mistakes(with(SingleJson(), "feedback_wrong", std::string(4001, 'x'))),
                    "feedback_wrong=feedback_too_long"));

    // Choices.
    EXPECT_TRUE(Has(Mistakes(with(SingleJson(), "choices", {{{"id", "b"}, {"text", "x"}}})),
                    "choices=too_few_choices"));
    json many = json::array();
    for (int i = 0; i < 21; ++i) many.push_back({{"id", "c" + std::to_string(i)}, {"text", "x"}});
    EXPECT_TRUE(Has(Mistakes(with(with(SingleJson(), "choices", many), "correct", {"c1"})),
                    "choices=too_many_choices"));
    many.erase(many.end() - 1);
    EXPECT_TRUE(Mistakes(with(with(SingleJson(), "choices", many), "correct", {"c1"})).empty());
    EXPECT_TRUE(Has(Mistakes(with(SingleJson(), "correct", json::array())), "correct=no_correct"));
    EXPECT_TRUE(
        Has(Mistakes(with(SingleJson(), "correct", {"a", "b"})), "correct=single_several_correct"));
    EXPECT_TRUE(Has(Mistakes(with(SingleJson(), "correct", {"z"})), "correct[0]=correct_unknown"));
    EXPECT_TRUE(
        Has(Mistakes(with(MultipleJson(), "correct", {"cid", "cid"})), "correct[1]=duplicate_id"));
    json dup = SingleJson();
    dup["choices"][2]["id"] = "a";
    EXPECT_TRUE(Has(Mistakes(dup), "choices[2].id=duplicate_id"));
    json blank = SingleJson();
    blank["choices"][0]["text"] = " ";
    EXPECT_TRUE(Has(Mistakes(blank), "choices[0].text=text_required"));
    json long_choice = SingleJson();
    long_choice["choices"][1]["text"] = std::string(1001, 'x');
    EXPECT_TRUE(Has(Mistakes(long_choice), "choices[1].text=text_too_long"));
    EXPECT_TRUE(Has(Mistakes(with(SingleJson(), "choices", "a,b")), "choices=wrong_type"));

    // True/false.
    EXPECT_TRUE(
        Has(Mistakes(with(TrueFalseJson(), "correct", {"yes"})), "correct=truefalse_correct"));
    EXPECT_TRUE(Has(Mistakes(with(TrueFalseJson(), "correct", {"true", "false"})),
                    "correct=truefalse_correct"));
    EXPECT_TRUE(
        Has(Mistakes(with(TrueFalseJson(), "correct", json::array())), "correct=no_correct"));

    // Matching.
    json one_pair = MatchingJson();
    one_pair["pairs"].erase(1);
    one_pair["pairs"].erase(1);
    EXPECT_TRUE(Has(Mistakes(one_pair), "pairs=too_few_pairs"));
    json pairs = json::array();
    for (int i = 0; i < 21; ++i)
        pairs.push_back({{"left_id", "l" + std::to_string(i)}, {"left", "x"}, {"right", "y"}});
    EXPECT_TRUE(Has(Mistakes(with(MatchingJson(), "pairs", pairs)), "pairs=too_many_pairs"));
    json dup_left = MatchingJson();
    dup_left["pairs"][1]["left_id"] = "l1";
    EXPECT_TRUE(Has(Mistakes(dup_left), "pairs[1].left_id=duplicate_id"));
    json no_right = MatchingJson();
    no_right["pairs"][2].erase("right");
    EXPECT_TRUE(Has(Mistakes(no_right), "pairs[2].right=text_required"));

    // Short answer.
    EXPECT_TRUE(
        Has(Mistakes(with(ShortJson(), "accepted", json::array())), "accepted=no_accepted"));
    EXPECT_TRUE(Has(Mistakes(with(ShortJson(), "accepted", {"\u200B\u200B"})),
                    "accepted[0]=text_required"));
    EXPECT_TRUE(
        Has(Mistakes(with(ShortJson(), "accepted", json(std::vector<std::string>(21, "x")))),
            "accepted=too_many_accepted"));
    EXPECT_TRUE(Has(Mistakes(with(ShortJson(), "accepted", {1})), "accepted[0]=wrong_type"));
}

TEST(QuizAuthoring, QuizLevelChecks) {
    std::vector<Question> qs = {Q(SingleJson()), Q(ShortJson())};
    EXPECT_TRUE(CheckQuiz(qs, QuizRules{}).empty());

    auto keys = [](const std::vector<FieldError>& errors) {
        std::vector<std::string> out;
        for (const auto& e : errors) {
            std::string key = e.message.substr(std::string("learning.quiz.").size());
            KeysSeen().insert(key);
            out.push_back(e.field + "=" + key);
        }
        return out;
    };
    auto twice = qs;
    twice.push_back(qs[0]);
    EXPECT_TRUE(Has(keys(CheckQuiz(twice, {})), "questions[2].id=duplicate_question"));

    std::vector<Question> too_many;
    for (size_t i = 0; i <= kMaxQuestions; ++i) {
        Question q = qs[1];
        q.id = "q" + std::to_string(i);
        too_many.push_back(q);
    }
    EXPECT_TRUE(Has(keys(CheckQuiz(too_many, {})), "questions=too_many_questions"));
    too_many.pop_back();
    EXPECT_TRUE(CheckQuiz(too_many, {}).empty());

    QuizRules rules;
    rules.draws = {{"nobank", 2}};
    EXPECT_TRUE(Has(keys(CheckQuiz(qs, rules)), "draws[0].bank=unknown_bank"));
    rules.draws = {};
    rules.pass_percent = 101;
    rules.attempt_limit = -1;
    auto bad = keys(CheckQuiz(qs, rules));
    EXPECT_TRUE(Has(bad, "pass_percent=bad_pass_percent"));
    EXPECT_TRUE(Has(bad, "attempt_limit=bad_attempt_limit"));

    // Only banked questions and no draw: every paper would be empty.
    auto banked = qs;
    for (auto& q : banked) q.bank = "law";
    EXPECT_TRUE(Has(keys(CheckQuiz(banked, {})), "questions=empty_quiz"));
    QuizRules draw_one;
    draw_one.draws = {{"law", 1}};
    EXPECT_TRUE(CheckQuiz(banked, draw_one).empty());
}

TEST(QuizAuthoring, RulesReadBackAndRefuseNonsense) {
    auto r = QuizRulesFromJson(json::parse(
        R"({"pass_percent": 80, "attempt_limit": 3, "shuffle": false,
            "draws": [{"bank": "law", "count": 5}]})"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value().pass_percent, 80);
    EXPECT_EQ(r.value().attempt_limit, 3);
    EXPECT_FALSE(r.value().shuffle);
    ASSERT_EQ(r.value().draws.size(), 1u);
    EXPECT_EQ(r.value().draws[0].count, 5);
    auto back = QuizRulesFromJson(QuizRulesToJson(r.value()));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(QuizRulesToJson(back.value()), QuizRulesToJson(r.value()));

    auto defaults = QuizRulesFromJson(json::object());
    ASSERT_TRUE(defaults.ok());
    EXPECT_EQ(defaults.value().pass_percent, 60);
    EXPECT_EQ(defaults.value().attempt_limit, 0);

    for (const char* text :
         {R"({"pass_percent": 150})", R"({"pass_percent": "60"})", R"({"attempt_limit": 1.5})",
          R"({"attempt_limit": -2})", R"({"draws": [{"bank": "x", "count": 0}]})",
          R"({"draws": [{"bank": "a b", "count": 1}]})", R"({"draws": {}})", R"([])"}) {
        auto bad = QuizRulesFromJson(json::parse(text));
        EXPECT_FALSE(bad.ok()) << text;
        if (!bad.ok())
            for (const auto& f : bad.errors().fields)
                KeysSeen().insert(f.message.substr(std::string("learning.quiz.").size()));
    }
}

// ---------------------------------------------------------------- scoring each kind

TEST(QuizScore, SingleChoiceRightWrongAndUnanswered) {
    Question q = Q(SingleJson());
    EXPECT_EQ(Awarded(q, One("capital", {{OptionId(q, "กรุงเทพมหานคร")}, {}})), 1);
    EXPECT_EQ(Awarded(q, One("capital", {{OptionId(q, "ขอนแก่น")}, {}})), 0);
    EXPECT_EQ(Awarded(q, {}), 0);
    // Two choices for a one-choice question earn nothing, even if one is right.
    EXPECT_EQ(
        Awarded(q, One("capital", {{OptionId(q, "กรุงเทพมหานคร"), OptionId(q, "ขอนแก่น")}, {}})), 0);
    // The authored id is not what the browser was given, so it does not score.
    EXPECT_EQ(Awarded(q, One("capital", {{"b"}, {}})), 0);

    auto r = Score({q}, One("capital", {{OptionId(q, "กรุงเทพมหานคร")}, {}}), {}, kSeed);
    EXPECT_TRUE(r.questions[0].correct);
    EXPECT_EQ(r.questions[0].feedback, "ถูกต้อง กรุงเทพฯ เป็นเมืองหลวง");
    EXPECT_EQ(r.questions[0].correct_text, std::vector<std::string>{"กรุงเทพมหานคร"});
    auto wrong = Score({q}, One("capital", {{OptionId(q, "ขอนแก่น")}, {}}), {}, kSeed);
    EXPECT_FALSE(wrong.questions[0].correct);
    EXPECT_EQ(wrong.questions[0].feedback, "ลองทบทวนบทที่ 1 อีกครั้ง");
    EXPECT_EQ(wrong.questions[0].correct_text, std::vector<std::string>{"กรุงเทพมหานคร"});
}

TEST(QuizScore, AnOptionIdOfAnotherAttemptDoesNotScore) {
    Question q = Q(SingleJson());
    std::string other_attempt = OptionId(q, "กรุงเทพมหานคร", kSeed + 1);
    EXPECT_NE(other_attempt, OptionId(q, "กรุงเทพมหานคร"));
    EXPECT_EQ(Awarded(q, One("capital", {{other_attempt}, {}})), 0);
}

TEST(QuizScore, MultipleChoiceGivesPartialCreditAndPenalisesWrongTicks) {
    Question q = Q(MultipleJson());  // 2 points, 2 correct of 4
    auto cid = OptionId(q, "เลขประจำตัวประชาชน"), mail = OptionId(q, "อีเมลส่วนตัว"),
         gdp = OptionId(q, "ผลิตภัณฑ์มวลรวมของประเทศ"), rain = OptionId(q, "ปริมาณน้ำฝนเฉลี่ย");
    EXPECT_DOUBLE_EQ(Awarded(q, One("pdpa", {{cid, mail}, {}})), 2);
    EXPECT_DOUBLE_EQ(Awarded(q, One("pdpa", {{mail, cid, cid}, {}})), 2);  // a repeat is one tick
    EXPECT_DOUBLE_EQ(Awarded(q, One("pdpa", {{cid}, {}})), 1);
    EXPECT_DOUBLE_EQ(Awarded(q, One("pdpa", {{cid, mail, gdp}, {}})), 1);
    EXPECT_DOUBLE_EQ(Awarded(q, One("pdpa", {{cid, mail, gdp, rain}, {}})), 0);  // tick all
    EXPECT_DOUBLE_EQ(Awarded(q, One("pdpa", {{gdp, rain}, {}})), 0);             // not below zero
    auto partial = Score({q}, One("pdpa", {{cid}, {}}), {}, kSeed);
    EXPECT_FALSE(partial.questions[0].correct);
    EXPECT_EQ(partial.questions[0].correct_text,
              (std::vector<std::string>{"เลขประจำตัวประชาชน", "อีเมลส่วนตัว"}));
}

TEST(QuizScore, TrueFalse) {
    Question q = Q(TrueFalseJson());
    EXPECT_EQ(Awarded(q, One("tf", {{"true"}, {}})), 1);
    EXPECT_EQ(Awarded(q, One("tf", {{"false"}, {}})), 0);
    EXPECT_EQ(Awarded(q, One("tf", {{"TRUE"}, {}})), 0);
    EXPECT_EQ(Awarded(q, ParseAnswers(R"({"answers": {"tf": true}})")), 1);
    EXPECT_EQ(Awarded(q, ParseAnswers(R"({"answers": {"tf": false}})")), 0);
    auto r = Score({q}, One("tf", {{"false"}, {}}), {}, kSeed);
    EXPECT_EQ(r.questions[0].correct_text, std::vector<std::string>{"true"});
    EXPECT_EQ(r.questions[0].feedback, "");  // no feedback_wrong was written
}

TEST(QuizScore, MatchingGivesCreditPerPair) {
    Question q = Q(MatchingJson());  // 3 points, 3 pairs
    auto dga = OptionId(q, "สพร."), dopa = OptionId(q, "ปค."), tdga = OptionId(q, "TDGA");
    Answer all;
    all.matches = {{"l1", dga}, {"l2", dopa}, {"l3", tdga}};
    EXPECT_DOUBLE_EQ(Awarded(q, One("match", all)), 3);
    Answer two;
    two.matches = {{"l1", dga}, {"l2", tdga}, {"l3", tdga}};
    EXPECT_DOUBLE_EQ(Awarded(q, One("match", two)), 2);
    Answer swapped;
    swapped.matches = {{"l1", dopa}, {"l2", dga}};
    EXPECT_DOUBLE_EQ(Awarded(q, One("match", swapped)), 0);
    // A value list is not a matching answer.
    EXPECT_DOUBLE_EQ(Awarded(q, One("match", {{dga}, {}})), 0);
    auto r = Score({q}, One("match", two), {}, kSeed);
    EXPECT_FALSE(r.questions[0].correct);
    EXPECT_EQ(r.questions[0].feedback, "ดูตารางชื่อย่อท้ายบท");
    ASSERT_EQ(r.questions[0].correct_pairs.size(), 3u);
    EXPECT_EQ(r.questions[0].correct_pairs[1],
              (std::pair<std::string, std::string>{"กรมการปกครอง", "ปค."}));
}

TEST(QuizScore, MatchingWithTheSameRightTextTwiceShowsItOnceAndAcceptsIt) {
    json j = MatchingJson();
    j["pairs"][1]["right"] = "สพร.";  // two agencies with the same abbreviation (made up)
    Question q = Q(j);
    json pub = PublicQuestionJson(q, kSeed);
    EXPECT_EQ(pub["options"].size(), 2u);
    Answer a;
    a.matches = {
        {"l1", OptionId(q, "สพร.")}, {"l2", OptionId(q, "สพร.")}, {"l3", OptionId(q, "TDGA")}};
    EXPECT_DOUBLE_EQ(Awarded(q, One("match", a)), 3);
}

TEST(QuizScore, ShortAnswerComparesAfterThaiNormalisation) {
    Question q = Q(ShortJson());
    auto typed = [&](const std::string& text) { return Awarded(q, One("year", {{text}, {}})); };
    EXPECT_EQ(typed("2567"), 1);
    EXPECT_EQ(typed("๒๕๖๗"), 1);  // Thai digits
    EXPECT_EQ(typed("  2567 "), 1);
    EXPECT_EQ(typed("พ.ศ.   ๒๕๖๗"), 1);
    EXPECT_EQ(typed("พ.ศ.\u00A02567"), 1);  // no-break space
    EXPECT_EQ(typed("พ.ศ.\t\n2567"), 1);
    EXPECT_EQ(typed("25\u200B67"), 1);  // a zero-width space from a copied text
    EXPECT_EQ(typed("2566"), 0);
    EXPECT_EQ(typed("พ.ศ.2567"), 0);  // a missing space is a different answer
    EXPECT_EQ(typed(""), 0);
    EXPECT_EQ(typed("\u200B"), 0);

    // Sara am typed as nikhahit + sara aa (two keys) is the same as ำ, also with a tone mark.
    Question water = Q({{"id", "w"},
                        {"kind", "short"},
                        {"prompt", "ของเหลวใส ไม่มีสี"},
                        {"accepted", {"น้ำ", "Water"}}});
    auto w = [&](const std::string& text) { return Awarded(water, One("w", {{text}, {}})); };
    EXPECT_EQ(w("น้ำ"), 1);
    EXPECT_EQ(w("น\u0E49\u0E4D\u0E32"), 1);  // น ้ ํ า
    EXPECT_EQ(w("น\u0E4D\u0E49\u0E32"), 1);  // น ํ ้ า
    EXPECT_EQ(w("WATER"), 1);                // Latin case folded
    EXPECT_EQ(w("water "), 1);
    EXPECT_EQ(w("นำ"), 0);  // without the tone mark it is another word

    // Tone mark and sara u typed in the other order (NFC puts them in canonical order).
    Question elder =
        Q({{"id", "e"}, {"kind", "short"}, {"prompt", "คำตรงข้ามของเด็ก"}, {"accepted", {"ผู้ใหญ่"}}});
    EXPECT_EQ(Awarded(elder, One("e", {{"ผ\u0E49\u0E39ใหญ\u0E48"}, {}})), 1);

    // NFC: é as one code point or as e + combining acute.
    Question cafe =
        Q({{"id", "c"}, {"kind", "short"}, {"prompt", "ร้านกาแฟ"}, {"accepted", {"caf\u00E9"}}});
    EXPECT_EQ(Awarded(cafe, One("c", {{"cafe\u0301"}, {}})), 1);
    EXPECT_EQ(Awarded(cafe, One("c", {{"CAFE\u0301"}, {}})), 1);
    EXPECT_EQ(Awarded(cafe, One("c", {{"cafe"}, {}})), 0);

    auto r = Score({q}, One("year", {{"๒๕๖๖"}, {}}), {}, kSeed);
    EXPECT_EQ(r.questions[0].correct_text, std::vector<std::string>{"2567"});
}

TEST(QuizNormalize, WhatItFoldsAndWhatItKeeps) {
    EXPECT_EQ(NormalizeAnswerText("  ๑๒๓  ABC\u3000def\u2028 "), "123 abc def");
    EXPECT_EQ(NormalizeAnswerText("ก\u200C\u200D\u2060\uFEFF\u00ADข"), "กข");
    EXPECT_EQ(NormalizeAnswerText("ก\u0E4D\u0E32"), "กำ");
    EXPECT_EQ(NormalizeAnswerText("x²"), "x²");      // NFC, not NFKC: x² is not x2
    EXPECT_EQ(NormalizeAnswerText("\xff\xfe"), "");  // invalid UTF-8
    EXPECT_EQ(NormalizeAnswerText(""), "");
    EXPECT_EQ(NormalizeAnswerText(" \t\n"), "");
}

TEST(QuizScore, TotalsPercentAndPassMark) {
    std::vector<Question> paper;
    for (int i = 0; i < 5; ++i) {
        json j = TrueFalseJson();
        j["id"] = "t" + std::to_string(i);
        paper.push_back(Q(j));
    }
    Answers answers;
    for (int i = 0; i < 3; ++i) answers["t" + std::to_string(i)].values = {"true"};
    answers["t3"].values = {"false"};  // t4 unanswered
    QuizRules rules;                   // pass at 60
    auto r = Score(paper, answers, rules, kSeed);
    EXPECT_DOUBLE_EQ(r.total_points, 5);
    EXPECT_DOUBLE_EQ(r.awarded_points, 3);
    EXPECT_DOUBLE_EQ(r.percent, 60);
    EXPECT_TRUE(r.passed);  // 60 % is a pass at 60
    ASSERT_EQ(r.questions.size(), 5u);
    EXPECT_EQ(r.questions[4].id, "t4");
    EXPECT_EQ(r.questions[4].awarded, 0);
    answers.erase("t2");
    EXPECT_FALSE(Score(paper, answers, rules, kSeed).passed);

    // Points weigh questions: a 3-point matching question fully right on its own is 3/8.
    paper.push_back(Q(MatchingJson()));
    Question m = paper.back();
    Answers only_matching;
    only_matching["match"].matches = {
        {"l1", OptionId(m, "สพร.")}, {"l2", OptionId(m, "ปค.")}, {"l3", OptionId(m, "TDGA")}};
    auto weighted = Score(paper, only_matching, rules, kSeed);
    EXPECT_DOUBLE_EQ(weighted.percent, 37.5);
    EXPECT_FALSE(weighted.passed);
    rules.pass_percent = 0;
    EXPECT_TRUE(Score(paper, {}, rules, kSeed).passed);
    EXPECT_FALSE(Score({}, {}, rules, kSeed).passed);  // an empty paper passes nobody
}

TEST(QuizScore, AnswersToQuestionsNotInTheAttemptAreIgnored) {
    Question q = Q(TrueFalseJson());
    Answers answers = One("tf", {{"true"}, {}});
    answers["not_drawn"].values = {"true"};
    auto r = Score({q}, answers, {}, kSeed);
    ASSERT_EQ(r.questions.size(), 1u);
    EXPECT_DOUBLE_EQ(r.total_points, 1);
    EXPECT_DOUBLE_EQ(r.awarded_points, 1);
}

// ---------------------------------------------------------------- the draw

std::vector<Question> BankedQuiz() {
    std::vector<Question> qs;
    for (int i = 0; i < 3; ++i) {
        json j = TrueFalseJson();
        j["id"] = "fixed" + std::to_string(i);
        qs.push_back(Q(j));
    }
    for (int i = 0; i < 10; ++i) {
        json j = TrueFalseJson();
        j["id"] = "law" + std::to_string(i);
        j["bank"] = "law";
        qs.push_back(Q(j));
    }
    for (int i = 0; i < 2; ++i) {
        json j = TrueFalseJson();
        j["id"] = "it" + std::to_string(i);
        j["bank"] = "it";
        qs.push_back(Q(j));
    }
    json j = TrueFalseJson();
    j["id"] = "unused";
    j["bank"] = "spare";
    qs.push_back(Q(j));
    return qs;
}

size_t CountPrefix(const std::vector<std::string>& ids, const std::string& prefix) {
    return std::count_if(ids.begin(), ids.end(),
                         [&](const std::string& id) { return id.rfind(prefix, 0) == 0; });
}

TEST(QuizDraw, UnbankedAlwaysPlusCountsFromEachBank) {
    auto qs = BankedQuiz();
    QuizRules rules;
    rules.draws = {{"law", 4}, {"it", 5}};
    for (uint64_t seed = 1; seed <= 50; ++seed) {
        auto ids = DrawQuestions(qs, rules, seed);
        EXPECT_EQ(ids.size(), 3u + 4u + 2u);
        EXPECT_EQ(CountPrefix(ids, "fixed"), 3u);
        EXPECT_EQ(CountPrefix(ids, "law"), 4u);
        EXPECT_EQ(CountPrefix(ids, "it"), 2u);      // the bank has only 2
        EXPECT_EQ(CountPrefix(ids, "unused"), 0u);  // a bank no draw names is not asked
        EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
    }
    rules.draws = {{"law", 2}, {"law", 3}};  // two draws from one bank add up
    EXPECT_EQ(CountPrefix(DrawQuestions(qs, rules, 7), "law"), 5u);
}

TEST(QuizDraw, TheSameSeedGivesTheSamePaperAndSeedsDiffer) {
    auto qs = BankedQuiz();
    QuizRules rules;
    rules.draws = {{"law", 4}};
    auto paper = DrawQuestions(qs, rules, kSeed);
    EXPECT_EQ(DrawQuestions(qs, rules, kSeed), paper);
    std::set<std::vector<std::string>> papers;
    std::map<std::string, int> times_drawn;
    for (uint64_t seed = 0; seed < 200; ++seed) {
        auto ids = DrawQuestions(qs, rules, seed);
        papers.insert(ids);
        for (const auto& id : ids) ++times_drawn[id];
    }
    EXPECT_GT(papers.size(), 150u);
    // Each of the ten law questions comes up; 200 × 4/10 = 80 expected.
    for (int i = 0; i < 10; ++i) {
        int n = times_drawn["law" + std::to_string(i)];
        EXPECT_GT(n, 40) << i;
        EXPECT_LT(n, 120) << i;
    }
    // Shuffled: the fixed questions are not always first.
    std::set<std::string> first;
    for (uint64_t seed = 0; seed < 50; ++seed) first.insert(DrawQuestions(qs, rules, seed)[0]);
    EXPECT_GT(first.size(), 3u);
}

TEST(QuizDraw, WithoutShuffleTheAuthoredOrderIsKept) {
    auto qs = BankedQuiz();
    QuizRules rules;
    rules.shuffle = false;
    rules.draws = {{"it", 2}};
    EXPECT_EQ(DrawQuestions(qs, rules, kSeed),
              (std::vector<std::string>{"fixed0", "fixed1", "fixed2", "it0", "it1"}));
}

// ---------------------------------------------------------------- what the browser sees

// Every string in a JSON value (keys too), to look for key material.
void Strings(const json& j, std::set<std::string>& out) {
    if (j.is_string()) out.insert(j.get<std::string>());
    if (j.is_object())
        for (const auto& [k, v] : j.items()) {
            out.insert(k);
            Strings(v, out);
        }
    if (j.is_array())
        for (const auto& v : j) Strings(v, out);
}

TEST(QuizPublic, NoKeyCanBeReadFromWhatTheBrowserGets) {
    for (const json& authored :
         {SingleJson(), MultipleJson(), TrueFalseJson(), MatchingJson(), ShortJson()}) {
        json with_bank = authored;
        with_bank["bank"] = "secretbank";
        Question q = Q(with_bank);
        for (uint64_t seed : {kSeed, uint64_t{1}, uint64_t{0}}) {
            json pub = PublicQuestionJson(q, seed);
            std::string text = pub.dump();
            std::set<std::string> strings;
            Strings(pub, strings);
            for (const char* field : {"correct", "accepted", "feedback_correct", "feedback_wrong",
                                      "bank", "pairs", "right", "left_id"})
                EXPECT_EQ(strings.count(field), 0u) << field << " in " << text;
            // No authored choice id (the correct ones among them) is shown.
            for (const auto& c : q.choices) EXPECT_EQ(strings.count(c.id), 0u) << c.id;
            for (const auto& a : q.accepted)
                EXPECT_EQ(text.find(a), std::string::npos) << a << " in " << text;
            for (const auto& f : {q.feedback_correct, q.feedback_wrong}) {
                if (!f.empty()) {
                    EXPECT_EQ(text.find(f), std::string::npos) << f;
                }
            }
            EXPECT_EQ(text.find("secretbank"), std::string::npos);
            if (q.kind == QuestionKind::kMatching) {
                // Options have their own ids: none is a left id, and each attempt has others.
                std::set<std::string> lefts;
                for (const auto& p : q.pairs) lefts.insert(p.left_id);
                for (const auto& o : pub["options"]) {
                    EXPECT_EQ(lefts.count(o["id"].get<std::string>()), 0u);
                    // Named: a range-for over a temporary's member would dangle.
                    json next = PublicQuestionJson(q, seed + 1);
                    for (const auto& other : next["options"]) EXPECT_NE(o["id"], other["id"]);
                }
                // Options and items are separate lists, items carry no option.
                for (const auto& item : pub["items"]) EXPECT_EQ(item.size(), 2u);
            }
        }
        EXPECT_EQ(PublicQuestionJson(q, kSeed), PublicQuestionJson(q, kSeed));  // a reload
    }
}

TEST(QuizPublic, TheCorrectChoiceMovesBetweenAttempts) {
    Question q = Q(SingleJson());
    std::map<size_t, int> position;
    for (uint64_t seed = 0; seed < 90; ++seed) {
        json pub = PublicQuestionJson(q, seed);
        ASSERT_EQ(pub["choices"].size(), 3u);
        for (size_t i = 0; i < 3; ++i)
            if (pub["choices"][i]["text"] == "กรุงเทพมหานคร") ++position[i];
    }
    ASSERT_EQ(position.size(), 3u);  // seen in every place
    for (auto [pos, n] : position) EXPECT_GT(n, 15) << pos;

    // Matching options are shuffled too (the right texts are in authored order otherwise).
    Question m = Q(MatchingJson());
    std::set<std::string> orders;
    for (uint64_t seed = 0; seed < 30; ++seed) {
        std::string order;
        json pub = PublicQuestionJson(m, seed);
        for (const auto& o : pub["options"]) order += o["text"].get<std::string>() + "|";
        orders.insert(order);
    }
    EXPECT_EQ(orders.size(), 6u);  // every order of three
}

// ---------------------------------------------------------------- answers from outside

TEST(QuizAnswers, JsonOfEveryShape) {
    auto a = ParseAnswers(R"({"csrf": "x", "answers": {
        "capital": "o1", "pdpa": ["o2", "o3"], "tf": true, "match": {"l1": "o4", "l2": "o5"},
        "year": "  ๒๕๖๗ ", "skipped": null}})");
    EXPECT_EQ(a.size(), 5u);
    EXPECT_EQ(a["capital"].values, std::vector<std::string>{"o1"});
    EXPECT_EQ(a["pdpa"].values, (std::vector<std::string>{"o2", "o3"}));
    EXPECT_EQ(a["tf"].values, std::vector<std::string>{"true"});
    EXPECT_EQ(a["match"].matches.at("l2"), "o5");
    EXPECT_EQ(a["year"].values, std::vector<std::string>{"  ๒๕๖๗ "});
    EXPECT_EQ(a.count("skipped"), 0u);
    EXPECT_TRUE(ParseAnswers(R"({"answers": {}})").empty());
}

TEST(QuizAnswers, FormAndJsonScoreTheSame) {
    std::vector<Question> paper = {Q(SingleJson()), Q(MultipleJson()), Q(TrueFalseJson()),
                                   Q(MatchingJson()), Q(ShortJson())};
    const Question &s = paper[0], &m = paper[1], &match = paper[3];
    std::vector<std::pair<std::string, std::string>> form = {
        {"_csrf", "token"},
        {"q.capital", OptionId(s, "กรุงเทพมหานคร")},
        {"q.pdpa", OptionId(m, "เลขประจำตัวประชาชน")},
        {"q.pdpa", OptionId(m, "อีเมลส่วนตัว")},
        {"q.tf", "true"},
        {"q.match.l1", OptionId(match, "สพร.")},
        {"q.match.l2", OptionId(match, "ปค.")},
        {"q.match.l3", ""},  // "—" left selected
        {"q.year", "๒๕๖๗"},
    };
    Answers from_form = AnswersFromForm(form);
    EXPECT_EQ(from_form["pdpa"].values.size(), 2u);
    EXPECT_EQ(from_form["match"].matches.size(), 2u);
    EXPECT_EQ(from_form.count("_csrf"), 0u);

    json body = {{"answers",
                  {{"capital", OptionId(s, "กรุงเทพมหานคร")},
                   {"pdpa", {OptionId(m, "เลขประจำตัวประชาชน"), OptionId(m, "อีเมลส่วนตัว")}},
                   {"tf", "true"},
                   {"match", {{"l1", OptionId(match, "สพร.")}, {"l2", OptionId(match, "ปค.")}}},
                   {"year", "๒๕๖๗"}}}};
    Answers from_json = ParseAnswers(body.dump());

    auto by_form = Score(paper, from_form, {}, kSeed);
    auto by_json = Score(paper, from_json, {}, kSeed);
    // Of 1 + 2 + 1 + 3 + 1 points: everything right but one of the three pairs.
    EXPECT_DOUBLE_EQ(by_form.awarded_points, 7);
    EXPECT_DOUBLE_EQ(by_form.total_points, 8);
    EXPECT_DOUBLE_EQ(by_json.awarded_points, by_form.awarded_points);
    EXPECT_TRUE(by_form.passed);
}

std::string KeyOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const AnswersError& e) {
        std::string key = e.message().substr(std::string("learning.quiz.").size());
        KeysSeen().insert(key);
        return key;
    } catch (const core::JsonInputError&) {
        return "json";
    }
    return "accepted";
}

TEST(QuizAnswers, HostileJsonIsRefusedCleanly) {
    auto parse = [](std::string body) { return [body] { ParseAnswers(body); }; };
    std::string deep =
        R"({"answers": {"q": )" + std::string(100000, '[') + std::string(100000, ']') + "}}";
    EXPECT_EQ(KeyOf(parse(deep)), "json");
    EXPECT_EQ(KeyOf(parse(R"({"answers": {"q": [["a"]]}})")), "json");    // depth 4
    EXPECT_EQ(KeyOf(parse("{\"answers\": {\"q\": \"\xff\"}}")), "json");  // invalid UTF-8
    EXPECT_EQ(KeyOf(parse("not json")), "json");

    std::string huge = R"({"answers": {"q": [)";
    for (int i = 0; i < 100000; ++i) huge += (i ? ",\"a\"" : "\"a\"");
    huge += "]}}";
    EXPECT_EQ(KeyOf([&] { ParseAnswers(huge, huge.size()); }), "json");  // element cap
    EXPECT_EQ(KeyOf(parse(huge)), "answers_too_large");                  // 256 KiB
    std::string wide = R"({"answers": {"q": [)";
    for (int i = 0; i < 21; ++i) wide += (i ? ",\"a\"" : "\"a\"");
    wide += "]}}";
    EXPECT_EQ(KeyOf(parse(wide)), "too_many_answers");
    json many_questions;
    for (int i = 0; i <= 500; ++i) many_questions["answers"]["q" + std::to_string(i)] = "x";
    EXPECT_EQ(KeyOf(parse(many_questions.dump())), "too_many_answers");
    json many_pairs;
    for (int i = 0; i <= 20; ++i) many_pairs["answers"]["m"]["l" + std::to_string(i)] = "o";
    EXPECT_EQ(KeyOf(parse(many_pairs.dump())), "too_many_answers");

    EXPECT_EQ(KeyOf(parse(R"({"answers": {"q": 1}})")), "bad_answers");
    EXPECT_EQ(KeyOf(parse(R"({"answers": {"q": [1]}})")), "bad_answers");
    EXPECT_EQ(KeyOf(parse(R"({"answers": {"q": {"l1": 2}}})")), "bad_answers");
    EXPECT_EQ(KeyOf(parse(R"({"answers": {"q": {"l.1": "o"}}})")), "bad_answers");
    EXPECT_EQ(KeyOf(parse(R"({"answers": {"q.x": "a"}})")), "bad_answers");
    EXPECT_EQ(KeyOf(parse(R"({"answers": ["a"]})")), "bad_answers");
    EXPECT_EQ(KeyOf(parse(R"({"answer": {}})")), "bad_answers");
    EXPECT_EQ(KeyOf(parse(R"([])")), "bad_answers");
    json long_text;
    long_text["answers"]["q"] = std::string(1001, 'x');
    EXPECT_EQ(KeyOf(parse(long_text.dump())), "answer_too_long");
    long_text["answers"]["q"] = std::string(1000, 'x');
    EXPECT_EQ(KeyOf(parse(long_text.dump())), "accepted");
    EXPECT_EQ(KeyOf([] { ParseAnswers(R"({"answers": {}})", 10); }), "answers_too_large");

    // The errors are 400s (413 for the size) that never quote the input.
    try {
        ParseAnswers(R"({"answers": {"q": 12345678}})");
        ADD_FAILURE();
    } catch (const AnswersError& e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_EQ(std::string(e.what()).find("12345678"), std::string::npos);
    }
}

TEST(QuizAnswers, HostileFormsAreRefusedCleanly) {
    using Form = std::vector<std::pair<std::string, std::string>>;
    auto form = [](Form f) { return [f] { AnswersFromForm(f); }; };
    EXPECT_EQ(KeyOf(form({{"q.", "a"}})), "bad_answers");
    EXPECT_EQ(KeyOf(form({{"q.a b", "a"}})), "bad_answers");
    EXPECT_EQ(KeyOf(form({{"q.m.l1.x", "a"}})), "bad_answers");
    EXPECT_EQ(KeyOf(form({{"q.t", "\xff"}})), "bad_answers");
    EXPECT_EQ(KeyOf(form({{"q.t", std::string(1001, 'x')}})), "answer_too_long");
    EXPECT_EQ(KeyOf(form(Form(21, {"q.m", "o"}))), "too_many_answers");
    Form lefts;
    for (int i = 0; i <= 20; ++i) lefts.push_back({"q.m.l" + std::to_string(i), "o"});
    EXPECT_EQ(KeyOf(form(lefts)), "too_many_answers");
    Form questions;
    for (int i = 0; i <= 500; ++i) questions.push_back({"q.q" + std::to_string(i), "o"});
    EXPECT_EQ(KeyOf(form(questions)), "too_many_answers");
    EXPECT_EQ(KeyOf(form({{"other", std::string(5000, 'x')}, {"q.t", ""}})), "accepted");
}

// ---------------------------------------------------------------- attempts

TEST(QuizAttempts, LimitCountsAttemptsUsed) {
    QuizRules unlimited;
    EXPECT_TRUE(AttemptAllowed(unlimited, 0));
    EXPECT_TRUE(AttemptAllowed(unlimited, 10000));
    QuizRules two;
    two.attempt_limit = 2;
    EXPECT_TRUE(AttemptAllowed(two, 0));
    EXPECT_TRUE(AttemptAllowed(two, 1));
    EXPECT_FALSE(AttemptAllowed(two, 2));
    EXPECT_FALSE(AttemptAllowed(two, 3));
}

// ---------------------------------------------------------------- messages

// Runs last in this file (gtest keeps the order of definition): the keys the tests above met
// must all be listed, and every listed key needs Thai and English text.
TEST(QuizMessages, EveryKeyHasThaiAndEnglishText) {
    for (const auto& key : KeysSeen()) EXPECT_EQ(kAllKeys.count(key), 1u) << key;
    std::ifstream file(std::string(GOVHUB_SOURCE_DIR) + "/I18N_quiz.json");
    if (!file) {  // merged into web/i18n
        for (const auto& key : kAllKeys) {
            EXPECT_NE(core::English("learning.quiz." + key), "learning.quiz." + key);
            EXPECT_NE(core::TestStrings().Localize("th", "learning.quiz." + key),
                      "learning.quiz." + key);
        }
        return;
    }
    std::stringstream text;
    text << file.rdbuf();
    json strings = json::parse(text.str());
    for (const char* lang : {"th", "en"}) {
        EXPECT_EQ(strings[lang].size(), kAllKeys.size()) << lang;
        for (const auto& key : kAllKeys) {
            auto it = strings[lang].find("learning.quiz." + key);
            ASSERT_NE(it, strings[lang].end()) << lang << " " << key;
            EXPECT_FALSE(it->get<std::string>().empty());
        }
    }
}

}  // namespace
}  // namespace govhub::learning

// A learner's quiz answers (learning/quiz.hpp) and an author's question: the same bytes go
//   1. as a JSON body to ParseAnswers, then Score against a fixed paper of every kind;
//   2. as form fields, one "name=value" a line, to AnswersFromForm, then Score;
//   3. through the bounded JSON reader to QuestionFromJson: a question it accepts must store and
//      read back unchanged, and its public form must carry no key;
//   4. to NormalizeAnswerText, whose output keeps its promises (one space between words, no
//      Thai digits or zero-width characters, valid UTF-8).
// Refusals are HttpErrors (AnswersError, core::JsonInputError). A score outside 0..points, a
// percent outside 0..100 or a key in the public question is a finding.
#include <cmath>

#include "core/error.hpp"
#include "core/json_reader.hpp"
#include "core/strings.hpp"
#include "fuzz_target.hpp"
#include "learning/quiz.hpp"

namespace {

namespace lq = govhub::learning;

// The seed the option ids in the seed corpus were made with (the same hash as quiz.cpp).
constexpr uint64_t kSeed = 42;

const std::vector<lq::Question>& Paper() {
    static const std::vector<lq::Question> paper = [] {
        const char* texts[] = {
            R"({"id":"single","kind":"single","prompt":"เมืองหลวง","choices":[{"id":"a","text":"เชียงใหม่"},{"id":"b","text":"กรุงเทพมหานคร"}],"correct":["b"],"feedback_correct":"ถูก"})",
            R"({"id":"multi","kind":"multiple","prompt":"ข้อมูลส่วนบุคคล","points":2,"choices":[{"id":"a","text":"เลขประจำตัวประชาชน"},{"id":"b","text":"อีเมล"},{"id":"c","text":"GDP"}],"correct":["a","b"]})",
            R"({"id":"tf","kind":"truefalse","prompt":"บัตรแบบเก่าไม่มีเลขหลังบัตร","correct":["true"]})",
            R"({"id":"match","kind":"matching","prompt":"จับคู่","points":3,"pairs":[{"left_id":"l1","left":"สำนักงานพัฒนารัฐบาลดิจิทัล","right":"สพร."},{"left_id":"l2","left":"กรมการปกครอง","right":"ปค."},{"left_id":"l3","left":"อื่น ๆ","right":"สพร."}]})",
            R"({"id":"short","kind":"short","prompt":"ปี พ.ศ.","accepted":["2567","น้ำ"]})",
        };
        std::vector<lq::Question> out;
        for (const char* t : texts) {
            auto q = lq::QuestionFromJson(nlohmann::json::parse(t));
            if (!q.ok()) __builtin_trap();
            out.push_back(q.value());
        }
        return out;
    }();
    return paper;
}

void CheckScore(const lq::Answers& answers) {
    lq::QuizRules rules;
    auto r = lq::Score(Paper(), answers, rules, kSeed);
    if (r.questions.size() != Paper().size()) __builtin_trap();
    for (const auto& q : r.questions)
        if (!(q.awarded >= 0 && q.awarded <= q.points + 1e-9)) __builtin_trap();
    if (!(r.percent >= 0 && r.percent <= 100 + 1e-9)) __builtin_trap();
    if (r.passed != (r.percent + 1e-9 >= rules.pass_percent)) __builtin_trap();
}

void CheckNormalized(std::string_view in) {
    std::string out = lq::NormalizeAnswerText(in);
    if (!govhub::core::IsValidUtf8(out)) __builtin_trap();
    if (!out.empty() && (out.front() == ' ' || out.back() == ' ')) __builtin_trap();
    if (out.find("  ") != std::string::npos) __builtin_trap();
    for (const char* banned : {"\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF", "\u00AD", "\t",
                               "\n", "\u00A0", "\u0E50", "\u0E59", "\u0E4D\u0E32"})
        if (out.find(banned) != std::string::npos) __builtin_trap();
}

}  // namespace

GOVHUB_FUZZ_TARGET(quiz_answers) {
    auto text = govhub::fuzz::AsText(data, size);

    try {
        CheckScore(lq::ParseAnswers(text));
    } catch (const govhub::HttpError&) {
    }

    std::vector<std::pair<std::string, std::string>> form;
    for (auto line : govhub::fuzz::Fields(text, 64)) {
        auto eq = line.find('=');
        if (eq == std::string_view::npos)
            form.emplace_back(std::string(line), "");
        else
            form.emplace_back(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)));
    }
    try {
        CheckScore(lq::AnswersFromForm(form));
    } catch (const govhub::HttpError&) {
    }

    try {
        auto j = govhub::core::ParseJsonBoundedOrDiscarded(text);
        if (!j.is_discarded()) {
            auto q = lq::QuestionFromJson(j);
            if (q.ok()) {
                auto stored = lq::QuestionToJson(q.value());
                auto back = lq::QuestionFromJson(stored);
                if (!back.ok() || lq::QuestionToJson(back.value()) != stored) __builtin_trap();
                auto pub = lq::PublicQuestionJson(q.value(), kSeed);
                for (const char* key :
                     {"correct", "accepted", "pairs", "feedback_correct", "feedback_wrong", "bank"})
                    if (pub.contains(key)) __builtin_trap();
                for (const auto& c : q.value().choices)
                    for (const auto& shown : pub.value("choices", nlohmann::json::array()))
                        if (shown["id"] == c.id) __builtin_trap();
            }
        }
    } catch (const govhub::HttpError&) {
    }

    CheckNormalized(text.substr(0, 4096));
}

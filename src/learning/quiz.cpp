#include "learning/quiz.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <set>
#include <stdexcept>

#include "core/crypto.hpp"
#include "core/json_reader.hpp"
#include "core/strings.hpp"

namespace govhub::learning {

namespace {

constexpr std::string_view kKey = "learning.quiz.";

std::string Key(std::string_view name) {
    return std::string(kKey) + std::string(name);
}

// Ids appear in form field names (q.<id>.<left id>), so they hold no dot and nothing to escape.
bool IsId(std::string_view s) {
    if (s.empty() || s.size() > kMaxIdBytes) return false;
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
    return true;
}

// ---------------------------------------------------------------- seeded randomness

// The seed as 8 little-endian bytes, the prefix of every keyed hash below.
std::string SeedBytes(uint64_t seed) {
    std::string s(8, '\0');
    for (int i = 0; i < 8; ++i) s[i] = static_cast<char>((seed >> (8 * i)) & 0xff);
    return s;
}

// SHA-256 of the secret seed followed by the parts (each ended by NUL, so ("ab","c") and
// ("a","bc") differ). Without the seed, its output says nothing about the parts.
std::string KeyedHex(uint64_t seed, std::initializer_list<std::string_view> parts) {
    std::string data = SeedBytes(seed);
    for (auto p : parts) {
        data.append(p);
        data.push_back('\0');
    }
    return core::Sha256Hex(data);
}

// SplitMix64 with our own bounded draw and Fisher–Yates: std::shuffle and the standard
// distributions differ between library versions, and an attempt must show the same paper after
// an upgrade.
class Rng {
  public:
    explicit Rng(uint64_t state) : state_(state) {}
    Rng(uint64_t seed, std::string_view purpose, std::string_view id) {
        state_ = std::stoull(KeyedHex(seed, {purpose, id}).substr(0, 16), nullptr, 16);
    }
    uint64_t Next() {
        uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    // Uniform in [0, n), n > 0 (rejection sampling, no modulo bias).
    size_t Below(size_t n) {
        uint64_t bound = static_cast<uint64_t>(n);
        uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
        uint64_t r;
        do r = Next();
        while (r >= limit);
        return static_cast<size_t>(r % bound);
    }
    template <class T>
    void Shuffle(std::vector<T>& v) {
        for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[Below(i)]);
    }

  private:
    uint64_t state_ = 0;
};

std::string ChoiceOptionId(uint64_t seed, const Question& q, const Choice& c) {
    return "o" + KeyedHex(seed, {"choice", q.id, c.id}).substr(0, 12);
}

// Matching options are named by their (normalised) text, so two pairs with the same right-hand
// text share one option and either match counts.
std::string RightOptionId(uint64_t seed, const Question& q, const std::string& normalized_right) {
    return "o" + KeyedHex(seed, {"right", q.id, normalized_right}).substr(0, 12);
}

// ---------------------------------------------------------------- authoring checks

class Checker {
  public:
    explicit Checker(Errors& errors) : errors_(errors) {}

    void Add(const std::string& field, std::string_view key) { errors_.Add(field, Key(key)); }

    // A string field: absent or null → ""; present but not a string → wrong_type (nullopt).
    std::optional<std::string> String(const nlohmann::json& j, const char* name,
                                      const std::string& field) {
        auto it = j.find(name);
        if (it == j.end() || it->is_null()) return std::string();
        if (!it->is_string()) {
            Add(field, "wrong_type");
            return std::nullopt;
        }
        return it->get<std::string>();
    }

    // Plain text: valid UTF-8, no control characters (line breaks only when multiline), not
    // blank when required, at most max_chars code points. Returns whether it passed.
    bool Text(const std::string& value, const std::string& field, size_t max_chars, bool multiline,
              std::string_view required_key, std::string_view too_long_key) {
        if (!core::IsValidUtf8(value) || core::HasStrayControls(value, multiline)) {
            Add(field, "bad_text");
            return false;
        }
        // Blank also when only zero-width characters are there: nothing a learner could see.
        if (!required_key.empty() && NormalizeAnswerText(value).empty()) {
            Add(field, required_key);
            return false;
        }
        if (core::Utf8Length(value) > max_chars) {
            Add(field, too_long_key);
            return false;
        }
        return true;
    }

    const nlohmann::json* Array(const nlohmann::json& j, const char* name) {
        auto it = j.find(name);
        if (it == j.end() || it->is_null()) return &kEmptyArray();
        if (!it->is_array()) {
            Add(name, "wrong_type");
            return nullptr;
        }
        return &*it;
    }

  private:
    static const nlohmann::json& kEmptyArray() {
        static const nlohmann::json empty = nlohmann::json::array();
        return empty;
    }
    Errors& errors_;
};

std::string Indexed(const char* name, size_t i, const char* member = nullptr) {
    std::string s = std::string(name) + "[" + std::to_string(i) + "]";
    if (member) s += std::string(".") + member;
    return s;
}

void ReadChoices(const nlohmann::json& j, Question& q, Checker& check) {
    const nlohmann::json* choices = check.Array(j, "choices");
    if (!choices) return;
    if (choices->size() < 2) check.Add("choices", "too_few_choices");
    if (choices->size() > kMaxChoices) {
        check.Add("choices", "too_many_choices");
        return;
    }
    std::set<std::string> ids;
    for (size_t i = 0; i < choices->size(); ++i) {
        const auto& c = (*choices)[i];
        if (!c.is_object()) {
            check.Add(Indexed("choices", i), "wrong_type");
            continue;
        }
        Choice choice;
        auto id = check.String(c, "id", Indexed("choices", i, "id"));
        auto text = check.String(c, "text", Indexed("choices", i, "text"));
        if (id) {
            if (!IsId(*id))
                check.Add(Indexed("choices", i, "id"), "bad_id");
            else if (!ids.insert(*id).second)
                check.Add(Indexed("choices", i, "id"), "duplicate_id");
            choice.id = *id;
        }
        if (text) {
            check.Text(*text, Indexed("choices", i, "text"), kMaxTextChars, false, "text_required",
                       "text_too_long");
            choice.text = *text;
        }
        q.choices.push_back(std::move(choice));
    }
    const nlohmann::json* correct = check.Array(j, "correct");
    if (!correct) return;
    if (correct->empty()) {
        check.Add("correct", "no_correct");
        return;
    }
    if (q.kind == QuestionKind::kSingle && correct->size() > 1)
        check.Add("correct", "single_several_correct");
    std::set<std::string> seen;
    for (size_t i = 0; i < correct->size() && i < kMaxChoices + 1; ++i) {
        const auto& c = (*correct)[i];
        if (!c.is_string()) {
            check.Add(Indexed("correct", i), "wrong_type");
            continue;
        }
        auto id = c.get<std::string>();
        if (!ids.count(id))
            check.Add(Indexed("correct", i), "correct_unknown");
        else if (!seen.insert(id).second)
            check.Add(Indexed("correct", i), "duplicate_id");
        q.correct.push_back(std::move(id));
    }
}

void ReadTrueFalse(const nlohmann::json& j, Question& q, Checker& check) {
    const nlohmann::json* correct = check.Array(j, "correct");
    if (!correct) return;
    if (correct->empty()) {
        check.Add("correct", "no_correct");
        return;
    }
    if (correct->size() != 1 || !(*correct)[0].is_string() ||
        ((*correct)[0] != "true" && (*correct)[0] != "false")) {
        check.Add("correct", "truefalse_correct");
        return;
    }
    q.correct = {(*correct)[0].get<std::string>()};
}

void ReadPairs(const nlohmann::json& j, Question& q, Checker& check) {
    const nlohmann::json* pairs = check.Array(j, "pairs");
    if (!pairs) return;
    if (pairs->size() < 2) check.Add("pairs", "too_few_pairs");
    if (pairs->size() > kMaxPairs) {
        check.Add("pairs", "too_many_pairs");
        return;
    }
    std::set<std::string> ids;
    for (size_t i = 0; i < pairs->size(); ++i) {
        const auto& p = (*pairs)[i];
        if (!p.is_object()) {
            check.Add(Indexed("pairs", i), "wrong_type");
            continue;
        }
        MatchPair pair;
        if (auto id = check.String(p, "left_id", Indexed("pairs", i, "left_id"))) {
            if (!IsId(*id))
                check.Add(Indexed("pairs", i, "left_id"), "bad_id");
            else if (!ids.insert(*id).second)
                check.Add(Indexed("pairs", i, "left_id"), "duplicate_id");
            pair.left_id = *id;
        }
        for (auto [name, dest] : {std::pair{"left", &pair.left}, std::pair{"right", &pair.right}}) {
            if (auto text = check.String(p, name, Indexed("pairs", i, name))) {
                check.Text(*text, Indexed("pairs", i, name), kMaxTextChars, false, "text_required",
                           "text_too_long");
                *dest = *text;
            }
        }
        q.pairs.push_back(std::move(pair));
    }
}

void ReadAccepted(const nlohmann::json& j, Question& q, Checker& check) {
    const nlohmann::json* accepted = check.Array(j, "accepted");
    if (!accepted) return;
    if (accepted->empty()) check.Add("accepted", "no_accepted");
    if (accepted->size() > kMaxAccepted) {
        check.Add("accepted", "too_many_accepted");
        return;
    }
    for (size_t i = 0; i < accepted->size(); ++i) {
        const auto& a = (*accepted)[i];
        if (!a.is_string()) {
            check.Add(Indexed("accepted", i), "wrong_type");
            continue;
        }
        auto text = a.get<std::string>();
        check.Text(text, Indexed("accepted", i), kMaxTextChars, false, "text_required",
                   "text_too_long");
        q.accepted.push_back(std::move(text));
    }
}

}  // namespace

// ---------------------------------------------------------------- authoring

Result<Question> QuestionFromJson(const nlohmann::json& j) {
    Errors errors;
    Checker check(errors);
    if (!j.is_object()) {
        check.Add("", "not_object");
        return errors;
    }
    Question q;
    if (auto id = check.String(j, "id", "id")) {
        if (!IsId(*id)) check.Add("id", "bad_id");
        q.id = *id;
    }
    std::optional<QuestionKind> kind;
    if (auto text = check.String(j, "kind", "kind")) {
        kind = kQuestionKindText.Parse(*text);
        if (!kind) check.Add("kind", "bad_kind");
    }
    if (auto prompt = check.String(j, "prompt", "prompt")) {
        check.Text(*prompt, "prompt", kMaxPromptChars, true, "prompt_required", "prompt_too_long");
        q.prompt = *prompt;
    }
    if (auto it = j.find("points"); it != j.end() && !it->is_null()) {
        if (!it->is_number()) {
            check.Add("points", "wrong_type");
        } else {
            q.points = it->get<double>();
            if (!std::isfinite(q.points) || q.points <= 0 || q.points > kMaxPoints)
                check.Add("points", "bad_points");
        }
    }
    for (auto [name, dest] : {std::pair{"feedback_correct", &q.feedback_correct},
                              std::pair{"feedback_wrong", &q.feedback_wrong}}) {
        if (auto text = check.String(j, name, name)) {
            check.Text(*text, name, kMaxFeedbackChars, true, "", "feedback_too_long");
            *dest = *text;
        }
    }
    if (auto bank = check.String(j, "bank", "bank")) {
        if (!bank->empty() && !IsId(*bank)) check.Add("bank", "bad_bank");
        q.bank = *bank;
    }
    if (kind) {
        q.kind = *kind;
        switch (*kind) {
            case QuestionKind::kSingle:
            case QuestionKind::kMultiple:
                ReadChoices(j, q, check);
                break;
            case QuestionKind::kTrueFalse:
                ReadTrueFalse(j, q, check);
                break;
            case QuestionKind::kMatching:
                ReadPairs(j, q, check);
                break;
            case QuestionKind::kShortAnswer:
                ReadAccepted(j, q, check);
                break;
        }
    }
    if (!errors.empty()) return errors;
    return q;
}

nlohmann::json QuestionToJson(const Question& q) {
    nlohmann::json j = {{"id", q.id},
                        {"kind", std::string(kQuestionKindText.Name(q.kind))},
                        {"prompt", q.prompt},
                        {"points", q.points}};
    switch (q.kind) {
        case QuestionKind::kSingle:
        case QuestionKind::kMultiple: {
            auto& choices = j["choices"] = nlohmann::json::array();
            for (const auto& c : q.choices) choices.push_back({{"id", c.id}, {"text", c.text}});
            j["correct"] = q.correct;
            break;
        }
        case QuestionKind::kTrueFalse:
            j["correct"] = q.correct;
            break;
        case QuestionKind::kMatching: {
            auto& pairs = j["pairs"] = nlohmann::json::array();
            for (const auto& p : q.pairs)
                pairs.push_back({{"left_id", p.left_id}, {"left", p.left}, {"right", p.right}});
            break;
        }
        case QuestionKind::kShortAnswer:
            j["accepted"] = q.accepted;
            break;
    }
    if (!q.feedback_correct.empty()) j["feedback_correct"] = q.feedback_correct;
    if (!q.feedback_wrong.empty()) j["feedback_wrong"] = q.feedback_wrong;
    if (!q.bank.empty()) j["bank"] = q.bank;
    return j;
}

namespace {

void CheckRules(const QuizRules& rules, Errors& errors) {
    if (!std::isfinite(rules.pass_percent) || rules.pass_percent < 0 || rules.pass_percent > 100)
        errors.Add("pass_percent", Key("bad_pass_percent"));
    if (rules.attempt_limit < 0 || rules.attempt_limit > kMaxAttemptLimit)
        errors.Add("attempt_limit", Key("bad_attempt_limit"));
    if (rules.draws.size() > kMaxDraws) {
        errors.Add("draws", Key("too_many_draws"));
        return;
    }
    for (size_t i = 0; i < rules.draws.size(); ++i) {
        if (!IsId(rules.draws[i].bank)) errors.Add(Indexed("draws", i, "bank"), Key("bad_bank"));
        if (rules.draws[i].count < 1 || rules.draws[i].count > static_cast<int>(kMaxQuestions))
            errors.Add(Indexed("draws", i, "count"), Key("bad_draw_count"));
    }
}

}  // namespace

std::vector<FieldError> CheckQuiz(const std::vector<Question>& questions, const QuizRules& rules) {
    Errors errors;
    if (questions.size() > kMaxQuestions) errors.Add("questions", Key("too_many_questions"));
    std::set<std::string> ids;
    std::map<std::string, size_t> bank_sizes;
    size_t unbanked = 0;
    for (size_t i = 0; i < questions.size(); ++i) {
        if (!ids.insert(questions[i].id).second)
            errors.Add(Indexed("questions", i, "id"), Key("duplicate_question"));
        if (questions[i].bank.empty())
            ++unbanked;
        else
            ++bank_sizes[questions[i].bank];
    }
    CheckRules(rules, errors);
    size_t drawn = 0;
    for (size_t i = 0; i < rules.draws.size() && i < kMaxDraws; ++i) {
        auto it = bank_sizes.find(rules.draws[i].bank);
        if (it == bank_sizes.end()) {
            if (IsId(rules.draws[i].bank))
                errors.Add(Indexed("draws", i, "bank"), Key("unknown_bank"));
        } else if (rules.draws[i].count > 0) {
            drawn += static_cast<size_t>(rules.draws[i].count);
        }
    }
    if (unbanked + drawn == 0) errors.Add("questions", Key("empty_quiz"));
    return std::move(errors.fields);
}

Result<QuizRules> QuizRulesFromJson(const nlohmann::json& j) {
    Errors errors;
    if (!j.is_object()) {
        errors.Add("", Key("not_object"));
        return errors;
    }
    QuizRules rules;
    if (auto it = j.find("pass_percent"); it != j.end()) {
        if (it->is_number())
            rules.pass_percent = it->get<double>();
        else
            errors.Add("pass_percent", Key("wrong_type"));
    }
    if (auto it = j.find("attempt_limit"); it != j.end()) {
        if (it->is_number_integer() && it->get<int64_t>() >= 0 &&
            it->get<int64_t>() <= kMaxAttemptLimit)
            rules.attempt_limit = static_cast<int>(it->get<int64_t>());
        else if (it->is_number())
            errors.Add("attempt_limit", Key("bad_attempt_limit"));
        else
            errors.Add("attempt_limit", Key("wrong_type"));
    }
    if (auto it = j.find("shuffle"); it != j.end()) {
        if (it->is_boolean())
            rules.shuffle = it->get<bool>();
        else
            errors.Add("shuffle", Key("wrong_type"));
    }
    if (auto it = j.find("draws"); it != j.end()) {
        if (!it->is_array()) {
            errors.Add("draws", Key("wrong_type"));
        } else if (it->size() > kMaxDraws) {
            errors.Add("draws", Key("too_many_draws"));
        } else {
            for (size_t i = 0; i < it->size(); ++i) {
                const auto& d = (*it)[i];
                BankDraw draw;
                if (!d.is_object() || !d.contains("bank") || !d["bank"].is_string()) {
                    errors.Add(Indexed("draws", i, "bank"), Key("bad_bank"));
                    continue;
                }
                draw.bank = d["bank"].get<std::string>();
                auto count = d.find("count");
                if (count == d.end() || !count->is_number_integer() || count->get<int64_t>() < 1 ||
                    count->get<int64_t>() > static_cast<int64_t>(kMaxQuestions)) {
                    errors.Add(Indexed("draws", i, "count"), Key("bad_draw_count"));
                    continue;
                }
                draw.count = static_cast<int>(count->get<int64_t>());
                rules.draws.push_back(std::move(draw));
            }
        }
    }
    if (errors.empty()) CheckRules(rules, errors);
    if (!errors.empty()) return errors;
    return rules;
}

nlohmann::json QuizRulesToJson(const QuizRules& rules) {
    auto draws = nlohmann::json::array();
    for (const auto& d : rules.draws) draws.push_back({{"bank", d.bank}, {"count", d.count}});
    return {{"pass_percent", rules.pass_percent},
            {"attempt_limit", rules.attempt_limit},
            {"draws", std::move(draws)},
            {"shuffle", rules.shuffle}};
}

// ---------------------------------------------------------------- the paper

std::vector<std::string> DrawQuestions(const std::vector<Question>& questions,
                                       const QuizRules& rules, uint64_t seed) {
    std::vector<bool> chosen(questions.size(), false);
    for (size_t i = 0; i < questions.size(); ++i) chosen[i] = questions[i].bank.empty();
    // Counts per bank, in the order the banks are first named, so the draw does not depend on
    // how a map orders them.
    std::vector<std::pair<std::string, size_t>> wanted;
    for (const auto& d : rules.draws) {
        if (d.count <= 0) continue;
        auto it = std::find_if(wanted.begin(), wanted.end(),
                               [&](const auto& w) { return w.first == d.bank; });
        if (it == wanted.end())
            wanted.emplace_back(d.bank, static_cast<size_t>(d.count));
        else
            it->second += static_cast<size_t>(d.count);
    }
    for (const auto& [bank, count] : wanted) {
        std::vector<size_t> pool;
        for (size_t i = 0; i < questions.size(); ++i)
            if (questions[i].bank == bank) pool.push_back(i);
        Rng rng(seed, "bank", bank);
        // A partial Fisher–Yates: the first `take` places are a uniform sample.
        size_t take = std::min(count, pool.size());
        for (size_t i = 0; i < take; ++i) {
            std::swap(pool[i], pool[i + rng.Below(pool.size() - i)]);
            chosen[pool[i]] = true;
        }
    }
    std::vector<std::string> ids;
    for (size_t i = 0; i < questions.size(); ++i)
        if (chosen[i]) ids.push_back(questions[i].id);
    if (rules.shuffle) Rng(seed, "order", "").Shuffle(ids);
    return ids;
}

nlohmann::json PublicQuestionJson(const Question& q, uint64_t seed) {
    nlohmann::json j = {{"id", q.id},
                        {"kind", std::string(kQuestionKindText.Name(q.kind))},
                        {"prompt", q.prompt},
                        {"points", q.points}};
    if (q.kind == QuestionKind::kSingle || q.kind == QuestionKind::kMultiple) {
        std::vector<const Choice*> order;
        for (const auto& c : q.choices) order.push_back(&c);
        Rng(seed, "choices", q.id).Shuffle(order);
        auto& choices = j["choices"] = nlohmann::json::array();
        for (const Choice* c : order)
            choices.push_back({{"id", ChoiceOptionId(seed, q, *c)}, {"text", c->text}});
    } else if (q.kind == QuestionKind::kMatching) {
        auto& items = j["items"] = nlohmann::json::array();
        std::vector<std::pair<std::string, const std::string*>> options;  // normalised, shown
        std::set<std::string> seen;
        for (const auto& p : q.pairs) {
            items.push_back({{"id", p.left_id}, {"text", p.left}});
            std::string norm = NormalizeAnswerText(p.right);
            if (seen.insert(norm).second) options.emplace_back(std::move(norm), &p.right);
        }
        Rng(seed, "options", q.id).Shuffle(options);
        auto& out = j["options"] = nlohmann::json::array();
        for (const auto& [norm, text] : options)
            out.push_back({{"id", RightOptionId(seed, q, norm)}, {"text", *text}});
    }
    return j;
}

// ---------------------------------------------------------------- answers

namespace {

void CheckValue(std::string_view value) {
    if (!core::IsValidUtf8(value)) throw AnswersError(400, Key("bad_answers"));
    if (value.size() > 4 * kMaxAnswerValueChars || core::Utf8Length(value) > kMaxAnswerValueChars)
        throw AnswersError(400, Key("answer_too_long"));
}

void CheckId(std::string_view id) {
    if (!IsId(id)) throw AnswersError(400, Key("bad_answers"));
}

}  // namespace

Answers ParseAnswers(std::string_view json_body, size_t max_bytes) {
    if (json_body.size() > max_bytes) throw AnswersError(413, Key("answers_too_large"));
    // Depth 3 is the body, "answers" and one matching object; the element cap is what the
    // largest legal paper needs (500 questions × 21 values) with room for a few other fields.
    core::JsonLimits limits;
    limits.max_depth = 3;
    limits.max_elements = kMaxQuestions * (kMaxPairs + 1) * 2;
    nlohmann::json body = core::ParseJsonBounded(json_body, limits);
    if (!body.is_object()) throw AnswersError(400, Key("bad_answers"));
    auto it = body.find("answers");
    if (it == body.end() || !it->is_object()) throw AnswersError(400, Key("bad_answers"));
    if (it->size() > kMaxQuestions) throw AnswersError(400, Key("too_many_answers"));
    Answers answers;
    for (const auto& [qid, value] : it->items()) {
        CheckId(qid);
        Answer a;
        if (value.is_null()) continue;
        if (value.is_string()) {
            CheckValue(value.get_ref<const std::string&>());
            a.values.push_back(value.get<std::string>());
        } else if (value.is_boolean()) {
            a.values.push_back(value.get<bool>() ? "true" : "false");
        } else if (value.is_array()) {
            if (value.size() > kMaxChoices) throw AnswersError(400, Key("too_many_answers"));
            for (const auto& v : value) {
                if (!v.is_string()) throw AnswersError(400, Key("bad_answers"));
                CheckValue(v.get_ref<const std::string&>());
                a.values.push_back(v.get<std::string>());
            }
        } else if (value.is_object()) {
            if (value.size() > kMaxPairs) throw AnswersError(400, Key("too_many_answers"));
            for (const auto& [left, option] : value.items()) {
                CheckId(left);
                if (!option.is_string()) throw AnswersError(400, Key("bad_answers"));
                CheckValue(option.get_ref<const std::string&>());
                a.matches[left] = option.get<std::string>();
            }
        } else {
            throw AnswersError(400, Key("bad_answers"));  // numbers: no kind is answered so
        }
        answers[qid] = std::move(a);
    }
    return answers;
}

Answers AnswersFromForm(const std::vector<std::pair<std::string, std::string>>& fields) {
    Answers answers;
    for (const auto& [name, value] : fields) {
        if (!core::StartsWith(name, "q.")) continue;
        std::string_view rest = std::string_view(name).substr(2);
        std::string_view qid = rest, left;
        if (auto dot = rest.find('.'); dot != std::string_view::npos) {
            qid = rest.substr(0, dot);
            left = rest.substr(dot + 1);
            CheckId(left);
        }
        CheckId(qid);
        CheckValue(value);
        if (value.empty()) continue;  // the "—" of a select, an empty text box
        auto found = answers.find(std::string(qid));
        if (found == answers.end()) {
            if (answers.size() >= kMaxQuestions) throw AnswersError(400, Key("too_many_answers"));
            found = answers.emplace(std::string(qid), Answer{}).first;
        }
        Answer& a = found->second;
        if (left.empty()) {
            if (a.values.size() >= kMaxChoices) throw AnswersError(400, Key("too_many_answers"));
            a.values.push_back(value);
        } else {
            if (a.matches.size() >= kMaxPairs && !a.matches.count(std::string(left)))
                throw AnswersError(400, Key("too_many_answers"));
            a.matches[std::string(left)] = value;
        }
    }
    return answers;
}

namespace {

const icu::Normalizer2& Nfc() {
    static const icu::Normalizer2* n = [] {
        UErrorCode status = U_ZERO_ERROR;
        const icu::Normalizer2* inst = icu::Normalizer2::getNFCInstance(status);
        if (U_FAILURE(status)) throw std::runtime_error("ICU NFC unavailable");
        return inst;
    }();
    return *n;
}

bool IsZeroWidth(UChar32 c) {
    return c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0xFEFF || c == 0x00AD;
}

}  // namespace

// NFC and not the search analyzer's NFKC_Casefold (search::NormalizeWord): compatibility
// folding would make "x²" the same answer as "x2". What the two share — ํา read as ำ — is redone
// here on the whole text.
std::string NormalizeAnswerText(std::string_view text) {
    if (text.empty() || !core::IsValidUtf8(text)) return {};
    icu::UnicodeString in = icu::UnicodeString::fromUTF8(
        icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
    icu::UnicodeString mapped;
    for (int32_t i = 0; i < in.length();) {
        UChar32 c = in.char32At(i);
        i += U16_LENGTH(c);
        if (IsZeroWidth(c)) continue;
        if (c >= 0x0E50 && c <= 0x0E59) c = '0' + (c - 0x0E50);  // ๐–๙
        mapped.append(c);
    }
    UErrorCode status = U_ZERO_ERROR;
    icu::UnicodeString s = Nfc().normalize(mapped, status);
    if (U_FAILURE(status)) return {};
    s.foldCase();
    s = Nfc().normalize(s, status);  // folding can leave text that is no longer NFC
    if (U_FAILURE(status)) return {};
    // NIKHAHIT + SARA AA is how ำ looks when typed in two keys (and what NFKC makes of it),
    // also with the tone mark typed between them.
    s.findAndReplace(icu::UnicodeString(u"\u0E4D\u0E32"), icu::UnicodeString(u"\u0E33"));
    for (char16_t tone = 0x0E48; tone <= 0x0E4B; ++tone) {
        const char16_t from[] = {0x0E4D, tone, 0x0E32, 0};
        const char16_t to[] = {tone, 0x0E33, 0};
        s.findAndReplace(icu::UnicodeString(from), icu::UnicodeString(to));
    }
    icu::UnicodeString out;
    bool space = false;
    for (int32_t i = 0; i < s.length();) {
        UChar32 c = s.char32At(i);
        i += U16_LENGTH(c);
        if (u_isUWhiteSpace(c)) {
            space = true;
            continue;
        }
        if (space && !out.isEmpty()) out.append(static_cast<UChar32>(' '));
        space = false;
        out.append(c);
    }
    std::string result;
    out.toUTF8String(result);
    return result;
}

// ---------------------------------------------------------------- scoring

namespace {

// The fraction (0–1) of a question's points an answer earns.
double Fraction(const Question& q, const Answer& a, uint64_t seed) {
    switch (q.kind) {
        case QuestionKind::kSingle: {
            if (a.values.size() != 1 || !a.matches.empty()) return 0;
            for (const auto& c : q.choices)
                if (ChoiceOptionId(seed, q, c) == a.values[0])
                    return std::count(q.correct.begin(), q.correct.end(), c.id) ? 1 : 0;
            return 0;
        }
        case QuestionKind::kMultiple: {
            if (!a.matches.empty() || q.correct.empty()) return 0;
            std::set<std::string> ticked(a.values.begin(), a.values.end());
            int right = 0, wrong = 0;
            for (const auto& c : q.choices) {
                if (!ticked.count(ChoiceOptionId(seed, q, c))) continue;
                if (std::count(q.correct.begin(), q.correct.end(), c.id))
                    ++right;
                else
                    ++wrong;
            }
            double k = static_cast<double>(q.correct.size());
            return std::clamp((right - wrong) / k, 0.0, 1.0);
        }
        case QuestionKind::kTrueFalse:
            return a.values.size() == 1 && a.matches.empty() && q.correct.size() == 1 &&
                           a.values[0] == q.correct[0]
                       ? 1
                       : 0;
        case QuestionKind::kMatching: {
            if (!a.values.empty() || q.pairs.empty()) return 0;
            size_t right = 0;
            for (const auto& p : q.pairs) {
                auto it = a.matches.find(p.left_id);
                if (it != a.matches.end() &&
                    it->second == RightOptionId(seed, q, NormalizeAnswerText(p.right)))
                    ++right;
            }
            return static_cast<double>(right) / static_cast<double>(q.pairs.size());
        }
        case QuestionKind::kShortAnswer: {
            if (a.values.size() != 1 || !a.matches.empty()) return 0;
            std::string typed = NormalizeAnswerText(a.values[0]);
            if (typed.empty()) return 0;
            for (const auto& accepted : q.accepted)
                if (NormalizeAnswerText(accepted) == typed) return 1;
            return 0;
        }
    }
    return 0;
}

}  // namespace

QuizResult Score(const std::vector<Question>& drawn_in_order, const Answers& answers,
                 const QuizRules& rules, uint64_t seed) {
    QuizResult result;
    for (const auto& q : drawn_in_order) {
        QuestionResult r;
        r.id = q.id;
        r.points = q.points;
        auto it = answers.find(q.id);
        double fraction = it == answers.end() ? 0 : Fraction(q, it->second, seed);
        r.awarded = q.points * fraction;
        r.correct = fraction >= 1.0 - 1e-9;
        r.feedback = r.correct ? q.feedback_correct : q.feedback_wrong;
        switch (q.kind) {
            case QuestionKind::kSingle:
            case QuestionKind::kMultiple:
                for (const auto& c : q.choices)
                    if (std::count(q.correct.begin(), q.correct.end(), c.id))
                        r.correct_text.push_back(c.text);
                break;
            case QuestionKind::kTrueFalse:
                r.correct_text = q.correct;
                break;
            case QuestionKind::kMatching:
                for (const auto& p : q.pairs) r.correct_pairs.emplace_back(p.left, p.right);
                break;
            case QuestionKind::kShortAnswer:
                if (!q.accepted.empty()) r.correct_text.push_back(q.accepted[0]);
                break;
        }
        result.total_points += r.points;
        result.awarded_points += r.awarded;
        result.questions.push_back(std::move(r));
    }
    if (result.total_points > 0)
        result.percent = 100.0 * result.awarded_points / result.total_points;
    result.passed = result.total_points > 0 && result.percent + 1e-9 >= rules.pass_percent;
    return result;
}

bool AttemptAllowed(const QuizRules& rules, int attempts_used) {
    return rules.attempt_limit <= 0 || attempts_used < rules.attempt_limit;
}

}  // namespace govhub::learning

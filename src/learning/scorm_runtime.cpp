#include "learning/scorm_runtime.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>

#include "core/error.hpp"
#include "core/json_reader.hpp"
#include "core/strings.hpp"

namespace govhub::learning {

namespace {

bool Is12(ScormVersion v) {
    return v == ScormVersion::k12;
}

// ------------------------------------------------------------------ error codes

int TooLongCode(ScormVersion v) {
    return Is12(v) ? 405 : 407;
}
int RangeCode(ScormVersion v) {
    return Is12(v) ? 405 : 407;
}
int TypeCode(ScormVersion v) {
    return Is12(v) ? 405 : 406;
}
int IndexCode(ScormVersion v) {
    return Is12(v) ? 201 : 351;
}
int DependencyCode(ScormVersion v) {
    return Is12(v) ? 201 : 408;
}
int StorageCode(ScormVersion v) {
    return Is12(v) ? 101 : 351;
}

// ------------------------------------------------------------------ small parsers

bool IsDigit(char c) {
    return c >= '0' && c <= '9';
}

bool AllDigits(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return IsDigit(c); });
}

// n digits exactly at s[pos], value ≤ max.
std::optional<int> FixedDigits(std::string_view s, size_t pos, size_t n, int max) {
    if (pos + n > s.size()) return std::nullopt;
    int v = 0;
    for (size_t i = 0; i < n; ++i) {
        if (!IsDigit(s[pos + i])) return std::nullopt;
        v = v * 10 + (s[pos + i] - '0');
    }
    if (v > max) return std::nullopt;
    return v;
}

// A SCORM decimal: optional '-', up to 10 integer digits, optionally '.' and up to 18 fraction
// digits, at least one digit ("5.", ".5" as scorm-again's 1.2 pattern allows).
std::optional<double> ParseDecimal(std::string_view s) {
    size_t i = 0;
    if (i < s.size() && s[i] == '-') ++i;
    size_t int_start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    size_t int_digits = i - int_start;
    size_t frac_digits = 0;
    if (i < s.size() && s[i] == '.') {
        ++i;
        size_t frac_start = i;
        while (i < s.size() && IsDigit(s[i])) ++i;
        frac_digits = i - frac_start;
    }
    if (i != s.size() || int_digits > 10 || frac_digits > 18 || int_digits + frac_digits == 0)
        return std::nullopt;
    std::string text;
    if (s[0] == '-') text.push_back('-');
    if (int_digits == 0) text.push_back('0');
    text.append(s.substr(s[0] == '-' ? 1 : 0));
    if (text.back() == '.') text.pop_back();
    double v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return v;
}

// Up to 9 digits then, when `fraction_ok`, '.' and 1–2 digits; advances pos.
std::optional<double> DurationNumber(std::string_view s, size_t& pos, bool fraction_ok,
                                     bool* had_fraction = nullptr) {
    size_t start = pos;
    while (pos < s.size() && IsDigit(s[pos])) ++pos;
    size_t digits = pos - start;
    if (digits == 0 || digits > 9) return std::nullopt;
    double v = 0;
    for (size_t i = start; i < pos; ++i) v = v * 10 + (s[i] - '0');
    if (fraction_ok && pos < s.size() && s[pos] == '.') {
        ++pos;
        size_t fstart = pos;
        while (pos < s.size() && IsDigit(s[pos])) ++pos;
        size_t fdigits = pos - fstart;
        if (fdigits < 1 || fdigits > 2) return std::nullopt;
        if (had_fraction) *had_fraction = true;
        double scale = 0.1;
        for (size_t i = fstart; i < pos; ++i, scale /= 10) v += (s[i] - '0') * scale;
    }
    return v;
}

// 2004 timestamp: YYYY[-MM[-DD[Thh[:mm[:ss[.s{1,6}]]][TZD]]]], year 1970–9999; TZD is Z or
// ±hh[:mm]. A superset of scorm-again's pattern (which wants a fraction before a TZD).
bool IsIsoTimestamp(std::string_view s) {
    auto year = FixedDigits(s, 0, 4, 9999);
    if (!year || *year < 1970) return false;
    size_t p = 4;
    if (p == s.size()) return true;
    auto two = [&](char sep, int min, int max) {
        if (p >= s.size() || s[p] != sep) return false;
        auto v = FixedDigits(s, p + 1, 2, max);
        if (!v || *v < min) return false;
        p += 3;
        return true;
    };
    if (!two('-', 1, 12)) return false;
    if (p == s.size()) return true;
    if (!two('-', 1, 31)) return false;
    if (p == s.size()) return true;
    if (!two('T', 0, 23)) return false;
    if (p < s.size() && s[p] == ':') {
        if (!two(':', 0, 59)) return false;
        if (p < s.size() && s[p] == ':') {
            if (!two(':', 0, 59)) return false;
            if (p < s.size() && s[p] == '.') {
                size_t start = ++p;
                while (p < s.size() && IsDigit(s[p])) ++p;
                if (p - start < 1 || p - start > 6) return false;
            }
        }
    }
    if (p == s.size()) return true;
    if (s[p] == 'Z') return p + 1 == s.size();
    if (s[p] != '+' && s[p] != '-') return false;
    auto hh = FixedDigits(s, p + 1, 2, 23);
    if (!hh) return false;
    p += 3;
    if (p == s.size()) return true;
    return two(':', 0, 59) && p == s.size();
}

// 1.2 CMITime: HH:MM:SS(.S{1,2})?, a time of day.
bool IsScorm12Time(std::string_view s) {
    if (s.size() < 8 || !FixedDigits(s, 0, 2, 23) || s[2] != ':' || !FixedDigits(s, 3, 2, 59) ||
        s[5] != ':' || !FixedDigits(s, 6, 2, 59))
        return false;
    if (s.size() == 8) return true;
    return s[8] == '.' && s.size() >= 10 && s.size() <= 11 && AllDigits(s.substr(9));
}

bool OneOf(std::string_view v, std::initializer_list<std::string_view> words) {
    return std::find(words.begin(), words.end(), v) != words.end();
}

size_t Chars(std::string_view s) {
    return core::Utf8Length(s);
}

// The shortest text that reads back as the same double ("85", "0.9").
std::string FormatNumber(double v) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    if (ec != std::errc()) return "0";
    return std::string(buf, end);
}

// ------------------------------------------------------------------ element names

// What a kept element is. Scalars by name; interactions by index and field.
enum class Field {
    kLessonStatus,  // 1.2
    kCompletionStatus,
    kSuccessStatus,
    kLocation,
    kExit,
    kSessionTime,
    kSuspendData,
    kScoreRaw,
    kScoreMin,
    kScoreMax,
    kScoreScaled,
    kProgressMeasure,
    kInteraction,
};

enum class IField {
    kId,
    kType,
    kTimestamp,
    kWeighting,
    kResponse,
    kResult,
    kLatency,
    kDescription,
    kPattern,
};

struct ElementRef {
    Field field;
    IField ifield = IField::kId;
    size_t index = 0;    // interaction n
    size_t pattern = 0;  // correct_responses m
};

// A decimal index without leading zeros, at most 9 digits; consumes up to the next '.'.
std::optional<size_t> TakeIndex(std::string_view& rest) {
    size_t dot = rest.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    auto digits = rest.substr(0, dot);
    if (digits.empty() || digits.size() > 9 || !AllDigits(digits) ||
        (digits.size() > 1 && digits[0] == '0'))
        return std::nullopt;
    size_t v = 0;
    for (char c : digits) v = v * 10 + static_cast<size_t>(c - '0');
    rest.remove_prefix(dot + 1);
    return v;
}

std::optional<ElementRef> Recognise(std::string_view name, ScormVersion v) {
    static const std::map<std::string_view, Field> k12 = {
        {"cmi.core.lesson_status", Field::kLessonStatus},
        {"cmi.core.lesson_location", Field::kLocation},
        {"cmi.core.exit", Field::kExit},
        {"cmi.core.session_time", Field::kSessionTime},
        {"cmi.core.score.raw", Field::kScoreRaw},
        {"cmi.core.score.min", Field::kScoreMin},
        {"cmi.core.score.max", Field::kScoreMax},
        {"cmi.suspend_data", Field::kSuspendData},
    };
    static const std::map<std::string_view, Field> k2004 = {
        {"cmi.completion_status", Field::kCompletionStatus},
        {"cmi.success_status", Field::kSuccessStatus},
        {"cmi.location", Field::kLocation},
        {"cmi.exit", Field::kExit},
        {"cmi.session_time", Field::kSessionTime},
        {"cmi.score.raw", Field::kScoreRaw},
        {"cmi.score.min", Field::kScoreMin},
        {"cmi.score.max", Field::kScoreMax},
        {"cmi.score.scaled", Field::kScoreScaled},
        {"cmi.progress_measure", Field::kProgressMeasure},
        {"cmi.suspend_data", Field::kSuspendData},
    };
    const auto& scalars = Is12(v) ? k12 : k2004;
    if (auto it = scalars.find(name); it != scalars.end()) return ElementRef{it->second};

    constexpr std::string_view kPrefix = "cmi.interactions.";
    if (!core::StartsWith(name, kPrefix)) return std::nullopt;
    std::string_view rest = name.substr(kPrefix.size());
    auto index = TakeIndex(rest);
    if (!index) return std::nullopt;  // _count, _children, malformed: not ours
    ElementRef ref{Field::kInteraction};
    ref.index = *index;
    constexpr std::string_view kPatterns = "correct_responses.";
    if (core::StartsWith(rest, kPatterns)) {
        rest.remove_prefix(kPatterns.size());
        auto m = TakeIndex(rest);
        if (!m || rest != "pattern") return std::nullopt;
        ref.ifield = IField::kPattern;
        ref.pattern = *m;
        return ref;
    }
    static const std::map<std::string_view, IField> f12 = {
        {"id", IField::kId},
        {"type", IField::kType},
        {"time", IField::kTimestamp},
        {"weighting", IField::kWeighting},
        {"student_response", IField::kResponse},
        {"result", IField::kResult},
        {"latency", IField::kLatency},
    };
    static const std::map<std::string_view, IField> f2004 = {
        {"id", IField::kId},
        {"type", IField::kType},
        {"timestamp", IField::kTimestamp},
        {"weighting", IField::kWeighting},
        {"learner_response", IField::kResponse},
        {"result", IField::kResult},
        {"latency", IField::kLatency},
        {"description", IField::kDescription},
    };
    const auto& fields = Is12(v) ? f12 : f2004;
    auto it = fields.find(rest);
    if (it == fields.end()) return std::nullopt;  // objectives.n.id and the like: not kept
    ref.ifield = it->second;
    return ref;
}

// ------------------------------------------------------------------ validation

class Checker {
  public:
    Checker(ScormVersion v, std::vector<CmiError>& errors) : v_(v), errors_(errors) {}

    void Fail(std::string_view element, int code, std::string message) {
        errors_.push_back({std::string(element), code, std::move(message)});
    }

    bool MaxChars(std::string_view element, std::string_view value, size_t max) {
        if (Chars(value) <= max) return true;
        Fail(element, TooLongCode(v_),
             "longer than " + std::to_string(max) + " characters (refused, not truncated)");
        return false;
    }

    bool Vocabulary(std::string_view element, std::string_view value,
                    std::initializer_list<std::string_view> words) {
        if (OneOf(value, words)) return true;
        Fail(element, TypeCode(v_), "not a value of this element's vocabulary");
        return false;
    }

    // "" is unset; else a decimal within [min, max] when given.
    bool Number(std::string_view element, std::string_view value, std::optional<double>& out,
                std::optional<double> min = std::nullopt,
                std::optional<double> max = std::nullopt) {
        if (value.empty()) {
            out.reset();
            return true;
        }
        auto d = ParseDecimal(value);
        if (!d) {
            Fail(element, TypeCode(v_), "not a decimal number");
            return false;
        }
        if ((min && *d < *min) || (max && *d > *max)) {
            Fail(element, RangeCode(v_), "out of range");
            return false;
        }
        out = *d;
        return true;
    }

    bool Duration(std::string_view element, std::string_view value, double* out = nullptr) {
        auto d = Is12(v_) ? ParseScorm12Timespan(value) : ParseIsoDuration(value);
        if (!d) {
            Fail(element, TypeCode(v_),
                 Is12(v_) ? "not a CMITimespan (HHHH:MM:SS.SS)"
                          : "not an ISO 8601 duration (PT1H30M45.5S)");
            return false;
        }
        if (out) *out = *d;
        return true;
    }

  private:
    ScormVersion v_;
    std::vector<CmiError>& errors_;
};

void ApplyInteractionField(Checker& check, ScormVersion v, CmiInteraction& it, IField f,
                           std::string_view element, const std::string& value) {
    switch (f) {
        case IField::kId:
            if (value.empty()) {
                check.Fail(element, TypeCode(v), "an interaction id may not be empty");
                return;
            }
            if (!check.MaxChars(element, value, Is12(v) ? 255 : 4000)) return;
            it.id = value;
            return;
        case IField::kType:
            if (!value.empty()) {
                bool ok = Is12(v)
                              ? check.Vocabulary(element, value,
                                                 {"true-false", "choice", "fill-in", "matching",
                                                  "performance", "sequencing", "likert", "numeric"})
                              : check.Vocabulary(
                                    element, value,
                                    {"true-false", "choice", "fill-in", "long-fill-in", "matching",
                                     "performance", "sequencing", "likert", "numeric", "other"});
                if (!ok) return;
            }
            it.type = value;
            return;
        case IField::kTimestamp:
            if (!value.empty() && !(Is12(v) ? IsScorm12Time(value) : IsIsoTimestamp(value))) {
                check.Fail(element, TypeCode(v),
                           Is12(v) ? "not a CMITime (HH:MM:SS)" : "not an ISO 8601 timestamp");
                return;
            }
            it.timestamp = value;
            return;
        case IField::kWeighting: {
            std::optional<double> unused;
            if (!check.Number(element, value, unused)) return;
            it.weighting = value;
            return;
        }
        case IField::kResponse:
            if (!check.MaxChars(element, value, kMaxInteractionText)) return;
            it.learner_response = value;
            return;
        case IField::kResult:
            if (!value.empty() &&
                !OneOf(value,
                       Is12(v)
                           ? std::initializer_list<std::string_view>{"correct", "wrong",
                                                                     "unanticipated", "neutral"}
                           : std::initializer_list<std::string_view>{"correct", "incorrect",
                                                                     "unanticipated", "neutral"}) &&
                !ParseDecimal(value)) {
                check.Fail(element, TypeCode(v), "not a result of this element's vocabulary");
                return;
            }
            it.result = value;
            return;
        case IField::kLatency:
            if (!value.empty() && !check.Duration(element, value)) return;
            it.latency = value;
            return;
        case IField::kDescription: {
            // An optional {lang=xx} delimiter, not counted.
            std::string_view text = value;
            if (core::StartsWith(text, "{lang=")) {
                size_t close = text.find('}');
                if (close != std::string_view::npos && close <= 70) text.remove_prefix(close + 1);
            }
            if (!check.MaxChars(element, text, kMaxDescription)) return;
            it.description = value;
            return;
        }
        case IField::kPattern:
            return;  // handled by the caller (it needs the index)
    }
}

// ------------------------------------------------------------------ JSON helpers

void PutOptional(nlohmann::json& j, const char* key, const std::optional<double>& v) {
    if (v) j[key] = *v;
}

std::optional<double> GetOptional(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number()) return std::nullopt;
    double d = it->get<double>();
    if (!std::isfinite(d)) return std::nullopt;
    return d;
}

std::string GetString(const nlohmann::json& j, const char* key, std::string fallback) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return fallback;
    return it->get<std::string>();
}

}  // namespace

// ------------------------------------------------------------------ time

std::optional<double> ParseScorm12Timespan(std::string_view s) {
    size_t colon = s.find(':');
    if (colon == std::string_view::npos || colon < 1 || colon > 4 || !AllDigits(s.substr(0, colon)))
        return std::nullopt;
    auto rest = s.substr(colon);  // ":MM:SS(.SS)"
    if (rest.size() < 6 || rest[0] != ':' || rest[3] != ':') return std::nullopt;
    auto mm = FixedDigits(rest, 1, 2, 59);
    auto ss = FixedDigits(rest, 4, 2, 59);
    if (!mm || !ss) return std::nullopt;
    double frac = 0;
    if (rest.size() > 6) {
        auto f = rest.substr(6);
        if (f[0] != '.' || f.size() < 2 || f.size() > 3 || !AllDigits(f.substr(1)))
            return std::nullopt;
        frac = (f[1] - '0') / 10.0 + (f.size() == 3 ? (f[2] - '0') / 100.0 : 0);
    }
    double hours = 0;
    for (char c : s.substr(0, colon)) hours = hours * 10 + (c - '0');
    return hours * 3600 + *mm * 60 + *ss + frac;
}

std::optional<double> ParseIsoDuration(std::string_view s) {
    if (s.size() < 3 || s.size() > 64 || s[0] != 'P') return std::nullopt;
    size_t p = 1;
    double total = 0;
    bool any = false;
    // Date part: Y, M, D in this order, each at most once.
    const std::pair<char, double> date_units[] = {
        {'Y', 365 * 86400.0}, {'M', 30 * 86400.0}, {'D', 86400.0}};
    size_t next_unit = 0;
    while (p < s.size() && s[p] != 'T') {
        auto n = DurationNumber(s, p, false);
        if (!n || p >= s.size()) return std::nullopt;
        char unit = s[p++];
        while (next_unit < 3 && date_units[next_unit].first != unit) ++next_unit;
        if (next_unit == 3) return std::nullopt;
        total += *n * date_units[next_unit++].second;
        any = true;
    }
    if (p < s.size()) {  // 'T'
        ++p;
        if (p == s.size()) return std::nullopt;  // T with nothing after it
        const std::pair<char, double> time_units[] = {{'H', 3600.0}, {'M', 60.0}, {'S', 1.0}};
        next_unit = 0;
        while (p < s.size()) {
            bool fractional = false;
            auto n = DurationNumber(s, p, true, &fractional);
            if (!n || p >= s.size()) return std::nullopt;
            char unit = s[p++];
            while (next_unit < 3 && time_units[next_unit].first != unit) ++next_unit;
            if (next_unit == 3) return std::nullopt;
            if (fractional && unit != 'S') return std::nullopt;  // only seconds have a fraction
            total += *n * time_units[next_unit++].second;
            any = true;
        }
    }
    if (!any) return std::nullopt;
    return total;
}

std::string FormatTotalTime(double seconds, ScormVersion version) {
    if (!std::isfinite(seconds) || seconds < 0) seconds = 0;
    // Whole hundredths, so 59.999 s rolls over into a minute instead of printing "60.00".
    constexpr double kMaxCs = (9999.0 * 3600 + 59 * 60 + 59) * 100 + 99;
    double cs_d = std::round(seconds * 100);
    if (Is12(version) && cs_d > kMaxCs) cs_d = kMaxCs;
    if (cs_d > 9e15) cs_d = 9e15;
    auto cs = static_cast<int64_t>(cs_d);
    int64_t hours = cs / 360000;
    int64_t minutes = cs / 6000 % 60;
    int64_t secs = cs / 100 % 60;
    int64_t hundredths = cs % 100;
    char buf[96];
    if (Is12(version)) {
        std::snprintf(buf, sizeof buf, "%04lld:%02lld:%02lld.%02lld", static_cast<long long>(hours),
                      static_cast<long long>(minutes), static_cast<long long>(secs),
                      static_cast<long long>(hundredths));
        return buf;
    }
    std::string out = "PT";
    if (hours) out += std::to_string(hours) + "H";
    if (minutes) out += std::to_string(minutes) + "M";
    if (secs || hundredths || out == "PT") {
        out += std::to_string(secs);
        if (hundredths) {
            std::snprintf(buf, sizeof buf, ".%02lld", static_cast<long long>(hundredths));
            std::string f = buf;
            while (f.back() == '0') f.pop_back();
            out += f;
        }
        out += "S";
    }
    return out;
}

// ------------------------------------------------------------------ storage

std::string CmiState::ToJson() const {
    nlohmann::json j;
    j["version"] = std::string(ScormVersionText(version));
    j["completion_status"] = completion_status;
    j["success_status"] = success_status;
    j["lesson_status"] = lesson_status;
    PutOptional(j, "score_raw", score_raw);
    PutOptional(j, "score_min", score_min);
    PutOptional(j, "score_max", score_max);
    PutOptional(j, "score_scaled", score_scaled);
    PutOptional(j, "progress_measure", progress_measure);
    j["location"] = location;
    j["suspend_data"] = suspend_data;
    j["exit"] = exit;
    j["entry"] = entry;
    j["total_seconds"] = total_seconds;
    j["session_seconds"] = session_seconds;
    j["last_seq"] = last_seq;
    auto list = nlohmann::json::array();
    for (const auto& it : interactions) {
        list.push_back({{"id", it.id},
                        {"type", it.type},
                        {"timestamp", it.timestamp},
                        {"weighting", it.weighting},
                        {"learner_response", it.learner_response},
                        {"result", it.result},
                        {"latency", it.latency},
                        {"description", it.description},
                        {"correct_responses", it.correct_responses}});
    }
    j["interactions"] = std::move(list);
    return j.dump();
}

CmiState CmiState::FromJson(std::string_view text, ScormVersion version) {
    auto j = core::ParseJsonBounded(text);
    CmiState s;
    s.version = version;
    if (!j.is_object()) return s;
    s.completion_status = GetString(j, "completion_status", s.completion_status);
    s.success_status = GetString(j, "success_status", s.success_status);
    s.lesson_status = GetString(j, "lesson_status", s.lesson_status);
    s.score_raw = GetOptional(j, "score_raw");
    s.score_min = GetOptional(j, "score_min");
    s.score_max = GetOptional(j, "score_max");
    s.score_scaled = GetOptional(j, "score_scaled");
    s.progress_measure = GetOptional(j, "progress_measure");
    s.location = GetString(j, "location", "");
    s.suspend_data = GetString(j, "suspend_data", "");
    s.exit = GetString(j, "exit", "");
    s.entry = GetString(j, "entry", s.entry);
    s.total_seconds = GetOptional(j, "total_seconds").value_or(0);
    s.session_seconds = GetOptional(j, "session_seconds").value_or(0);
    if (auto it = j.find("last_seq"); it != j.end() && it->is_number_integer())
        s.last_seq = it->get<int64_t>();
    if (auto list = j.find("interactions"); list != j.end() && list->is_array()) {
        for (const auto& e : *list) {
            if (!e.is_object()) continue;
            CmiInteraction it;
            it.id = GetString(e, "id", "");
            it.type = GetString(e, "type", "");
            it.timestamp = GetString(e, "timestamp", "");
            it.weighting = GetString(e, "weighting", "");
            it.learner_response = GetString(e, "learner_response", "");
            it.result = GetString(e, "result", "");
            it.latency = GetString(e, "latency", "");
            it.description = GetString(e, "description", "");
            if (auto p = e.find("correct_responses"); p != e.end() && p->is_array())
                for (const auto& pattern : *p)
                    if (pattern.is_string()) it.correct_responses.push_back(pattern);
            s.interactions.push_back(std::move(it));
        }
    }
    return s;
}

// ------------------------------------------------------------------ commit

CommitRequest ParseCommit(std::string_view body, ScormVersion version, const CmiLimits& limits) {
    if (body.size() > limits.body_max)
        throw HttpError(413, "payload_too_large", "SCORM commit body too large");
    core::JsonLimits json_limits;
    json_limits.max_depth = 3;
    json_limits.max_elements = kMaxCommitElements + 8;
    auto j = core::ParseJsonBounded(body, json_limits);
    if (!j.is_object()) throw HttpError::BadRequest("A SCORM commit is a JSON object");

    CommitRequest req;
    auto seq = j.find("seq");
    if (seq == j.end() || !seq->is_number_integer())
        throw HttpError::BadRequest("A SCORM commit needs an integer seq");
    if (seq->is_number_unsigned()) {
        if (seq->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            throw HttpError::BadRequest("seq out of range");
        req.seq = static_cast<int64_t>(seq->get<uint64_t>());
    } else {
        req.seq = seq->get<int64_t>();
    }
    if (req.seq <= 0) throw HttpError::BadRequest("seq must be positive");

    if (auto t = j.find("terminate"); t != j.end()) {
        if (!t->is_boolean()) throw HttpError::BadRequest("terminate must be true or false");
        req.terminate = t->get<bool>();
    }
    auto cmi = j.find("cmi");
    if (cmi == j.end() || !cmi->is_object())
        throw HttpError::BadRequest("A SCORM commit needs a cmi object");
    if (cmi->size() > kMaxCommitElements)
        throw HttpError::BadRequest("Too many elements in one SCORM commit");
    for (const auto& [name, value] : cmi->items()) {
        if (name.size() > kMaxElementName)
            throw HttpError::BadRequest("A data model element name is too long");
        if (!value.is_string())
            throw HttpError::BadRequest("Data model values are strings: " + name);
        if (Recognise(name, version))
            req.elements.emplace_back(name, value.get<std::string>());
        else
            ++req.ignored;
    }
    return req;
}

CommitResult ApplyCommit(CmiState& state, const CommitRequest& commit, const ScoRules& rules,
                         const CmiLimits& limits) {
    CommitResult result;
    if (commit.seq <= state.last_seq) {
        result.stale = true;
        return result;
    }
    const ScormVersion v = state.version;
    CmiState next = state;
    Checker check(v, result.errors);
    std::optional<double> session;

    // Interactions are applied by ascending index (and pattern index) whatever the body's key
    // order: JSON objects have none that survives every parser, and "10" sorts before "2".
    struct Pending {
        size_t index, pattern;
        bool is_pattern;
        const std::string* name;
        const std::string* value;
        IField field;
    };
    std::vector<Pending> pending;

    for (const auto& [name, value] : commit.elements) {
        auto ref = Recognise(name, v);
        if (!ref) continue;
        switch (ref->field) {
            case Field::kLessonStatus:
                if (check.Vocabulary(name, value,
                                     {"passed", "completed", "failed", "incomplete", "browsed",
                                      "not attempted"}))
                    next.lesson_status = value;
                break;
            case Field::kCompletionStatus:
                if (check.Vocabulary(name, value,
                                     {"completed", "incomplete", "not attempted", "unknown"}))
                    next.completion_status = value;
                break;
            case Field::kSuccessStatus:
                if (check.Vocabulary(name, value, {"passed", "failed", "unknown"}))
                    next.success_status = value;
                break;
            case Field::kLocation:
                if (check.MaxChars(name, value,
                                   Is12(v) ? limits.location_max_12 : limits.location_max_2004))
                    next.location = value;
                break;
            case Field::kExit: {
                bool ok = Is12(v)
                              ? check.Vocabulary(name, value, {"time-out", "suspend", "logout", ""})
                              : check.Vocabulary(name, value,
                                                 {"time-out", "suspend", "logout", "normal", ""});
                if (ok) next.exit = value;
                break;
            }
            case Field::kSessionTime: {
                double seconds = 0;
                if (check.Duration(name, value, &seconds)) session = seconds;
                break;
            }
            case Field::kSuspendData:
                if (check.MaxChars(name, value, limits.suspend_data_max)) next.suspend_data = value;
                break;
            case Field::kScoreRaw:
            case Field::kScoreMin:
            case Field::kScoreMax: {
                auto& slot = ref->field == Field::kScoreRaw   ? next.score_raw
                             : ref->field == Field::kScoreMin ? next.score_min
                                                              : next.score_max;
                // 1.2 scores are on a 0–100 scale (RTE 3.4.2.2.2); 2004 raw/min/max are any real.
                if (Is12(v))
                    check.Number(name, value, slot, 0.0, 100.0);
                else
                    check.Number(name, value, slot);
                break;
            }
            case Field::kScoreScaled:
                check.Number(name, value, next.score_scaled, -1.0, 1.0);
                break;
            case Field::kProgressMeasure:
                check.Number(name, value, next.progress_measure, 0.0, 1.0);
                break;
            case Field::kInteraction:
                pending.push_back({ref->index, ref->pattern, ref->ifield == IField::kPattern, &name,
                                   &value, ref->ifield});
                break;
        }
    }

    std::stable_sort(pending.begin(), pending.end(), [](const Pending& a, const Pending& b) {
        // Within an interaction: id first (a new one needs it), then fields, then patterns.
        auto rank = [](const Pending& p) {
            return p.is_pattern ? 2 : p.field == IField::kId ? 0 : 1;
        };
        return std::make_tuple(a.index, rank(a), a.pattern) <
               std::make_tuple(b.index, rank(b), b.pattern);
    });
    for (size_t i = 0; i < pending.size();) {
        size_t index = pending[i].index;
        size_t end = i;
        while (end < pending.size() && pending[end].index == index) ++end;
        const std::string& first_name = *pending[i].name;
        if (index >= limits.interactions_max) {
            check.Fail(first_name, IndexCode(v),
                       "at most " + std::to_string(limits.interactions_max) + " interactions");
            i = end;
            continue;
        }
        if (index > next.interactions.size()) {
            check.Fail(first_name, IndexCode(v), "interactions are numbered without gaps");
            i = end;
            continue;
        }
        if (index == next.interactions.size()) {
            if (pending[i].is_pattern || pending[i].field != IField::kId) {
                check.Fail(first_name, DependencyCode(v),
                           "a new interaction needs its id in the same commit");
                i = end;
                continue;
            }
            next.interactions.emplace_back();
        }
        CmiInteraction& it = next.interactions[index];
        for (; i < end; ++i) {
            const Pending& p = pending[i];
            if (!p.is_pattern) {
                ApplyInteractionField(check, v, it, p.field, *p.name, *p.value);
                continue;
            }
            if (p.pattern >= kMaxPatterns) {
                check.Fail(*p.name, IndexCode(v),
                           "at most " + std::to_string(kMaxPatterns) + " correct responses");
                continue;
            }
            if (p.pattern > it.correct_responses.size()) {
                check.Fail(*p.name, IndexCode(v), "correct responses are numbered without gaps");
                continue;
            }
            if (!check.MaxChars(*p.name, *p.value, kMaxInteractionText)) continue;
            if (p.pattern == it.correct_responses.size())
                it.correct_responses.push_back(*p.value);
            else
                it.correct_responses[p.pattern] = *p.value;
        }
    }

    if (!result.errors.empty()) return result;

    // Time: the session's latest report, added once when it ends.
    if (session) next.session_seconds = *session;
    if (commit.terminate) {
        next.total_seconds += next.session_seconds;
        next.session_seconds = 0;
    }
    next.entry = next.exit == "suspend" ? "resume" : "";

    if (Is12(v)) {
        if (rules.mastery_score && next.score_raw &&
            OneOf(next.lesson_status, {"completed", "passed", "failed"}))
            next.lesson_status = *next.score_raw >= *rules.mastery_score ? "passed" : "failed";
    } else {
        if (rules.completion_threshold) {
            if (!next.progress_measure)
                next.completion_status = "unknown";
            else
                next.completion_status = *next.progress_measure >= *rules.completion_threshold
                                             ? "completed"
                                             : "incomplete";
        }
        if (rules.scaled_passing_score) {
            if (!next.score_scaled)
                next.success_status = "unknown";
            else
                next.success_status =
                    *next.score_scaled >= *rules.scaled_passing_score ? "passed" : "failed";
        }
    }
    next.last_seq = commit.seq;

    if (next.ToJson().size() > limits.state_max) {
        check.Fail("cmi", StorageCode(v), "the attempt's data would exceed what govhub keeps");
        return result;
    }
    state = std::move(next);
    result.applied = true;
    return result;
}

int64_t BeginSession(CmiState& state, int64_t now_ms) {
    state.total_seconds += state.session_seconds;
    state.session_seconds = 0;
    constexpr int64_t kMaxMs = 9'000'000'000'000;  // year 2255; keeps now_ms * 1000 in range
    int64_t clock_seq = std::clamp<int64_t>(now_ms, 0, kMaxMs) * 1000;
    if (state.last_seq > clock_seq + kFrozenSeqAhead) state.last_seq = clock_seq - 1;
    int64_t start =
        std::max(state.last_seq < std::numeric_limits<int64_t>::max() - 1 ? state.last_seq + 1
                                                                          : state.last_seq,
                 clock_seq);
    state.last_seq = start - 1;
    return start;
}

// ------------------------------------------------------------------ progress

bool ScoDone(const CmiState& s) {
    if (Is12(s.version)) return s.lesson_status == "passed" || s.lesson_status == "completed";
    if (s.success_status == "passed") return true;
    return s.completion_status == "completed" && s.success_status != "failed";
}

std::optional<double> ScoScorePercent(const CmiState& s) {
    std::optional<double> pct;
    if (!Is12(s.version) && s.score_scaled) {
        pct = *s.score_scaled * 100;
    } else if (s.score_raw) {
        if (s.score_min && s.score_max && *s.score_max > *s.score_min)
            pct = (*s.score_raw - *s.score_min) / (*s.score_max - *s.score_min) * 100;
        else
            pct = *s.score_raw;
    }
    if (!pct) return std::nullopt;
    return std::clamp(*pct, 0.0, 100.0);
}

double TotalSeconds(const CmiState& s) {
    return s.total_seconds + s.session_seconds;
}

// ------------------------------------------------------------------ launch

std::string InitialCmiJson(const CmiState& s, const ScoRules& rules, std::string_view learner_id,
                           std::string_view learner_name) {
    // ordered_json: scorm-again sets the values in the order they come, and an interaction's id
    // must come before its other fields.
    using Json = nlohmann::ordered_json;
    auto number = [](const std::optional<double>& v) { return v ? FormatNumber(*v) : ""; };
    const bool v12 = Is12(s.version);
    const std::string& entry = s.entry;

    Json interactions = Json::array();
    for (const auto& it : s.interactions) {
        Json o;
        o["id"] = it.id;
        if (!it.type.empty()) o["type"] = it.type;
        if (!it.timestamp.empty()) o[v12 ? "time" : "timestamp"] = it.timestamp;
        if (!it.weighting.empty()) o["weighting"] = it.weighting;
        if (!it.learner_response.empty())
            o[v12 ? "student_response" : "learner_response"] = it.learner_response;
        if (!it.result.empty()) o["result"] = it.result;
        if (!it.latency.empty()) o["latency"] = it.latency;
        if (!v12 && !it.description.empty()) o["description"] = it.description;
        if (!it.correct_responses.empty()) {
            Json patterns = Json::array();
            for (const auto& p : it.correct_responses) patterns.push_back({{"pattern", p}});
            o["correct_responses"] = std::move(patterns);
        }
        interactions.push_back(std::move(o));
    }

    Json cmi;
    if (v12) {
        Json core;
        core["student_id"] = learner_id;
        core["student_name"] = learner_name;
        core["lesson_location"] = s.location;
        core["credit"] = "credit";
        core["lesson_status"] = s.lesson_status;
        core["entry"] = entry;
        core["total_time"] = FormatTotalTime(TotalSeconds(s), s.version);
        core["lesson_mode"] = "normal";
        core["score"] = {{"raw", number(s.score_raw)},
                         {"min", number(s.score_min)},
                         {"max", number(s.score_max)}};
        cmi["core"] = std::move(core);
        cmi["suspend_data"] = s.suspend_data;
        cmi["launch_data"] = rules.launch_data;
        cmi["student_data"] = {{"mastery_score", number(rules.mastery_score)}};
    } else {
        cmi["learner_id"] = learner_id;
        cmi["learner_name"] = learner_name;
        cmi["credit"] = "credit";
        cmi["mode"] = "normal";
        cmi["entry"] = entry;
        cmi["total_time"] = FormatTotalTime(TotalSeconds(s), s.version);
        cmi["location"] = s.location;
        cmi["suspend_data"] = s.suspend_data;
        cmi["launch_data"] = rules.launch_data;
        cmi["completion_status"] = s.completion_status;
        cmi["success_status"] = s.success_status;
        cmi["progress_measure"] = number(s.progress_measure);
        cmi["completion_threshold"] = number(rules.completion_threshold);
        cmi["scaled_passing_score"] = number(rules.scaled_passing_score);
        cmi["score"] = {{"scaled", number(s.score_scaled)},
                        {"raw", number(s.score_raw)},
                        {"min", number(s.score_min)},
                        {"max", number(s.score_max)}};
    }
    cmi["interactions"] = std::move(interactions);
    return cmi.dump();
}

}  // namespace govhub::learning

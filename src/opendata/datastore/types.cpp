#include "opendata/datastore/types.hpp"
#include "core/i18n.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "core/strings.hpp"

namespace govhub::datastore {

namespace {

// Thai digits (U+0E50..U+0E59, E0 B9 90..99) as ASCII; everything else unchanged.
std::string AsciiDigits(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    for (size_t i = 0; i < v.size(); ++i) {
        if (i + 2 < v.size() && static_cast<unsigned char>(v[i]) == 0xE0 &&
            static_cast<unsigned char>(v[i + 1]) == 0xB9) {
            auto b = static_cast<unsigned char>(v[i + 2]);
            if (b >= 0x90 && b <= 0x99) {
                out += static_cast<char>('0' + (b - 0x90));
                i += 2;
                continue;
            }
        }
        out += v[i];
    }
    return out;
}

bool AllDigits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

// "1,234,567" -> "1234567" when the commas group thousands properly; nullopt otherwise.
std::optional<std::string> Ungroup(std::string_view s) {
    if (s.find(',') == std::string_view::npos) return std::string(s);
    auto parts = core::Split(s, ',');
    if (parts[0].empty() || parts[0].size() > 3 || !AllDigits(parts[0])) return std::nullopt;
    std::string out = parts[0];
    for (size_t i = 1; i < parts.size(); ++i) {
        if (parts[i].size() != 3 || !AllDigits(parts[i])) return std::nullopt;
        out += parts[i];
    }
    return out;
}

bool LeapYear(int y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool ValidDate(int y, int m, int d) {
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
    int days = kDays[m - 1] + (m == 2 && LeapYear(y) ? 1 : 0);
    return d <= days;
}

// A year as written: four digits (Buddhist era from 2400 on), or two (Buddhist era, as Thai
// forms write them: 67 is 2567, that is 2024).
std::optional<int> Year(std::string_view s) {
    if (!AllDigits(s)) return std::nullopt;
    int y = std::stoi(std::string(s));
    if (s.size() == 2) return 2500 + y - 543;
    if (s.size() != 4) return std::nullopt;
    return y >= 2400 ? y - 543 : y;
}

std::optional<int> Number(std::string_view s, size_t max_digits) {
    if (!AllDigits(s) || s.size() > max_digits) return std::nullopt;
    return std::stoi(std::string(s));
}

std::optional<int> MonthName(std::string_view s) {
    static const std::vector<std::vector<std::string>> kNames = {
        {"มกราคม", "ม.ค.", "มค", "ม.ค", "jan", "january"},
        {"กุมภาพันธ์", "ก.พ.", "กพ", "ก.พ", "feb", "february"},
        {"มีนาคม", "มี.ค.", "มีค", "มี.ค", "mar", "march"},
        {"เมษายน", "เม.ย.", "เมย", "เม.ย", "apr", "april"},
        {"พฤษภาคม", "พ.ค.", "พค", "พ.ค", "may"},
        {"มิถุนายน", "มิ.ย.", "มิย", "มิ.ย", "jun", "june"},
        {"กรกฎาคม", "ก.ค.", "กค", "ก.ค", "jul", "july"},
        {"สิงหาคม", "ส.ค.", "สค", "ส.ค", "aug", "august"},
        {"กันยายน", "ก.ย.", "กย", "ก.ย", "sep", "sept", "september"},
        {"ตุลาคม", "ต.ค.", "ตค", "ต.ค", "oct", "october"},
        {"พฤศจิกายน", "พ.ย.", "พย", "พ.ย", "nov", "november"},
        {"ธันวาคม", "ธ.ค.", "ธค", "ธ.ค", "dec", "december"}};
    std::string lower = core::ToLower(s);
    for (size_t m = 0; m < kNames.size(); ++m)
        for (const auto& n : kNames[m])
            if (lower == n) return static_cast<int>(m + 1);
    return std::nullopt;
}

std::string IsoDate(int y, int m, int d) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return buf;
}

// Words split on spaces (several spaces count as one).
std::vector<std::string> Words(std::string_view s) {
    std::vector<std::string> out;
    for (auto& w : core::Split(s, ' '))
        if (!w.empty()) out.push_back(w);
    return out;
}

std::optional<std::string> DateOf(std::string_view v) {
    // 2024-01-31, 2024/01/31 (and the Buddhist-era 2567-01-31).
    for (char sep : {'-', '/', '.'}) {
        if (v.find(' ') != std::string_view::npos) break;
        auto p = core::Split(v, sep);
        if (p.size() != 3) continue;
        if (p[0].size() == 4) {
            auto y = Year(p[0]);
            auto m = Number(p[1], 2), d = Number(p[2], 2);
            if (y && m && d && ValidDate(*y, *m, *d)) return IsoDate(*y, *m, *d);
            return std::nullopt;
        }
        // 31/01/2567, 31-01-2024, 31.1.67: day first, as Thai forms write dates.
        auto d = Number(p[0], 2), m = Number(p[1], 2);
        auto y = Year(p[2]);
        if (d && m && y && ValidDate(*y, *m, *d)) return IsoDate(*y, *m, *d);
        return std::nullopt;
    }
    // 31 มกราคม 2567, 31 ม.ค. 67, 5 Jan 2024, 31 มกราคม พ.ศ. 2567.
    auto w = Words(v);
    if (w.size() == 4 && (w[2] == "พ.ศ." || w[2] == "พ.ศ")) w.erase(w.begin() + 2);
    if (w.size() == 3) {
        auto d = Number(w[0], 2);
        auto m = MonthName(w[1]);
        auto y = Year(w[2]);
        if (d && m && y && ValidDate(*y, *m, *d)) return IsoDate(*y, *m, *d);
    }
    return std::nullopt;
}

// "10:30", "10:30:15", "10:30:15.250", optionally followed by " น." -> "10:30:00" ...
std::optional<std::string> TimeOf(std::string_view v) {
    std::string t(v);
    for (const char* suffix : {" น.", "น.", " น", "Z"})
        if (t.size() > std::string_view(suffix).size() &&
            t.compare(t.size() - std::string_view(suffix).size(), std::string::npos, suffix) == 0) {
            t.erase(t.size() - std::string_view(suffix).size());
            break;
        }
    std::string fraction;
    if (auto dot = t.find('.'); dot != std::string::npos) {
        fraction = t.substr(dot + 1);
        t.erase(dot);
        if (!AllDigits(fraction) || fraction.size() > 6) return std::nullopt;
    }
    auto p = core::Split(t, ':');
    if (p.size() < 2 || p.size() > 3) return std::nullopt;
    auto h = Number(p[0], 2), m = Number(p[1], 2);
    auto s = p.size() == 3 ? Number(p[2], 2) : std::optional<int>(0);
    if (!h || !m || !s || *h > 23 || *m > 59 || *s > 60) return std::nullopt;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", *h, *m, *s);
    return std::string(buf) + (fraction.empty() ? "" : "." + fraction);
}

}  // namespace

const char* TypeName(FieldType t) {
    switch (t) {
        case FieldType::kText:
            return "text";
        case FieldType::kInt:
            return "int";
        case FieldType::kNumeric:
            return "numeric";
        case FieldType::kBool:
            return "bool";
        case FieldType::kDate:
            return "date";
        case FieldType::kTimestamp:
            return "timestamp";
        case FieldType::kJson:
            return "json";
    }
    return "text";
}

std::optional<FieldType> ParseTypeName(std::string_view name) {
    std::string n = core::ToLower(core::Trim(name));
    if (n == "text" || n == "string" || n == "varchar") return FieldType::kText;
    if (n == "int" || n == "integer" || n == "int4" || n == "int8" || n == "bigint" ||
        n == "smallint" || n == "int2")
        return FieldType::kInt;
    if (n == "numeric" || n == "float" || n == "float8" || n == "float4" || n == "double" ||
        n == "real" || n == "number" || n == "decimal")
        return FieldType::kNumeric;
    if (n == "bool" || n == "boolean") return FieldType::kBool;
    if (n == "date") return FieldType::kDate;
    if (n == "timestamp" || n == "datetime" || n == "timestamptz") return FieldType::kTimestamp;
    if (n == "json" || n == "jsonb") return FieldType::kJson;
    return std::nullopt;
}

bool IsNullMarker(std::string_view v) {
    std::string t = core::Trim(v);
    return t.empty() || t == "-" || t == "–" || t == "N/A" || t == "n/a" || t == "NA" ||
           t == "null" || t == "NULL" || t == "None";
}

std::optional<int64_t> ParseIntValue(std::string_view raw) {
    std::string v = AsciiDigits(core::Trim(raw));
    bool negative = !v.empty() && v[0] == '-';
    if (!v.empty() && (v[0] == '-' || v[0] == '+')) v.erase(0, 1);
    auto digits = Ungroup(v);
    if (!digits || !AllDigits(*digits) || digits->size() > 18) return std::nullopt;
    // Leading zeros mark codes (postal codes, ids): they stay text.
    if (digits->size() > 1 && (*digits)[0] == '0') return std::nullopt;
    int64_t n = std::stoll(*digits);
    return negative ? -n : n;
}

std::optional<std::string> ParseNumericValue(std::string_view raw) {
    std::string v = AsciiDigits(core::Trim(raw));
    std::string sign;
    if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
        if (v[0] == '-') sign = "-";
        v.erase(0, 1);
    }
    std::string mantissa = v, exponent;
    if (auto e = v.find_first_of("eE"); e != std::string::npos) {
        mantissa = v.substr(0, e);
        exponent = v.substr(e + 1);
        std::string digits = exponent;
        if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.erase(0, 1);
        if (!AllDigits(digits) || digits.size() > 3) return std::nullopt;
    }
    std::string whole = mantissa, fraction;
    if (auto dot = mantissa.find('.'); dot != std::string::npos) {
        whole = mantissa.substr(0, dot);
        fraction = mantissa.substr(dot + 1);
        if (!fraction.empty() && !AllDigits(fraction)) return std::nullopt;
    }
    auto digits = Ungroup(whole);
    if (!digits) return std::nullopt;
    if (digits->empty() && fraction.empty()) return std::nullopt;
    if (!digits->empty() && !AllDigits(*digits)) return std::nullopt;
    if (digits->size() > 1 && (*digits)[0] == '0') return std::nullopt;  // a code, see above
    std::string out = sign + (digits->empty() ? "0" : *digits);
    if (!fraction.empty()) out += "." + fraction;
    if (!exponent.empty()) out += "e" + exponent;
    return out;
}

std::optional<bool> ParseBoolValue(std::string_view raw) {
    std::string v = core::ToLower(core::Trim(raw));
    if (v == "true" || v == "yes" || v == "จริง" || v == "ใช่") return true;
    if (v == "false" || v == "no" || v == "เท็จ" || v == "ไม่ใช่") return false;
    return std::nullopt;
}

std::optional<std::string> ParseDateValue(std::string_view raw) {
    std::string v = AsciiDigits(core::Trim(raw));
    if (v.size() < 6 || v.size() > 40) return std::nullopt;
    return DateOf(v);
}

std::optional<std::string> ParseTimestampValue(std::string_view raw) {
    std::string v = AsciiDigits(core::Trim(raw));
    if (v.size() < 6 || v.size() > 48) return std::nullopt;
    // A date alone is that day's midnight.
    if (v.find(':') == std::string::npos) {
        auto d = DateOf(v);
        return d ? std::optional<std::string>(*d + "T00:00:00") : std::nullopt;
    }
    // The date, then a 'T' or a space, then the time (dates may hold spaces: 31 ม.ค. 2567).
    size_t split = v.find('T');
    if (split == std::string::npos || split < 8) split = v.rfind(' ', v.find(':'));
    if (split == std::string::npos || split == 0) return std::nullopt;
    auto d = DateOf(core::Trim(v.substr(0, split)));
    auto t = TimeOf(core::Trim(v.substr(split + 1)));
    if (!d || !t) return std::nullopt;
    return *d + "T" + *t;
}

std::optional<std::string> Canonical(FieldType t, std::string_view v) {
    switch (t) {
        case FieldType::kText:
        case FieldType::kJson:
            return std::string(v);
        case FieldType::kInt:
            if (auto n = ParseIntValue(v)) return std::to_string(*n);
            return std::nullopt;
        case FieldType::kNumeric:
            return ParseNumericValue(v);
        case FieldType::kBool:
            if (auto b = ParseBoolValue(v)) return std::string(*b ? "true" : "false");
            return std::nullopt;
        case FieldType::kDate:
            return ParseDateValue(v);
        case FieldType::kTimestamp:
            return ParseTimestampValue(v);
    }
    return std::nullopt;
}

void TypeTracker::Add(std::string_view value, int64_t row) {
    if (IsNullMarker(value)) {
        ++nulls_;
        return;
    }
    ++values_;
    max_bytes_ = std::max(max_bytes_, value.size());
    static constexpr FieldType kOrder[kCandidates] = {FieldType::kBool, FieldType::kInt,
                                                      FieldType::kNumeric, FieldType::kDate,
                                                      FieldType::kTimestamp};
    for (size_t i = 0; i < kCandidates; ++i) {
        if (!possible_[i]) continue;
        if (Canonical(kOrder[i], value)) {
            ++fitted_[i];
        } else {
            possible_[i] = false;
            failed_row_[i] = row;
            failed_value_[i] = std::string(value.substr(0, 60));
        }
    }
}

FieldType TypeTracker::Decide() const {
    if (values_ == 0) return FieldType::kText;
    static constexpr FieldType kOrder[kCandidates] = {FieldType::kBool, FieldType::kInt,
                                                      FieldType::kNumeric, FieldType::kDate,
                                                      FieldType::kTimestamp};
    for (size_t i = 0; i < kCandidates; ++i)
        if (possible_[i]) return kOrder[i];
    return FieldType::kText;
}

std::string TypeTracker::TextReason(const std::string& field) const {
    if (Decide() != FieldType::kText || values_ == 0) return "";
    // The type that held longest before one value broke it.
    static const char* kNames[kCandidates] = {"bool", "int", "numeric", "date", "timestamp"};
    size_t best = kCandidates;
    for (size_t i = 0; i < kCandidates; ++i)
        if (fitted_[i] > 0 && (best == kCandidates || fitted_[i] > fitted_[best])) best = i;
    if (best == kCandidates || fitted_[best] * 2 < values_) return "";
    return core::Message(
        "datastore.load.as_text",
        {{"field", field},
         {"kind", core::Message(std::string("datastore.load.kind_") + kNames[best])},
         {"row", std::to_string(failed_row_[best])},
         {"value", failed_value_[best]}});
}

}  // namespace govhub::datastore

#include "core/thai_date.hpp"

#include <array>
#include <cstdio>
#include <ctime>

#include "core/clock.hpp"

namespace govhub::core {
namespace {
const char* kThaiMonths[] = {"มกราคม",  "กุมภาพันธ์", "มีนาคม",  "เมษายน", "พฤษภาคม",  "มิถุนายน",
                             "กรกฎาคม", "สิงหาคม",  "กันยายน", "ตุลาคม",  "พฤศจิกายน", "ธันวาคม"};
const char* kThaiMonthsShort[] = {"ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
                                  "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.",  "พ.ย.", "ธ.ค."};
const char* kEnglishMonths[] = {"January",   "February", "March",    "April",
                                "May",       "June",     "July",     "August",
                                "September", "October",  "November", "December"};
constexpr int64_t kBangkokOffsetSeconds = 7 * 3600;

std::tm BangkokTime(int64_t epoch_micros) {
    time_t t = static_cast<time_t>(epoch_micros / 1000000 + kBangkokOffsetSeconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return tm;
}

std::string TimeOfDay(const std::tm& tm, bool thai) {
    char buf[16];
    std::snprintf(buf, sizeof buf, " %02d:%02d", tm.tm_hour, tm.tm_min);
    return std::string(buf) + (thai ? " น." : "");
}
}  // namespace

std::string FormatDate(int64_t epoch_micros, const std::string& locale, bool time_of_day) {
    std::tm tm = BangkokTime(epoch_micros);
    bool thai = locale != "en";
    std::string out = std::to_string(tm.tm_mday) + " ";
    if (thai) {
        out += std::string(kThaiMonths[tm.tm_mon]) + " " +
               std::to_string(BuddhistYear(tm.tm_year + 1900));
    } else {
        out += std::string(kEnglishMonths[tm.tm_mon]) + " " + std::to_string(tm.tm_year + 1900);
    }
    if (time_of_day) out += TimeOfDay(tm, thai);
    return out;
}

std::string FormatDeadline(int64_t epoch_micros, const std::string& locale) {
    std::tm tm = BangkokTime(epoch_micros);
    if (tm.tm_hour != 0 || tm.tm_min != 0 || tm.tm_sec != 0)
        return FormatDate(epoch_micros, locale, true);
    return FormatDate(epoch_micros - 1, locale) + (locale == "en" ? " (end of day)" : " (สิ้นวัน)");
}

std::string FormatIsoDate(const std::string& iso, const std::string& locale, bool time_of_day) {
    int64_t us = iso.empty() ? -1 : ParseIsoMicros(iso);
    return us < 0 ? iso : FormatDate(us, locale, time_of_day);
}

std::string FormatDateShort(int64_t epoch_micros, const std::string& locale) {
    std::tm tm = BangkokTime(epoch_micros);
    if (locale == "en") {
        return std::to_string(tm.tm_mday) + " " +
               std::string(kEnglishMonths[tm.tm_mon]).substr(0, 3) + " " +
               std::to_string(tm.tm_year + 1900);
    }
    return std::to_string(tm.tm_mday) + " " + kThaiMonthsShort[tm.tm_mon] + " " +
           std::to_string(BuddhistYear(tm.tm_year + 1900));
}

namespace {
bool LeapYear(int y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool RealDate(int y, int m, int d) {
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
    return d <= kDays[m - 1] + (m == 2 && LeapYear(y) ? 1 : 0);
}

// "2026-12-06" -> {2026, 12, 6}; nothing when the text is not exactly an ISO date.
std::optional<std::array<int, 3>> IsoParts(const std::string& s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
    std::array<int, 3> p = {std::stoi(s.substr(0, 4)), std::stoi(s.substr(5, 2)),
                            std::stoi(s.substr(8, 2))};
    if (!RealDate(p[0], p[1], p[2])) return std::nullopt;
    return p;
}
}  // namespace

std::string IsoToFormDate(const std::string& iso, const std::string& locale) {
    auto p = IsoParts(iso);
    if (!p || locale != "th") return iso;
    return std::to_string((*p)[2]) + "/" + std::to_string((*p)[1]) + "/" +
           std::to_string(BuddhistYear((*p)[0]));
}

std::optional<std::string> FormDateToIso(const std::string& typed) {
    // Thai digits (U+0E50..U+0E59, three bytes each) become Arabic ones; spaces go.
    std::string s;
    for (size_t i = 0; i < typed.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(typed[i]);
        if (c == 0xE0 && i + 2 < typed.size() && static_cast<unsigned char>(typed[i + 1]) == 0xB9 &&
            static_cast<unsigned char>(typed[i + 2]) >= 0x90 &&
            static_cast<unsigned char>(typed[i + 2]) <= 0x99) {
            s += static_cast<char>('0' + (static_cast<unsigned char>(typed[i + 2]) - 0x90));
            i += 2;
        } else if (c != ' ' && c != '\t') {
            s += typed[i];
        }
    }
    if (IsoParts(s)) return s;
    int parts[3] = {0, 0, 0}, n = 0, digits = 0;
    for (char c : s) {
        if (c >= '0' && c <= '9') {
            if (++digits > 4) return std::nullopt;
            parts[n] = parts[n] * 10 + (c - '0');
        } else if ((c == '/' || c == '-' || c == '.') && digits > 0 && n < 2) {
            ++n;
            digits = 0;
        } else {
            return std::nullopt;
        }
    }
    if (n != 2 || digits != 4) return std::nullopt;
    int d = parts[0], m = parts[1], y = parts[2] > 2400 ? parts[2] - 543 : parts[2];
    if (!RealDate(y, m, d)) return std::nullopt;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return std::string(buf);
}

std::string MonthName(int month, const std::string& locale) {
    if (month < 1 || month > 12) return "";
    return locale == "en" ? kEnglishMonths[month - 1] : kThaiMonths[month - 1];
}

}  // namespace govhub::core

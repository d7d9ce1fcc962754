#include "core/thai_date.hpp"

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

}  // namespace govhub::core

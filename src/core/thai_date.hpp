#pragma once
// Dates as Thai readers expect them: Buddhist era (พ.ศ. = C.E. + 543), Thai month names.
#include <cstdint>
#include <string>

namespace govhub::core {

// "28 พฤศจิกายน 2569" (th) or "28 November 2026" (en); time_of_day adds " 21:03 น." / " 21:03".
// Shown in Asia/Bangkok time (UTC+7, no daylight saving).
std::string FormatDate(int64_t epoch_micros, const std::string& locale, bool time_of_day = false);
// The same for a stored ISO-8601 time: "" when empty, the text itself when it is not a time.
std::string FormatIsoDate(const std::string& iso, const std::string& locale,
                          bool time_of_day = false);
// "28 พ.ย. 2569"
std::string FormatDateShort(int64_t epoch_micros, const std::string& locale);
inline int BuddhistYear(int gregorian_year) {
    return gregorian_year + 543;
}

}  // namespace govhub::core

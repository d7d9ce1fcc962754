#pragma once
// Dates as Thai readers expect them: Buddhist era (พ.ศ. = C.E. + 543), Thai month names.
#include <cstdint>
#include <optional>
#include <string>

namespace govhub::core {

// "28 พฤศจิกายน 2569" (th) or "28 November 2026" (en); time_of_day adds " 21:03 น." / " 21:03".
// Shown in Asia/Bangkok time (UTC+7, no daylight saving).
std::string FormatDate(int64_t epoch_micros, const std::string& locale, bool time_of_day = false);
// A deadline: a working-day clock ends at midnight, which "10 ธันวาคม 2569 00:00 น." would show
// as the next day (perhaps a holiday); a deadline at midnight Bangkok time is said as the end of
// the day before: "9 ธันวาคม 2569 (สิ้นวัน)" / "9 December 2026 (end of day)". Other times as
// FormatDate with the time of day.
std::string FormatDeadline(int64_t epoch_micros, const std::string& locale);
// The same for a stored ISO-8601 time: "" when empty, the text itself when it is not a time.
std::string FormatIsoDate(const std::string& iso, const std::string& locale,
                          bool time_of_day = false);
// "28 พ.ย. 2569"
std::string FormatDateShort(int64_t epoch_micros, const std::string& locale);
// The month's full name (1–12) in the locale: "มกราคม" / "January"; "" out of range.
std::string MonthName(int month, const std::string& locale);
// A date as a form field shows it and a reader types it: "6/12/2569" (th: day/month/Buddhist
// year); other locales keep ISO "2026-12-06" (the browser's date input shows it in the reader's
// form). Text that is not an ISO date comes back as it is (a value the reader typed).
std::string IsoToFormDate(const std::string& iso, const std::string& locale);
// What a reader typed in a date field, as ISO "YYYY-MM-DD": ISO itself, or day/month/year with
// "/", "-" or "." and Thai or Arabic digits, the year in the Buddhist era when it is above 2400
// (else Gregorian). Nothing when it is not a real date (the caller keeps the text as typed).
std::optional<std::string> FormDateToIso(const std::string& typed);
inline int BuddhistYear(int gregorian_year) {
    return gregorian_year + 543;
}

}  // namespace govhub::core

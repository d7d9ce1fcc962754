#pragma once
// Service-time arithmetic for SLA clocks: clock hours, or Thai working days (Monday to Friday in
// Bangkok time, minus the holidays of an administrator-edited table). A working day counts all
// of its 24 hours and other days count none, so "5 working days" from Monday 10:00 ends the
// next Monday 10:00, and a request filed on Saturday starts its clock on Monday at 00:00.
#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

namespace govhub::core {

// Days since 1970-01-01 in Bangkok time (UTC+7, no daylight saving).
int64_t BangkokDay(int64_t epoch_seconds);
int64_t BangkokDayStart(int64_t day);  // epoch seconds of that day's 00:00 in Bangkok
// "2026-04-13" <-> day number; -1 when not a real calendar date.
int64_t DayFromIso(std::string_view yyyy_mm_dd);
std::string IsoDay(int64_t day);
int WeekdayOf(int64_t day);  // 0 = Sunday ... 6 = Saturday

enum class SlaUnit { kClockHours, kWorkingDays };

class WorkingCalendar {
  public:
    explicit WorkingCalendar(std::set<int64_t> holidays = {}) : holidays_(std::move(holidays)) {}

    bool IsWorkingDay(int64_t day) const;
    // Working seconds in [from, to) (0 when to <= from).
    int64_t WorkingSecondsBetween(int64_t from, int64_t to) const;
    // The earliest instant by which `seconds` of working time have passed since `from`.
    int64_t AddWorkingSeconds(int64_t from, int64_t seconds) const;

    // The SLA budget in the unit's seconds, and the time it takes in that unit.
    static int64_t Budget(SlaUnit unit, int amount) {
        return static_cast<int64_t>(amount) * (unit == SlaUnit::kClockHours ? 3600 : 86400);
    }
    int64_t Elapsed(SlaUnit unit, int64_t from, int64_t to) const {
        return unit == SlaUnit::kClockHours ? std::max<int64_t>(0, to - from)
                                            : WorkingSecondsBetween(from, to);
    }
    int64_t Add(SlaUnit unit, int64_t from, int64_t seconds) const {
        return unit == SlaUnit::kClockHours ? from + seconds : AddWorkingSeconds(from, seconds);
    }

  private:
    std::set<int64_t> holidays_;
};

}  // namespace govhub::core

#include "core/working_time.hpp"

#include <gtest/gtest.h>

namespace govhub::core {
namespace {

// Epoch seconds of a Bangkok wall-clock time.
int64_t At(const char* day, int hour, int minute = 0) {
    return BangkokDayStart(DayFromIso(day)) + hour * 3600 + minute * 60;
}

TEST(WorkingTime, DaysAndWeekdays) {
    EXPECT_EQ(IsoDay(DayFromIso("2026-04-13")), "2026-04-13");
    EXPECT_EQ(WeekdayOf(DayFromIso("2026-12-02")), 3);  // a Wednesday
    EXPECT_EQ(WeekdayOf(DayFromIso("1969-12-31")), 3);
    EXPECT_EQ(DayFromIso("2026-02-29"), -1);
    EXPECT_EQ(DayFromIso("2028-02-29") > 0, true);
    EXPECT_EQ(DayFromIso("2026-13-01"), -1);
    EXPECT_EQ(DayFromIso("2026-1-01"), -1);
    EXPECT_EQ(DayFromIso("๒๐๒๖-01-01"), -1);
    // 23:30 UTC is already the next day in Bangkok.
    EXPECT_EQ(IsoDay(BangkokDay(At("2026-12-03", 6, 30))), "2026-12-03");
    EXPECT_EQ(IsoDay(BangkokDay(At("2026-12-03", 0, 0) - 1)), "2026-12-02");
}

TEST(WorkingTime, ClockHoursIgnoreWeekendsAndHolidays) {
    WorkingCalendar cal({DayFromIso("2026-04-13")});
    int64_t friday = At("2026-04-10", 15);
    EXPECT_EQ(
        cal.Add(SlaUnit::kClockHours, friday, WorkingCalendar::Budget(SlaUnit::kClockHours, 24)),
        At("2026-04-11", 15));
}

TEST(WorkingTime, WorkingDaysSkipWeekendsAndHolidays) {
    // Songkran 2026: Monday 13 to Wednesday 15 April.
    WorkingCalendar cal(
        {DayFromIso("2026-04-13"), DayFromIso("2026-04-14"), DayFromIso("2026-04-15")});
    int64_t budget = WorkingCalendar::Budget(SlaUnit::kWorkingDays, 5);
    // Monday 10:00 without holidays: the next Monday 10:00.
    EXPECT_EQ(cal.Add(SlaUnit::kWorkingDays, At("2026-03-30", 10), budget), At("2026-04-06", 10));
    // Filed on Friday 10 April: Friday counts 14 h, then Thursday 16 to Wednesday 22.
    EXPECT_EQ(cal.Add(SlaUnit::kWorkingDays, At("2026-04-10", 10), budget), At("2026-04-22", 10));
    // Filed on a Saturday: the clock starts on the next working day at 00:00.
    EXPECT_EQ(cal.Add(SlaUnit::kWorkingDays, At("2026-04-04", 13),
                      WorkingCalendar::Budget(SlaUnit::kWorkingDays, 1)),
              At("2026-04-07", 0));  // all of Monday 6 April (Chakri Day is not in this table)
    // Elapsed is the inverse of Add.
    int64_t from = At("2026-04-09", 8, 15);
    for (int64_t s : {1LL, 3600LL, 86400LL, 5 * 86400LL, 7 * 86400LL + 123})
        EXPECT_EQ(cal.WorkingSecondsBetween(from, cal.AddWorkingSeconds(from, s)), s) << s;
    EXPECT_EQ(cal.WorkingSecondsBetween(At("2026-04-11", 0), At("2026-04-16", 0)), 0);
    EXPECT_EQ(cal.WorkingSecondsBetween(At("2026-04-16", 9), At("2026-04-16", 8)), 0);
}

TEST(WorkingTime, ATableWithoutWorkingDaysDoesNotHang) {
    std::set<int64_t> every;
    for (int64_t d = DayFromIso("2026-01-01"); d < DayFromIso("2040-01-01"); ++d) every.insert(d);
    WorkingCalendar cal(every);
    int64_t from = At("2026-01-01", 0);
    EXPECT_GT(cal.AddWorkingSeconds(from, 86400), from);
}

}  // namespace
}  // namespace govhub::core

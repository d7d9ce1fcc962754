#include "core/thai_date.hpp"
#include "core/clock.hpp"

#include <gtest/gtest.h>

namespace govhub::core {
namespace {

TEST(FormDate, ThaiReadersSeeTheBuddhistEraOthersIso) {
    EXPECT_EQ(IsoToFormDate("2026-12-06", "th"), "6/12/2569");
    EXPECT_EQ(IsoToFormDate("2024-02-29", "th"), "29/2/2567");
    EXPECT_EQ(IsoToFormDate("2026-12-06", "en"), "2026-12-06");
    EXPECT_EQ(IsoToFormDate("", "th"), "");
    EXPECT_EQ(IsoToFormDate("6/12/2569", "th"), "6/12/2569");  // as typed, not a stored date
    EXPECT_EQ(IsoToFormDate("2026-02-30", "th"), "2026-02-30");
}

TEST(FormDate, TypedDatesBecomeIso) {
    EXPECT_EQ(FormDateToIso("6/12/2569"), "2026-12-06");
    EXPECT_EQ(FormDateToIso(" 06-12-2569 "), "2026-12-06");
    EXPECT_EQ(FormDateToIso("๖/๑๒/๒๕๖๙"), "2026-12-06");
    EXPECT_EQ(FormDateToIso("6.12.2026"), "2026-12-06");  // a Gregorian year stays
    EXPECT_EQ(FormDateToIso("2026-12-06"), "2026-12-06");
    EXPECT_EQ(FormDateToIso("29/2/2567"), "2024-02-29");  // 2024 is a leap year
    EXPECT_EQ(FormDateToIso("29/2/2568"), std::nullopt);  // 2025 is not
    EXPECT_EQ(FormDateToIso("31/4/2569"), std::nullopt);
    EXPECT_EQ(FormDateToIso("6/12/69"), std::nullopt);  // two-digit years are ambiguous
    EXPECT_EQ(FormDateToIso("6/12/2569/1"), std::nullopt);
    EXPECT_EQ(FormDateToIso("tomorrow"), std::nullopt);
    EXPECT_EQ(FormDateToIso(""), std::nullopt);
    EXPECT_EQ(FormDateToIso("//2569"), std::nullopt);
}

}  // namespace
}  // namespace govhub::core

namespace govhub::core {
namespace {

TEST(Deadline, MidnightIsTheEndOfTheDayBefore) {
    // 2026-12-09T17:00:00Z is 10 December 00:00 in Bangkok: the deadline is the 9th's end.
    int64_t midnight = ParseIsoMicros("2026-12-09T17:00:00Z");
    EXPECT_EQ(FormatDeadline(midnight, "th"), "9 ธันวาคม 2569 (สิ้นวัน)");
    EXPECT_EQ(FormatDeadline(midnight, "en"), "9 December 2026 (end of day)");
    // Any other time is said as it is.
    EXPECT_EQ(FormatDeadline(ParseIsoMicros("2026-12-09T09:30:00Z"), "en"),
              FormatDate(ParseIsoMicros("2026-12-09T09:30:00Z"), "en", true));
}

}  // namespace
}  // namespace govhub::core

#include "opendata/datastore/types.hpp"
#include "core/test_i18n.hpp"

#include <gtest/gtest.h>

namespace govhub::datastore {
namespace {

TEST(DatastoreTypes, NumbersAsThaiAgenciesWriteThem) {
    EXPECT_EQ(ParseIntValue("1,234,567"), 1234567);
    EXPECT_EQ(ParseIntValue("-42"), -42);
    EXPECT_EQ(ParseIntValue("๒๕๖๗"), 2567);  // Thai digits
    EXPECT_FALSE(ParseIntValue("1,23,4"));   // not thousands groups
    EXPECT_FALSE(ParseIntValue("010110"));   // a code with a leading zero stays text
    EXPECT_FALSE(ParseIntValue("12.5"));
    EXPECT_FALSE(ParseIntValue("99999999999999999999"));
    EXPECT_EQ(ParseNumericValue("1,234.50"), "1234.50");
    EXPECT_EQ(ParseNumericValue("-.5"), "-0.5");
    EXPECT_EQ(ParseNumericValue("๓.๑๔"), "3.14");
    EXPECT_EQ(ParseNumericValue("6.02e23"), "6.02e23");
    EXPECT_FALSE(ParseNumericValue("12%"));
    EXPECT_FALSE(ParseNumericValue("1.2.3"));
    EXPECT_FALSE(ParseNumericValue("."));
}

TEST(DatastoreTypes, DatesInTheBuddhistEraAndThaiMonthNames) {
    EXPECT_EQ(ParseDateValue("31/01/2567"), "2024-01-31");
    EXPECT_EQ(ParseDateValue("31-01-2024"), "2024-01-31");
    EXPECT_EQ(ParseDateValue("1.2.67"), "2024-02-01");  // two-digit years are Buddhist era
    EXPECT_EQ(ParseDateValue("2567-01-31"), "2024-01-31");
    EXPECT_EQ(ParseDateValue("2024-01-31"), "2024-01-31");
    EXPECT_EQ(ParseDateValue("31 มกราคม 2567"), "2024-01-31");
    EXPECT_EQ(ParseDateValue("๓๑ ม.ค. ๒๕๖๗"), "2024-01-31");
    EXPECT_EQ(ParseDateValue("29 ก.พ. 2567"), "2024-02-29");  // 2024 is a leap year
    EXPECT_EQ(ParseDateValue("5 มีนาคม พ.ศ. 2566"), "2023-03-05");
    EXPECT_EQ(ParseDateValue("5 Jan 2024"), "2024-01-05");
    EXPECT_FALSE(ParseDateValue("29 ก.พ. 2566"));  // 2023 is not
    EXPECT_FALSE(ParseDateValue("31/13/2567"));
    EXPECT_FALSE(ParseDateValue("1.5"));
    EXPECT_FALSE(ParseDateValue("ไตรมาส 1"));
    EXPECT_EQ(ParseTimestampValue("2024-01-31T10:30:00"), "2024-01-31T10:30:00");
    EXPECT_EQ(ParseTimestampValue("31/01/2567 10:30"), "2024-01-31T10:30:00");
    EXPECT_EQ(ParseTimestampValue("31 ม.ค. 2567 10:30:05 น."), "2024-01-31T10:30:05");
    EXPECT_EQ(ParseTimestampValue("2024-01-31 10:30:00.250"), "2024-01-31T10:30:00.250");
    EXPECT_EQ(ParseTimestampValue("31/01/2567"), "2024-01-31T00:00:00");
    EXPECT_FALSE(ParseTimestampValue("31/01/2567 25:00"));
}

TEST(DatastoreTypes, OneOddValueLateInTheFileMakesTheColumnTextAndSaysWhy) {
    TypeTracker amount, when, flag, code, empty;
    for (int row = 1; row <= 1000; ++row) {
        amount.Add(row == 900 ? "ไม่ทราบ" : std::to_string(row * 10), row);
        when.Add(row % 2 ? "31/01/2567" : "2024-02-01 08:00", row);
        flag.Add(row % 3 ? "ใช่" : "ไม่ใช่", row);
        code.Add(row % 2 ? "01" : "10", row);
        empty.Add(row % 2 ? "" : "-", row);
    }
    EXPECT_EQ(amount.Decide(), FieldType::kText);
    EXPECT_EQ(core::English(amount.TextReason("จำนวน")),
              "column \"จำนวน\" is loaded as text: its values were whole numbers until row 900, "
              "which holds \"ไม่ทราบ\"");
    EXPECT_EQ(when.Decide(), FieldType::kTimestamp);
    EXPECT_EQ(flag.Decide(), FieldType::kBool);
    EXPECT_EQ(code.Decide(), FieldType::kText);
    EXPECT_EQ(empty.Decide(), FieldType::kText);
    EXPECT_EQ(empty.nulls(), 1000);
    TypeTracker numbers;
    numbers.Add("1", 1);
    numbers.Add("N/A", 2);  // a null marker, not an odd value
    numbers.Add("2.5", 3);
    EXPECT_EQ(numbers.Decide(), FieldType::kNumeric);
}

TEST(DatastoreTypes, TypeNamesAndAliases) {
    EXPECT_EQ(ParseTypeName("int4"), FieldType::kInt);
    EXPECT_EQ(ParseTypeName("float8"), FieldType::kNumeric);
    EXPECT_EQ(ParseTypeName("Timestamp"), FieldType::kTimestamp);
    EXPECT_FALSE(ParseTypeName("geometry"));
    EXPECT_STREQ(TypeName(FieldType::kBool), "bool");
}

}  // namespace
}  // namespace govhub::datastore

#include "core/citizen_id.hpp"

#include <gtest/gtest.h>

namespace govhub::core {
namespace {

TEST(CitizenId, TheCheckDigitDecides) {
    // The worked example: digits 1 1 0 1 1 1 2 3 4 5 6 7 weigh to 156; 11 - 156 % 11 = 9.
    EXPECT_EQ(ParseCitizenId("1101112345679"), "1101112345679");
    EXPECT_EQ(ParseCitizenId("1-1011-12345-67-9"), "1101112345679");
    EXPECT_EQ(ParseCitizenId(" 1 1011 12345 67 9 "), "1101112345679");
    EXPECT_EQ(ParseCitizenId("๑-๑๐๑๑-๑๒๓๔๕-๖๗-๙"), "1101112345679");
    EXPECT_FALSE(ParseCitizenId("1101112345678"));   // wrong check digit
    EXPECT_FALSE(ParseCitizenId("110111234567"));    // 12 digits
    EXPECT_FALSE(ParseCitizenId("11011123456790"));  // 14 digits
    EXPECT_FALSE(ParseCitizenId("1101112345679x"));
    EXPECT_FALSE(ParseCitizenId(""));
    // Category 0 and 9 are never issued, even with a valid check digit.
    for (char first : {'0', '9'}) {
        std::string d = std::string(1, first) + "10111234567";
        int sum = 0;
        for (int i = 0; i < 12; ++i) sum += (d[i] - '0') * (13 - i);
        d += static_cast<char>('0' + (11 - sum % 11) % 10);
        EXPECT_FALSE(ParseCitizenId(d)) << d;
    }
}

TEST(CitizenId, MaskedForEveryPageButOne) {
    EXPECT_EQ(MaskCitizenId("1101112345679"), "1-1011-XXXXX-XX-9");
    EXPECT_EQ(FormatCitizenId("1101112345679"), "1-1011-12345-67-9");
    EXPECT_EQ(MaskCitizenId("12345"), "XXXXX");
}

}  // namespace
}  // namespace govhub::core

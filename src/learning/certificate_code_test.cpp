// Certificate codes as printed and typed back, and names as initials.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "learning/certificate_code.hpp"

namespace govhub::learning {
namespace {

TEST(CertificateCode, TwelveCrockfordCharactersInThreeGroups) {
    std::set<std::string> seen;
    const std::regex form("[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}");
    for (int i = 0; i < 1000; ++i) {
        std::string code = NewCertificateCode();
        EXPECT_TRUE(std::regex_match(code, form)) << code;
        seen.insert(code);
    }
    EXPECT_EQ(seen.size(), 1000u);  // 60 bits: no repeat in a thousand
}

TEST(CertificateCode, TypedBackInAnySpelling) {
    EXPECT_EQ(NormalizeCertificateCode("abcd-efgh-jkmn"),
              std::optional<std::string>("ABCD-EFGH-JKMN"));
    EXPECT_EQ(NormalizeCertificateCode("ABCDEFGHJKMN"),
              std::optional<std::string>("ABCD-EFGH-JKMN"));
    EXPECT_EQ(NormalizeCertificateCode(" o1il 2345 6789 "),
              std::optional<std::string>("0111-2345-6789"));
    EXPECT_EQ(NormalizeCertificateCode("ABCD-EFGH-JKM"), std::nullopt);    // too short
    EXPECT_EQ(NormalizeCertificateCode("ABCD-EFGH-JKMNP"), std::nullopt);  // too long
    EXPECT_EQ(NormalizeCertificateCode("ABCD-EFGH-JKMU"), std::nullopt);   // U is not Crockford's
    EXPECT_EQ(NormalizeCertificateCode("ABCD/EFGH/JKMN"), std::nullopt);
    EXPECT_EQ(NormalizeCertificateCode(""), std::nullopt);
    // A verification address pasted whole: its last segment.
    EXPECT_EQ(
        NormalizeCertificateCode("https://learn.example.go.th/learning/verify/abcd-efgh-jkmn"),
        std::optional<std::string>("ABCD-EFGH-JKMN"));
}

TEST(CertificateName, Initials) {
    EXPECT_EQ(NameInitials("นางสาวสมศรี ใจดี"), "ส. จ.");
    EXPECT_EQ(NameInitials("นายทดสอบ เรียนดี"), "ท. ร.");
    EXPECT_EQ(NameInitials("Somsri  Jaidee"), "S. J.");
    EXPECT_EQ(NameInitials("Mr. John Smith"), "J. S.");
    EXPECT_EQ(NameInitials("สมชาย ใจดี"), "ส. จ.");  // the leading vowel ใ is passed over
    EXPECT_EQ(NameInitials(""), "");
}

}  // namespace
}  // namespace govhub::learning

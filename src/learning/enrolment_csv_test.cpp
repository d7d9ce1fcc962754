// The enrolment file as agencies' administrators write it: Excel's cp874, a header or none,
// IDs typed with dashes or Thai digits, e-mails, mistakes, duplicates and files too big.
#include "learning/enrolment_csv.hpp"

#include <gtest/gtest.h>

namespace govhub::learning {
namespace {

using Kind = EnrolmentRow::Kind;

TEST(EnrolmentCsv, IdsAndEmailsWithAHeader) {
    auto f = ParseEnrolmentCsv(
        "เลขประจำตัวประชาชน,อีเมล,ชื่อ\r\n"
        "1-1011-12345-67-9,,สมชาย\r\n"
        ",Somsri@Agency.GO.TH,สมศรี\r\n"
        "\r\n"
        "๑๑๐๑๑๑๒๓๔๕๖๗๙,,ซ้ำ\r\n"
        "1101112345678,,ผิด\r\n"
        "สมปอง,,\r\n");
    ASSERT_EQ(f.error_key, "");
    EXPECT_TRUE(f.header);
    ASSERT_EQ(f.rows.size(), 5u);
    EXPECT_EQ(f.rows[0].kind, Kind::kCitizenId);
    EXPECT_EQ(f.rows[0].value, "1101112345679");
    EXPECT_EQ(f.rows[0].line, 2);
    EXPECT_EQ(f.rows[1].kind, Kind::kEmail);
    EXPECT_EQ(f.rows[1].value, "somsri@agency.go.th");
    // Thai digits are the same person as row 2: a duplicate, reported, not enrolled twice.
    EXPECT_EQ(f.rows[2].kind, Kind::kDuplicate);
    EXPECT_EQ(f.rows[2].line, 4);  // records are counted; the blank line is not one
    EXPECT_EQ(f.rows[3].kind, Kind::kInvalid);
    EXPECT_EQ(f.rows[3].error_key, "learning.bulk.bad_check_digit");
    EXPECT_EQ(f.rows[4].kind, Kind::kInvalid);
    EXPECT_EQ(f.rows[4].error_key, "learning.bulk.no_id_or_email");
    EXPECT_EQ(f.rows[4].shown, "สมปอง");
}

TEST(EnrolmentCsv, Cp874FromExcelWithSemicolonsAndNoHeader) {
    // "สมชาย" in cp874 beside an ID, as Thai Excel saves "CSV" with a semicolon list separator.
    std::string somchai = "\xca\xc1\xaa\xd2\xc2";
    auto f = ParseEnrolmentCsv("1101112345679;" + somchai + "\n3100600123450;" + somchai + "\n");
    ASSERT_EQ(f.error_key, "");
    EXPECT_FALSE(f.header);
    EXPECT_EQ(f.encoding, "CP874");
    ASSERT_EQ(f.rows.size(), 2u);
    EXPECT_EQ(f.rows[1].kind, Kind::kCitizenId);
    EXPECT_EQ(f.rows[1].value, "3100600123450");
}

TEST(EnrolmentCsv, Utf8BomAndASingleColumnOfEmails) {
    auto f = ParseEnrolmentCsv(
        "\xEF\xBB\xBF"
        "email\na@b.go.th\nnot-an-email\n");
    ASSERT_EQ(f.error_key, "");
    EXPECT_TRUE(f.header);
    ASSERT_EQ(f.rows.size(), 2u);
    EXPECT_EQ(f.rows[0].value, "a@b.go.th");
    EXPECT_EQ(f.rows[1].kind, Kind::kInvalid);
}

TEST(EnrolmentCsv, WholeFileRefusals) {
    EXPECT_EQ(ParseEnrolmentCsv("").error_key, "learning.bulk.empty");
    EXPECT_EQ(ParseEnrolmentCsv("\n\n,,\n").error_key, "learning.bulk.empty");
    EXPECT_EQ(ParseEnrolmentCsv(std::string(kMaxEnrolmentBytes + 1, 'a')).error_key,
              "learning.bulk.file_too_large");
    std::string many;
    for (size_t i = 0; i <= kMaxEnrolmentRows; ++i) many += "x" + std::to_string(i) + "@a.go.th\n";
    ASSERT_LE(many.size(), kMaxEnrolmentBytes);
    auto f = ParseEnrolmentCsv(many);
    EXPECT_EQ(f.error_key, "learning.bulk.too_many_rows");
    EXPECT_TRUE(f.rows.empty());  // nothing half-done
    std::string at_limit;
    for (size_t i = 0; i < kMaxEnrolmentRows; ++i)
        at_limit += "x" + std::to_string(i) + "@a.go.th\n";
    EXPECT_EQ(ParseEnrolmentCsv(at_limit).rows.size(), kMaxEnrolmentRows);
    // Binary content (NUL bytes without a UTF-16 BOM) is not text: refused, not an exception.
    EXPECT_EQ(ParseEnrolmentCsv(std::string(10, '\0')).error_key, "learning.bulk.not_text");
    std::string all;
    for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
    EXPECT_EQ(ParseEnrolmentCsv(all).error_key, "learning.bulk.not_text");
    // An unclosed quote would swallow the rest of the file into one record: refused.
    EXPECT_EQ(ParseEnrolmentCsv("\"" + std::string(70000, 'a')).error_key,
              "learning.bulk.row_too_long");
}

TEST(EnrolmentCsv, ShownTextIsCutOnACharacterBoundary) {
    std::string long_thai;
    for (int i = 0; i < 60; ++i) long_thai += "ก";  // 3 bytes each
    auto f = ParseEnrolmentCsv(long_thai + "\n");
    ASSERT_EQ(f.rows.size(), 1u);
    EXPECT_LE(f.rows[0].shown.size(), 100u + 3);
    EXPECT_EQ(f.rows[0].shown.substr(f.rows[0].shown.size() - 3), "…");
    EXPECT_EQ((f.rows[0].shown.size() - 3) % 3, 0u);
}

}  // namespace
}  // namespace govhub::learning

#include "core/csv.hpp"

#include <gtest/gtest.h>

#include <random>

#include "core/text_encoding.hpp"

namespace govhub::core {
namespace {

using Records = std::vector<std::vector<std::string>>;

Records Parse(std::string_view text, Dialect d = {}, size_t chunk = 0) {
    Records out;
    CsvParser p(d);
    auto take = [&](std::vector<std::string>& f) { out.push_back(f); };
    if (chunk == 0) {
        p.Feed(text, take);
    } else {
        for (size_t i = 0; i < text.size(); i += chunk) p.Feed(text.substr(i, chunk), take);
    }
    p.Finish(take);
    return out;
}

TEST(Csv, QuotesNewlinesAndLineEndsInAnyChunking) {
    std::string text =
        "ชื่อ,\"หมายเหตุ\",จำนวน\r\n"
        "\"สมชาย, ใจดี\",\"บรรทัดแรก\nบรรทัดสอง\",10\r\n"
        "\"เขาว่า \"\"ดี\"\"\",,20\n"
        "\n"
        "ท้าย,ไม่มีขึ้นบรรทัดใหม่,30";
    Records expected = {{"ชื่อ", "หมายเหตุ", "จำนวน"},
                        {"สมชาย, ใจดี", "บรรทัดแรก\nบรรทัดสอง", "10"},
                        {"เขาว่า \"ดี\"", "", "20"},
                        {"ท้าย", "ไม่มีขึ้นบรรทัดใหม่", "30"}};
    EXPECT_EQ(Parse(text), expected);
    for (size_t chunk : {1, 2, 3, 7, 64}) EXPECT_EQ(Parse(text, {}, chunk), expected) << chunk;
}

TEST(Csv, RaggedRowsAndStrayQuotesAreKept) {
    Records r = Parse("a,b,c\n1,2\n3,4,5,6\nx\"y,z\n");
    ASSERT_EQ(r.size(), 4u);
    EXPECT_EQ(r[1].size(), 2u);
    EXPECT_EQ(r[2].size(), 4u);
    EXPECT_EQ(r[3][0], "x\"y");
}

TEST(Csv, AMissingClosingQuoteIsAClearErrorNotUnboundedMemory) {
    CsvParser p({}, 1024);
    std::string text = "a,\"never closed\n" + std::string(4096, 'x');
    EXPECT_THROW(p.Feed(text, [](std::vector<std::string>&) {}), std::runtime_error);
    CsvParser q({});
    q.Feed("a,\"open", [](std::vector<std::string>&) {});
    EXPECT_TRUE(q.open_quote());
}

TEST(Csv, SniffsDelimiterAndPreamble) {
    EXPECT_EQ(SniffDialect("a;b;c\n1;2,5;3\n4;5;6\n").delimiter, ';');
    EXPECT_EQ(SniffDialect("a\tb\tc\n1\t2\t3\n").delimiter, '\t');
    EXPECT_EQ(SniffDialect("a,b,c\n1,2,3\n").delimiter, ',');
    EXPECT_EQ(SniffDialect("a|b\n1|2\n").delimiter, '|');
    Dialect d = SniffDialect(
        "รายงานจำนวนประชากร ปี 2567\nหน่วย: คน\nจังหวัด,ชาย,หญิง\nเชียงใหม่,1,2\nลำปาง,3,4\n"
        "น่าน,5,6\n");
    EXPECT_EQ(d.delimiter, ',');
    EXPECT_EQ(d.preamble, 2);
    EXPECT_EQ(SniffDialect("only one column\nvalue\n").delimiter, ',');
}

TEST(Csv, SpreadsheetFieldsNeverStartAFormula) {
    EXPECT_EQ(SpreadsheetCsvField("=HYPERLINK(\"http://x\",\"y\")", ','),
              "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    EXPECT_EQ(SpreadsheetCsvField("@SUM(A1:A2)", ','), "'@SUM(A1:A2)");
    EXPECT_EQ(SpreadsheetCsvField("+1+cmd|' /C calc'!A0", ','), "'+1+cmd|' /C calc'!A0");
    EXPECT_EQ(SpreadsheetCsvField("-2+3", ','), "'-2+3");
    EXPECT_EQ(SpreadsheetCsvField("\t=1", ','), "'\t=1");
    EXPECT_EQ(SpreadsheetCsvField("\r=1", ','), "\"'\r=1\"");
    // Numbers stay numbers; ordinary text and Thai are as CsvField writes them.
    EXPECT_EQ(SpreadsheetCsvField("-5", ','), "-5");
    EXPECT_EQ(SpreadsheetCsvField("-1.25", ','), "-1.25");
    EXPECT_EQ(SpreadsheetCsvField("-", ','), "'-");
    EXPECT_EQ(SpreadsheetCsvField("42", ','), "42");
    EXPECT_EQ(SpreadsheetCsvField("", ','), "");
    EXPECT_EQ(SpreadsheetCsvField("นักวิชาการ, ชำนาญการ", ','), "\"นักวิชาการ, ชำนาญการ\"");
    EXPECT_EQ(SpreadsheetCsvField("a=b", ','), "a=b");
}

TEST(Encoding, DecidesOverTheWholeFile) {
    EXPECT_EQ(DetectEncodingOf("plain ascii, 1, 2\n").name, "UTF-8");
    Encoding bom = DetectEncodingOf("\xEF\xBB\xBFชื่อ,อายุ\n");
    EXPECT_EQ(bom.name, "UTF-8");
    EXPECT_EQ(bom.bom, 3u);
    // "ชื่อ" in cp874: every byte is a cp874 character and it is not UTF-8.
    EXPECT_EQ(DetectEncodingOf("\xAA\xD7\xE8\xCD,1\n").name, "CP874");
    // ASCII for a long while, then cp874 Thai: not UTF-8.
    std::string late = std::string(100000, 'a') + "\n\xA1\xA2\n";
    EXPECT_EQ(DetectEncodingOf(late).name, "CP874");
    EXPECT_THROW(DetectEncodingOf(std::string("PK\x03\x04\0\0\0binary", 14)), std::runtime_error);
}

}  // namespace
}  // namespace govhub::core

#include "search/analyzer.hpp"

#include <gtest/gtest.h>

namespace govhub::search {
namespace {

TEST(Analyzer, SplitsThaiIntoWordsAndDropsPunctuation) {
    auto terms = Terms("สำนักงานสถิติแห่งชาติ, Open Data 2569!");
    // ICU's dictionary splits the run into words; punctuation and spaces disappear.
    ASSERT_GE(terms.size(), 5u);
    EXPECT_EQ(terms.front(), "สำนักงาน");
    EXPECT_NE(std::find(terms.begin(), terms.end(), "สถิติ"), terms.end());
    EXPECT_NE(std::find(terms.begin(), terms.end(), "open"), terms.end());  // case folded
    EXPECT_NE(std::find(terms.begin(), terms.end(), "data"), terms.end());
    EXPECT_NE(std::find(terms.begin(), terms.end(), "2569"), terms.end());
    for (const auto& t : terms) EXPECT_EQ(t.find_first_of(" ,!"), std::string::npos) << t;
}

TEST(Analyzer, WordBreakComesBeforeNormalization) {
    // A decomposed SARA AM (ํ + า, as NFKC produces it) is put back as ำ, so both spellings
    // index the same term and "สำนักงาน" is not split at the vowel.
    EXPECT_EQ(NormalizeWord("\u0E2A\u0E4D\u0E32\u0E19\u0E31\u0E01"), "สำนัก");
    EXPECT_EQ(NormalizeWord("ＤＡＴＡ"), "data");  // full-width Latin (NFKC) and case
    auto terms = Terms("สำนักงาน");
    ASSERT_EQ(terms.size(), 1u);
    EXPECT_EQ(terms[0], "สำนักงาน");
}

std::string Utf8(char32_t c) {
    std::string out;
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else {  // the Thai block is three bytes
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
    return out;
}

TEST(Analyzer, TheShortcutForPlainWordsEqualsIcu) {
    // Every Thai-block code point and printable ASCII character, alone and in every ordered
    // pair: tone marks before vowels (which NFKC reorders), ำ and ํ+า, upper-case Latin.
    std::vector<std::string> chars;
    for (char32_t c = 0x0E00; c <= 0x0E7F; ++c) chars.push_back(Utf8(c));
    for (char32_t c = 0x20; c < 0x7F; c += 3) chars.push_back(Utf8(c));
    size_t compared = 0;
    for (const auto& a : chars) {
        EXPECT_EQ(NormalizeWord(a), NormalizeWordWithIcu(a)) << a;
        for (const auto& b : chars) {
            std::string w = "ก" + a + b + "X";
            ASSERT_EQ(NormalizeWord(w), NormalizeWordWithIcu(w)) << w;
            ++compared;
        }
    }
    EXPECT_GT(compared, 20000u);
    for (const char* w :
         {"น้ำ", "กุ้ง", "ผู้สูงอายุ", "สํานักงาน", "กุ่", "Open", "ÄPFEL", "ｄａｔａ", "\xE0\xB8"})
        EXPECT_EQ(NormalizeWord(w), NormalizeWordWithIcu(w)) << w;
}

TEST(Analyzer, OffsetsAreUtf8ByteRanges) {
    std::string text = "ข้อมูล เปิด";
    auto tokens = Analyze(text);
    ASSERT_EQ(tokens.size(), 2u);
    EXPECT_EQ(text.substr(tokens[0].start, tokens[0].end - tokens[0].start), "ข้อมูล");
    EXPECT_EQ(text.substr(tokens[1].start, tokens[1].end - tokens[1].start), "เปิด");
}

TEST(Analyzer, EmptyAndHostileInput) {
    EXPECT_TRUE(Analyze("").empty());
    EXPECT_TRUE(Analyze("   ,,, !!!").empty());
    EXPECT_NO_THROW(Analyze("\xff\xfe broken \xe0\xb8"));
    EXPECT_NO_THROW(Analyze(std::string(100000, 'a')));
}

}  // namespace
}  // namespace govhub::search

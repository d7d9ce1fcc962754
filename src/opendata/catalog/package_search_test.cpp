#include "opendata/catalog/package_search.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/test_i18n.hpp"

namespace govhub::catalog {
namespace {

// The English message of the error CheckSearchQuery throws, or "" when the query is accepted.
std::string Refusal(const std::string& q) {
    try {
        CheckSearchQuery(q);
        return "";
    } catch (const HttpError& e) {
        EXPECT_EQ(e.status(), 400);
        return core::English(e.message());
    }
}

std::string Repeat(const std::string& s, size_t n) {
    std::string out;
    for (size_t i = 0; i < n; ++i) out += s;
    return out;
}

TEST(PackageSearchBounds, ParenthesesNestAtMost32Deep) {
    EXPECT_EQ(Refusal(Repeat("(", 32) + "a" + Repeat(")", 32)), "");
    EXPECT_EQ(Refusal(Repeat("(", 33) + "a" + Repeat(")", 33)),
              "Search Query Error: the query nests parentheses or NOT more than 32 deep");
    // Issue #12 finding 1: 5,000 '(' (within the length bound, the depth bound answers first).
    EXPECT_NE(Refusal(Repeat("(", 1999)).find("32 deep"), std::string::npos);
}

TEST(PackageSearchBounds, NotChainsCountTowardTheDepth) {
    EXPECT_EQ(Refusal(Repeat("NOT ", 32) + "a"), "");
    EXPECT_NE(Refusal(Repeat("NOT ", 33) + "a").find("32 deep"), std::string::npos);
    EXPECT_EQ(Refusal(Repeat("-", 32) + "a"), "");
    EXPECT_NE(Refusal(Repeat("-", 33) + "a").find("32 deep"), std::string::npos);
    EXPECT_EQ(Refusal(Repeat("! ", 32) + "a"), "");
    EXPECT_NE(Refusal(Repeat("! ", 33) + "a").find("32 deep"), std::string::npos);
    // Mixed: 16 parentheses holding 16 NOTs is 32; one more of either is too deep.
    EXPECT_EQ(Refusal(Repeat("(", 16) + Repeat("NOT ", 16) + "a" + Repeat(")", 16)), "");
    EXPECT_NE(Refusal(Repeat("(", 16) + Repeat("NOT ", 17) + "a" + Repeat(")", 16)).find("deep"),
              std::string::npos);
    // Siblings do not add up: many shallow groups are fine.
    EXPECT_EQ(Refusal(Repeat("(a) ", 50)), "");
}

TEST(PackageSearchBounds, AtMost100Clauses) {
    EXPECT_EQ(Refusal("a" + Repeat(" OR a", 99)), "");
    EXPECT_EQ(Refusal("a" + Repeat(" OR a", 100)),
              "Search Query Error: the query has more than 100 clauses");
    EXPECT_EQ(Refusal(Repeat("tags:x ", 100)), "");
    EXPECT_NE(Refusal(Repeat("tags:x ", 101)).find("100 clauses"), std::string::npos);
}

TEST(PackageSearchBounds, AtMost2000Characters) {
    EXPECT_EQ(Refusal(std::string(2000, 'a')), "");
    EXPECT_EQ(Refusal(std::string(2001, 'a')),
              "Search Query Error: the query is longer than 2000 characters");
    // Characters, not bytes: 2,000 Thai letters (6,000 bytes) are within the bound.
    EXPECT_EQ(Refusal(Repeat("ก", 2000)), "");
    EXPECT_NE(Refusal(Repeat("ก", 2001)).find("2000 characters"), std::string::npos);
}

TEST(PackageSearchBounds, OrdinaryMistakesKeepTheirOwnMessages) {
    EXPECT_EQ(Refusal("(tags:a"), "Search Query Error: missing ')'");
}

TEST(PackageSearchParse, QAndEveryFqAreJoinedAndTheirWordsCollected) {
    ParsedSearch parsed = ParseSearch("งบประมาณ -ลับ NOT (x OR tags:y)", {"กรุงเทพ", "state:active"});
    ASSERT_EQ(parsed.query.kind, SearchNode::Kind::kAnd);
    EXPECT_EQ(parsed.query.children.size(), 3u);
    // Negated words select but do not rank.
    EXPECT_EQ(parsed.rank_words, "งบประมาณ กรุงเทพ");
    EXPECT_EQ(parsed.words, (std::set<std::string>{"กรุงเทพ", "งบประมาณ", "ลับ", "x"}));
}

TEST(PackageSearchParse, AtMost100FilterQueries) {
    EXPECT_NO_THROW(ParseSearch("", std::vector<std::string>(100, "tags:x")));
    try {
        ParseSearch("", std::vector<std::string>(101, "tags:x"));
        FAIL() << "101 fq accepted";
    } catch (const HttpError& e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_NE(core::English(e.message()).find("100"), std::string::npos);
    }
}

}  // namespace
}  // namespace govhub::catalog

#include "search/term_index.hpp"

#include <gtest/gtest.h>

#include "search/analyzer.hpp"

namespace govhub::search {
namespace {

std::vector<uint32_t> Slots(const std::vector<char>& bits) {
    std::vector<uint32_t> out;
    for (size_t i = 0; i < bits.size(); ++i)
        if (bits[i]) out.push_back(static_cast<uint32_t>(i));
    return out;
}

std::vector<uint32_t> Match(const TermIndex& index, std::string_view word, size_t slots) {
    auto bits = index.MatchWord(word, slots);
    return bits ? Slots(*bits) : std::vector<uint32_t>{};
}

TEST(TermIndex, FindsEveryWordOfAQueryAsAPrefixInAnyField) {
    TermIndex empty(2);
    TermIndexWriter w(empty);
    w.Add(0, 0, w.Intern(Terms("สถิติประชากรกรุงเทพมหานคร")));
    w.Add(1, 0, w.Intern(Terms("งบประมาณรายปี")));
    w.Add(1, 1, w.Intern(Terms("กรุงเทพ Open Data")));
    w.Add(2, 1, w.Intern(Terms("ข้อมูลเปิด")));
    auto index = w.Finish();
    EXPECT_EQ(Match(*index, "กรุงเทพ", 3), (std::vector<uint32_t>{0, 1}));  // prefix of กรุงเทพมหานคร
    EXPECT_EQ(Match(*index, "สถิติ", 3), (std::vector<uint32_t>{0}));
    EXPECT_EQ(Match(*index, "OPEN data", 3), (std::vector<uint32_t>{1}));  // every term, folded
    EXPECT_EQ(Match(*index, "open ข้อมูล", 3), (std::vector<uint32_t>{}));
    EXPECT_EQ(Match(*index, "ข้อมูล", 3), (std::vector<uint32_t>{2}));
    EXPECT_FALSE(index->MatchWord("!!", 3).has_value());  // no terms at all
    std::vector<char> title(3, 0);
    index->MarkPrefix("กรุงเทพ", 0, title);  // one field only
    EXPECT_EQ(Slots(title), (std::vector<uint32_t>{0}));
}

TEST(TermIndex, ANewGenerationChangesOnlyWhatItTouches) {
    TermIndex empty(1);
    TermIndexWriter w(empty);
    auto rain = w.Intern(Terms("ปริมาณน้ำฝน"));
    auto schools = w.Intern(Terms("โรงเรียน"));
    w.Add(0, 0, rain);
    w.Add(1, 0, schools);
    w.Add(2, 0, rain);
    auto first = w.Finish();

    // Slot 0 is edited (rain -> schools), slot 2 removed, slot 3 added.
    TermIndexWriter next(*first);
    next.Remove(0, 0, rain);
    next.Add(0, 0, next.Intern(Terms("โรงเรียน")));
    next.Remove(2, 0, rain);
    next.Add(3, 0, next.Intern(Terms("น้ำฝน ถนน")));
    auto second = next.Finish();

    EXPECT_EQ(Match(*second, "โรงเรียน", 4), (std::vector<uint32_t>{0, 1}));
    EXPECT_EQ(Match(*second, "น้ำฝน", 4), (std::vector<uint32_t>{3}));
    EXPECT_EQ(Match(*second, "ถนน", 4), (std::vector<uint32_t>{3}));
    // The first generation is what it was: readers holding it are never disturbed.
    EXPECT_EQ(Match(*first, "น้ำฝน", 4), (std::vector<uint32_t>{0, 2}));
    EXPECT_EQ(Match(*first, "โรงเรียน", 4), (std::vector<uint32_t>{1}));
    EXPECT_EQ(Match(*first, "ถนน", 4), (std::vector<uint32_t>{}));
    // A slot removed and re-added under the same term in one generation stays listed.
    TermIndexWriter third(*second);
    auto s = third.Intern(Terms("โรงเรียน"));
    third.Remove(1, 0, s);
    third.Add(1, 0, s);
    EXPECT_EQ(Match(*third.Finish(), "โรงเรียน", 4), (std::vector<uint32_t>{0, 1}));
}

TEST(TermIndex, PrefixesCoverEveryLongerTermAndNothingElse) {
    TermIndex empty(1);
    TermIndexWriter w(empty);
    std::vector<std::string> words = {"data", "database", "datum", "dat", "date", "da", "d"};
    for (uint32_t i = 0; i < words.size(); ++i) w.Add(i, 0, w.Intern({words[i]}));
    auto index = w.Finish();
    EXPECT_EQ(Match(*index, "dat", 7), (std::vector<uint32_t>{0, 1, 2, 3, 4}));
    EXPECT_EQ(Match(*index, "data", 7), (std::vector<uint32_t>{0, 1}));
    EXPECT_EQ(Match(*index, "datab", 7), (std::vector<uint32_t>{1}));
    EXPECT_EQ(Match(*index, "e", 7), (std::vector<uint32_t>{}));
    EXPECT_EQ(index->Postings("dat", 0), (std::vector<uint32_t>{3}));
}

}  // namespace
}  // namespace govhub::search

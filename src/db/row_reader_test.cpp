#include "db/row_reader.hpp"

#include <gtest/gtest.h>

namespace govhub::db {
namespace {

enum class Colour { kRed, kGreen, kBlue };
constexpr auto kColourText = MakeEnumText<Colour>(
    {{Colour::kRed, "red"}, {Colour::kGreen, "green"}, {Colour::kBlue, "blue"}});

TEST(EnumText, NamesAndParsesEveryValueBothWays) {
    for (const auto& [value, name] : kColourText.all()) {
        EXPECT_EQ(kColourText.Name(value), name);
        EXPECT_EQ(kColourText.Parse(name), value);
    }
    EXPECT_FALSE(kColourText.Parse("purple"));
    EXPECT_FALSE(kColourText.Parse(""));
    EXPECT_FALSE(kColourText.Parse("Red"));  // stored text is exact
    static_assert(kColourText.Name(Colour::kBlue) == "blue");
    static_assert(*kColourText.Parse("green") == Colour::kGreen);
}

TEST(RowReader, TakesTheColumnsInOrderWithNullsAsEmpty) {
    Row row({std::string("id-1"), std::nullopt, std::string("42"), std::string("t"),
             std::string("green"), std::string("mauve"), std::string("2.5")});
    RowReader r(row);
    EXPECT_EQ(r.Str(), "id-1");
    EXPECT_EQ(r.OptStr(), std::nullopt);
    EXPECT_EQ(r.Int(), 42);
    EXPECT_TRUE(r.Bool());
    EXPECT_EQ(r.Enum(kColourText, Colour::kRed), Colour::kGreen);
    EXPECT_EQ(r.Enum(kColourText, Colour::kRed), Colour::kRed);  // unknown: the fallback
    EXPECT_DOUBLE_EQ(r.Double(), 2.5);
    EXPECT_EQ(r.position(), 7u);
    EXPECT_ANY_THROW(r.Str());  // past the last column
}

}  // namespace
}  // namespace govhub::db

#include "core/json_reader.hpp"

#include <gtest/gtest.h>

#include "core/test_i18n.hpp"

namespace govhub::core {
namespace {

std::string Nested(size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
}

JsonInputError::Kind KindOf(std::string_view text, const JsonLimits& limits = {}) {
    try {
        ParseJsonBounded(text, limits);
    } catch (const JsonInputError& e) {
        return e.kind();
    }
    ADD_FAILURE() << "no error for " << text.substr(0, 80);
    return JsonInputError::Kind::kSyntax;
}

TEST(JsonReader, NestingAtTheLimitIsReadAndOnePastIsRefused) {
    EXPECT_EQ(kJsonMaxDepth, 64u);
    EXPECT_TRUE(ParseJsonBounded(Nested(64)).is_array());
    EXPECT_EQ(KindOf(Nested(65)), JsonInputError::Kind::kDepth);
    // Objects count the same as arrays.
    std::string objects;
    for (int i = 0; i < 63; ++i) objects += "{\"a\":";
    objects += "[]" + std::string(63, '}');
    EXPECT_TRUE(ParseJsonBounded(objects).is_object());
    EXPECT_EQ(KindOf("{\"a\":" + objects + "}"), JsonInputError::Kind::kDepth);
}

TEST(JsonReader, TheFindingsBodyIsRefusedWhileParsing) {
    // Issue #12 finding 2: 200,000 brackets used to overflow the stack after parsing.
    std::string body = "{\"a\":" + Nested(200'000) + "}";
    try {
        ParseJsonBounded(body);
        FAIL();
    } catch (const JsonInputError& e) {
        EXPECT_EQ(e.kind(), JsonInputError::Kind::kDepth);
        EXPECT_EQ(e.status(), 400);
        EXPECT_EQ(e.detail(), "JSON nesting deeper than 64");
        EXPECT_EQ(English(e.message()), "JSON nesting deeper than 64");
        EXPECT_LT(e.message().size(), 100u);
    }
}

TEST(JsonReader, ElementsAtTheLimitAreReadAndOnePastIsRefused) {
    EXPECT_EQ(kJsonMaxElements, 1'000'000u);
    // The array itself counts as one element.
    auto list = [](size_t n) {
        std::string s = "[";
        for (size_t i = 0; i < n; ++i) s += i ? ",0" : "0";
        return s + "]";
    };
    EXPECT_EQ(ParseJsonBounded(list(999'999)).size(), 999'999u);
    EXPECT_EQ(KindOf(list(1'000'000)), JsonInputError::Kind::kElements);
    // Smaller limits, for objects: {"k":v} is the object and its value.
    JsonLimits small{.max_depth = 64, .max_elements = 3};
    EXPECT_NO_THROW(ParseJsonBounded(R"({"a":1,"b":2})", small));
    EXPECT_EQ(KindOf(R"({"a":1,"b":2,"c":3})", small), JsonInputError::Kind::kElements);
}

TEST(JsonReader, NulCharactersAreRefusedInValuesAndKeys) {
    EXPECT_EQ(KindOf(R"({"a":"x\u0000y"})"), JsonInputError::Kind::kNul);
    EXPECT_EQ(KindOf(R"({"a\u0000":1})"), JsonInputError::Kind::kNul);
    EXPECT_EQ(KindOf(R"([[["\u0000"]]])"), JsonInputError::Kind::kNul);
    JsonLimits allow;
    allow.reject_nul = false;
    EXPECT_EQ(ParseJsonBounded(R"("\u0000")", allow).get<std::string>().size(), 1u);
}

TEST(JsonReader, SyntaxErrorsDoNotEchoTheInput) {
    std::string bad = "{\"a\": \"" + std::string(100'000, 'x');  // unterminated string
    try {
        ParseJsonBounded(bad);
        FAIL();
    } catch (const JsonInputError& e) {
        EXPECT_EQ(e.kind(), JsonInputError::Kind::kSyntax);
        EXPECT_LT(e.detail().size(), 100u);
        EXPECT_LT(English(e.message()).size(), 100u);
    }
    EXPECT_TRUE(ParseJsonBoundedOrDiscarded("not json").is_discarded());
    EXPECT_EQ(ParseJsonBoundedOrDiscarded(R"({"a":[1]})")["a"][0], 1);
    // A broken limit is never mistaken for plain text.
    EXPECT_THROW(ParseJsonBoundedOrDiscarded(Nested(65)), JsonInputError);
    // Text kept as text: past a limit too, nothing is thrown.
    EXPECT_TRUE(ParseJsonIfWithinLimits(Nested(65)).is_discarded());
    EXPECT_TRUE(ParseJsonIfWithinLimits("not json").is_discarded());
    EXPECT_EQ(ParseJsonIfWithinLimits(Nested(64)).dump(), Nested(64));
}

TEST(JsonReader, TheProcessDefaultsCanBeChanged) {
    JsonLimits before = DefaultJsonLimits();
    JsonLimits tight = before;
    tight.max_depth = 2;
    SetDefaultJsonLimits(tight);
    EXPECT_NO_THROW(ParseJsonBounded("[[1]]"));
    EXPECT_THROW(ParseJsonBounded("[[[1]]]"), JsonInputError);
    SetDefaultJsonLimits(before);
    EXPECT_NO_THROW(ParseJsonBounded("[[[1]]]"));
}

}  // namespace
}  // namespace govhub::core

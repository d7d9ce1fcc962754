#include "api/params.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "core/error.hpp"
#include "core/json_reader.hpp"
#include "core/test_i18n.hpp"

namespace govhub::api {
namespace {

using core::English;

// The refusal a reader throws: its status, and the message as an English reader sees it (the
// field's message for a Validation Error, the whole message for a Search Query Error).
struct Refusal {
    int status = 0;
    std::string field;
    std::string message;
};

template <class F>
Refusal RefusalOf(F&& read) {
    try {
        read();
    } catch (const core::JsonInputError& e) {
        return {e.status(), "", e.detail()};
    } catch (const HttpError& e) {
        if (e.fields().empty()) return {e.status(), "", English(e.message())};
        return {e.status(), e.fields()[0].field, English(e.fields()[0].message)};
    }
    ADD_FAILURE() << "no refusal";
    return {};
}

Json Query(std::initializer_list<std::pair<const char*, const char*>> pairs) {
    Json j = Json::object();
    for (const auto& [k, v] : pairs) j[k] = v;
    return j;
}

TEST(Params, HasMeansGivenAndNotEmpty) {
    Json j = {{"a", "x"}, {"empty", ""}, {"null", nullptr}, {"zero", 0}, {"list", Json::array()}};
    Params in(j);
    EXPECT_TRUE(in.Has("a"));
    EXPECT_TRUE(in.Has("zero"));
    EXPECT_TRUE(in.Has("list"));
    EXPECT_FALSE(in.Has("empty"));
    EXPECT_FALSE(in.Has("null"));
    EXPECT_FALSE(in.Has("missing"));
}

TEST(Params, AnythingButAnObjectReadsAsEmpty) {
    for (const Json& j : {Json(nullptr), Json::array({1}), Json("text"), Json(5)}) {
        Params in(j);
        EXPECT_FALSE(in.Has("a"));
        EXPECT_EQ(in.String("a", "f"), "f");
        EXPECT_EQ(in.Int("a", 3, 0, 10), 3);
    }
}

TEST(Params, StringTakesTextOnly) {
    Json j = {{"s", "ถนน"},      {"empty", ""},     {"n", 5},
              {"o", {{"x", 1}}}, {"l", {"a", "b"}}, {"b", true}};
    Params in(j);
    EXPECT_EQ(in.String("s"), "ถนน");
    EXPECT_EQ(in.String("missing", "fb"), "fb");
    EXPECT_EQ(in.String("empty", "fb"), "");
    for (const char* key : {"n", "o", "l", "b"}) {
        Refusal r = RefusalOf([&] { in.String(key); });
        EXPECT_EQ(r.status, 409) << key;
        EXPECT_EQ(r.field, key);
        EXPECT_EQ(r.message, "must be text");
    }
}

TEST(Params, RequireRefusesMissingNullAndEmpty) {
    Json j = {{"id", "abc"}, {"empty", ""}, {"null", nullptr}, {"n", 1}};
    Params in(j);
    EXPECT_EQ(in.Require("id"), "abc");
    for (const char* key : {"empty", "null", "missing"}) {
        Refusal r = RefusalOf([&] { in.Require(key); });
        EXPECT_EQ(r.status, 409);
        EXPECT_EQ(r.field, key);
        EXPECT_EQ(r.message, "Missing value");
    }
    EXPECT_EQ(RefusalOf([&] { in.Require("n"); }).message, "must be text");
}

TEST(Params, BoolReadsJsonAndEveryTextForm) {
    for (const char* t : {"true", "TRUE", "True", "1", "yes", "Yes", "on", "ON"})
        EXPECT_TRUE(Params(Query({{"b", t}})).Bool("b", false)) << t;
    for (const char* f : {"false", "False", "0", "no", "NO", "off", "Off"})
        EXPECT_FALSE(Params(Query({{"b", f}})).Bool("b", true)) << f;
    EXPECT_TRUE(Params(Json{{"b", true}}).Bool("b", false));
    EXPECT_FALSE(Params(Json{{"b", false}}).Bool("b", true));
    EXPECT_TRUE(Params(Json{{"b", 1}}).Bool("b", false));
    EXPECT_FALSE(Params(Json{{"b", 0}}).Bool("b", true));
}

TEST(Params, BoolEmptyTextIsNotGiven) {
    // The datastore and the catalog's service read "" as false; the actions refused it. Now
    // everywhere: not given.
    EXPECT_TRUE(Params(Query({{"b", ""}})).Bool("b", true));
    EXPECT_FALSE(Params(Query({{"b", ""}})).Bool("b", false));
    EXPECT_TRUE(Params(Json{{"b", nullptr}}).Bool("b", true));
    EXPECT_TRUE(Params(Json::object()).Bool("b", true));
}

TEST(Params, BoolRefusesAnythingElse) {
    for (const Json& v :
         {Json("maybe"), Json(" true"), Json("truex"), Json("2"), Json(2), Json(-1), Json(0.0),
          Json::array({true}), Json::object(), Json(std::string("tr\0ue", 5))}) {
        Refusal r = RefusalOf([&] { Params(Json{{"flag", v}}).Bool("flag", false); });
        EXPECT_EQ(r.status, 409) << v.dump();
        EXPECT_EQ(r.field, "flag");
        EXPECT_EQ(r.message, "must be true or false (also 1/0, yes/no, on/off)");
    }
}

TEST(Params, IntReadsJsonIntegersAndDecimalText) {
    EXPECT_EQ(Params(Json{{"n", 42}}).Int("n", 0, 0, 100), 42);
    EXPECT_EQ(Params(Json{{"n", -5}}).Int("n", 0, -10, 10), -5);
    EXPECT_EQ(Params(Query({{"n", "42"}})).Int("n", 0, 0, 100), 42);
    EXPECT_EQ(Params(Query({{"n", "-0"}})).Int("n", 9, -1, 1), 0);
    EXPECT_EQ(Params(Query({{"n", "007"}})).Int("n", 0, 0, 100), 7);
    EXPECT_EQ(Params(Json{{"n", INT64_MAX}}).Int("n", 0, 0, INT64_MAX), INT64_MAX);
    EXPECT_EQ(Params(Query({{"n", "-9223372036854775808"}})).Int("n", 0, INT64_MIN, 0), INT64_MIN);
}

TEST(Params, IntEmptyTextIsNotGiven) {
    EXPECT_EQ(Params(Query({{"n", ""}})).Int("n", 17, 0, 100), 17);
    EXPECT_EQ(Params(Json{{"n", nullptr}}).Int("n", 17, 0, 100), 17);
    EXPECT_EQ(Params(Json::object()).Int("n", 17, 0, 100), 17);
}

TEST(Params, IntRefusesWhatIsNotAnInteger) {
    for (const Json& v :
         {Json("ten"),     Json(" 12"),        Json("12 "), Json("+12"),      Json("0x10"),
          Json("1e3"),     Json("1e400"),      Json("1.5"), Json("NaN"),      Json("inf"),
          Json("-"),       Json("--1"),        Json("1-2"), Json("๑๒"),       Json(1.5),
          Json(1e300),     Json(std::nan("")), Json(true),  Json::array({1}), Json::object(),
          Json("\xff\xfe")}) {
        Refusal r = RefusalOf([&] { Params(Json{{"limit", v}}).Int("limit", 0, 0, 100); });
        EXPECT_EQ(r.status, 409) << v.dump(-1, ' ', false, Json::error_handler_t::replace);
        EXPECT_EQ(r.field, "limit");
        EXPECT_EQ(r.message, "must be an integer");
    }
}

TEST(Params, IntOutOfRangeNamesTheRange) {
    for (const Json& v : {Json(101), Json(-1), Json("101"), Json(UINT64_MAX), Json(INT64_MIN),
                          Json("9223372036854775808"), Json("-9223372036854775809"),
                          Json("99999999999999999999999999999999999999")}) {
        Refusal r = RefusalOf([&] { Params(Json{{"limit", v}}).Int("limit", 0, 0, 100); });
        EXPECT_EQ(r.status, 409) << v.dump();
        EXPECT_EQ(r.message, "must be an integer from 0 to 100") << v.dump();
    }
    // Without an upper bound the message names the lower one only.
    Refusal r = RefusalOf([] { Params(Json{{"offset", -5}}).Int("offset", 0, 0, INT64_MAX); });
    EXPECT_EQ(r.message, "must be an integer of at least 0");
    r = RefusalOf([] { Params(Json{{"offset", UINT64_MAX}}).Int("offset", 0, 0, INT64_MAX); });
    EXPECT_EQ(r.message, "must be an integer of at least 0");
}

TEST(Params, ListReadsArraysJsonTextAndCommas) {
    EXPECT_EQ(Params(Json{{"l", {"a", "b"}}}).List("l"), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(Params(Query({{"l", "[\"tags\",\"res_format\"]"}})).List("l"),
              (std::vector<std::string>{"tags", "res_format"}));
    EXPECT_EQ(Params(Query({{"l", " a , b,,c "}})).List("l"),
              (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(Params(Query({{"l", "tags:a, b"}})).List("l", ListSplit::kWhole),
              (std::vector<std::string>{"tags:a, b"}));
    EXPECT_TRUE(Params(Query({{"l", ""}})).List("l").empty());
    EXPECT_TRUE(Params(Json{{"l", nullptr}}).List("l").empty());
    EXPECT_TRUE(Params(Json::object()).List("l").empty());
    // An array's empty strings are items (the caller sent them).
    EXPECT_EQ(Params(Json{{"l", {""}}}).List("l"), (std::vector<std::string>{""}));
}

TEST(Params, ListRefusesOtherShapes) {
    for (const Json& v : {Json(5), Json(true), Json::object(), Json::array({"a", 1}),
                          Json::array({Json::array({"a"})}), Json("[1, 2]"), Json("[\"a\", {}]")}) {
        Refusal r = RefusalOf([&] { Params(Json{{"fields", v}}).List("fields"); });
        EXPECT_EQ(r.status, 409) << v.dump();
        EXPECT_EQ(r.field, "fields");
        EXPECT_EQ(r.message, "must be a list of texts") << v.dump();
    }
    Refusal r = RefusalOf([] { Params(Query({{"fields", "[[["}})).List("fields"); });
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(r.message, "is not valid JSON");
}

TEST(Params, StructuredReadsJsonOrTextHoldingJson) {
    Json j = {{"o", {{"a", 1}}}, {"t", "{\"a\": [1, 2]}"},
              {"l", " [1] "},    {"plain", "ถนน"},
              {"n", 5},          {"empty", ""}};
    Params in(j);
    EXPECT_EQ(in.Structured("o"), (Json{{"a", 1}}));
    EXPECT_EQ(in.Structured("t"), (Json{{"a", {1, 2}}}));
    EXPECT_EQ(in.Structured("l"), Json::array({1}));
    EXPECT_EQ(in.Structured("plain"), Json("ถนน"));
    EXPECT_EQ(in.Structured("n"), Json(5));
    EXPECT_TRUE(in.Structured("empty").is_null());
    EXPECT_TRUE(in.Structured("missing").is_null());
}

TEST(Params, StructuredRefusesBrokenJsonByName) {
    Refusal r = RefusalOf([] { Params(Query({{"filters", "{broken"}})).Structured("filters"); });
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(r.field, "filters");
    EXPECT_EQ(r.message, "is not valid JSON");
}

TEST(Params, StructuredNestingIsBoundedAt64) {
    auto nested = [](size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); };
    EXPECT_TRUE(Params(Query({{"f", nested(64).c_str()}})).Structured("f").is_array());
    for (size_t depth : {65, 1000, 100000}) {
        std::string text = nested(depth);
        Refusal r = RefusalOf([&] { Params(Json{{"f", text}}).Structured("f"); });
        EXPECT_EQ(r.status, 400) << depth;
        EXPECT_EQ(r.message, "JSON nesting deeper than 64") << depth;
    }
    // A value built in code (not through the bounded reader) is measured too, without recursion.
    Json deep = Json::array();
    for (int i = 0; i < 1000; ++i) deep = Json::array({std::move(deep)});
    Json params = {{"f", std::move(deep)}};
    EXPECT_EQ(RefusalOf([&] { Params(params).Structured("f"); }).status, 400);
}

TEST(Params, SearchStyleErrorsAreSearchQueryErrors) {
    Json j = {{"rows", "many"}, {"start", 5000}, {"flag", "maybe"}, {"q", 5}};
    Params in(j, ParamErrors::kSearchQuery);
    Refusal r = RefusalOf([&] { in.Int("rows", 10, 0, 1000); });
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.message, "Search Query Error: rows: must be an integer");
    r = RefusalOf([&] { in.Int("start", 0, 0, 1000); });
    EXPECT_EQ(r.message, "Search Query Error: start: must be an integer from 0 to 1000");
    r = RefusalOf([&] { in.Bool("flag", false); });
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.message.rfind("Search Query Error: flag: ", 0), 0u) << r.message;
    EXPECT_EQ(RefusalOf([&] { in.String("q"); }).status, 400);
    EXPECT_EQ(RefusalOf([&] { in.Require("id"); }).message,
              "Search Query Error: id: Missing value");
    try {
        in.Int("rows", 10, 0, 1000);
    } catch (const HttpError& e) {
        EXPECT_EQ(e.code(), "search_query");
        EXPECT_TRUE(e.fields().empty());
    }
}

TEST(Params, FallbackModeReadsEveryRefusalAsTheFallback) {
    Json j = {{"page", "abc"},     {"big", "99999999999999999999"},
              {"neg", "-3"},       {"year", 99999},
              {"flag", "maybe"},   {"list", 5},
              {"json", "{broken"}, {"q", Json::array({"a", "b"})},
              {"ok", "7"},         {"empty", ""}};
    Params in(j, ParamErrors::kFallback);
    EXPECT_EQ(in.errors(), ParamErrors::kFallback);
    EXPECT_EQ(in.Int("page", 1, 1, 100000), 1);
    EXPECT_EQ(in.Int("big", 2, 1, 100000), 2);
    EXPECT_EQ(in.Int("neg", 1, 1, 100000), 1);
    EXPECT_EQ(in.Int("year", 2026, 1970, 2743), 2026);
    EXPECT_EQ(in.Int("empty", 4, 1, 9), 4);
    EXPECT_TRUE(in.Bool("flag", true));
    EXPECT_FALSE(in.Bool("flag", false));
    EXPECT_TRUE(in.List("list").empty());
    EXPECT_TRUE(in.Structured("json").is_null());
    EXPECT_EQ(in.String("q", "all"), "all");  // a repeated key is a list, not text
    // What is valid reads as in the other modes.
    EXPECT_EQ(in.Int("ok", 1, 1, 100000), 7);
    EXPECT_EQ(in.String("page"), "abc");
    EXPECT_EQ(in.String("missing", "x"), "x");
    EXPECT_EQ(in.String("empty", "x"), "");
}

TEST(Params, FallbackModeBoundsNestingWithoutThrowing) {
    Json deep = Json::array();
    for (int i = 0; i < 1000; ++i) deep = Json::array({std::move(deep)});
    Json params = {{"f", std::move(deep)}};
    EXPECT_TRUE(Params(params, ParamErrors::kFallback).Structured("f").is_null());
}

TEST(Params, FallbackModeStillRefusesWhatHasNoFallback) {
    Json j = Json::object();
    Params in(j, ParamErrors::kFallback);
    Refusal r = RefusalOf([&] { in.Require("id"); });
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(r.field, "id");
    EXPECT_EQ(RefusalOf([&] { in.Fail("x", "api.param.integer"); }).status, 409);
}

TEST(Params, RefuseIsTheFallbackOnlyInFallbackMode) {
    Json j = {{"year", "2300"}};
    EXPECT_EQ(Params(j, ParamErrors::kFallback).Refuse("year", "api.param.integer", 2026), 2026);
    Refusal r = RefusalOf([&] { Params(j).Refuse("year", "api.param.integer", 2026); });
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(r.field, "year");
    EXPECT_EQ(r.message, "must be an integer");
    EXPECT_EQ(RefusalOf([&] {
                  Params(j, ParamErrors::kSearchQuery).Refuse("year", "api.param.integer", 0);
              }).status,
              400);
}

TEST(Params, MessagesExistInThaiAndEnglish) {
    for (const char* key : {"missing", "string", "boolean", "integer", "int_range", "int_min",
                            "list", "json", "search_error"}) {
        std::string k = std::string("api.param.") + key;
        EXPECT_TRUE(core::TestStrings().Has("th", k)) << k;
        EXPECT_TRUE(core::TestStrings().Has("en", k)) << k;
    }
    Refusal r = RefusalOf([] { Params(Json{{"n", "x"}}).Int("n", 0, 1, 5); });
    EXPECT_EQ(r.message, "must be an integer");
    try {
        Params(Json{{"n", 9}}).Int("n", 0, 1, 5);
    } catch (const HttpError& e) {
        EXPECT_EQ(core::TestStrings().Localize("th", e.fields()[0].message),
                  "ต้องเป็นจำนวนเต็มตั้งแต่ 1 ถึง 5");
    }
}

TEST(Params, InvalidUtf8TextIsReadAsText) {
    // The readers do not look inside text: invalid UTF-8 is refused where the request is read
    // (http/request.cpp) and replaced when a reply is written.
    std::string bad = "\xff\xfe\xc3";
    Json j = {{"s", bad}};
    EXPECT_EQ(Params(j).String("s"), bad);
    EXPECT_EQ(Params(j).List("s"), (std::vector<std::string>{bad}));
    EXPECT_EQ(Params(j).Structured("s"), Json(bad));
    EXPECT_EQ(RefusalOf([&] { Params(j).Int("s", 0, 0, 1); }).message, "must be an integer");
}

}  // namespace
}  // namespace govhub::api

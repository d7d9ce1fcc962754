#include "http/cookies.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/test_i18n.hpp"
#include "http/request.hpp"

namespace govhub::http {
namespace {

// `n` cookies c0=v0; c1=v1; ...
std::string Cookies(size_t n) {
    std::string h;
    for (size_t i = 0; i < n; ++i)
        h += (i ? "; c" : "c") + std::to_string(i) + "=v" + std::to_string(i);
    return h;
}

TEST(Cookies, ReadsValues) {
    EXPECT_EQ(CookieValue("a=1; session=\"abc\"; b=2", "session"), "abc");
    EXPECT_EQ(CookieValue("a=1;b=2", "b"), "2");
    EXPECT_EQ(CookieValue("", "a"), "");
    EXPECT_EQ(CookieValue(";;;", "a"), "");
}

TEST(Cookies, OnlyTheFirst50AreRead) {
    EXPECT_EQ(kMaxCookies, 50u);
    EXPECT_EQ(CookieValue(Cookies(50), "c49"), "v49");
    // The 51st is ignored (not refused): the others still work.
    EXPECT_EQ(CookieValue(Cookies(51), "c50"), "");
    EXPECT_EQ(CookieValue(Cookies(51), "c0"), "v0");
    EXPECT_EQ(CookieValue(Cookies(100'000), "c99999"), "");
}

TEST(UrlEncoded, AtMost1000Parameters) {
    EXPECT_EQ(kMaxParams, 1000u);
    auto query = [](size_t n) {
        std::string q;
        for (size_t i = 0; i < n; ++i) q += "k" + std::to_string(i) + "=v&";
        return q;
    };
    EXPECT_EQ(ParseUrlEncoded(query(1000)).size(), 1000u);
    // Empty pairs (&&) are not parameters.
    EXPECT_EQ(ParseUrlEncoded(query(1000) + "&&&&").size(), 1000u);
    try {
        ParseUrlEncoded(query(1001));
        FAIL();
    } catch (const HttpError& e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_EQ(core::English(e.message()), "The request has more than 1000 parameters");
    }
}

TEST(UrlEncoded, DecodesAsBefore) {
    auto p = ParseUrlEncoded("a=1&b=%E0%B8%81+x&a=2&flag");
    EXPECT_EQ(p.count("a"), 2u);
    EXPECT_EQ(p.find("b")->second, "ก x");
    EXPECT_EQ(p.find("flag")->second, "");
    EXPECT_THROW(ParseUrlEncoded("a=%zz"), HttpError);
}

}  // namespace
}  // namespace govhub::http

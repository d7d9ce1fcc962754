#include "core/strings.hpp"

#include <gtest/gtest.h>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/i18n.hpp"
#include "core/thai_date.hpp"

namespace govhub::core {
namespace {

TEST(Strings, ParseIntTakesOnlyWholeIntegers) {
    EXPECT_EQ(ParseInt("42"), 42);
    EXPECT_EQ(ParseInt("-3"), -3);
    EXPECT_EQ(ParseInt("0"), 0);
    for (const char* bad : {"", "-", "1-2", " 1", "1 ", "+1", "1.5", "๑", "99999999999999999999"})
        EXPECT_FALSE(ParseInt(bad).has_value()) << bad;
}

TEST(Strings, UrlDecodeRejectsBadEscapes) {
    std::string out;
    EXPECT_TRUE(UrlDecode("a+b%20c%E0%B8%81", out, true));
    EXPECT_EQ(out, "a b cก");
    EXPECT_FALSE(UrlDecode("%zz", out, true));
    EXPECT_FALSE(UrlDecode("abc%2", out, true));
    EXPECT_FALSE(UrlDecode("%", out, true));
    EXPECT_TRUE(UrlDecode("a+b", out, false));
    EXPECT_EQ(out, "a+b");
}

TEST(Strings, Utf8Validation) {
    EXPECT_TRUE(IsValidUtf8("ภาษาไทย and ASCII"));
    EXPECT_FALSE(IsValidUtf8("\xff\xfe"));
    EXPECT_FALSE(IsValidUtf8("\xe0\xb8"));      // truncated Thai character
    EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));      // overlong '/'
    EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // surrogate
    EXPECT_EQ(Utf8Length("สำนักงาน"), 8u);
}

TEST(Strings, HtmlAndJsonEscaping) {
    EXPECT_EQ(HtmlEscape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    EXPECT_EQ(JsonEscape("a\"b\\\n\x01"), "a\\\"b\\\\\\n\\u0001");
}

TEST(ThaiDate, BuddhistEraInBangkokTime) {
    // 2026-11-28T20:00:00Z is 29 November 03:00 in Bangkok.
    int64_t us = ParseIsoMicros("2026-11-28T20:00:00Z");
    EXPECT_EQ(FormatDate(us, "th"), "29 พฤศจิกายน 2569");
    EXPECT_EQ(FormatDate(us, "th", true), "29 พฤศจิกายน 2569 03:00 น.");
    EXPECT_EQ(FormatDate(us, "en"), "29 November 2026");
    EXPECT_EQ(FormatDateShort(us, "th"), "29 พ.ย. 2569");
}

TEST(Clock, IsoRoundTrip) {
    int64_t now = NowEpochMicros();
    EXPECT_EQ(ParseIsoMicros(IsoUtc(now)), now);
    EXPECT_EQ(ParseIsoMicros("garbage"), -1);
    EXPECT_LT(IsoUtc(1), IsoUtc(2));  // text order is time order
}

TEST(Crypto, UuidsAndTokens) {
    std::string id = NewUuid();
    EXPECT_TRUE(IsUuid(id));
    EXPECT_EQ(id[14], '4');
    EXPECT_NE(NewUuid(), id);
    EXPECT_FALSE(IsUuid("not-a-uuid"));
    std::string token = RandomToken(32);
    EXPECT_EQ(token.size(), 43u);
    EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_TRUE(ConstantTimeEqual("abc", "abc"));
    EXPECT_FALSE(ConstantTimeEqual("abc", "abd"));
    EXPECT_FALSE(ConstantTimeEqual("abc", "ab"));
}

TEST(I18n, NegotiationOrder) {
    EXPECT_EQ(NegotiateLocale("", "", ""), "th");
    EXPECT_EQ(NegotiateLocale("en", "th", "th"), "en");
    EXPECT_EQ(NegotiateLocale("", "en", "th"), "en");
    EXPECT_EQ(NegotiateLocale("xx", "", "en-US,en;q=0.9"), "en");
    EXPECT_EQ(NegotiateLocale("", "", "en;q=0.5, th;q=0.8"), "th");
    EXPECT_EQ(NegotiateLocale("", "", "fr-FR"), "th");
}

TEST(I18n, EveryKeyExistsInBothLanguages) {
    I18n i18n;
    i18n.LoadDirectory(std::string(GOVHUB_SOURCE_DIR) + "/web/i18n");
    const auto& th = i18n.Strings("th");
    const auto& en = i18n.Strings("en");
    ASSERT_GT(th.size(), 100u);
    for (const auto& [k, v] : th) EXPECT_TRUE(en.count(k)) << "missing in en.json: " << k;
    for (const auto& [k, v] : en) EXPECT_TRUE(th.count(k)) << "missing in th.json: " << k;
    EXPECT_EQ(i18n.Get("en", "nav.login"), "Log in");
    EXPECT_EQ(i18n.Get("en", "no.such.key"), "no.such.key");
}

}  // namespace
}  // namespace govhub::core

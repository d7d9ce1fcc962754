#include "core/strings.hpp"
#include "core/clean_text.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

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

TEST(Strings, HumanSizeNeverSaysZeroForAFile) {
    EXPECT_EQ(HumanSize(0), "0 B");
    EXPECT_EQ(HumanSize(900), "900 B");
    EXPECT_EQ(HumanSize(1024), "1.0 KB");
    EXPECT_EQ(HumanSize(2400), "2.3 KB");
    EXPECT_EQ(HumanSize(1048575), "1.0 MB");  // not "1024.0 KB"
    EXPECT_EQ(HumanSize(uint64_t{15} << 20), "15.0 MB");
    EXPECT_EQ(HumanSize(uint64_t{3} << 29), "1.5 GB");
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

TEST(Strings, StrayControlsAreFoundButThaiAndLineBreaksAreNot) {
    EXPECT_FALSE(HasStrayControls("ราคามังคุด Mangosteen prices (2569)", false));
    EXPECT_FALSE(HasStrayControls("line one\nline two\tend\r\n", true));
    EXPECT_TRUE(HasStrayControls("line one\nline two", false));
    EXPECT_TRUE(HasStrayControls(std::string("a\x01b"), true));
    EXPECT_TRUE(HasStrayControls("a\x1b[31mred", true));
    EXPECT_TRUE(HasStrayControls("del\x7f", true));
    EXPECT_TRUE(HasStrayControls("c1 \xc2\x85 next line", true));                 // U+0085
    EXPECT_TRUE(HasStrayControls("evil \xe2\x80\xae txt.exe", true));             // U+202E
    EXPECT_TRUE(HasStrayControls("isolate \xe2\x81\xa6 x", true));                // U+2066
    EXPECT_FALSE(HasStrayControls("dash \xe2\x80\x94 and \xc2\xa0nbsp", false));  // U+2014, U+00A0
    EXPECT_FALSE(HasStrayControls("", false));
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

TEST(I18n, MessagesAreFilledInTheReadersLanguage) {
    I18n i18n;
    i18n.Set("th", "load.rows", "{rows} แถว จาก {file}");
    i18n.Set("en", "load.rows", "{rows} rows from {file}");
    i18n.Set("th", "load.file", "แฟ้ม {name}");
    i18n.Set("en", "load.file", "file {name}");
    std::string m = Message(
        "load.rows", {{"rows", "1,200"}, {"file", Message("load.file", {{"name", "ก.csv"}})}});
    EXPECT_EQ(i18n.Localize("th", m), "1,200 แถว จาก แฟ้ม ก.csv");
    EXPECT_EQ(i18n.Localize("en", m), "1,200 rows from file ก.csv");
    // A value is data: braces and quotes in it are not placeholders.
    EXPECT_EQ(i18n.Localize("en", Message("load.file", {{"name", "{rows} \"x\""}})),
              "file {rows} \"x\"");
    // A placeholder with no value stays visible rather than vanishing.
    EXPECT_EQ(i18n.Localize("en", Message("load.rows", {{"rows", "3"}})), "3 rows from {file}");
    // Plain text and bare keys.
    EXPECT_EQ(i18n.Localize("en", "load.file"), "file {name}");
    EXPECT_EQ(i18n.Localize("en", "an English sentence"), "an English sentence");
    EXPECT_EQ(i18n.Localize("en", "@someone wrote"), "@someone wrote");
    EXPECT_EQ(i18n.Localize("en", "@load.file {broken"), "@load.file {broken");
}

// Every Message("key", ...) in the sources names a string in both languages with the same
// placeholders.
TEST(I18n, EveryMessageKeyInTheSourcesExists) {
    I18n i18n;
    const std::string root = GOVHUB_SOURCE_DIR;
    i18n.LoadDirectory(root + "/web/i18n");
    std::regex call(R"re(Message\(\s*"([a-z0-9_.]+)")re");
    std::regex placeholder(R"(\{[a-z_]+\})");
    auto names = [&](const std::string& s) {
        std::set<std::string> out;
        for (std::sregex_iterator it(s.begin(), s.end(), placeholder), end; it != end; ++it)
            out.insert(it->str());
        return out;
    };
    int found = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(root + "/src")) {
        if (e.path().extension() != ".cpp" || e.path().string().ends_with("_test.cpp")) continue;
        std::ifstream in(e.path());
        std::string text((std::istreambuf_iterator<char>(in)), {});
        for (std::sregex_iterator it(text.begin(), text.end(), call), end; it != end; ++it) {
            std::string key = (*it)[1];
            ++found;
            ASSERT_TRUE(i18n.Has("th", key)) << key << " (" << e.path() << ") is not in th.json";
            ASSERT_TRUE(i18n.Has("en", key)) << key << " (" << e.path() << ") is not in en.json";
            EXPECT_EQ(names(i18n.Get("th", key)), names(i18n.Get("en", key))) << key;
        }
    }
    EXPECT_GT(found, 10);
}

TEST(Strings, CleanUserTextRefusesControlsAndInvisibleMarks) {
    EXPECT_EQ(CleanUserText("  a \t  b  ", false), "a b");
    EXPECT_EQ(CleanUserText("a\r\n b", true), "a\nb");
    EXPECT_FALSE(CleanUserText("a\x07", false));
    for (const char* mark : {"\u200e", "\u200f", "\u061c", "\ufeff", "\u2028", "\u2029", "\u202e",
                             "\u2066", "\ufff9", "\ufffb"})
        EXPECT_FALSE(CleanUserText(std::string("สม") + mark + "ศรี", true)) << mark;
    EXPECT_EQ(CleanUserText("สม\u00adศรี", false), "สม\u00adศรี");  // soft hyphen: harmless
    EXPECT_FALSE(CleanUserText("\xff", false));
    EXPECT_EQ(StripToCleanText("\x07", false), "");
    EXPECT_EQ(StripToCleanText(" ขอ\u202eเอกสาร ", false), "ขอเอกสาร");
}

TEST(Strings, SafeFileNameDropsDirectionMarks) {
    EXPECT_EQ(SafeFileName("scan\u202eFDP.exe.pdf"), "scanFDP.exe.pdf");
    EXPECT_EQ(SafeFileName("../a\\b\x01.pdf"), ".._a_b.pdf");
    EXPECT_EQ(SafeFileName("\u200f"), "file");
    EXPECT_LE(SafeFileName(std::string(300, 'a')).size(), 200u);
}

}  // namespace
}  // namespace govhub::core

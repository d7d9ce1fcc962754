#include "core/totp.hpp"

#include <gtest/gtest.h>

namespace govhub::core {
namespace {

const std::string kRfcSecret = "12345678901234567890";  // RFC 6238 appendix B, SHA-1

TEST(Totp, MatchesTheRfc6238TestVectors) {
    struct Case {
        int64_t time;
        const char* code8;
    } cases[] = {{59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
                 {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}};
    for (const auto& c : cases) {
        EXPECT_EQ(TotpCode(kRfcSecret, c.time / 30, 8), c.code8) << c.time;
        EXPECT_EQ(TotpCode(kRfcSecret, c.time / 30), std::string(c.code8).substr(2)) << c.time;
    }
}

TEST(Totp, Base32RoundTripsAndReadsWhatPeopleType) {
    EXPECT_EQ(Base32Encode(kRfcSecret), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    EXPECT_EQ(Base32Decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"), kRfcSecret);
    EXPECT_EQ(Base32Encode("f"), "MY");  // RFC 4648 §10, without padding
    EXPECT_EQ(Base32Decode("MZXW6YQ="), "foob");
    EXPECT_FALSE(Base32Decode("GEZD1").has_value());  // 1 is not base32
    for (int n = 0; n < 40; ++n) {
        std::string bytes;
        for (int i = 0; i < n; ++i) bytes += static_cast<char>(i * 37 + n);
        EXPECT_EQ(Base32Decode(Base32Encode(bytes)), bytes) << n;
    }
}

TEST(Totp, AcceptsOneStepOfDriftEitherSideAndNoMore) {
    int64_t now = 1111111111;
    int64_t step = now / 30;
    EXPECT_EQ(MatchTotp(kRfcSecret, TotpCode(kRfcSecret, step), now), step);
    EXPECT_EQ(MatchTotp(kRfcSecret, TotpCode(kRfcSecret, step - 1), now), step - 1);
    EXPECT_EQ(MatchTotp(kRfcSecret, TotpCode(kRfcSecret, step + 1), now), step + 1);
    EXPECT_FALSE(MatchTotp(kRfcSecret, TotpCode(kRfcSecret, step - 2), now).has_value());
    EXPECT_FALSE(MatchTotp(kRfcSecret, TotpCode(kRfcSecret, step + 2), now).has_value());
}

TEST(Totp, ReadsSpacesAndThaiDigitsAndRefusesAnythingElse) {
    int64_t now = 1234567890;
    EXPECT_TRUE(MatchTotp(kRfcSecret, "005 924", now).has_value());
    EXPECT_TRUE(MatchTotp(kRfcSecret, "๐๐๕๙๒๔", now).has_value());
    EXPECT_FALSE(MatchTotp(kRfcSecret, "00592", now).has_value());
    EXPECT_FALSE(MatchTotp(kRfcSecret, "0059245", now).has_value());
    EXPECT_FALSE(MatchTotp(kRfcSecret, "005924'; --", now).has_value());
    EXPECT_FALSE(MatchTotp(kRfcSecret, "", now).has_value());
}

TEST(Totp, UriIsWhatAuthenticatorAppsRead) {
    EXPECT_EQ(TotpUri("govhub", "somchai", "ABC"),
              "otpauth://totp/govhub:somchai?secret=ABC&issuer=govhub&algorithm=SHA1&digits=6"
              "&period=30");
}

}  // namespace
}  // namespace govhub::core

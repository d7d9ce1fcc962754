#include "accounts/password.hpp"

#include <gtest/gtest.h>

namespace govhub::accounts {
namespace {

TEST(Password, Argon2idRoundTrip) {
    std::string hash = HashPassword("รหัสผ่าน-ยาวพอ-2569");
    EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
    EXPECT_TRUE(VerifyPassword(hash, "รหัสผ่าน-ยาวพอ-2569"));
    EXPECT_FALSE(VerifyPassword(hash, "รหัสผ่าน-ยาวพอ-2568"));
    EXPECT_FALSE(VerifyPassword("", "x"));
    EXPECT_NE(HashPassword("same password 1"), HashPassword("same password 1"));  // salted
}

TEST(Password, Policy) {
    EXPECT_EQ(CheckPasswordPolicy("short1", "u"), "password.too_short");
    EXPECT_EQ(CheckPasswordPolicy("onlyletterslong", "u"), "password.too_simple");
    EXPECT_EQ(CheckPasswordPolicy("somchai-2569!", "somchai"), "password.contains_name");
    EXPECT_EQ(CheckPasswordPolicy("correct horse 9", "u"), "");
    EXPECT_EQ(CheckPasswordPolicy("รหัสผ่านภาษาไทย123", "u"), "");  // Thai counts as a kind
}

// Hashes as CKAN (passlib pbkdf2_sha512) stores them, made with Python's hashlib from a known
// salt: a person moved in from CKAN logs in with the password they had.
constexpr const char* kCkanThai =
    "$pbkdf2-sha512$25000$ayw/"
    "mh2OS3wKXy4dPEtaaQ$SX1OgH70ZfpWiPW.0hSMd2sEVrXnK4qL4kkltTpVkGBYQaH48oT2"
    "sEfbURfBYIWSLZXpViNP.VOvO92irx5s3w";
constexpr const char* kCkanAscii =
    "$pbkdf2-sha512$1000$ayw/"
    "mh2OS3wKXy4dPEtaaQ$xXSitDyrfikAEQQiYiRllk1gvyxQAhy4MixJwbhIhbuuMd7GRGLQ"
    "rUNlDJOlApSg.fsXVwGoSkV3f/aN7ruZrw";

TEST(Password, CkanPbkdf2HashesVerifyAndAskForARehash) {
    EXPECT_TRUE(VerifyPassword(kCkanThai, "รหัสผ่าน-เดิม-2565"));
    EXPECT_FALSE(VerifyPassword(kCkanThai, "รหัสผ่าน-เดิม-2566"));
    EXPECT_TRUE(VerifyPassword(kCkanAscii, "ckan-password-1"));
    EXPECT_FALSE(VerifyPassword(kCkanAscii, "ckan-password-2"));
    EXPECT_TRUE(IsKnownPasswordHash(kCkanThai));
    EXPECT_TRUE(NeedsRehash(kCkanThai));
    std::string ours = HashPassword("ckan-password-1");
    EXPECT_TRUE(IsKnownPasswordHash(ours));
    EXPECT_FALSE(NeedsRehash(ours));
}

TEST(Password, Argon2idHashesCostingMoreThanALoginMaySpendAreRefusedUnread) {
    std::string ours = HashPassword("ckan-password-1");  // m=65536,t=2,p=1 (interactive)
    ASSERT_NE(ours.find("$m=65536,t=2,p=1$"), std::string::npos) << ours;
    auto with = [&](const std::string& cost) {
        std::string h = ours;
        h.replace(h.find("m=65536,t=2,p=1"), std::string("m=65536,t=2,p=1").size(), cost);
        return h;
    };
    // Each of these would take minutes or gigabytes if computed; refused at once instead.
    for (const char* cost :
         {"m=4194304,t=1,p=1", "m=65536,t=4294967295,p=1", "m=4294967295,t=2,p=1",
          "m=65536,t=2,p=255", "m=65536,t=11,p=1", "m=262145,t=2,p=1", "m=65536,t=2",
          "m=65536,t=2,p=1,x=1", "m=6x,t=2,p=1", "m=,t=2,p=1"}) {
        EXPECT_FALSE(IsKnownPasswordHash(with(cost))) << cost;
        EXPECT_FALSE(VerifyPassword(with(cost), "ckan-password-1")) << cost;
    }
    EXPECT_TRUE(IsKnownPasswordHash(with("m=262144,t=2,p=1")));
}

TEST(Password, HashesThatAreNotKnownAreRefusedAndNeverMatch) {
    std::string good = kCkanAscii;
    for (std::string bad : {
             std::string("plain-text-password"),
             std::string("$pbkdf2-sha256$1000$ayw/mh2OS3wKXy4dPEtaaQ$xXSi"),   // other digest
             std::string("$pbkdf2-sha512$999$") + good.substr(20),             // too few rounds
             std::string("$pbkdf2-sha512$99999999$") + good.substr(20),        // too many
             std::string("$pbkdf2-sha512$100001$") + good.substr(20),          // just over
             std::string("$pbkdf2-sha512$1000$ayw/mh2OS3wKXy4dPEtaaQ$short"),  // checksum size
             std::string("$pbkdf2-sha512$1000$ay*/mh2OS3wKXy4dPEtaaQ$") + good.substr(43),
             std::string("$pbkdf2-sha512$10x0$ayw/mh2OS3wKXy4dPEtaaQ$") + good.substr(43),
             std::string("$pbkdf2-sha512$"), std::string("$argon2id$v=19$m=1,t=1,p=1$junk"),
             std::string("$2b$12$abcdefghijklmnopqrstuv"),  // bcrypt: not one we read
         }) {
        EXPECT_FALSE(IsKnownPasswordHash(bad)) << bad;
        EXPECT_FALSE(VerifyPassword(bad, "ckan-password-1")) << bad;
    }
}

}  // namespace
}  // namespace govhub::accounts

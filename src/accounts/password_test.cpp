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

}  // namespace
}  // namespace govhub::accounts

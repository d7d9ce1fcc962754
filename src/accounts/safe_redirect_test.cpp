#include "accounts/safe_redirect.hpp"

#include <gtest/gtest.h>

namespace govhub::accounts {

TEST(SafeRedirect, KeepsPathsOnThisSite) {
    for (const char* ok :
         {"/", "/dataset", "/user/somchai?changed=1", "/search?q=%E0%B8%81", "/a/b#c"})
        EXPECT_TRUE(IsSafeRedirect(ok)) << ok;
}

TEST(SafeRedirect, RefusesOtherHostsAndHiddenCharacters) {
    for (const char* bad :
         {"", "dataset", "http://evil.example/", "//evil.example", "/\\evil.example",
          "/\t/evil.example", "/%09/evil.example", "/%2F/evil.example", "/%5Cevil.example",
          "%2F%2Fevil.example", "/%252F/evil.example", "/a b", "/a\r\nSet-Cookie: x=1",
          "/%0d%0aSet-Cookie:x", "/a%00", "/%7F", "/a\\b"})
        EXPECT_FALSE(IsSafeRedirect(bad)) << bad;
    EXPECT_EQ(SafeRedirect("/\t/evil.example"), "/");
    EXPECT_EQ(SafeRedirect("//evil.example", "/dataset"), "/dataset");
    EXPECT_EQ(SafeRedirect("/dataset"), "/dataset");
}

}  // namespace govhub::accounts

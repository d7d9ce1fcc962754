#include "core/paged_vector.hpp"

#include <gtest/gtest.h>

#include <string>

namespace govhub::core {
namespace {

TEST(PagedVector, CopiesShareEveryPageUntilOneIsWritten) {
    PagedVector<std::string, 2> a;  // pages of four
    for (int i = 0; i < 10; ++i) a.push_back("v" + std::to_string(i));
    ASSERT_EQ(a.size(), 10u);
    EXPECT_EQ(a[9], "v9");
    EXPECT_EQ(a.OwnPages(), 3u);

    PagedVector<std::string, 2> b = a;
    EXPECT_EQ(b.OwnPages(), 0u);  // all three pages shared
    b.Mutable(5) = "changed";
    EXPECT_EQ(b.OwnPages(), 1u);  // only the written page was copied
    EXPECT_EQ(a[5], "v5");        // the original is untouched
    EXPECT_EQ(b[5], "changed");
    EXPECT_EQ(b[4], "v4");

    b.push_back("v10");  // the last page, shared, is copied before it grows
    EXPECT_EQ(b.size(), 11u);
    EXPECT_EQ(a.size(), 10u);
    EXPECT_EQ(b[10], "v10");
    b.GrowTo(14);
    EXPECT_EQ(b.size(), 14u);
    EXPECT_EQ(b[13], "");
}

}  // namespace
}  // namespace govhub::core

#include "http/rate_limit.hpp"

#include <gtest/gtest.h>

namespace govhub::http {
namespace {

TEST(MemoryRateLimitStore, FixedWindowPerKey) {
    MemoryRateLimitStore store;
    RateLimitRule rule{3, 60};
    int64_t t0 = 1'800'000'020;  // 20 s into a window
    for (int i = 0; i < 3; ++i) {
        auto d = store.Hit("ip:1", rule, t0);
        EXPECT_TRUE(d.allowed);
        EXPECT_EQ(d.remaining, 2 - i);
        EXPECT_EQ(d.reset_epoch, 1'800'000'060);
    }
    auto denied = store.Hit("ip:1", rule, t0 + 5);
    EXPECT_FALSE(denied.allowed);
    EXPECT_EQ(denied.retry_after, 35);
    EXPECT_TRUE(store.Hit("ip:2", rule, t0).allowed);       // other keys unaffected
    EXPECT_TRUE(store.Hit("ip:1", rule, t0 + 40).allowed);  // next window
}

}  // namespace
}  // namespace govhub::http

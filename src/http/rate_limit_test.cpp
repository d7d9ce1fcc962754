#include "http/rate_limit.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace govhub::http {
namespace {

TEST(MemoryRateLimitStore, CountsPerKeyWithinAWindow) {
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
    EXPECT_TRUE(store.Hit("ip:2", rule, t0).allowed);  // other keys unaffected
}

TEST(MemoryRateLimitStore, ABurstAcrossAWindowBoundaryIsCountedOnce) {
    // Two hits at the end of one window and two at the start of the next are four hits within
    // a few seconds: a fixed window would allow all of them under a limit of 3.
    MemoryRateLimitStore store;
    RateLimitRule rule{3, 60};
    int64_t boundary = 1'800'000'060;
    EXPECT_TRUE(store.Hit("ip:1", rule, boundary - 1).allowed);
    EXPECT_TRUE(store.Hit("ip:1", rule, boundary - 1).allowed);
    EXPECT_TRUE(store.Hit("ip:1", rule, boundary).allowed);
    auto denied = store.Hit("ip:1", rule, boundary + 1);
    EXPECT_FALSE(denied.allowed);
    EXPECT_EQ(denied.remaining, 0);
    // Retry-After is when one more hit fits: the two old hits must have faded by half.
    EXPECT_GE(denied.retry_after, 1);
    int64_t retry = boundary + 1 + denied.retry_after;
    auto replay = [&](int64_t at) {  // the same history, then one hit at `at`
        MemoryRateLimitStore s;
        s.Hit("ip:1", rule, boundary - 1);
        s.Hit("ip:1", rule, boundary - 1);
        s.Hit("ip:1", rule, boundary);
        s.Hit("ip:1", rule, boundary + 1);
        return s.Hit("ip:1", rule, at).allowed;
    };
    EXPECT_FALSE(replay(retry - 2));
    EXPECT_TRUE(replay(retry));
}

TEST(MemoryRateLimitStore, OldHitsFadeOverTheNextWindow) {
    MemoryRateLimitStore store;
    RateLimitRule rule{4, 60};
    int64_t start = 1'800'000'000;
    for (int i = 0; i < 4; ++i) EXPECT_TRUE(store.Hit("k", rule, start + 10).allowed);
    // Half-way through the next window, half of the four old hits still count.
    auto d = store.Hit("k", rule, start + 90);
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.remaining, 1);  // 4 - (1 + 4 * 0.5)
    // Two windows later nothing old counts.
    d = store.Hit("k", rule, start + 185);
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.remaining, 3);
}

// An IPv6 client owns its /64: changing the host half does not buy a new budget, while an
// IPv4 neighbour and the next /64 have their own.
TEST(RateLimitMiddleware, AnonymousIpv6ClientsCountPerSlash64) {
    MemoryRateLimitStore store;
    RateLimitConfig config;
    config.api_anonymous = {2, 60};
    Middleware mw = RateLimitMiddleware(store, config);
    Handler ok = [](Request&) { return Response{}; };
    auto call = [&](const std::string& ip) {
        Request r;
        r.path = "/api/3/action/package_list";
        r.client_ip = ip;
        try {
            mw(r, ok);
            return 200;
        } catch (const HttpError& e) {
            return e.status();
        }
    };
    EXPECT_EQ(call("2001:db8:1:2::1"), 200);
    EXPECT_EQ(call("2001:db8:1:2:aaaa::7"), 200);
    EXPECT_EQ(call("2001:db8:1:2:ffff:ffff:ffff:ffff"), 429);
    EXPECT_EQ(call("2001:db8:1:3::1"), 200);
    EXPECT_EQ(call("192.0.2.1"), 200);
    EXPECT_EQ(call("192.0.2.2"), 200);
    EXPECT_EQ(call("::ffff:192.0.2.1"), 200);  // the same client as 192.0.2.1: its second
    EXPECT_EQ(call("192.0.2.1"), 429);
}

TEST(DecideRateLimit, RetryAfterPointsAtTheFirstAllowedSecond) {
    RateLimitRule rule{3, 60};
    // Four hits in this window, none before: wait for the next window, then until the four
    // have faded to two (a new hit makes three).
    auto d = DecideRateLimit(4, 0, 1'800'000'000, rule, 1'800'000'030);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.retry_after, 30 + 30);
    auto later = DecideRateLimit(1, 4, 1'800'000'060, rule, 1'800'000'060 + 30);
    EXPECT_TRUE(later.allowed);  // 1 + 4 * 0.5 = 3
}

}  // namespace
}  // namespace govhub::http

// A bulkhead admits workers + queue requests, one per client, and frees a slot when its last
// owner lets go; its jobs run on its own threads.
#include "http/bulkhead.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace govhub::http {
namespace {

TEST(Bulkhead, AdmitsOnePerClientWithinItsCapacity) {
    Bulkhead pool("test", {.workers = 1, .queue = 1});
    Bulkhead::Admission why;
    auto a = pool.Admit("ip:a", why);
    ASSERT_TRUE(a);
    EXPECT_FALSE(pool.Admit("ip:a", why));  // the same client again: 429
    EXPECT_EQ(why, Bulkhead::Admission::kClientBusy);
    auto b = pool.Admit("ip:b", why);
    ASSERT_TRUE(b);
    EXPECT_FALSE(pool.Admit("ip:c", why));  // full: 503
    EXPECT_EQ(why, Bulkhead::Admission::kFull);
    a.reset();  // done: room again, and the client may come back
    EXPECT_TRUE(pool.Admit("ip:a", why));
    EXPECT_EQ(why, Bulkhead::Admission::kAdmitted);
}

TEST(Bulkhead, RunsJobsOnItsThreadsAndDrainsOnStop) {
    Bulkhead pool("test", {.workers = 2, .queue = 8});
    std::atomic<int> ran{0};
    std::promise<std::thread::id> where;
    pool.Run([&] { where.set_value(std::this_thread::get_id()); });
    EXPECT_NE(where.get_future().get(), std::this_thread::get_id());
    for (int i = 0; i < 10; ++i) pool.Run([&] { ++ran; });
    pool.Stop();
    EXPECT_EQ(ran, 10);
}

}  // namespace
}  // namespace govhub::http

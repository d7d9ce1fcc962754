// A bulkhead admits workers + queue requests, one per client, and frees a slot when its last
// owner lets go; its jobs run on its own threads, the least recently busy client's first, and a
// lighter newcomer may take a heavier client's waiting place. Tokens count as clients only once
// accepted. Time is a fake clock moved by hand: nothing here depends on how fast it runs.
#include "http/bulkhead.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <vector>

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

// A clock the test moves by hand.
struct FakeClock {
    std::atomic<int64_t> ms{1'000'000};
    void Advance(std::chrono::milliseconds d) { ms += d.count(); }
    BulkheadConfig With(BulkheadConfig c) {
        c.clock = [this] {
            return BulkheadClock::time_point(std::chrono::milliseconds(ms.load()));
        };
        return c;
    }
};

// Runs one request of `client` whose run lasts `busy` on the fake clock, and lets its slot go.
void Spend(Bulkhead& pool, FakeClock& clock, const std::string& client,
           std::chrono::milliseconds busy) {
    Bulkhead::Admission why;
    auto slot = pool.Admit(client, why);
    ASSERT_TRUE(slot);
    std::promise<void> done;
    pool.Run(slot, [&] {
        clock.Advance(busy);
        done.set_value();
    });
    done.get_future().wait();
    slot.reset();  // the pool dropped its reference before running the job: this releases it
}

// Occupies the pool's only worker until `Open`.
struct Blocker {
    std::shared_ptr<BulkheadSlot> slot;
    std::promise<void> gate, started;
    Blocker(Bulkhead& pool, const std::string& client) {
        Bulkhead::Admission why;
        slot = pool.Admit(client, why);
        pool.Run(slot, [this, f = gate.get_future().share()] {
            started.set_value();
            f.wait();
        });
        started.get_future().wait();  // running, so no longer queued
    }
    void Open() { gate.set_value(); }
};

TEST(Bulkhead, ChargesRunTimeToTheClientAndForgetsItWithAHalfLife) {
    FakeClock clock;
    Bulkhead pool("test", clock.With({.workers = 1, .queue = 1, .usage_half_life_seconds = 60}));
    Spend(pool, clock, "ip:heavy", std::chrono::seconds(40));
    EXPECT_DOUBLE_EQ(pool.Usage("ip:heavy"), 40);
    EXPECT_DOUBLE_EQ(pool.Usage("ip:never"), 0);
    clock.Advance(std::chrono::seconds(60));
    EXPECT_NEAR(pool.Usage("ip:heavy"), 20, 1e-9);
    // A 5 s run: the 20 s decay during it, then the 5 s are added at its release.
    Spend(pool, clock, "ip:heavy", std::chrono::seconds(5));
    double after = 20 * std::exp2(-5.0 / 60) + 5;
    EXPECT_NEAR(pool.Usage("ip:heavy"), after, 1e-9);
    clock.Advance(std::chrono::seconds(120));
    EXPECT_NEAR(pool.Usage("ip:heavy"), after / 4, 1e-9);
}

TEST(Bulkhead, ForgetsTheLightestClientsBeyondItsBound) {
    FakeClock clock;
    Bulkhead pool("test", clock.With({.workers = 1, .queue = 0, .max_tracked_clients = 4}));
    for (int i = 1; i <= 5; ++i)
        Spend(pool, clock, "ip:" + std::to_string(i), std::chrono::seconds(10 * i));
    // Five clients over a bound of four: the lightest go (down to three), the heaviest stay.
    EXPECT_EQ(pool.Usage("ip:1"), 0);
    EXPECT_EQ(pool.Usage("ip:2"), 0);
    EXPECT_GT(pool.Usage("ip:5"), 49);
}

TEST(Bulkhead, ALightClientsQueuedJobRunsBeforeAHeavyClientsQueuedEarlier) {
    FakeClock clock;
    Bulkhead pool("test", clock.With({.workers = 1, .queue = 3}));
    Spend(pool, clock, "ip:heavy", std::chrono::seconds(30));
    Blocker blocker(pool, "ip:blocker");
    std::vector<std::string> order;  // written by the one worker, read after Stop
    Bulkhead::Admission why;
    auto heavy = pool.Admit("ip:heavy", why);
    ASSERT_TRUE(heavy);
    pool.Run(heavy, [&] { order.push_back("heavy"); });
    auto light = pool.Admit("ip:light", why);
    ASSERT_TRUE(light);
    pool.Run(light, [&] { order.push_back("light"); });
    auto light2 = pool.Admit("ip:light2", why);
    ASSERT_TRUE(light2);
    pool.Run(light2, [&] { order.push_back("light2"); });
    blocker.Open();
    pool.Stop();
    EXPECT_EQ(order, (std::vector<std::string>{"light", "light2", "heavy"}));
}

TEST(Bulkhead, AFullPoolEvictsTheHeaviestWaitingRequestForALighterNewcomer) {
    FakeClock clock;
    Bulkhead pool("test", clock.With({.workers = 1, .queue = 2}));
    Spend(pool, clock, "ip:heavy", std::chrono::seconds(30));
    Blocker blocker(pool, "ip:blocker");
    std::vector<std::string> order;
    std::atomic<int> refused{0};
    Bulkhead::Admission why;
    auto heavy = pool.Admit("ip:heavy", why);
    ASSERT_TRUE(heavy);
    pool.Run(
        heavy, [&] { order.push_back("heavy"); }, [&] { ++refused; });
    auto other = pool.Admit("ip:other", why);
    ASSERT_TRUE(other);
    pool.Run(
        other, [&] { order.push_back("other"); }, [&] { ++refused; });

    // Full (1 running + 2 waiting). A client that has used nothing takes the heavy one's place;
    // the evicted request's refusal ran before Admit returned, and its job never runs.
    auto newcomer = pool.Admit("ip:new", why);
    ASSERT_TRUE(newcomer);
    EXPECT_EQ(why, Bulkhead::Admission::kAdmitted);
    EXPECT_EQ(refused, 1);
    pool.Run(
        newcomer, [&] { order.push_back("new"); }, [&] { ++refused; });

    // Full again, and nobody waiting is heavier than the next newcomer: 503 as before. The
    // heavy client's place is really gone (kFull, not kClientBusy).
    EXPECT_FALSE(pool.Admit("ip:another", why));
    EXPECT_EQ(why, Bulkhead::Admission::kFull);
    EXPECT_FALSE(pool.Admit("ip:heavy", why));
    EXPECT_EQ(why, Bulkhead::Admission::kFull);
    blocker.Open();
    pool.Stop();
    EXPECT_EQ(order, (std::vector<std::string>{"other", "new"}));
    EXPECT_EQ(refused, 1);
}

TEST(Bulkhead, NeverEvictsARunningRequest) {
    FakeClock clock;
    Bulkhead pool("test", clock.With({.workers = 1, .queue = 0}));
    Spend(pool, clock, "ip:heavy", std::chrono::seconds(30));
    Blocker running(pool, "ip:heavy");  // the heavy client's request is running, none waits
    Bulkhead::Admission why;
    EXPECT_FALSE(pool.Admit("ip:light", why));
    EXPECT_EQ(why, Bulkhead::Admission::kFull);
    running.Open();
}

TEST(Bulkhead, AClientIsKnownQuickWhileItsRecentRequestsAverageUnderTheLongRun) {
    FakeClock clock;
    Bulkhead pool("test", clock.With({.workers = 2, .queue = 2, .long_run_seconds = 2}));
    EXPECT_FALSE(pool.KnownQuick("ip:a"));  // not known at all
    Spend(pool, clock, "ip:a", std::chrono::milliseconds(300));
    EXPECT_TRUE(pool.KnownQuick("ip:a"));
    Spend(pool, clock, "ip:a", std::chrono::seconds(10));  // (0.3 + 10) / 2 per request
    EXPECT_FALSE(pool.KnownQuick("ip:a"));
    // Half an hour later the slow request has been forgotten like the quick one: the average
    // is what the client does now.
    clock.Advance(std::chrono::minutes(30));
    for (int i = 0; i < 3; ++i) Spend(pool, clock, "ip:a", std::chrono::milliseconds(300));
    EXPECT_TRUE(pool.KnownQuick("ip:a"));
}

TEST(Bulkhead, TheLastFreeWorkerIsKeptForKnownQuickClients) {
    FakeClock clock;
    Bulkhead pool("test", clock.With({.workers = 2, .queue = 4, .long_run_seconds = 2}));
    Spend(pool, clock, "ip:quick", std::chrono::milliseconds(300));
    Spend(pool, clock, "ip:slow", std::chrono::seconds(10));
    Spend(pool, clock, "ip:slow2", std::chrono::seconds(10));
    Blocker slow(pool, "ip:slow");  // a slow client holds one worker

    std::mutex m;
    std::vector<std::string> order;
    auto record = [&](const std::string& what) {
        std::lock_guard lock(m);
        order.push_back(what);
    };
    std::vector<std::shared_ptr<BulkheadSlot>> slots;
    std::promise<std::vector<std::string>> seen_by_quick;
    auto queue = [&](const std::string& client, std::function<void()> job) {
        Bulkhead::Admission why;
        slots.push_back(pool.Admit(client, why));
        ASSERT_TRUE(slots.back());
        pool.Run(slots.back(), std::move(job));
    };
    // A client the pool does not know yet (it would be first: it has used nothing) and another
    // slow one wait; the known-quick client queued after them runs on the free worker.
    queue("ip:fresh", [&] { record("fresh"); });
    queue("ip:slow2", [&] { record("slow2"); });
    queue("ip:quick", [&] {
        std::lock_guard lock(m);
        seen_by_quick.set_value(order);
        order.push_back("quick");
    });
    EXPECT_EQ(seen_by_quick.get_future().get(), std::vector<std::string>{});
    slow.Open();  // the slow client is done: both workers are free for anyone again
    pool.Stop();
    ASSERT_EQ(order.size(), 3u);
    EXPECT_EQ(order[0], "quick");
}

TEST(Bulkhead, AQuickClientsRequestPastTheLongRunNoLongerCountsAsQuick) {
    FakeClock clock;
    Bulkhead pool("test", clock.With({.workers = 2, .queue = 4, .long_run_seconds = 2}));
    Spend(pool, clock, "ip:quick", std::chrono::milliseconds(300));
    Spend(pool, clock, "ip:quick2", std::chrono::milliseconds(300));
    Blocker running(pool, "ip:quick");
    clock.Advance(std::chrono::seconds(3));  // its request has now run past the long run

    std::mutex m;
    std::vector<std::string> order;
    std::promise<std::vector<std::string>> seen_by_quick2;
    Bulkhead::Admission why;
    auto fresh = pool.Admit("ip:fresh", why);
    ASSERT_TRUE(fresh);
    pool.Run(fresh, [&] {
        std::lock_guard lock(m);
        order.push_back("fresh");
    });
    auto quick2 = pool.Admit("ip:quick2", why);
    ASSERT_TRUE(quick2);
    pool.Run(quick2, [&] {
        std::lock_guard lock(m);
        seen_by_quick2.set_value(order);
        order.push_back("quick2");
    });
    EXPECT_EQ(seen_by_quick2.get_future().get(), std::vector<std::string>{});
    running.Open();
    pool.Stop();
    EXPECT_EQ(order, (std::vector<std::string>{"quick2", "fresh"}));
}

Request WithToken(const std::string& header, const std::string& value, const std::string& ip) {
    Request r;
    r.client_ip = ip;
    if (!header.empty()) r.headers.Add(header, value);
    return r;
}

TEST(BearerToken, OnlyTheBearerSchemeGivesAToken) {
    EXPECT_EQ(BearerToken(WithToken("Authorization", "Bearer abc.def", "")), "abc.def");
    EXPECT_EQ(BearerToken(WithToken("Authorization", "  bEaReR   tok  ", "")), "tok");
    EXPECT_EQ(BearerToken(WithToken("Authorization", "Basic dXNlcjpwdw==", "")), "");
    EXPECT_EQ(BearerToken(WithToken("Authorization", "Bearer", "")), "");
    EXPECT_EQ(BearerToken(WithToken("Authorization", "Bearer ", "")), "");
    EXPECT_EQ(BearerToken(WithToken("Authorization", "Bearertok", "")), "");
    EXPECT_EQ(BearerToken(WithToken("Authorization", "bare-ckan-token", "")), "");
    EXPECT_EQ(BearerToken(WithToken("X-CKAN-API-Key", "k", "")), "");
    EXPECT_EQ(BearerToken(WithToken("", "", "")), "");
}

TEST(ApiTokenOf, BearerThenTheBareValueThenTheCkanHeader) {
    EXPECT_EQ(ApiTokenOf(WithToken("Authorization", "Bearer abc", "")), "abc");
    EXPECT_EQ(ApiTokenOf(WithToken("Authorization", "bare-ckan-token", "")), "bare-ckan-token");
    EXPECT_EQ(ApiTokenOf(WithToken("Authorization", "Basic dXNlcjpwdw==", "")), "");
    EXPECT_EQ(ApiTokenOf(WithToken("X-CKAN-API-Key", " k ", "")), "k");
    EXPECT_EQ(ApiTokenOf(WithToken("", "", "")), "");
}

TEST(BulkheadClients, ATokenIsItsOwnClientOnlyOnceItAuthenticatedARequest) {
    BulkheadClients clients;
    auto t0 = BulkheadClock::now();
    Request made_up = WithToken("Authorization", "Bearer made-up", "10.0.0.1");
    EXPECT_EQ(clients.Of(made_up, t0), "ip:10.0.0.1");
    clients.Remember(made_up, t0);  // refused: no principal
    EXPECT_EQ(clients.Of(made_up, t0), "ip:10.0.0.1");

    Request real = WithToken("Authorization", "Bearer good", "10.0.0.1");
    real.principal = 1;  // what the accounts middleware sets
    clients.Remember(real, t0);
    Request again = WithToken("X-CKAN-API-Key", " good ", "10.0.0.2");  // same token, CKAN style
    EXPECT_EQ(clients.Of(again, t0).substr(0, 6), "token:");
    EXPECT_EQ(clients.Of(again, t0), clients.Of(WithToken("Authorization", "good", "x"), t0));

    // Another scheme is not a token, even on a request authenticated by its session cookie.
    Request basic = WithToken("Authorization", "Basic Zm9vOmJhcg==", "10.0.0.3");
    basic.principal = 1;
    clients.Remember(basic, t0);
    EXPECT_EQ(clients.size(), 1u);
    EXPECT_EQ(clients.Of(basic, t0), "ip:10.0.0.3");
    EXPECT_EQ(clients.Of(WithToken("", "", "10.0.0.4"), t0), "ip:10.0.0.4");
}

TEST(BulkheadClients, ForgetsTokensAfterTheirTtlAndBeyondItsCapacity) {
    BulkheadClients clients(2, std::chrono::seconds(600));
    auto t0 = BulkheadClock::now();
    auto remember = [&](const std::string& token, BulkheadClock::time_point at) {
        Request r = WithToken("Authorization", token, "10.0.0.1");
        r.principal = 1;
        clients.Remember(r, at);
    };
    auto is_token = [&](const std::string& token, BulkheadClock::time_point at) {
        return clients.Of(WithToken("Authorization", token, "10.0.0.1"), at).rfind("token:", 0) ==
               0;
    };
    remember("a", t0);
    EXPECT_TRUE(is_token("a", t0 + std::chrono::seconds(600)));
    EXPECT_FALSE(is_token("a", t0 + std::chrono::seconds(601)));  // expired
    remember("a", t0);
    remember("b", t0 + std::chrono::seconds(1));
    remember("a", t0 + std::chrono::seconds(2));  // used again: the most recent
    remember("c", t0 + std::chrono::seconds(3));  // over capacity: b, the least recent, goes
    EXPECT_EQ(clients.size(), 2u);
    EXPECT_TRUE(is_token("a", t0 + std::chrono::seconds(3)));
    EXPECT_FALSE(is_token("b", t0 + std::chrono::seconds(3)));
    EXPECT_TRUE(is_token("c", t0 + std::chrono::seconds(3)));
}

}  // namespace
}  // namespace govhub::http

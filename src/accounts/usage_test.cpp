// The API usage recorder on every engine (SQLite always, PostgreSQL when GOVHUB_TEST_PG_URL is
// set): counts summed per token, day and action; refusals (429) counted apart; batches written
// by Flush, by Usage and by the destructor; the action name of a call; the Bangkok day; and no
// count lost when many server threads count at once (run under ThreadSanitizer by `make tsan`).
#include "accounts/usage.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "accounts/middleware.hpp"
#include "accounts/store.hpp"
#include "audit/audit.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "db/migrations.hpp"
#include "db/test_support.hpp"

namespace govhub::accounts {
namespace {

// 2026-12-02 00:00:00 in Bangkok (UTC+7) is 2026-12-01T17:00:00Z.
constexpr int64_t kBangkokMidnight = 1796144400;
constexpr int64_t kDay = 86400;
// Never reached by a test: only Flush, Usage and the destructor write.
constexpr int kNoTimedFlush = 24 * 3600;

class UsageRecorderTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        scratch_ = std::make_unique<db::testing::ScratchDatabase>(GetParam(), "usage");
        db_ = scratch_->Open();
        db::MigrationSet set;
        audit::AddMigrations(set);
        store::AddMigrations(set);
        db::ApplyMigrations(*db_, set);
        db_->Write([](db::Connection& c) {
            c.Exec(
                "INSERT INTO users (id, name, email, state, password_hash, created)"
                " VALUES ('u1', 'somchai', 'somchai@example.go.th', 'active', 'x', '2026')");
            for (const char* t : {"a", "b"})
                c.Exec(
                    "INSERT INTO api_tokens (id, user_id, name, token_hash, created)"
                    " VALUES (?, 'u1', ?, ?, '2026')",
                    {std::string("token-") + t, std::string(t), Hash(t)});
        });
    }
    void TearDown() override {
        db_.reset();
        scratch_.reset();
    }

    // The raw token of test token `t` and the hash api_tokens keeps of it.
    static std::string Raw(const std::string& t) { return "raw-token-" + t; }
    static std::string Hash(const std::string& t) { return core::Sha256Hex(Raw(t)); }

    // What the table holds, newest day first (read directly, without the recorder).
    std::vector<UsageRow> Stored(const std::string& token_id) {
        return db_->Read(
            [&](db::Connection& c) { return store::TokenUsage(c, token_id, "0000-00-00"); });
    }

    // A clock the test moves; read by server threads in the concurrency test.
    std::function<int64_t()> Clock() {
        return [this] { return now_.load(); };
    }

    std::unique_ptr<db::testing::ScratchDatabase> scratch_;
    std::unique_ptr<db::Database> db_;
    std::atomic<int64_t> now_{kBangkokMidnight + 10 * 3600};
};

INSTANTIATE_TEST_SUITE_P(Engines, UsageRecorderTest, ::testing::ValuesIn(db::testing::Engines()),
                         [](const auto& info) { return info.param; });

MATCHER_P4(IsUsage, day, action, requests, limited, "") {
    return arg.day == day && arg.action == action && arg.requests == requests &&
           arg.limited == limited;
}

TEST_P(UsageRecorderTest, CountsAreSummedPerTokenDayAndActionWithRefusalsApart) {
    UsageRecorder recorder(*db_, kNoTimedFlush, Clock());
    for (int i = 0; i < 3; ++i) recorder.Count(Hash("a"), "package_search", false);
    recorder.Count(Hash("a"), "package_search", true);
    recorder.Count(Hash("a"), "package_show", false);
    recorder.Count(Hash("b"), "package_search", true);

    EXPECT_THAT(recorder.Usage("token-a"),
                ::testing::ElementsAre(IsUsage("2026-12-02", "package_search", 4, 1),
                                       IsUsage("2026-12-02", "package_show", 1, 0)));
    EXPECT_THAT(recorder.Usage("token-b"),
                ::testing::ElementsAre(IsUsage("2026-12-02", "package_search", 1, 1)));
}

TEST_P(UsageRecorderTest, FlushWritesThePendingCountsOnceAndAddsToWhatIsStored) {
    UsageRecorder recorder(*db_, kNoTimedFlush, Clock());
    recorder.Count(Hash("a"), "package_search", false);
    recorder.Count(Hash("a"), "package_search", false);
    EXPECT_TRUE(Stored("token-a").empty()) << "counted in memory, not written per call";

    recorder.Flush();
    EXPECT_THAT(Stored("token-a"),
                ::testing::ElementsAre(IsUsage("2026-12-02", "package_search", 2, 0)));
    recorder.Flush();  // nothing pending: nothing added twice
    EXPECT_THAT(Stored("token-a"),
                ::testing::ElementsAre(IsUsage("2026-12-02", "package_search", 2, 0)));

    recorder.Count(Hash("a"), "package_search", true);
    recorder.Flush();
    EXPECT_THAT(Stored("token-a"),
                ::testing::ElementsAre(IsUsage("2026-12-02", "package_search", 3, 1)));
}

TEST_P(UsageRecorderTest, ATokenThatIsNotStoredAddsNothing) {
    UsageRecorder recorder(*db_, kNoTimedFlush, Clock());
    recorder.Count(core::Sha256Hex("revoked meanwhile"), "package_search", false);
    recorder.Count(Hash("a"), "package_search", false);
    EXPECT_NO_THROW(recorder.Flush());
    EXPECT_EQ(db_->Read([](db::Connection& c) {
        return c.Query("SELECT count(*) FROM api_token_usage")[0].Int(0);
    }),
              1);
}

TEST_P(UsageRecorderTest, ATimedFlushWritesWithoutBeingAsked) {
    UsageRecorder recorder(*db_, /*flush_seconds=*/0, Clock());
    recorder.Count(Hash("a"), "package_search", false);
    EXPECT_THAT(Stored("token-a"),
                ::testing::ElementsAre(IsUsage("2026-12-02", "package_search", 1, 0)));
}

TEST_P(UsageRecorderTest, TheDayIsBangkoksAndUsageListsTheLastDaysNewestFirst) {
    UsageRecorder recorder(*db_, kNoTimedFlush, Clock());
    now_ = kBangkokMidnight - 2 * kDay;  // 2026-11-30 00:00 Bangkok
    recorder.Count(Hash("a"), "package_search", false);
    now_ = kBangkokMidnight - 1;  // 2026-12-01 23:59:59 Bangkok, 16:59:59 UTC
    recorder.Count(Hash("a"), "package_search", false);
    recorder.Count(Hash("a"), "package_list", false);
    now_ = kBangkokMidnight;  // 2026-12-02 00:00 Bangkok, still 2026-12-01 in UTC
    recorder.Count(Hash("a"), "package_search", false);

    EXPECT_THAT(recorder.Usage("token-a", 2),
                ::testing::ElementsAre(IsUsage("2026-12-02", "package_search", 1, 0),
                                       IsUsage("2026-12-01", "package_list", 1, 0),
                                       IsUsage("2026-12-01", "package_search", 1, 0)));
    EXPECT_THAT(recorder.Usage("token-a", 1),
                ::testing::ElementsAre(IsUsage("2026-12-02", "package_search", 1, 0)));
    EXPECT_EQ(recorder.Usage("token-a", 3).size(), 4u);
    EXPECT_EQ(recorder.Usage("token-a", 0).size(), 1u) << "at least today";
    EXPECT_TRUE(recorder.Usage("token-b").empty());
}

TEST_P(UsageRecorderTest, TheDestructorWritesWhatIsPending) {
    {
        UsageRecorder recorder(*db_, kNoTimedFlush, Clock());
        recorder.Count(Hash("a"), "package_search", true);
        EXPECT_TRUE(Stored("token-a").empty());
    }
    EXPECT_THAT(Stored("token-a"),
                ::testing::ElementsAre(IsUsage("2026-12-02", "package_search", 1, 1)));
}

TEST_P(UsageRecorderTest, AFailedWriteNeverFailsTheCallBeingCounted) {
    db_->Write([](db::Connection& c) { c.Exec("DROP TABLE api_token_usage"); });
    {
        // A timed flush fails inside Count: logged, the call goes on.
        UsageRecorder recorder(*db_, /*flush_seconds=*/0, Clock());
        EXPECT_NO_THROW(recorder.Count(Hash("a"), "package_search", false));
        EXPECT_NO_THROW(recorder.Count(Hash("a"), "package_show", false));
    }
    {
        // Asked directly, the failure is reported; the destructor only logs it.
        UsageRecorder recorder(*db_, kNoTimedFlush, Clock());
        recorder.Count(Hash("a"), "package_search", false);
        EXPECT_ANY_THROW(recorder.Flush());
        recorder.Count(Hash("a"), "package_list", false);
    }
    SUCCEED() << "the destructor did not throw";
}

// Server threads count at once while others flush and read: every count arrives. This is the
// test ThreadSanitizer (`make tsan`) watches for races on the pending map.
TEST_P(UsageRecorderTest, ConcurrentCountsFromManyThreadsAreAllWritten) {
    constexpr int kThreads = 8, kCalls = 400;
    UsageRecorder recorder(*db_, kNoTimedFlush, Clock());
    std::atomic<bool> done{false};
    std::thread flusher([&] {
        while (!done) {
            recorder.Flush();
            (void)recorder.Usage("token-a");
        }
    });
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < kCalls; ++i)
                recorder.Count(Hash(t % 2 ? "a" : "b"), i % 2 ? "package_search" : "package_show",
                               i % 4 == 0);
        });
    for (auto& t : threads) t.join();
    done = true;
    flusher.join();

    auto a = recorder.Usage("token-a");
    auto b = recorder.Usage("token-b");
    int64_t per_token = kThreads / 2 * kCalls, per_action = per_token / 2;
    EXPECT_THAT(a, ::testing::ElementsAre(
                       IsUsage("2026-12-02", "package_search", per_action, 0),
                       IsUsage("2026-12-02", "package_show", per_action, per_action / 2)));
    EXPECT_THAT(b, ::testing::ElementsAre(
                       IsUsage("2026-12-02", "package_search", per_action, 0),
                       IsUsage("2026-12-02", "package_show", per_action, per_action / 2)));
}

// The same with a write on every call (flush interval 0): concurrent batches add up.
TEST_P(UsageRecorderTest, ConcurrentTimedFlushesAddUp) {
    constexpr int kThreads = 4, kCalls = 50;
    UsageRecorder recorder(*db_, /*flush_seconds=*/0, Clock());
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < kCalls; ++i) recorder.Count(Hash("a"), "package_search", false);
        });
    for (auto& t : threads) t.join();
    EXPECT_THAT(Stored("token-a"), ::testing::ElementsAre(IsUsage("2026-12-02", "package_search",
                                                                  kThreads * kCalls, 0)));
}

// The middleware: which calls count, under which action name, and which count as refused.
class UsageMiddlewareTest : public UsageRecorderTest {
  protected:
    // Runs one request through UsageMiddleware with a handler that answers `status` (or
    // throws an HttpError with it when `throws`).
    int Call(const std::string& path, const std::string& header, const std::string& value,
             int status = 200, bool throws = false) {
        http::Middleware m = UsageMiddleware(*recorder_);
        http::Request req;
        req.method = "GET";
        req.target = req.path = path;
        if (!header.empty()) req.headers.Add(header, value);
        int handled = 0;
        http::Handler next = [&](http::Request&) {
            ++handled;
            if (throws) throw HttpError(status, "x", "x");
            return http::Response::Text("ok", status);
        };
        try {
            EXPECT_EQ(m(req, next).status, status);
        } catch (const HttpError& e) {
            EXPECT_TRUE(throws);
            EXPECT_EQ(e.status(), status);
        }
        return handled;
    }
    void SetUp() override {
        UsageRecorderTest::SetUp();
        recorder_ = std::make_unique<UsageRecorder>(*db_, kNoTimedFlush, Clock());
    }
    void TearDown() override {
        recorder_.reset();
        UsageRecorderTest::TearDown();
    }
    std::unique_ptr<UsageRecorder> recorder_;
};

INSTANTIATE_TEST_SUITE_P(Engines, UsageMiddlewareTest, ::testing::ValuesIn(db::testing::Engines()),
                         [](const auto& info) { return info.param; });

TEST_P(UsageMiddlewareTest, CkanActionsByNameOtherPathsByTheirFirstTwoSegments) {
    std::string bearer = "Bearer " + Raw("a");
    Call("/api/3/action/package_search", "Authorization", Raw("a"));
    Call("/api/action/package_search", "X-CKAN-API-Key", Raw("a"));
    Call("/api/3/action/datastore_search/extra", "Authorization", bearer);
    Call("/api/3/action/" + std::string(150, 'x'), "Authorization", bearer);
    Call("/api/datastore/query/abc", "Authorization", bearer);
    Call("/catalog", "Authorization", bearer);
    Call("/d/" + std::string(200, 'y') + "/z", "Authorization", bearer);

    EXPECT_THAT(
        recorder_->Usage("token-a"),
        ::testing::UnorderedElementsAre(IsUsage("2026-12-02", "package_search", 2, 0),
                                        IsUsage("2026-12-02", "datastore_search", 1, 0),
                                        IsUsage("2026-12-02", std::string(100, 'x'), 1, 0),
                                        IsUsage("2026-12-02", "/api/datastore", 1, 0),
                                        IsUsage("2026-12-02", "/catalog", 1, 0),
                                        IsUsage("2026-12-02", "/d/" + std::string(97, 'y'), 1, 0)));
}

TEST_P(UsageMiddlewareTest, RefusalsCountAsLimitedWhetherAnsweredOrThrown) {
    EXPECT_EQ(Call("/api/3/action/package_search", "Authorization", Raw("a"), 429), 1);
    EXPECT_EQ(Call("/api/3/action/package_search", "Authorization", Raw("a"), 429, true), 1);
    EXPECT_EQ(Call("/api/3/action/package_search", "Authorization", Raw("a"), 404, true), 1);
    EXPECT_EQ(Call("/api/3/action/package_search", "Authorization", Raw("a"), 500), 1);
    EXPECT_THAT(recorder_->Usage("token-a"),
                ::testing::ElementsAre(IsUsage("2026-12-02", "package_search", 4, 2)));
}

TEST_P(UsageMiddlewareTest, CallsWithoutATokenAreNotCounted) {
    EXPECT_EQ(Call("/api/3/action/package_search", "", ""), 1);
    EXPECT_EQ(Call("/api/3/action/package_search", "Authorization", "Basic abc def"), 1);
    recorder_->Flush();
    EXPECT_EQ(db_->Read([](db::Connection& c) {
        return c.Query("SELECT count(*) FROM api_token_usage")[0].Int(0);
    }),
              0);
}

}  // namespace
}  // namespace govhub::accounts

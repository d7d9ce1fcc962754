// The job queue on every engine (SQLite always, PostgreSQL when GOVHUB_TEST_PG_URL is set):
// success, retries with back-off, permanent failure, cancellation, re-queue after a dead
// worker, and exactly-once claiming across several runners.
#include "jobs/runner.hpp"
#include "core/test_i18n.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "audit/audit.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "db/test_support.hpp"
#include "jobs/service.hpp"
#include "jobs/store.hpp"

namespace govhub::jobs {
namespace {

class JobsTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        scratch_ = std::make_unique<db::testing::ScratchDatabase>(GetParam(), "jobs");
        url_ = scratch_->url();
        db_ = scratch_->Open();
        db::MigrationSet set;
        audit::AddMigrations(set);
        store::AddMigrations(set);
        db::ApplyMigrations(*db_, set);
        service_ = std::make_unique<JobService>(*db_);
    }
    void TearDown() override {
        service_.reset();
        db_.reset();
        scratch_.reset();
    }
    Job Load(const std::string& id) {
        return *db_->Read([&](db::Connection& c) { return store::Find(c, id); });
    }
    // Polls until the job reaches a finished state (or `state`), at most 20 s.
    Job WaitFor(const std::string& id, JobState state) {
        for (int i = 0; i < 400; ++i) {
            Job j = Load(id);
            if (j.state == state) return j;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return Load(id);
    }
    RunnerConfig Fast() {
        return {.workers = 2,
                .poll_milliseconds = 20,
                .heartbeat_seconds = 1,
                .stale_seconds = 2,
                .retry_base_seconds = 0};
    }

    std::unique_ptr<db::testing::ScratchDatabase> scratch_;
    std::string url_;
    std::unique_ptr<db::Database> db_;
    std::unique_ptr<JobService> service_;
};

INSTANTIATE_TEST_SUITE_P(Engines, JobsTest, ::testing::ValuesIn(db::testing::Engines()),
                         [](const auto& info) { return info.param; });

TEST_P(JobsTest, RunsWithProgressLogAndResult) {
    JobRunner runner(*db_, Fast());
    runner.Register("count", [](JobContext& ctx) {
        for (int i = 1; i <= 4; ++i) ctx.Progress(i, 4, "ชุดที่ " + std::to_string(i));
        ctx.Log("นับครบแล้ว");
        return std::string("{\"counted\":4}");
    });
    runner.Start();
    std::string id = service_->Enqueue("count", "{}", {.owner_id = "u1"});
    Job j = WaitFor(id, JobState::kSucceeded);
    ASSERT_EQ(j.state, JobState::kSucceeded) << j.error;
    EXPECT_EQ(j.progress_done, 4);
    EXPECT_EQ(j.progress_total, 4);
    EXPECT_EQ(j.message, "ชุดที่ 4");
    EXPECT_EQ(j.result, "{\"counted\":4}");
    EXPECT_EQ(j.attempts, 1);
    auto log = db_->Read([&](db::Connection& c) { return store::Log(c, id); });
    ASSERT_EQ(log.size(), 2u);
    EXPECT_EQ(log[0].message, "นับครบแล้ว");
    // The owner sees it, someone else does not, a sysadmin does.
    accounts::Principal owner{.user_id = "u1"}, other{.user_id = "u2"},
        admin{.user_id = "a", .sysadmin = true};
    EXPECT_TRUE(service_->Get(id, &owner));
    EXPECT_FALSE(service_->Get(id, &other));
    EXPECT_TRUE(service_->Get(id, &admin));
    EXPECT_EQ(service_->List(other, {}).size(), 0u);
    EXPECT_EQ(service_->List(admin, {}).size(), 1u);
}

TEST_P(JobsTest, RetriesWithBackoffThenGivesUp) {
    EXPECT_EQ(JobRunner::BackoffSeconds(1, 10), 10);
    EXPECT_EQ(JobRunner::BackoffSeconds(3, 10), 40);
    EXPECT_EQ(JobRunner::BackoffSeconds(30, 10), 3600);
    JobRunner runner(*db_, Fast());
    std::atomic<int> calls{0};
    runner.Register("flaky", [&](JobContext& ctx) {
        ++calls;
        if (ctx.job().attempts < 3) throw std::runtime_error("SMTP server unreachable");
        return std::string();
    });
    runner.Register("hopeless",
                    [](JobContext&) -> std::string { throw std::runtime_error("always"); });
    runner.Register(
        "bad", [](JobContext&) -> std::string { throw PermanentJobError("payload is not valid"); });
    runner.Start();
    std::string flaky = service_->Enqueue("flaky", "{}");
    std::string hopeless = service_->Enqueue("hopeless", "{}", {.max_attempts = 2});
    std::string bad = service_->Enqueue("bad", "{}");
    std::string unknown = service_->Enqueue("no.such.kind", "{}");
    EXPECT_EQ(WaitFor(flaky, JobState::kSucceeded).attempts, 3);
    Job h = WaitFor(hopeless, JobState::kFailed);
    EXPECT_EQ(h.state, JobState::kFailed);
    EXPECT_EQ(h.attempts, 2);
    EXPECT_EQ(h.error, "always");
    Job b = WaitFor(bad, JobState::kFailed);
    EXPECT_EQ(b.attempts, 1);
    EXPECT_EQ(WaitFor(unknown, JobState::kFailed).state, JobState::kFailed);
    EXPECT_EQ(calls.load(), 3);
    // A sysadmin can run a failed job again: it gets a fresh set of attempts and fails anew.
    accounts::Principal admin{.user_id = "a", .sysadmin = true}, owner{.user_id = "u9"};
    EXPECT_THROW(service_->Retry(hopeless, owner, ""), govhub::HttpError);
    service_->Retry(hopeless, admin, "");
    auto giving_up = [&] {
        int n = 0;
        for (const auto& e : db_->Read([&](db::Connection& c) { return store::Log(c, hopeless); }))
            n += core::English(e.message).find("giving up") != std::string::npos;
        return n;
    };
    for (int i = 0; i < 200 && giving_up() < 2; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(giving_up(), 2);
    EXPECT_EQ(Load(hopeless).state, JobState::kFailed);
    EXPECT_THROW(service_->Retry(flaky, admin, ""), govhub::HttpError);  // succeeded jobs stay done
}

TEST_P(JobsTest, CancelQueuedAndRunningJobs) {
    accounts::Principal owner{.user_id = "u1"}, other{.user_id = "u2"};
    std::string queued = service_->Enqueue("slow", "{}", {.owner_id = "u1", .delay_seconds = 3600});
    EXPECT_THROW(service_->Cancel(queued, other, ""), govhub::HttpError);
    service_->Cancel(queued, owner, "");
    EXPECT_EQ(Load(queued).state, JobState::kCancelled);
    EXPECT_THROW(service_->Cancel(queued, owner, ""), govhub::HttpError);  // already finished

    JobRunner runner(*db_, Fast());
    std::atomic<bool> started{false};
    runner.Register("slow", [&](JobContext& ctx) {
        started = true;
        for (int i = 0; i < 400; ++i) {
            ctx.ThrowIfInterrupted();
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return std::string();
    });
    runner.Start();
    std::string running = service_->Enqueue("slow", "{}", {.owner_id = "u1"});
    for (int i = 0; i < 200 && !started; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_TRUE(started);
    service_->Cancel(running, owner, "");
    Job j = WaitFor(running, JobState::kCancelled);
    EXPECT_EQ(j.state, JobState::kCancelled);
}

TEST_P(JobsTest, JobsOfADeadWorkerAreRequeuedAndShutdownReleasesRunningJobs) {
    // A job claimed by a process that stopped sending heartbeats long ago.
    std::string id = service_->Enqueue("work", "{}");
    db_->Write([&](db::Connection& c) {
        store::Claim(c, "dead-process:0", core::NowIso());
        c.Exec("UPDATE jobs SET heartbeat_at = ? WHERE id = ?", {core::IsoInSeconds(-60), id});
    });
    EXPECT_EQ(Load(id).state, JobState::kRunning);
    std::atomic<int> runs{0};
    {
        JobRunner runner(*db_, Fast());
        runner.Register("work", [&](JobContext&) {
            ++runs;
            return std::string();
        });
        runner.Start();
        Job j = WaitFor(id, JobState::kSucceeded);
        EXPECT_EQ(j.state, JobState::kSucceeded);
        EXPECT_EQ(j.attempts, 2);
        auto log = db_->Read([&](db::Connection& c) { return store::Log(c, id); });
        ASSERT_FALSE(log.empty());
        EXPECT_EQ(core::English(log.front().message),
                  "the worker running it stopped responding; re-queued");
    }
    EXPECT_EQ(runs.load(), 1);

    // Stopping a runner puts its running job back in the queue without spending an attempt.
    std::string long_job = service_->Enqueue("long", "{}");
    {
        JobRunner runner(*db_, Fast());
        std::atomic<bool> started{false};
        runner.Register("long", [&](JobContext& ctx) {
            started = true;
            for (;;) {
                ctx.ThrowIfInterrupted();
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
            return std::string();
        });
        runner.Start();
        for (int i = 0; i < 200 && !started; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        ASSERT_TRUE(started);
    }
    Job released = Load(long_job);
    EXPECT_EQ(released.state, JobState::kQueued);
    EXPECT_EQ(released.attempts, 0);
}

TEST_P(JobsTest, JobsOfAProcessKnownDeadAreRequeuedAtOnceAndOnlyThose) {
    // Three running jobs: two of a killed process (one out of attempts), one of a live one
    // whose id differs only where the dead one has a "_" (no LIKE wildcard may match it).
    std::string dead = service_->Enqueue("work", "{}", {.max_attempts = 3});
    std::string spent = service_->Enqueue("work", "{}", {.max_attempts = 1});
    std::string alive = service_->Enqueue("work", "{}");
    auto claim = [&](const std::string& id, const std::string& worker) {
        db_->Write([&](db::Connection& c) {
            c.Exec(
                "UPDATE jobs SET state = 'running', locked_by = ?, heartbeat_at = ?,"
                " attempts = 1 WHERE id = ?",
                {worker, core::NowIso(), id});
        });
    };
    claim(dead, "7-ab_d:0");
    claim(spent, "7-ab_d:1");
    claim(alive, "7-abcd:0");
    JobRunner runner(*db_, Fast());  // not started: the re-queue needs no stale_seconds
    EXPECT_EQ(runner.RequeueJobsOf("7-ab_d"), 1);
    Job requeued = Load(dead);
    EXPECT_EQ(requeued.state, JobState::kQueued);
    EXPECT_EQ(requeued.attempts, 1);  // the killed attempt counts
    EXPECT_TRUE(requeued.locked_by.empty());
    EXPECT_EQ(Load(spent).state, JobState::kFailed);
    EXPECT_EQ(Load(alive).state, JobState::kRunning);
    auto log = db_->Read([&](db::Connection& c) { return store::Log(c, dead); });
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(core::English(log.front().message),
              "the worker running it stopped responding; re-queued");
}

TEST_P(JobsTest, EveryJobRunsExactlyOnceAcrossRunners) {
    // Several runners stand for several processes (on PostgreSQL they claim with SKIP LOCKED).
    const int kJobs = 200;
    for (int i = 0; i < kJobs; ++i) service_->Enqueue("tick", "{}");
    std::mutex mutex;
    std::multiset<std::string> ran;
    auto handler = [&](JobContext& ctx) {
        std::lock_guard lock(mutex);
        ran.insert(ctx.job().id);
        return std::string();
    };
    {
        std::vector<std::unique_ptr<db::Database>> dbs;
        std::vector<std::unique_ptr<JobRunner>> runners;
        int processes = GetParam() == "sqlite" ? 1 : 3;
        for (int p = 0; p < processes; ++p) {
            dbs.push_back(db::Open(url_));
            runners.push_back(std::make_unique<JobRunner>(*dbs.back(), Fast()));
            runners.back()->Register("tick", handler);
            runners.back()->Start();
        }
        for (int i = 0; i < 400; ++i) {
            if (db_->Read([](db::Connection& c) {
                    return store::Count(c, {.state = "succeeded"});
                }) == kJobs)
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    EXPECT_EQ(ran.size(), static_cast<size_t>(kJobs));
    std::set<std::string> distinct(ran.begin(), ran.end());
    EXPECT_EQ(distinct.size(), static_cast<size_t>(kJobs));
}

}  // namespace
}  // namespace govhub::jobs

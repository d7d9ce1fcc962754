#include "jobs/runner.hpp"

#include <unistd.h>

#include <chrono>

#include "core/clock.hpp"
#include "core/crash.hpp"
#include "core/crypto.hpp"
#include "core/i18n.hpp"
#include "core/log.hpp"
#include "core/strings.hpp"
#include "jobs/store.hpp"

namespace govhub::jobs {

namespace {
std::string Fields(const Job& j) {
    return "\"job\":\"" + j.id + "\",\"kind\":\"" + core::JsonEscape(j.kind) + "\"";
}
}  // namespace

void JobContext::Progress(int64_t done, int64_t total, const std::string& message) {
    int64_t now = core::NowEpochMicros();
    bool final_update = total > 0 && done >= total;
    if (!final_update && now - last_progress_us_ < 250000) return;
    last_progress_us_ = now;
    runner_.database().Write(
        [&](db::Connection& c) { store::SetProgress(c, job_.id, done, total, message); });
}

void JobContext::Log(const std::string& message, const std::string& level) {
    runner_.database().Write([&](db::Connection& c) {
        store::AppendLog(c, job_.id, level, message.substr(0, 4000), core::NowIso());
    });
}

bool JobContext::Interrupted() {
    if (runner_.stopping()) return true;
    int64_t now = core::NowEpochMicros();
    if (!cancel_requested_ && now - last_cancel_check_us_ >= 1000000) {
        last_cancel_check_us_ = now;
        runner_.database().Read(
            [&](db::Connection& c) { cancel_requested_ = store::CancelRequested(c, job_.id); });
    }
    return cancel_requested_;
}

JobRunner::JobRunner(db::Database& db, RunnerConfig config)
    : db_(db),
      config_(config),
      process_id_(config_.process_id.empty()
                      ? core::RandomToken(6) + "-" + std::to_string(::getpid())
                      : config_.process_id) {}

JobRunner::~JobRunner() {
    Stop();
}

void JobRunner::Register(const std::string& kind, JobHandler handler) {
    handlers_[kind] = std::move(handler);
}

std::set<std::string> JobRunner::Kinds() const {
    std::set<std::string> out;
    for (const auto& [k, h] : handlers_) out.insert(k);
    return out;
}

int64_t JobRunner::BackoffSeconds(int attempts, int base) {
    int64_t delay = base;
    for (int i = 1; i < attempts && delay < 3600; ++i) delay *= 2;
    return std::min<int64_t>(delay, 3600);
}

void JobRunner::Start() {
    for (int i = 0; i < std::max(0, config_.workers); ++i)
        threads_.emplace_back([this, i] { WorkerLoop(i); });
    threads_.emplace_back([this] { HousekeepingLoop(); });
}

void JobRunner::Stop() {
    if (stopping_.exchange(true)) return;
    cv_.notify_all();
    for (auto& t : threads_)
        if (t.joinable()) t.join();
    threads_.clear();
}

void JobRunner::Wake() {
    {
        std::lock_guard lock(mutex_);
        ++pending_wakes_;
    }
    cv_.notify_one();
}

int64_t JobRunner::RequeueJobsOf(const std::string& process_id) {
    int64_t requeued = 0;
    db_.Write(
        [&](db::Connection& c) { requeued = store::RequeueOwner(c, process_id, core::NowIso()); });
    if (requeued > 0) {
        core::LogWarn("jobs.requeued",
                      "re-queued the jobs of a process that ended without stopping them",
                      "\"count\":" + std::to_string(requeued) + ",\"process\":\"" +
                          core::JsonEscape(process_id) + "\"");
        Wake();
    }
    return requeued;
}

void JobRunner::WorkerLoop(int index) {
    std::string worker = process_id_ + ":" + std::to_string(index);
    while (!stopping_) {
        std::optional<Job> job;
        try {
            db_.Write([&](db::Connection& c) { job = store::Claim(c, worker, core::NowIso()); });
        } catch (const std::exception& e) {
            core::LogError("jobs.claim", e.what());
        }
        if (job) {
            Run(std::move(*job));
            continue;
        }
        std::unique_lock lock(mutex_);
        cv_.wait_for(lock, std::chrono::milliseconds(config_.poll_milliseconds),
                     [&] { return stopping_.load() || pending_wakes_ > 0; });
        if (pending_wakes_ > 0) --pending_wakes_;
    }
}

void JobRunner::Run(Job job) {
    auto it = handlers_.find(job.kind);
    std::string now = core::NowIso();
    if (it == handlers_.end()) {
        core::LogError("jobs.unknown_kind", "no handler for this kind", Fields(job));
        db_.Write([&](db::Connection& c) {
            store::Fail(c, job.id, core::Message("jobs.run.no_handler", {{"kind", job.kind}}),
                        core::NowIso());
        });
        return;
    }
    JobContext ctx(*this, job);
    core::CrashContext crash("job", job.id, job.kind);
    core::LogInfo("jobs.start", "running",
                  Fields(job) + ",\"attempt\":" + std::to_string(job.attempts));
    try {
        std::string result = it->second(ctx);
        db_.Write([&](db::Connection& c) {
            store::Succeed(c, job.id, result.empty() ? "null" : result, core::NowIso());
            store::AppendLog(c, job.id, "info", core::Message("jobs.run.succeeded"),
                             core::NowIso());
        });
        core::LogInfo("jobs.done", "succeeded", Fields(job));
    } catch (const JobInterrupted&) {
        db_.Write([&](db::Connection& c) {
            if (ctx.cancel_requested() || store::CancelRequested(c, job.id)) {
                store::MarkCancelled(c, job.id, core::NowIso());
                store::AppendLog(c, job.id, "warn", core::Message("jobs.run.cancelled"),
                                 core::NowIso());
            } else {
                // The process is stopping: another worker picks the job up again.
                store::Release(c, job.id);
                store::AppendLog(c, job.id, "warn", core::Message("jobs.run.interrupted"),
                                 core::NowIso());
            }
        });
    } catch (const PermanentJobError& e) {
        db_.Write([&](db::Connection& c) {
            store::Fail(c, job.id, e.what(), core::NowIso());
            store::AppendLog(c, job.id, "error", e.what(), core::NowIso());
        });
        core::LogWarn("jobs.failed", e.what(), Fields(job));
    } catch (const std::exception& e) {
        bool retry = job.attempts < job.max_attempts;
        int64_t delay = BackoffSeconds(job.attempts, config_.retry_base_seconds);
        db_.Write([&](db::Connection& c) {
            std::string msg = e.what();
            if (retry) {
                store::Retry(c, job.id, msg, core::IsoInSeconds(delay));
                store::AppendLog(
                    c, job.id, "warn",
                    core::Message("jobs.run.retrying", {{"attempt", std::to_string(job.attempts)},
                                                        {"why", msg},
                                                        {"seconds", std::to_string(delay)}}),
                    core::NowIso());
            } else {
                store::Fail(c, job.id, msg, core::NowIso());
                store::AppendLog(
                    c, job.id, "error",
                    core::Message("jobs.run.giving_up",
                                  {{"attempt", std::to_string(job.attempts)}, {"why", msg}}),
                    core::NowIso());
            }
        });
        core::LogWarn("jobs.attempt_failed", e.what(),
                      Fields(job) + ",\"retry\":" + (retry ? "true" : "false"));
    }
}

void JobRunner::HousekeepingLoop() {
    while (!stopping_) {
        try {
            std::string now = core::NowIso();
            db_.Write([&](db::Connection& c) {
                store::Heartbeat(c, process_id_, now);
                int64_t requeued =
                    store::RequeueStale(c, core::IsoInSeconds(-config_.stale_seconds), now);
                if (requeued > 0)
                    core::LogWarn("jobs.requeued",
                                  "re-queued jobs of a worker that stopped responding",
                                  "\"count\":" + std::to_string(requeued));
            });
        } catch (const std::exception& e) {
            core::LogError("jobs.housekeeping", e.what());
        }
        std::unique_lock lock(mutex_);
        cv_.wait_for(lock, std::chrono::seconds(config_.heartbeat_seconds),
                     [&] { return stopping_.load(); });
    }
}

}  // namespace govhub::jobs

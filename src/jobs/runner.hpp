#pragma once
// Worker threads that run jobs in this process. Any number of processes may run workers
// against one PostgreSQL database; with SQLite one process does.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "db/database.hpp"
#include "jobs/model.hpp"

namespace govhub::jobs {

// Thrown by JobContext::ThrowIfCancelled: the job stops (cancelled, or re-queued when the
// process is shutting down).
struct JobInterrupted : std::exception {
    const char* what() const noexcept override { return "job interrupted"; }
};
// A failure that retrying cannot fix (bad payload): the job fails at once.
struct PermanentJobError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class JobRunner;

class JobContext {
  public:
    JobContext(JobRunner& runner, Job job) : runner_(runner), job_(std::move(job)) {}
    const Job& job() const { return job_; }
    const std::string& payload() const { return job_.payload; }
    // Progress shown to the job's owner; written at most every 250 ms (and always when done).
    void Progress(int64_t done, int64_t total, const std::string& message = {});
    void Log(const std::string& message, const std::string& level = "info");
    // True when someone cancelled the job or this process is stopping (checked at most once a
    // second against the database).
    bool Interrupted();
    void ThrowIfInterrupted() {
        if (Interrupted()) throw JobInterrupted();
    }
    bool cancel_requested() const { return cancel_requested_; }

  private:
    JobRunner& runner_;
    Job job_;
    int64_t last_progress_us_ = 0;
    int64_t last_cancel_check_us_ = 0;
    bool cancel_requested_ = false;
};

// Returns the result as JSON text ("" means null).
using JobHandler = std::function<std::string(JobContext&)>;

struct RunnerConfig {
    int workers = 2;
    int poll_milliseconds = 500;  // how often idle workers look for work from other nodes
    int heartbeat_seconds = 5;    // running jobs prove their process is alive
    int stale_seconds = 30;       // silent this long: the process died, the job is re-queued
    int retry_base_seconds = 10;  // back-off: base * 2^(attempt-1), at most an hour
    // Names this process in locked_by: the app passes its core::ProcessLease id, so a later
    // start can tell this process's jobs apart once it is dead. Empty: a random one.
    std::string process_id;
};

class JobRunner {
  public:
    JobRunner(db::Database& db, RunnerConfig config);
    ~JobRunner();

    void Register(const std::string& kind, JobHandler handler);
    std::set<std::string> Kinds() const;
    void Start();
    // Stops claiming, interrupts running jobs (they go back to the queue) and joins.
    void Stop();
    // Wakes an idle worker (a job was enqueued in this process).
    void Wake();
    // The running jobs of `process_id`, a process known to be dead (its lease was free), go
    // back to the queue now rather than after stale_seconds. Returns how many.
    int64_t RequeueJobsOf(const std::string& process_id);
    const std::string& process_id() const { return process_id_; }
    bool stopping() const { return stopping_; }
    db::Database& database() { return db_; }

    // Seconds to wait before attempt `attempts` + 1.
    static int64_t BackoffSeconds(int attempts, int base);

  private:
    void WorkerLoop(int index);
    void HousekeepingLoop();
    void Run(Job job);

    db::Database& db_;
    RunnerConfig config_;
    std::string process_id_;
    std::map<std::string, JobHandler> handlers_;
    std::vector<std::thread> threads_;
    std::atomic<bool> stopping_{false};
    std::mutex mutex_;
    std::condition_variable cv_;
    int pending_wakes_ = 0;
};

}  // namespace govhub::jobs

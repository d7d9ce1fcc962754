#pragma once
// Every SQL statement of the jobs module.
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "db/migrations.hpp"
#include "jobs/model.hpp"

namespace govhub::jobs::store {

void AddMigrations(db::MigrationSet& set);

void Insert(db::Connection& c, const Job& j);
std::optional<Job> Find(db::Connection& c, const std::string& id);
// The newest job of a kind about a subject.
std::optional<Job> Latest(db::Connection& c, const std::string& kind, const std::string& subject);
struct ListFilter {
    std::string owner_id;  // empty: everyone's
    std::string state;     // empty: any
    std::string kind;
    int limit = 100;
    int offset = 0;
};
std::vector<Job> List(db::Connection& c, const ListFilter& f);
int64_t Count(db::Connection& c, const ListFilter& f);

// Takes the next ready job for `worker`: FOR UPDATE SKIP LOCKED on PostgreSQL, so nodes never
// claim the same job; SQLite's single writer makes the claim atomic there.
std::optional<Job> Claim(db::Connection& c, const std::string& worker, const std::string& now);
void Heartbeat(db::Connection& c, const std::string& process_prefix, const std::string& now);
// Jobs whose process stopped sending heartbeats go back to the queue (or fail when out of
// attempts). Returns how many were re-queued.
int64_t RequeueStale(db::Connection& c, const std::string& stale_before, const std::string& now);
// The same for the running jobs of a process known to be dead (core::ProcessLease): its
// workers' locked_by start with "<process_id>:". The attempt stays spent, so a job that kills
// its process every time fails once out of attempts instead of looping.
int64_t RequeueOwner(db::Connection& c, const std::string& process_id, const std::string& now);

void SetProgress(db::Connection& c, const std::string& id, int64_t done, int64_t total,
                 const std::string& message);
void Succeed(db::Connection& c, const std::string& id, const std::string& result,
             const std::string& now);
void Retry(db::Connection& c, const std::string& id, const std::string& error,
           const std::string& run_after);
void Fail(db::Connection& c, const std::string& id, const std::string& error,
          const std::string& now);
void MarkCancelled(db::Connection& c, const std::string& id, const std::string& now);
// Back to the queue without spending an attempt (the process is shutting down).
void Release(db::Connection& c, const std::string& id);
// Queued jobs are cancelled at once; running ones are asked to stop. False when finished.
bool RequestCancel(db::Connection& c, const std::string& id, const std::string& now);
bool CancelRequested(db::Connection& c, const std::string& id);
// A failed or cancelled job runs again from scratch.
bool Requeue(db::Connection& c, const std::string& id, const std::string& now);

void AppendLog(db::Connection& c, const std::string& job_id, const std::string& level,
               const std::string& message, const std::string& now);
std::vector<JobLogEntry> Log(db::Connection& c, const std::string& job_id, int limit = 500);

}  // namespace govhub::jobs::store

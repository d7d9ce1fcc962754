#include "jobs/store.hpp"

namespace govhub::jobs {

const char* ToString(JobState s) {
    switch (s) {
        case JobState::kQueued:
            return "queued";
        case JobState::kRunning:
            return "running";
        case JobState::kSucceeded:
            return "succeeded";
        case JobState::kFailed:
            return "failed";
        case JobState::kCancelled:
            return "cancelled";
    }
    return "queued";
}

std::optional<JobState> ParseJobState(const std::string& s) {
    for (auto st : {JobState::kQueued, JobState::kRunning, JobState::kSucceeded, JobState::kFailed,
                    JobState::kCancelled})
        if (s == ToString(st)) return st;
    return std::nullopt;
}

namespace store {

void AddMigrations(db::MigrationSet& set) {
    set.Add({.module = "jobs", .version = 1, .name = "job queue and job log", .sql = R"sql(
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  owner_id TEXT,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  payload TEXT NOT NULL DEFAULT '{}',
  result TEXT,
  progress_done BIGINT NOT NULL DEFAULT 0,
  progress_total BIGINT NOT NULL DEFAULT 0,
  message TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL DEFAULT 5,
  run_after TEXT NOT NULL,
  locked_by TEXT,
  heartbeat_at TEXT,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  created TEXT NOT NULL,
  started TEXT,
  finished TEXT
);
CREATE INDEX jobs_ready ON jobs (state, run_after);
CREATE INDEX jobs_owner ON jobs (owner_id, created);
CREATE INDEX jobs_created ON jobs (created);
CREATE TABLE job_log (
  id {auto_id},
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  at TEXT NOT NULL,
  level TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX job_log_job ON job_log (job_id, id);
)sql"});
    // What a job works on ("resource:<id>"), so a page can show the latest job for its object.
    set.Add({.module = "jobs", .version = 2, .name = "job subjects", .sql = R"sql(
ALTER TABLE jobs ADD COLUMN subject TEXT NOT NULL DEFAULT '';
CREATE INDEX jobs_subject ON jobs (kind, subject, created);
)sql"});
}

namespace {
constexpr const char* kColumns =
    "id, kind, owner_id, state, payload, result, progress_done, progress_total, message, attempts, "
    "max_attempts, run_after, locked_by, heartbeat_at, cancel_requested, error, created, started, "
    "finished, subject";

Job ToJob(const db::Row& r) {
    Job j;
    j.id = r.Str(0);
    j.kind = r.Str(1);
    j.owner_id = r.Str(2);
    j.state = ParseJobState(r.Str(3)).value_or(JobState::kQueued);
    j.payload = r.Str(4);
    j.result = r.Str(5);
    j.progress_done = r.Int(6);
    j.progress_total = r.Int(7);
    j.message = r.Str(8);
    j.attempts = static_cast<int>(r.Int(9));
    j.max_attempts = static_cast<int>(r.Int(10));
    j.run_after = r.Str(11);
    j.locked_by = r.Str(12);
    j.heartbeat_at = r.Str(13);
    j.cancel_requested = r.Bool(14);
    j.error = r.Str(15);
    j.created = r.Str(16);
    j.started = r.Str(17);
    j.finished = r.Str(18);
    j.subject = r.Str(19);
    return j;
}

db::Value OptText(const std::string& s) {
    return s.empty() ? db::Value(nullptr) : db::Value(s);
}

// WHERE clause and parameters for a list filter.
std::string Where(const ListFilter& f, std::vector<db::Value>& params) {
    std::string where = " WHERE 1 = 1";
    if (!f.owner_id.empty()) where += " AND owner_id = ?", params.push_back(f.owner_id);
    if (!f.state.empty()) where += " AND state = ?", params.push_back(f.state);
    if (!f.kind.empty()) where += " AND kind = ?", params.push_back(f.kind);
    return where;
}
}  // namespace

void Insert(db::Connection& c, const Job& j) {
    c.Exec(
        "INSERT INTO jobs (id, kind, owner_id, state, payload, max_attempts, run_after, created,"
        " subject) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {j.id, j.kind, OptText(j.owner_id), ToString(j.state), j.payload, int64_t{j.max_attempts},
         j.run_after, j.created, j.subject});
}

std::optional<Job> Latest(db::Connection& c, const std::string& kind, const std::string& subject) {
    auto row = c.One(std::string("SELECT ") + kColumns +
                         " FROM jobs WHERE kind = ? AND subject = ? ORDER BY created DESC, id DESC"
                         " LIMIT 1",
                     {kind, subject});
    if (!row) return std::nullopt;
    return ToJob(*row);
}

std::optional<Job> Find(db::Connection& c, const std::string& id) {
    auto row = c.One(std::string("SELECT ") + kColumns + " FROM jobs WHERE id = ?", {id});
    if (!row) return std::nullopt;
    return ToJob(*row);
}

std::vector<Job> List(db::Connection& c, const ListFilter& f) {
    std::vector<db::Value> params;
    std::string sql = std::string("SELECT ") + kColumns + " FROM jobs" + Where(f, params) +
                      " ORDER BY created DESC, id LIMIT ? OFFSET ?";
    params.push_back(int64_t{f.limit});
    params.push_back(int64_t{f.offset});
    std::vector<Job> out;
    for (const auto& r : c.Query(sql, params)) out.push_back(ToJob(r));
    return out;
}

int64_t Count(db::Connection& c, const ListFilter& f) {
    std::vector<db::Value> params;
    return c.One("SELECT COUNT(*) FROM jobs" + Where(f, params), params)->Int(0);
}

std::optional<Job> Claim(db::Connection& c, const std::string& worker, const std::string& now) {
    const char* lock = c.engine() == db::Engine::kPostgres ? " FOR UPDATE SKIP LOCKED" : "";
    auto row = c.One(
        std::string("UPDATE jobs SET state = 'running', locked_by = ?, heartbeat_at = ?,"
                    " started = COALESCE(started, ?), attempts = attempts + 1, error = NULL"
                    " WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND run_after <= ?"
                    " ORDER BY run_after, created LIMIT 1") +
            lock + ") AND state = 'queued' RETURNING " + kColumns,
        {worker, now, now, now});
    if (!row) return std::nullopt;
    return ToJob(*row);
}

void Heartbeat(db::Connection& c, const std::string& process_prefix, const std::string& now) {
    c.Exec("UPDATE jobs SET heartbeat_at = ? WHERE state = 'running' AND locked_by LIKE ?",
           {now, process_prefix + ":%"});
}

namespace {
// Running jobs matching `where` (with `params`) go back to the queue, or fail when out of
// attempts; each one's log says which.
int64_t RequeueRunning(db::Connection& c, const std::string& where, std::vector<db::Value> params,
                       const std::string& now) {
    std::vector<db::Value> with_now = {now};
    with_now.insert(with_now.end(), params.begin(), params.end());
    // The job's own log says what happened, before the state changes hide it.
    c.Exec(
        "INSERT INTO job_log (job_id, at, level, message)"
        " SELECT id, ?, 'warn', CASE WHEN attempts >= max_attempts"
        " THEN '@jobs.run.stalled_failed'"
        " ELSE '@jobs.run.stalled_requeued' END"
        " FROM jobs WHERE state = 'running' AND " +
            where,
        with_now);
    // Out of attempts: failed for good; otherwise back in the queue at once.
    c.Exec(
        "UPDATE jobs SET state = 'failed', finished = ?, locked_by = NULL,"
        " error = '@jobs.run.stalled'"
        " WHERE state = 'running' AND attempts >= max_attempts AND " +
            where,
        with_now);
    return c.Exec(
        "UPDATE jobs SET state = 'queued', locked_by = NULL, run_after = ?,"
        " error = '@jobs.run.stalled_requeued'"
        " WHERE state = 'running' AND " +
            where,
        with_now);
}
}  // namespace

int64_t RequeueStale(db::Connection& c, const std::string& stale_before, const std::string& now) {
    return RequeueRunning(c, "heartbeat_at < ?", {stale_before}, now);
}

int64_t RequeueOwner(db::Connection& c, const std::string& process_id, const std::string& now) {
    // An exact prefix (LIKE would read the id's "_" as a wildcard).
    std::string prefix = process_id + ":";
    return RequeueRunning(c, "substr(locked_by, 1, ?) = ?",
                          {static_cast<int64_t>(prefix.size()), prefix}, now);
}

void SetProgress(db::Connection& c, const std::string& id, int64_t done, int64_t total,
                 const std::string& message) {
    c.Exec("UPDATE jobs SET progress_done = ?, progress_total = ?, message = ? WHERE id = ?",
           {done, total, message, id});
}

void Succeed(db::Connection& c, const std::string& id, const std::string& result,
             const std::string& now) {
    c.Exec(
        "UPDATE jobs SET state = 'succeeded', result = ?, finished = ?, locked_by = NULL, error = "
        "NULL,"
        " progress_done = CASE WHEN progress_total > 0 THEN progress_total ELSE progress_done END"
        " WHERE id = ?",
        {result, now, id});
}

void Retry(db::Connection& c, const std::string& id, const std::string& error,
           const std::string& run_after) {
    c.Exec(
        "UPDATE jobs SET state = 'queued', locked_by = NULL, error = ?, run_after = ? WHERE id = ?",
        {error, run_after, id});
}

void Fail(db::Connection& c, const std::string& id, const std::string& error,
          const std::string& now) {
    c.Exec(
        "UPDATE jobs SET state = 'failed', locked_by = NULL, error = ?, finished = ? WHERE id = ?",
        {error, now, id});
}

void MarkCancelled(db::Connection& c, const std::string& id, const std::string& now) {
    c.Exec("UPDATE jobs SET state = 'cancelled', locked_by = NULL, finished = ? WHERE id = ?",
           {now, id});
}

void Release(db::Connection& c, const std::string& id) {
    c.Exec(
        "UPDATE jobs SET state = 'queued', locked_by = NULL, attempts = attempts - 1 WHERE id = ?",
        {id});
}

bool RequestCancel(db::Connection& c, const std::string& id, const std::string& now) {
    if (c.Exec("UPDATE jobs SET state = 'cancelled', finished = ?, cancel_requested = 1"
               " WHERE id = ? AND state = 'queued'",
               {now, id}) == 1)
        return true;
    return c.Exec("UPDATE jobs SET cancel_requested = 1 WHERE id = ? AND state = 'running'",
                  {id}) == 1;
}

bool CancelRequested(db::Connection& c, const std::string& id) {
    auto row = c.One("SELECT cancel_requested FROM jobs WHERE id = ?", {id});
    return row && row->Bool(0);
}

bool Requeue(db::Connection& c, const std::string& id, const std::string& now) {
    return c.Exec(
               "UPDATE jobs SET state = 'queued', attempts = 0, cancel_requested = 0, error = NULL,"
               " run_after = ?, finished = NULL, progress_done = 0, message = ''"
               " WHERE id = ? AND state IN ('failed', 'cancelled')",
               {now, id}) == 1;
}

void AppendLog(db::Connection& c, const std::string& job_id, const std::string& level,
               const std::string& message, const std::string& now) {
    c.Exec("INSERT INTO job_log (job_id, at, level, message) VALUES (?, ?, ?, ?)",
           {job_id, now, level, message});
}

std::vector<JobLogEntry> Log(db::Connection& c, const std::string& job_id, int limit) {
    std::vector<JobLogEntry> out;
    for (const auto& r :
         c.Query("SELECT id, at, level, message FROM job_log WHERE job_id = ? ORDER BY id LIMIT ?",
                 {job_id, int64_t{limit}}))
        out.push_back({r.Int(0), r.Str(1), r.Str(2), r.Str(3)});
    return out;
}

}  // namespace store
}  // namespace govhub::jobs

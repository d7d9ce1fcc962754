#pragma once
// Job rules: enqueue, look up (owner or sysadmin), list, cancel, retry.
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "accounts/model.hpp"
#include "db/database.hpp"
#include "jobs/model.hpp"
#include "jobs/store.hpp"

namespace govhub::jobs {

struct EnqueueOptions {
    std::string owner_id;  // empty: a system job, visible to sysadmins only
    int max_attempts = 5;
    int delay_seconds = 0;
    std::string subject;
};

class JobService {
  public:
    explicit JobService(db::Database& db) : db_(db) {}

    // Called after each enqueue so this process's workers start at once (other nodes poll).
    void SetNotifier(std::function<void()> notify) { notify_ = std::move(notify); }
    // Kinds a caller may enqueue through the API (the runner's registered kinds).
    void SetKnownKinds(std::set<std::string> kinds) { known_kinds_ = std::move(kinds); }
    bool IsKnownKind(const std::string& kind) const { return known_kinds_.count(kind) > 0; }

    // Inside the caller's transaction when there is one, so the job exists only if the work
    // that asked for it committed.
    std::string Enqueue(const std::string& kind, const std::string& payload_json,
                        const EnqueueOptions& options = {});
    // API/page entry point: a sysadmin enqueues any known kind (validated payload object).
    std::string EnqueueAs(const accounts::Principal& p, const std::string& kind,
                          const std::string& payload_json, const std::string& ip);

    // Nullopt when missing or not visible to `viewer` (owner or sysadmin).
    std::optional<Job> Get(const std::string& id, const accounts::Principal* viewer);
    std::vector<JobLogEntry> LogOf(const std::string& id, const accounts::Principal* viewer);
    // For modules that decide visibility themselves (a resource's load job is shown to whoever
    // may see the resource): no viewer check.
    std::optional<Job> Latest(const std::string& kind, const std::string& subject);
    std::vector<JobLogEntry> LogUnchecked(const std::string& id);
    // A sysadmin sees every job; others their own.
    std::vector<Job> List(const accounts::Principal& viewer, store::ListFilter filter);
    int64_t CountFor(const accounts::Principal& viewer, store::ListFilter filter);
    // Owner or sysadmin; throws HttpError 404/409.
    void Cancel(const std::string& id, const accounts::Principal& p, const std::string& ip);
    // Sysadmin only: a failed or cancelled job runs again.
    void Retry(const std::string& id, const accounts::Principal& p, const std::string& ip);

  private:
    db::Database& db_;
    std::function<void()> notify_;
    std::set<std::string> known_kinds_;
};

}  // namespace govhub::jobs

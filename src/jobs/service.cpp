#include "jobs/service.hpp"

#include <nlohmann/json.hpp>

#include "audit/audit.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"
#include "jobs/auth.hpp"

namespace govhub::jobs {

std::string JobService::Enqueue(const std::string& kind, const std::string& payload_json,
                                const EnqueueOptions& options) {
    Job j;
    j.id = core::NewUuid();
    j.kind = kind;
    j.owner_id = options.owner_id;
    j.payload = payload_json.empty() ? "{}" : payload_json;
    j.max_attempts = std::max(1, options.max_attempts);
    j.subject = options.subject;
    j.created = core::NowIso();
    j.run_after = options.delay_seconds > 0 ? core::IsoInSeconds(options.delay_seconds) : j.created;
    db_.Write([&](db::Connection& c) { store::Insert(c, j); });
    if (notify_) notify_();
    return j.id;
}

std::string JobService::EnqueueAs(const accounts::Principal& p, const std::string& kind,
                                  const std::string& payload_json, const std::string& ip) {
    if (!auth::CanEnqueue(p)) throw HttpError::Forbidden();
    if (!IsKnownKind(kind)) throw HttpError::Validation({{"kind", "jobs.unknown_kind"}});
    std::string payload = payload_json.empty() ? "{}" : payload_json;
    auto parsed = nlohmann::json::parse(payload, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object())
        throw HttpError::Validation({{"payload", "jobs.bad_payload"}});
    std::string id = Enqueue(kind, payload, {.owner_id = p.user_id});
    db_.Write([&](db::Connection& c) {
        audit::Record(c, {p.user_id, ip}, "job.enqueue", "job", id, {{"kind", kind}});
    });
    return id;
}

std::optional<Job> JobService::Latest(const std::string& kind, const std::string& subject) {
    return db_.Read([&](db::Connection& c) { return store::Latest(c, kind, subject); });
}

std::vector<JobLogEntry> JobService::LogUnchecked(const std::string& id) {
    return db_.Read([&](db::Connection& c) { return store::Log(c, id); });
}

std::optional<Job> JobService::Get(const std::string& id, const accounts::Principal* viewer) {
    if (!viewer || !core::IsUuid(id)) return std::nullopt;
    std::optional<Job> j;
    db_.Read([&](db::Connection& c) { j = store::Find(c, id); });
    if (!j || !auth::CanSee(viewer, *j)) return std::nullopt;
    return j;
}

std::vector<JobLogEntry> JobService::LogOf(const std::string& id,
                                           const accounts::Principal* viewer) {
    if (!Get(id, viewer)) throw HttpError::NotFound("jobs.not_found");
    std::vector<JobLogEntry> out;
    db_.Read([&](db::Connection& c) { out = store::Log(c, id); });
    return out;
}

std::vector<Job> JobService::List(const accounts::Principal& viewer, store::ListFilter filter) {
    if (!auth::SeesAllJobs(viewer)) filter.owner_id = viewer.user_id;
    filter.limit = std::clamp(filter.limit, 1, 1000);
    std::vector<Job> out;
    db_.Read([&](db::Connection& c) { out = store::List(c, filter); });
    return out;
}

int64_t JobService::CountFor(const accounts::Principal& viewer, store::ListFilter filter) {
    if (!auth::SeesAllJobs(viewer)) filter.owner_id = viewer.user_id;
    int64_t n = 0;
    db_.Read([&](db::Connection& c) { n = store::Count(c, filter); });
    return n;
}

void JobService::Cancel(const std::string& id, const accounts::Principal& p,
                        const std::string& ip) {
    if (!Get(id, &p)) throw HttpError::NotFound("jobs.not_found");
    db_.Write([&](db::Connection& c) {
        if (!store::RequestCancel(c, id, core::NowIso()))
            throw HttpError(409, "finished", "jobs.already_finished");
        audit::Record(c, {p.user_id, ip}, "job.cancel", "job", id);
    });
}

void JobService::Retry(const std::string& id, const accounts::Principal& p, const std::string& ip) {
    if (!auth::CanRetry(p)) throw HttpError::Forbidden();
    if (!Get(id, &p)) throw HttpError::NotFound("jobs.not_found");
    db_.Write([&](db::Connection& c) {
        if (!store::Requeue(c, id, core::NowIso()))
            throw HttpError(409, "not_retryable", "jobs.not_retryable");
        audit::Record(c, {p.user_id, ip}, "job.retry", "job", id);
    });
    if (notify_) notify_();
}

}  // namespace govhub::jobs

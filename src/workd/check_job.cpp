#include "workd/check_job.hpp"

#include "core/clock.hpp"
#include "core/i18n.hpp"

namespace govhub::workd {
namespace {
constexpr const char* kSubject = "workd:dns";
// The job runs when the earliest check is due, at most once a minute and at least every ten
// minutes (a domain approved meanwhile is due at once): a queue row every ten minutes on a site
// with nothing awaiting DNS, not one a minute.
constexpr int kMinSeconds = 60;
constexpr int kMaxSeconds = 600;
}  // namespace

void ScheduleDnsChecks(jobs::JobService& jobs, int delay_seconds) {
    auto latest = jobs.Latest(kCheckJob, kSubject);
    if (latest && latest->state == jobs::JobState::kQueued) return;
    jobs.Enqueue(kCheckJob, "{}",
                 {.max_attempts = 3, .delay_seconds = delay_seconds, .subject = kSubject});
}

void RegisterDnsCheckJob(jobs::JobRunner& runner, jobs::JobService& jobs, DomainService& domains) {
    runner.Register(kCheckJob, [&jobs, &domains](jobs::JobContext& ctx) {
        int n = 0;
        try {
            n = domains.RunDueChecks(kDueChecksPerRun, core::NowEpochSeconds(),
                                     [&ctx] { return ctx.Interrupted(); });
        } catch (...) {
            // A failing run must not end the schedule. (Its retry may then make two queued runs
            // for a while: each queues the next only when none is queued, so they become one.)
            ScheduleDnsChecks(jobs, kMinSeconds);
            throw;
        }
        if (n > 0) ctx.Log(core::Message("workd.domain.checked_count", {{"n", std::to_string(n)}}));
        int64_t wait = kMinSeconds;
        try {
            wait = domains.SecondsToNextRun(core::NowEpochSeconds(), kMinSeconds, kMaxSeconds);
        } catch (const std::exception&) {
        }
        ScheduleDnsChecks(jobs, static_cast<int>(wait));
        return "{\"checked\":" + std::to_string(n) + "}";
    });
}

}  // namespace govhub::workd

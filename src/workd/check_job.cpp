#include "workd/check_job.hpp"

#include "core/clock.hpp"
#include "core/i18n.hpp"

namespace govhub::workd {
namespace {
constexpr const char* kSubject = "workd:dns";
constexpr int kEverySeconds = 60;
}  // namespace

void ScheduleDnsChecks(jobs::JobService& jobs, int delay_seconds) {
    auto latest = jobs.Latest(kCheckJob, kSubject);
    if (latest && latest->state == jobs::JobState::kQueued) return;
    jobs.Enqueue(kCheckJob, "{}",
                 {.max_attempts = 3, .delay_seconds = delay_seconds, .subject = kSubject});
}

void RegisterDnsCheckJob(jobs::JobRunner& runner, jobs::JobService& jobs, DomainService& domains) {
    runner.Register(kCheckJob, [&jobs, &domains](jobs::JobContext& ctx) {
        // Queued again first: a check that throws must not end the schedule.
        ScheduleDnsChecks(jobs, kEverySeconds);
        int n = domains.RunDueChecks(kDueChecksPerRun, core::NowEpochSeconds(),
                                     [&ctx] { return ctx.Interrupted(); });
        ctx.Log(core::Message("workd.domain.checked_count", {{"n", std::to_string(n)}}));
        return "{\"checked\":" + std::to_string(n) + "}";
    });
}

}  // namespace govhub::workd

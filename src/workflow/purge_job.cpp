#include "workflow/purge_job.hpp"

#include "core/clock.hpp"
#include "core/i18n.hpp"

namespace govhub::workflow {
namespace {
constexpr const char* kSubject = "workflow:retention";
constexpr const char* kReminderSubject = "workflow:reminders";
constexpr int kEverySeconds = 3600;

void ScheduleOnce(jobs::JobService& jobs, const char* kind, const char* subject, int delay) {
    auto latest = jobs.Latest(kind, subject);
    if (latest && latest->state == jobs::JobState::kQueued) return;
    jobs.Enqueue(kind, "{}", {.max_attempts = 3, .delay_seconds = delay, .subject = subject});
}
}  // namespace

void SchedulePurge(jobs::JobService& jobs, int delay_seconds) {
    ScheduleOnce(jobs, kPurgeJob, kSubject, delay_seconds);
}

void ScheduleReminders(jobs::JobService& jobs, int delay_seconds) {
    ScheduleOnce(jobs, kReminderJob, kReminderSubject, delay_seconds);
}

void RegisterReminderJob(jobs::JobRunner& runner, jobs::JobService& jobs,
                         WorkflowService& service) {
    runner.Register(kReminderJob, [&jobs, &service](jobs::JobContext& ctx) {
        int n = service.RemindReviewers(core::NowEpochSeconds());
        ctx.Log(core::Message("workflow.reminded_count", {{"n", std::to_string(n)}}));
        ScheduleReminders(jobs, kEverySeconds);
        return "{\"reminded\":" + std::to_string(n) + "}";
    });
}

void RegisterPurgeJob(jobs::JobRunner& runner, jobs::JobService& jobs, WorkflowService& service) {
    runner.Register(kPurgeJob, [&jobs, &service](jobs::JobContext& ctx) {
        int purged = 0;
        for (int batch; (batch = service.PurgeDueDocuments(500)) > 0;) {
            purged += batch;
            ctx.Progress(purged, 0,
                         core::Message("workflow.purged_count", {{"n", std::to_string(purged)}}));
            ctx.ThrowIfInterrupted();
        }
        ctx.Log(core::Message("workflow.purged_count", {{"n", std::to_string(purged)}}));
        SchedulePurge(jobs, kEverySeconds);
        return "{\"purged\":" + std::to_string(purged) + "}";
    });
}

}  // namespace govhub::workflow

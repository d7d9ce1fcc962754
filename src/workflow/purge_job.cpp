#include "workflow/purge_job.hpp"

#include "core/i18n.hpp"

namespace govhub::workflow {
namespace {
constexpr const char* kSubject = "workflow:retention";
constexpr int kEverySeconds = 3600;
}  // namespace

void SchedulePurge(jobs::JobService& jobs, int delay_seconds) {
    auto latest = jobs.Latest(kPurgeJob, kSubject);
    if (latest && latest->state == jobs::JobState::kQueued) return;
    jobs.Enqueue(kPurgeJob, "{}",
                 {.max_attempts = 3, .delay_seconds = delay_seconds, .subject = kSubject});
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

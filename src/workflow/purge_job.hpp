#pragma once
// The job that purges closed requests' documents once their retention period is over
// (workflow.purge_documents): it runs every hour and re-queues itself; a sysadmin may also
// start it through /api/jobs.
#include "jobs/runner.hpp"
#include "jobs/service.hpp"
#include "workflow/service.hpp"

namespace govhub::workflow {

inline constexpr const char* kPurgeJob = "workflow.purge_documents";

void RegisterPurgeJob(jobs::JobRunner& runner, jobs::JobService& jobs, WorkflowService& service);
// Queues the hourly run unless one is queued already (at start-up, on every node).
void SchedulePurge(jobs::JobService& jobs, int delay_seconds = 60);

}  // namespace govhub::workflow

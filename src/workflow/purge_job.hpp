#pragma once
// The workflow's hourly housekeeping jobs; each re-queues itself, and a sysadmin may also start
// one through /api/jobs:
//   workflow.purge_documents   purges closed requests' documents once their retention is over
//   workflow.remind_reviewers  e-mails reviewers about requests due soon (RequestType's
//                              remind_before_hours), once per due time
#include "jobs/runner.hpp"
#include "jobs/service.hpp"
#include "workflow/service.hpp"

namespace govhub::workflow {

inline constexpr const char* kPurgeJob = "workflow.purge_documents";
inline constexpr const char* kReminderJob = "workflow.remind_reviewers";

void RegisterPurgeJob(jobs::JobRunner& runner, jobs::JobService& jobs, WorkflowService& service);
void RegisterReminderJob(jobs::JobRunner& runner, jobs::JobService& jobs, WorkflowService& service);
// Queue the hourly runs unless one is queued already (at start-up, on every node).
void SchedulePurge(jobs::JobService& jobs, int delay_seconds = 60);
void ScheduleReminders(jobs::JobService& jobs, int delay_seconds = 60);

}  // namespace govhub::workflow

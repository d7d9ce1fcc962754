#pragma once
// The DNS checker's background job (issue 18, step 3): every minute it runs the domain checks
// that are due (DomainService::RunDueChecks, at most kDueChecksPerRun a run) and queues itself
// again, like workflow's hourly jobs (workflow/purge_job.cpp).
#include "jobs/runner.hpp"
#include "jobs/service.hpp"
#include "workd/domains.hpp"

namespace govhub::workd {

inline constexpr const char* kCheckJob = "workd.dns_check";

// Queues the job unless one is already queued (called at start-up and by the job itself).
void ScheduleDnsChecks(jobs::JobService& jobs, int delay_seconds = 0);
void RegisterDnsCheckJob(jobs::JobRunner& runner, jobs::JobService& jobs, DomainService& domains);

}  // namespace govhub::workd

#pragma once
// Who may do what with jobs (CKAN's logic/auth beside logic/action): named pure decisions the
// service asks, each covered row by row in auth_test.cpp.
#include "api/principal.hpp"
#include "jobs/model.hpp"

namespace govhub::jobs::auth {

// Starting a job by hand (/api/jobs, job kinds by name): sysadmins only.
bool CanEnqueue(const api::Principal& p);
// Seeing a job, its log, and cancelling it: its owner or a sysadmin; nobody signed out. Others
// are told it does not exist (404), not that it is forbidden.
bool CanSee(const api::Principal* viewer, const Job& job);
// Lists and counts: a sysadmin sees every job, anyone else only their own.
bool SeesAllJobs(const api::Principal& viewer);
// Running a failed or cancelled job again: sysadmins only.
bool CanRetry(const api::Principal& p);

}  // namespace govhub::jobs::auth

#pragma once
#include <string>

#include "jobs/runner.hpp"

namespace govhub::jobs {

// Job kinds for exercising the queue itself (tests and bench/postgres.sh), registered only
// with `govhub serve --enable-test-jobs`:
//   test.noop    returns at once
//   test.sleep   {"seconds": S, "steps": N}: N steps with progress, stops when interrupted
//   test.fail    {"times": N}: fails its first N attempts, then succeeds
//   test.record  appends "<job id> <process id>" to <data-dir>/test-jobs.log (exactly-once checks)
void RegisterTestJobs(JobRunner& runner, const std::string& data_dir);

}  // namespace govhub::jobs

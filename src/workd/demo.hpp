#pragma once
// workD's demo data for `make run` (--seed-demo), filed through the services' own steps (the
// request desk, the workflow's transitions, the hand-over): three agencies of the Open Data demo
// directory, each with one request filed by the demo officer `somchai` (their admin):
//   tmd   an approved subdomain service, handed over (active)         tmd.<zone>
//   nso   a request waiting for review (submitted, its signed scan)   nso.<zone>
//   cgd   an own-domain request approved, waiting on DNS              cgd-demo.go.th
// Idempotent: an agency with a workD request already is left alone.
#include <string>

#include "accounts/service.hpp"
#include "workd/service.hpp"

namespace govhub::workd {

// `officer`: the applicant (somchai); `reviewer`: who approves (the site's sysadmin).
// Returns how many requests it filed (0 when they exist, or the agencies are missing).
int SeedDemo(WorkdService& service, const accounts::Principal& officer,
             const accounts::Principal& reviewer, const std::string& tmp_dir);

}  // namespace govhub::workd

#include "jobs/auth.hpp"

namespace govhub::jobs::auth {

bool CanEnqueue(const api::Principal& p) {
    return p.sysadmin;
}

bool CanSee(const api::Principal* viewer, const Job& job) {
    return viewer && (viewer->sysadmin || job.owner_id == viewer->user_id);
}

bool SeesAllJobs(const api::Principal& viewer) {
    return viewer.sysadmin;
}

bool CanRetry(const api::Principal& p) {
    return p.sysadmin;
}

}  // namespace govhub::jobs::auth

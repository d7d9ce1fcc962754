#pragma once
#include "api/action.hpp"
#include "http/router.hpp"
#include "jobs/service.hpp"
#include "render/page.hpp"

namespace govhub::jobs {

// Pages: /jobs/{id} (owner or sysadmin), /admin/jobs (sysadmin). JSON: /api/jobs...,
// and CKAN's job_list / job_show / job_cancel.
void RegisterPages(http::Router& router, JobService& service, const render::PageRenderer& pages);
void RegisterApi(http::Router& router, api::ActionRegistry& actions, JobService& service,
                 const render::PageRenderer& pages);

inline void RegisterRoutes(http::Router& router, api::ActionRegistry& actions, JobService& service,
                           const render::PageRenderer& pages) {
    RegisterPages(router, service, pages);
    RegisterApi(router, actions, service, pages);
}

}  // namespace govhub::jobs

#pragma once
#include "http/router.hpp"
#include "render/page.hpp"
#include "workflow/service.hpp"

namespace govhub::workflow {

// Pages: /admin/holidays (sysadmins), /staff/requests (the queue of the types one reviews),
// /staff/requests/{reference} (a request with its documents, history, clock and the steps one
// may take), /requests and /requests/{reference} (the applicant's own), and the documents at
// /requests/{reference}/documents/{id}. JSON: /api/holidays?year=.
void RegisterRoutes(http::Router& router, WorkflowService& service,
                    const render::PageRenderer& pages);

}  // namespace govhub::workflow

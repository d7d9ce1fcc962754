#pragma once
// Government-officer membership (the service guide's 24-hour process): an officer applies to
// publish for an agency, uploads the signed application, and a reviewer approves it, which
// grants the role in the agency at once. Built on the workflow engine.
#include "http/router.hpp"
#include "opendata/catalog/service.hpp"
#include "render/page.hpp"
#include "workflow/service.hpp"

namespace govhub::officers {

inline constexpr const char* kType = "officer_membership";

// `db` names the agency in the approved request's next steps (its page, "add dataset").
workflow::RequestType MembershipType(db::Database& db);

// /opendata/officer: the application form; the rest runs on the workflow's request pages.
// /opendata/officer/{reference}/application.pdf: the application to print and sign.
void RegisterRoutes(http::Router& router, workflow::WorkflowService& workflow,
                    catalog::CatalogService& catalog, const render::PageRenderer& pages,
                    const std::string& site_url, const std::string& tmp_dir);

}  // namespace govhub::officers

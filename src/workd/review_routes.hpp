#pragma once
// workD's review routes beside the workflow's generic request pages (helper B's part of
// issue 18): the budget as JSON (api_review.cpp) and its staff page (pages_staff.cpp).
#include "http/router.hpp"
#include "render/page.hpp"
#include "workd/service.hpp"

namespace govhub::workd {

// GET /api/workd/budget (this fiscal year, the next, and every year with an allocation or a
// commitment), GET /api/workd/budget/{year} and PUT /api/workd/budget/{year} (sysadmins):
// a Buddhist-era fiscal year, {"mail_accounts", "conference_accounts"}.
void RegisterReviewApi(http::Router& router, WorkdService& service);
// /staff/workd/budget: the allocations and what approvals committed (staff of workD),
// and the form that sets a year's allocation (sysadmins).
void RegisterStaffPages(http::Router& router, WorkdService& service,
                        const render::PageRenderer& pages);

}  // namespace govhub::workd

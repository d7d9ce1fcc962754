#pragma once
// Pieces the workflow's route files share (pages.cpp, pages_admin.cpp, pages_staff.cpp,
// pages_requests.cpp, api_routes.cpp); not for other modules.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "api/params.hpp"
#include "core/error.hpp"
#include "http/response.hpp"
#include "workflow/routes.hpp"

namespace govhub::workflow::internal {

// Each file's routes; RegisterRoutes (pages.cpp) registers them in this order.
// /admin/holidays (pages_admin.cpp).
void RegisterAdminPages(http::Router& router, WorkflowService& service,
                        const render::PageRenderer& pages);
// POST /api/requests/decide, /api/staff/roles/{user}/agencies and /api/holidays
// (api_routes.cpp).
void RegisterApiRoutes(http::Router& router, WorkflowService& service);
// /staff/roles, /staff/requests (and its bulk decision) and a request's staff page
// (pages_staff.cpp).
void RegisterStaffPages(http::Router& router, WorkflowService& service,
                        const render::PageRenderer& pages);
// The applicant's /requests, a request's page and its documents (pages_requests.cpp).
void RegisterRequestPages(http::Router& router, WorkflowService& service,
                          const render::PageRenderer& pages);

// Defined in pages.cpp.
std::string Label(const render::PageRenderer& pages, const std::string& locale,
                  const std::string& type, const std::string& what, const std::string& id);
// A value of a request's data as a reader sees it: an ISO date ("2026-12-06") or time
// ("2026-12-06T09:30:00Z") in the reader's form (Thai: Buddhist era, Bangkok time); other text
// as it is.
std::string ShownValue(const std::string& value, const std::string& locale);
// A document kind's label: the type's (workflow.<type>.document.<kind>), else the workflow's
// (workflow.document.<kind>: a further document).
std::string DocumentLabel(const render::PageRenderer& pages, const std::string& locale,
                          const std::string& type, const std::string& kind);
// A request's row in a list: reference, type, subject, state and its SLA clock.
render::View RowView(const WorkflowService& service, const Request& r,
                     const render::PageRenderer& pages, const std::string& locale);
// A request's page; `staff` chooses the reviewer's view (every field, the steps staff take).
http::Response RequestPage(WorkflowService& service, const render::PageRenderer& pages,
                           http::Request& req, const Request& r, bool staff,
                           std::vector<FieldError> errors = {}, const std::string& typed_note = {},
                           const std::map<std::string, std::string>& typed_inputs = {});
// The values of a step's declared inputs (DecisionInput) from a form or a JSON object, as the
// data to merge; only the declared fields are taken.
std::map<std::string, std::string> StepInputs(
    const TransitionDef& d, const std::function<std::string(const std::string&)>& value_of);
// A step on a request's page (the form's transition and note), by staff (`staff`) or by its
// applicant: back to the page, or the page again with the step's errors.
http::Response TakeStep(WorkflowService& service, const render::PageRenderer& pages,
                        http::Request& req, bool staff);
const accounts::Principal& SignedIn(http::Request& req);
// The `year` parameter read by `args`: Gregorian (1970-2200) or Buddhist-era (2513-2743), as a
// Gregorian year. Not given: `fallback`; anything else is refused as `args` refuses
// (`workflow.bad_year`), or reads as `fallback` in kFallback mode.
int YearParam(const api::Params& args, int fallback);
// This year in Bangkok.
int ThisYear();

}  // namespace govhub::workflow::internal

#pragma once
// Account suspension or cancellation on the owner's signed request (the service guide's
// 24-hour process), on the workflow engine: the person chooses and gives a reason, prints the
// request, signs and uploads it; an administrator of the process verifies and carries it out.
// The person may first download their personal data (JSON).
#include <memory>

#include "accounts/service.hpp"
#include "api/module.hpp"
#include "http/router.hpp"
#include "render/page.hpp"
#include "workflow/service.hpp"

namespace govhub::closure {

inline constexpr const char* kType = "account_closure";

// `accounts` and `workflow` carry the step out (they outlive the type).
workflow::RequestType ClosureType(accounts::AccountService& accounts,
                                  workflow::WorkflowService& workflow);

// /user/close (the form), /user/close/{reference}/request.pdf (the request to sign), and
// /user/personal-data (the download). The rest runs on the workflow's request pages.
void RegisterRoutes(http::Router& router, accounts::AccountService& accounts,
                    workflow::WorkflowService& workflow, const render::PageRenderer& pages,
                    const std::string& site_url, const std::string& tmp_dir);

// The process's pages in the one module shape (api/module.hpp): routes only; its tables are the
// workflow's.
std::unique_ptr<api::Module> MakeModule(accounts::AccountService& accounts,
                                        workflow::WorkflowService& workflow,
                                        const render::PageRenderer& pages, std::string site_url,
                                        std::string tmp_dir);

}  // namespace govhub::closure

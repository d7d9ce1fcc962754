#pragma once
// The request form's routes (issue 18, step 1): the pages (pages_form.cpp), the JSON API
// (api_requests.cpp) and the printed form (print.cpp). Registered by the module.
#include <string>

#include "http/router.hpp"
#include "render/page.hpp"
#include "workd/requests.hpp"

namespace govhub::workd {

// /workd/requests/new, /workd/requests/{reference}/edit, /workd/address-data.json
void RegisterFormPages(http::Router& router, RequestDesk& desk, const render::PageRenderer& pages);
// /api/workd/requests (POST), /api/workd/requests/{reference} (GET, PUT)
void RegisterRequestApi(http::Router& router, RequestDesk& desk, const core::I18n& i18n);
// /workd/requests/{reference}/form.pdf
void RegisterPrintedForm(http::Router& router, RequestDesk& desk,
                         workflow::WorkflowService& workflow, const render::PageRenderer& pages,
                         const std::string& site_url, const std::string& tmp_dir,
                         const std::string& zone);

}  // namespace govhub::workd

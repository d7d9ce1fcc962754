#pragma once
// The request form's routes (issue 18, step 1): the pages (pages_form.cpp), the JSON API
// (api_requests.cpp) and the printed form (print.cpp). Registered by the module.
#include <string>
#include <vector>

#include "http/router.hpp"
#include "render/page.hpp"
#include "workd/form.hpp"
#include "workd/requests.hpp"

namespace govhub::workd {

class WorkdService;

// A text field as the template's field partial (partials/workd_form_field) shows it.
struct TextField {
    const char* key;
    const char* type = "text";
    const char* autocomplete = "";
    const char* inputmode = "";
    bool required = true;
    bool help = false;
};
// The partial's views of `list`: label (workflow.workd_service.field.*), value, bounds, help
// and the field's error of `check`.
render::View FieldViews(const std::vector<TextField>& list, const RequestForm& f,
                        const FormCheck& check, const render::PageRenderer& pages,
                        const std::string& locale);
// The contact person's fields (the guide's 1.2), with or without the citizen ID.
std::vector<TextField> ContactFieldSpecs(bool with_citizen_id);
// The error summary's items, each "<label of workflow.<type>.field.*>: <message>".
render::View ErrorList(const std::vector<FieldError>& errors, bool bangkok,
                       const render::PageRenderer& pages, const std::string& locale,
                       const std::string& type);
// "7 ธันวาคม 2569" / "7 December 2026" of an ISO date; "" when not one.
std::string DateText(const std::string& iso, const std::string& locale);

// /workd/requests/new, /workd/requests/{reference}/edit, /workd/address-data.json
void RegisterFormPages(http::Router& router, RequestDesk& desk, const render::PageRenderer& pages);
// /api/workd/requests (POST), /api/workd/requests/{reference} (GET, PUT)
void RegisterRequestApi(http::Router& router, RequestDesk& desk, const core::I18n& i18n);
// /workd/requests/{reference}/form.pdf and a change's /workd/changes/{reference}/form.pdf
void RegisterPrintedForm(http::Router& router, RequestDesk& desk,
                         workflow::WorkflowService& workflow, const render::PageRenderer& pages,
                         const std::string& site_url, const std::string& tmp_dir,
                         const std::string& zone);

// /workd/requests/{reference}/change (pages_change.cpp): a change to an approved service.
void RegisterChangePages(http::Router& router, WorkdService& service,
                         const render::PageRenderer& pages);

}  // namespace govhub::workd

#pragma once
// A request's printed form, the one the applicant signs and uploads as a scan: every type's
// form starts the same way (a QR code back to the request, the title, the reference, the
// Buddhist-era date and the applicant's name), and the type writes the rest.
#include <functional>
#include <string>

#include "http/router.hpp"
#include "render/page.hpp"
#include "render/pdf.hpp"
#include "workflow/service.hpp"

namespace govhub::workflow {

struct PrintedForm {
    std::string type;  // the request type it prints
    std::string title_key, subtitle_key;
    std::string site_url;
    std::string tmp_dir;
    // Writes the type's fields and statements after the common head; the signature lines
    // follow, as the type declares them (RequestType::texts.signatures). The subtitle may name
    // the site ({site}).
    std::function<void(render::PdfWriter&, const Request&, const std::string& locale)> body;
    // The names printed under the signature lines, in the order of texts.signatures (optional;
    // "" leaves a line to fill by hand). Given the request with its sensitive fields opened.
    std::function<std::vector<std::string>(const Request&, const std::string& locale)>
        signature_names;
};

// GET {path with a {reference}}: the PDF, to the applicant or the type's staff; 404 to others.
http::Handler PrintedFormHandler(WorkflowService& service, const render::PageRenderer& pages,
                                 PrintedForm form);

// Registers GET `pattern` (with a {reference}) to serve the form. Rendering a PDF is expensive,
// so every printed form runs on the "pdf" bulkhead (http/bulkhead.hpp), not the general workers.
void AddPrintedFormRoute(http::Router& router, std::string pattern, WorkflowService& service,
                         const render::PageRenderer& pages, PrintedForm form);

}  // namespace govhub::workflow

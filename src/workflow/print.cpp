#include "workflow/print.hpp"

#include "accounts/middleware.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/i18n.hpp"
#include "core/thai_date.hpp"
#include "http/response.hpp"

namespace govhub::workflow {

void AddPrintedFormRoute(http::Router& router, std::string pattern, WorkflowService& service,
                         const render::PageRenderer& pages, PrintedForm form) {
    router.Get(std::move(pattern), PrintedFormHandler(service, pages, std::move(form)),
               {.pool = "pdf"});
}

http::Handler PrintedFormHandler(WorkflowService& service, const render::PageRenderer& pages,
                                 PrintedForm form) {
    return [&service, &pages, form = std::move(form)](http::Request& req) {
        const accounts::Principal* p = accounts::CurrentUser(req);
        auto r = p ? service.Find(p, std::string(req.PathParam("reference"))) : std::nullopt;
        if (!r || r->type != form.type) throw HttpError::NotFound("workflow.not_found");
        const std::string& locale = req.locale;
        std::string path = form.tmp_dir + "/form-" + core::RandomToken(8) + ".pdf";
        {
            render::PdfWriter pdf(path);
            pdf.Qr(form.site_url + "/requests/" + r->reference, r->reference);
            pdf.Title(pages.T(locale, form.title_key));
            pdf.Small(pages.T(
                locale, core::Message(form.subtitle_key, {{"site", service.SiteTitle(locale)}})));
            pdf.Space(12);
            pdf.Field(pages.T(locale, "workflow.reference"), r->reference);
            pdf.Field(pages.T(locale, "workflow.print_date"),
                      core::FormatDate(core::ParseIsoMicros(r->created), locale));
            pdf.Field(pages.T(locale, "workflow.print_name"),
                      service.ApplicantName(r->applicant_id, locale).value_or(""));
            // The form carries the sensitive fields in full: the applicant signs their own
            // number; staff printing it is a view like their page's, recorded.
            Request opened = *r;
            opened.data_json = service.OpenData(*r).dump();
            if (p->user_id != r->applicant_id) service.RecordSensitiveView(*p, *r, req.client_ip);
            form.body(pdf, opened, locale);
            // Signature lines for those who can sign it, as the process declares them.
            std::vector<std::string> captions;
            for (const auto& key : service.Type(r->type).texts.signatures)
                captions.push_back(pages.T(locale, key));
            if (!captions.empty())
                pdf.Signatures(captions, pages.T(locale, "workflow.print_signed"),
                               pages.T(locale, "workflow.print_signed_date"),
                               form.signature_names ? form.signature_names(opened, locale)
                                                    : std::vector<std::string>{});
            pdf.Small(pages.T(
                locale, core::Message("workflow.print_next",
                                      {{"link", form.site_url + "/requests/" + r->reference}})));
            pdf.Finish();
        }
        return http::TemporaryFileResponse(path, "application/pdf", r->reference + ".pdf");
    };
}

}  // namespace govhub::workflow

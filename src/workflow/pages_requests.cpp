// The applicant's pages: /requests (one's own), a request as its applicant sees it, its
// steps and documents (uploads, and /requests/{reference}/documents/{id}, served inline only
// for PDFs and images).
#include "accounts/middleware.hpp"
#include "core/error.hpp"
#include "http/response.hpp"
#include "workflow/pages_internal.hpp"

namespace govhub::workflow {
namespace {

using http::Response;
using render::View;

}  // namespace

namespace internal {

void RegisterRequestPages(http::Router& router, WorkflowService& service,
                          const render::PageRenderer& pages) {
    router.Post("/requests/{reference}", [&service, &pages](http::Request& req) {
        return TakeStep(service, pages, req, false);
    });
    router.Get("/requests", [&service, &pages](http::Request& req) {
        const accounts::Principal* p = accounts::CurrentUser(req);
        api::RequireUser(p);
        View v;
        View rows = View::List();
        for (const auto& id : service.TypeIds())
            for (const auto& r : service.Mine(*p, id))
                rows.Push(RowView(service, r, pages, req.locale));
        v.Set("has_requests", !rows.items().empty()).Set("requests", std::move(rows));
        return Response::Html(pages.Render("workflow/mine", std::move(v),
                                           accounts::PageContextOf(req), "workflow.mine_title"));
    });
    router.Get("/requests/{reference}", [&service, &pages](http::Request& req) {
        const accounts::Principal* p = accounts::CurrentUser(req);
        api::RequireUser(p);
        auto r = service.Find(p, std::string(req.PathParam("reference")));
        if (!r || r->applicant_id != p->user_id) {
            // Staff who follow an applicant's link land on their own view of it.
            if (r && service.CanReview(p, *r))
                return Response::Redirect("/staff/requests/" + r->reference);
            throw HttpError::NotFound("workflow.not_found");
        }
        return RequestPage(service, pages, req, *r, false);
    });
    router.Post("/requests/{reference}/documents",
                [&service, &pages](http::Request& req) {
                    const auto& p = SignedIn(req);
                    auto r = service.Find(&p, std::string(req.PathParam("reference")));
                    if (!r || r->applicant_id != p.user_id)
                        throw HttpError::NotFound("workflow.not_found");
                    std::string kind = req.FormValue("kind");
                    const http::Part* part = req.FilePart("document");
                    try {
                        if (!part || !part->file || part->size == 0)
                            throw HttpError::Validation(
                                {{kind.empty() ? "document" : kind, "workflow.file_empty"}});
                        service.Attach(p, r->id, kind, part->file->path(), part->filename);
                    } catch (const HttpError& e) {
                        if (e.fields().empty()) throw;
                        return RequestPage(service, pages, req, *r, false, e.fields());
                    }
                    return Response::Redirect("/requests/" + r->reference);
                },
                {.body_limit = 12 << 20, .upload = true, .rate_limit = "form"});
    router.Get("/requests/{reference}/documents/{id}", [&service](http::Request& req) {
        const accounts::Principal* p = accounts::CurrentUser(req);
        auto a = service.FindAttachment(p, std::string(req.PathParam("id")));
        auto r = a ? service.Find(p, a->request_id) : std::nullopt;
        if (!a || !r || r->reference != req.PathParam("reference"))
            throw HttpError::NotFound("workflow.not_found");
        if (!a->purged.empty()) throw HttpError(410, "gone", "workflow.document_purged");
        return http::DocumentResponse(req, a->path, a->content_type, a->filename,
                                      req.Query("inline") == "1");
    });
}

}  // namespace internal

}  // namespace govhub::workflow

// Certificates on the pages (issue 17): the course page's certificate panel (request it, its
// review's state, the issued certificate's links), the manage page's completions (annul a
// completion, revoke a certificate), and the forms and files behind them.
#include <nlohmann/json.hpp>

#include "accounts/middleware.hpp"
#include "accounts/safe_redirect.hpp"
#include "core/clock.hpp"
#include "core/i18n.hpp"
#include "core/strings.hpp"
#include "core/thai_date.hpp"
#include "learning/certificates.hpp"
#include "learning/route_util.hpp"
#include "learning/routes.hpp"

namespace govhub::learning {

using http::Request;
using http::Response;
using render::View;

void AddCertificateStanding(View& v, CertificateService& certificates, const CourseOutline& o,
                            const Request& req, const render::PageRenderer& pages) {
    const api::Principal* p = api::CurrentUser(req);
    if (!p || !o.enrolment) return;
    const std::string& locale = req.locale;
    CertificateStanding s = certificates.StandingOf(o.course, p->user_id);
    View c;
    c.Set("state", s.state);
    for (const char* state : {"not_completed", "annulled", "can_request", "pending", "needs_info",
                              "rejected", "issued", "revoked"})
        c.Set(std::string("is_") + state, s.state == state);
    // A rejected or revoked one may be asked for again, as a new request.
    c.Set("may_request", s.state == "can_request" || s.state == "rejected" || s.state == "revoked");
    c.Set("sla", pages.T(locale, core::Message("learning.cert.within",
                                               {{"n", std::to_string(certificates.sla_days())}})));
    c.Set("reference", s.reference).Set("note", s.note).Set("has_note", !s.note.empty());
    int64_t due_us = s.due.empty() ? -1 : core::ParseIsoMicros(s.due);
    c.Set("due", due_us < 0 ? s.due : core::FormatDeadline(due_us, locale));
    c.Set("has_due", !s.due.empty());
    if (s.completion && !s.completion->annulled_at.empty())
        c.Set("annul_reason", s.completion->annul_reason)
            .Set("annulled_at", core::FormatIsoDate(s.completion->annulled_at, locale));
    if (s.certificate) {
        const Certificate& x = *s.certificate;
        c.Set("code", x.code)
            .Set("pdf", "/learning/certificates/" + x.code + ".pdf")
            .Set("verify", "/learning/verify/" + x.code)
            .Set("credential", "/learning/certificates/" + x.code + "/credential.jwt")
            .Set("revoked_at", core::FormatIsoDate(x.revoked_at, locale))
            .Set("revoke_reason", x.revoke_reason);
    }
    v.Set("cert", std::move(c)).Set("has_cert", true);
}

void AddCompletions(View& v, CertificateService& certificates, const Course& course,
                    const Request& req, const render::PageRenderer&) {
    const api::Principal* p = api::CurrentUser(req);
    if (!certificates.MayAnnul(course, p)) return;
    View list = View::List();
    for (const auto& x : certificates.Completions(course, p)) {
        View cv;
        std::string name = req.locale == "en" && !x.fullname_en.empty() ? x.fullname_en
                           : x.fullname_th.empty()                      ? x.user_name
                                                                        : x.fullname_th;
        cv.Set("user", x.user_name)
            .Set("display_name", name)
            .Set("completed_at", core::FormatIsoDate(x.completed_at, req.locale))
            .Set("version", x.course_version)
            .Set("annulled", !x.annulled_at.empty())
            .Set("annulled_at", core::FormatIsoDate(x.annulled_at, req.locale))
            .Set("annul_reason", x.annul_reason);
        CertificateStanding s = certificates.StandingOf(course, x.user_id);
        if (s.certificate && s.certificate->revoked_at.empty())
            cv.Set("code", s.certificate->code).Set("issued", true);
        list.Push(std::move(cv));
    }
    v.Set("completions", std::move(list)).Set("may_annul", true);
}

void RegisterCertificateRoutes(http::Router& router, CertificateService& certificates,
                               const render::PageRenderer&, const PageSettings&) {
    http::RouteOptions form{.body_limit = 16 << 10, .rate_limit = "form"};
    router.Post(
        "/learning/courses/{name}/certificate",
        [&certificates](Request& req) {
            api::RequireUser(api::CurrentUser(req));
            std::string name(req.PathParam("name"));
            auto r = certificates.Request(name, api::CallerOf(req));
            if (!r.reference.empty()) return Response::Redirect("/requests/" + r.reference);
            return Response::Redirect("/learning/course/" + name + "#certificate");
        },
        form);
    // The PDF: the learner and the staff who may see it; rendered on first use, then kept. On the
    // PDF pool: a slow or failing render must not hold the general workers.
    router.Get("/learning/certificates/{file}",
               [&certificates](Request& req) {
                   std::string file(req.PathParam("file"));
                   if (file.size() < 5 || file.compare(file.size() - 4, 4, ".pdf") != 0)
                       throw HttpError::NotFound("learning.cert.not_found");
                   const api::Principal* p = api::CurrentUser(req);
                   auto cert = certificates.Find(file.substr(0, file.size() - 4));
                   if (!p) throw HttpError::Unauthorized();
                   if (!cert || !certificates.MaySee(p, *cert))
                       throw HttpError::NotFound("learning.cert.not_found");
                   return http::FileResponse(req, certificates.PdfPath(*cert), "application/pdf",
                                             "private, max-age=3600");
               },
               // Rendering runs on the PDF pool, not the general workers.
               {.pool = "pdf"});
    router.Post(
        "/learning/certificates/{code}/revoke",
        [&certificates](Request& req) {
            auto cert = certificates.Revoke(std::string(req.PathParam("code")),
                                            req.FormValue("reason"), api::CallerOf(req));
            return Response::Redirect(
                accounts::SafeRedirect(req.FormValue("next"), "/learning/verify/" + cert.code));
        },
        form);
    router.Post(
        "/learning/course/{name}/learners/{user}/annul",
        [&certificates](Request& req) {
            std::string name(req.PathParam("name"));
            certificates.Annul(name, std::string(req.PathParam("user")), req.FormValue("reason"),
                               api::CallerOf(req));
            return Response::Redirect("/learning/course/" + name + "/manage#completions");
        },
        form);
}

}  // namespace govhub::learning

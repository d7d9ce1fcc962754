// workD's domain page: /workd/requests/{ref}/dns (the request's applicant, the type's reviewers,
// the agency's administrators): the records to publish with copy buttons, a BIND snippet, the
// status per record with its reason, when it was and will be checked, and "check now".
#include "accounts/middleware.hpp"
#include "core/error.hpp"
#include "core/i18n.hpp"
#include "core/strings.hpp"
#include "core/thai_date.hpp"
#include "http/response.hpp"
#include "workd/routes_domains.hpp"

namespace govhub::workd {
namespace internal {
namespace {

using http::Response;
using render::View;

// A DNS name in parts that each end with their dot, so the page can break a long name at its
// dots (<wbr>) rather than inside a label.
View NameParts(const std::string& name) {
    View parts = View::List();
    size_t start = 0;
    while (start < name.size()) {
        size_t dot = name.find('.', start);
        size_t end = dot == std::string::npos ? name.size() : dot + 1;
        parts.Push(View(name.substr(start, end - start)));
        start = end;
    }
    return parts;
}

// "10 mx.mail.go.th." reads in a DNS panel as the record's parts: type-specific columns are
// more than a form needs; the value is shown whole and copied whole.
render::View PageView(const DomainView& v, const render::PageRenderer& pages,
                      const std::string& locale) {
    View rows = View::List();
    int index = 0;
    for (const auto& row : Rows(v)) {
        const auto& e = row.expected;
        View r;
        r.Set("index", ++index)
            .Set("name", e.name)
            .Set("name_parts", NameParts(e.name))
            .Set("type", e.type)
            .Set("value", e.value)
            .Set("required", e.required)
            .Set("purpose", pages.T(locale, e.purpose));
        if (row.check) {
            const auto& c = *row.check;
            r.Set("status", c.status)
                .Set("status_label", pages.T(locale, "workd.dns.status." + c.status))
                .Set("reason", pages.T(locale, c.reason))
                .Set("show_reason", c.status != kCheckOk)
                .Set("detail", c.detail)
                .Set("has_detail", !c.detail.empty())
                .Set("not_agency", !c.agency_fault);
            View found = View::List();
            for (const auto& f : c.found) found.Push(View(f));
            r.Set("has_found", !c.found.empty() && c.status != kCheckOk)
                .Set("found", std::move(found));
        } else {
            r.Set("status", "unchecked")
                .Set("status_label", pages.T(locale, "workd.dns.status.unchecked"));
        }
        rows.Push(std::move(r));
    }
    const auto& d = v.domain;
    // The zone-file lines' heading comment speaks to the agency pasting them into its own zone.
    std::string zone = v.zone_fragment;
    if (d.kind == "own" && zone.starts_with(";")) {
        size_t eol = zone.find('\n');
        zone = "; " +
               pages.T(locale, core::Message("workd.domain.zone_comment", {{"domain", d.name}})) +
               (eol == std::string::npos ? "\n" : zone.substr(eol));
    }
    View out;
    out.Set("reference", v.request.reference)
        .Set("domain", d.name)
        .Set("own", d.kind == "own")
        .Set("state", d.state)
        .Set("state_label", pages.T(locale, "workd.domain.state." + d.state))
        .Set("released", d.state == "released")
        .Set("verified", d.state == "verified")
        .Set("required_pass", v.required_pass)
        .Set("has_checked", !d.last_checked.empty())
        .Set("last_checked", core::FormatIsoDate(d.last_checked, locale, true))
        .Set("has_next", !d.next_check.empty())
        .Set("next_check", core::FormatIsoDate(d.next_check, locale, true))
        .Set("records", std::move(rows))
        .Set("zone_fragment", zone)
        // One line at the top when the last check says one thing of the whole domain
        // (DomainSummaryKey: it does not exist, could not be reached, has none of the records).
        .Set("has_summary", !v.summary_key.empty())
        .Set("summary", SummaryText(v, pages, locale))
        .Set("has_zone", !v.zone_fragment.empty());
    return out;
}

Response Page(DomainView v, const render::PageRenderer& pages, http::Request& req,
              const std::string& notice, int status = 200) {
    View body = PageView(v, pages, req.locale);
    if (!notice.empty()) body.Set("notice", pages.T(req.locale, notice));
    return Response::Html(pages.Render("workd/domain", std::move(body),
                                       accounts::PageContextOf(req), "workd.domain.page_title"),
                          status);
}

}  // namespace

void RegisterDomainPages(http::Router& router, DomainService& domains,
                         const render::PageRenderer& pages) {
    router.Get("/workd/requests/{reference}/dns", [&domains, &pages](http::Request& req) {
        const auto* p = accounts::CurrentUser(req);
        api::RequireUser(p);
        auto v = domains.View(p, std::string(req.PathParam("reference")));
        std::string notice;
        if (req.Query("checked") == "1") notice = "workd.domain.checked";
        if (!req.Query("wait").empty()) notice = "workd.domain.check_wait";
        return Page(std::move(v), pages, req, notice);
    });
    // "Check now" without JavaScript: the form posts here and lands back on the page.
    router.Post(
        "/workd/requests/{reference}/dns/check",
        [&domains](http::Request& req) {
            const auto* p = accounts::CurrentUser(req);
            api::RequireUser(p);
            const std::string ref(req.PathParam("reference"));
            try {
                auto v = domains.CheckNow(p, ref);
                return Response::Redirect("/workd/requests/" + v.request.reference +
                                          "/dns?checked=1");
            } catch (const HttpError& e) {
                if (e.status() != 429) throw;
                return Response::Redirect("/workd/requests/" + core::UrlEncode(ref) +
                                          "/dns?wait=1");
            }
        },
        http::RouteOptions{.body_limit = 16 << 10, .rate_limit = "form"});
}

}  // namespace internal
}  // namespace govhub::workd

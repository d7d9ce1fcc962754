// workD's domain JSON routes (docs/api.md, "workD domains"):
//   GET  /api/workd/requests/{ref}/dns         the records to publish and their last check
//   POST /api/workd/requests/{ref}/dns/check   check now (once a minute a domain; 429 before)
//   GET  /api/workd/availability?kind=&name=   the form's live check of a name
#include "accounts/middleware.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/i18n.hpp"
#include "core/thai_date.hpp"
#include "http/response.hpp"
#include "workd/routes_domains.hpp"

namespace govhub::workd {

namespace internal {

using Json = nlohmann::json;

std::string SummaryText(const DomainView& v, const render::PageRenderer& pages,
                        const std::string& locale) {
    if (v.summary_key.empty()) return "";
    return pages.T(locale, core::Message(v.summary_key, {{"domain", v.domain.name}}));
}

std::vector<RecordRow> Rows(const DomainView& v) {
    std::vector<RecordRow> out;
    for (const auto& e : v.expected) {
        RecordRow row{e, nullptr};
        for (const auto& c : v.checks)
            if (c.expected.name == e.name && c.expected.type == e.type &&
                c.expected.purpose == e.purpose)
                row.check = &c;
        out.push_back(std::move(row));
    }
    return out;
}

Json DomainJson(const DomainView& v, const render::PageRenderer& pages, const std::string& locale) {
    Json records = Json::array();
    for (const auto& row : Rows(v)) {
        Json r = {{"name", row.expected.name},
                  {"type", row.expected.type},
                  {"value", row.expected.value},
                  {"required", row.expected.required},
                  {"purpose", row.expected.purpose}};
        if (row.check) {
            r["status"] = row.check->status;
            r["reason"] = row.check->reason;
            r["message"] = pages.T(locale, row.check->reason);
            r["detail"] = row.check->detail;
            r["found"] = row.check->found;
            r["agency_fault"] = row.check->agency_fault;
        } else {
            r["status"] = "unchecked";
        }
        records.push_back(std::move(r));
    }
    const auto& d = v.domain;
    Json out = {{"reference", v.request.reference},
                {"domain",
                 {{"name", d.name},
                  {"kind", d.kind},
                  {"state", d.state},
                  {"dkim_selector", d.dkim_selector},
                  {"created", d.created},
                  {"verified", d.verified},
                  {"last_checked", d.last_checked},
                  {"next_check", d.next_check},
                  {"dns_outcome", d.dns_outcome}}},
                {"required_pass", v.required_pass},
                {"records", std::move(records)},
                {"zone_fragment", v.zone_fragment}};
    // The page's line above the records (DomainSummaryKey), key and words; null when none.
    out["summary"] = v.summary_key.empty()
                         ? Json(nullptr)
                         : Json{{"key", v.summary_key}, {"message", SummaryText(v, pages, locale)}};
    out["check_now_after"] =
        v.check_now_after > 0 ? core::IsoUtc(v.check_now_after * 1000000) : std::string();
    return out;
}

void RegisterDomainApi(http::Router& router, DomainService& domains,
                       const render::PageRenderer& pages) {
    // "Check now" asks the DNS: a POST of the form class, with no body worth reading.
    const http::RouteOptions check{.body_limit = 16 << 10, .rate_limit = "form"};
    // The live name check can be used to list taken names: the per-IP look-up class.
    const http::RouteOptions lookup{.rate_limit = "lookup"};
    router.Get("/api/workd/requests/{reference}/dns", [&domains, &pages](http::Request& req) {
        auto v = domains.View(accounts::CurrentUser(req), std::string(req.PathParam("reference")));
        return http::Response::Json(
            DomainJson(v, pages, req.locale).dump(-1, ' ', false, Json::error_handler_t::replace));
    });
    router.Post(
        "/api/workd/requests/{reference}/dns/check",
        [&domains, &pages](http::Request& req) {
            auto v = domains.CheckNow(accounts::CurrentUser(req),
                                      std::string(req.PathParam("reference")));
            return http::Response::Json(DomainJson(v, pages, req.locale)
                                            .dump(-1, ' ', false, Json::error_handler_t::replace));
        },
        check);
    router.Get(
        "/api/workd/availability",
        [&domains, &pages](http::Request& req) {
            api::RequireUser(accounts::CurrentUser(req));
            const std::string kind = req.Query("kind");
            const std::string typed = req.Query("name");
            std::string name;
            std::string error = typed.size() > 300 ? (kind == "own" ? "workd.dns.domain.too_long"
                                                                    : "workd.dns.label.too_long")
                                                   : domains.Available(kind, typed, &name);
            Json out = {{"kind", kind}, {"available", error.empty()}};
            if (error.empty()) {
                out["name"] = name;
            } else {
                out["error"] = error;
                out["message"] = pages.T(req.locale, error);
            }
            return http::Response::Json(out.dump(-1, ' ', false, Json::error_handler_t::replace));
        },
        lookup);
}

}  // namespace internal

void RegisterDomainRoutes(http::Router& router, DomainService& domains,
                          const render::PageRenderer& pages) {
    internal::RegisterDomainPages(router, domains, pages);
    internal::RegisterDomainApi(router, domains, pages);
}

}  // namespace govhub::workd

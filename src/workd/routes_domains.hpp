#pragma once
// workD's domain routes (issue 18, step 3): the DNS page of a request, its JSON, "check now" and
// the form's live availability check. pages_domains.cpp (HTML), api_domains.cpp (JSON).
#include <nlohmann/json.hpp>
#include <string>

#include "http/router.hpp"
#include "render/page.hpp"
#include "workd/domains.hpp"

namespace govhub::workd {

void RegisterDomainRoutes(http::Router& router, DomainService& domains,
                          const render::PageRenderer& pages);

namespace internal {
void RegisterDomainPages(http::Router& router, DomainService& domains,
                         const render::PageRenderer& pages);
void RegisterDomainApi(http::Router& router, DomainService& domains,
                       const render::PageRenderer& pages);
// The view as JSON (the API), with each reason in `locale`'s words beside its key.
nlohmann::json DomainJson(const DomainView& v, const render::PageRenderer& pages,
                          const std::string& locale);
// The expected records with the last check's result for each (matched by name, type, purpose).
struct RecordRow {
    ExpectedRecord expected;
    const RecordCheck* check = nullptr;  // null before the first check
};
std::vector<RecordRow> Rows(const DomainView& v);
// The view's summary line (DomainView::summary_key) in `locale`'s words, "" when none.
std::string SummaryText(const DomainView& v, const render::PageRenderer& pages,
                        const std::string& locale);
}  // namespace internal

}  // namespace govhub::workd

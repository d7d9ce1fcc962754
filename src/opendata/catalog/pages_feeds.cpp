// The catalog-wide feeds: DCAT-AP (/catalog.jsonld, /catalog.ttl) and /sitemap.xml.
#include "core/strings.hpp"
#include "opendata/catalog/dcat.hpp"
#include "opendata/catalog/pages_internal.hpp"

namespace govhub::catalog::internal {

http::Response PagesBase::Dcat(const std::vector<Json>& datasets, bool turtle, bool whole) const {
    const std::string& site = catalog.site_url();
    std::string title = pages.T("th", "site.title");
    if (turtle)
        return http::Response::Text(DcatTurtle(site, title, datasets, whole), 200,
                                    "text/turtle; charset=utf-8");
    return http::Response::Text(DcatJsonLd(site, title, datasets, whole)
                                    .dump(1, ' ', false, Json::error_handler_t::replace),
                                200, "application/ld+json; charset=utf-8");
}

namespace {

struct Feeds : PagesBase {
    // Every public, active dataset (package dicts), for the catalog-wide exports.
    std::vector<Json> AllPublic() const {
        std::vector<Json> out;
        SearchParams sp;
        sp.rows = 1000;
        sp.sort = "name asc";
        for (;; sp.start += sp.rows) {
            Json page = catalog.PackageSearch(nullptr, sp);
            for (auto& d : page["results"]) out.push_back(std::move(d));
            if (sp.start + sp.rows >= page["count"].get<int64_t>()) break;
        }
        return out;
    }

    http::Response Sitemap(http::Request&) const {
        std::string xml =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset "
            "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
        auto add = [&](const std::string& path, const std::string& lastmod) {
            xml += "  <url><loc>" + core::HtmlEscape(catalog.site_url() + path) + "</loc>";
            if (!lastmod.empty()) xml += "<lastmod>" + lastmod.substr(0, 10) + "</lastmod>";
            xml += "</url>\n";
        };
        for (const char* p : {"/", "/opendata", "/learning", "/workd", "/dataset"}) add(p, "");
        for (const auto& d : AllPublic())
            add("/dataset/" + core::UrlEncode(d["name"].get<std::string>()),
                d["metadata_modified"].get<std::string>());
        xml += "</urlset>\n";
        return http::Response::Text(xml, 200, "application/xml; charset=utf-8");
    }
};

}  // namespace

void RegisterFeeds(http::Router& router, CatalogService& catalog,
                   const render::PageRenderer& pages) {
    auto pg = std::make_shared<Feeds>(Feeds{{catalog, pages}});
    router.Get("/catalog.jsonld",
               [pg](http::Request&) { return pg->Dcat(pg->AllPublic(), false, true); });
    router.Get("/catalog.ttl",
               [pg](http::Request&) { return pg->Dcat(pg->AllPublic(), true, true); });
    router.Get("/sitemap.xml", [pg](http::Request& req) { return pg->Sitemap(req); });
}

}  // namespace govhub::catalog::internal

// Catalog pages: RegisterRoutes, the portal home (/opendata) and what the page files share
// (pages_internal.hpp). The routes are in pages_organizations.cpp (the agency directory,
// an organization's page, groups), pages_datasets.cpp (search, the dataset form, dataset and
// resource pages, downloads, dashboard, trash) and pages_feeds.cpp (DCAT feeds, sitemap).
#include "accounts/middleware.hpp"
#include "core/i18n.hpp"
#include "opendata/catalog/pages_internal.hpp"
#include "opendata/catalog/routes.hpp"

namespace govhub::catalog {

namespace {
// A non-empty string member, or nullptr.
const std::string* Text(const Json& dict, const std::string& key) {
    if (!dict.is_object()) return nullptr;
    auto it = dict.find(key);
    if (it == dict.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
        return nullptr;
    return &it->get_ref<const std::string&>();
}
}  // namespace

std::string Localized(const Json& dict, const std::string& field, const std::string& locale) {
    if (locale == "en") {
        if (auto it = dict.find(field + "_translated"); it != dict.end())
            if (const std::string* en = Text(*it, "en")) return *en;
        if (const std::string* en = Text(dict, field + "_en")) return *en;
    }
    const std::string* th = Text(dict, field);
    return th ? *th : std::string();
}

std::string AgencyTitle(const Json& org, const std::string& locale) {
    return Localized(org, "title", locale);
}

namespace internal {

using render::View;

std::string PagesBase::DatasetCount(int64_t n, const std::string& locale) const {
    return pages.T(locale, core::Message(n == 1 ? "opendata.directory.datasets_one"
                                                : "opendata.directory.datasets",
                                         {{"n", std::to_string(n)}}));
}

View PagesBase::Categories(const std::string& locale) const {
    Json groups = catalog.GroupList(true);
    View cats = View::List();
    for (int i = 1; i <= 7; ++i) {
        std::string cat = "category0" + std::to_string(i);
        View c;
        c.Set("title", pages.T(locale, "opendata.home.cat." + cat));
        View list = View::List();
        for (const auto& g : groups) {
            if (g["category"] != cat) continue;
            View gv;
            gv.Set("name", g["name"].get<std::string>()).Set("title", AgencyTitle(g, locale));
            gv.Set("count", g["package_count"].get<int64_t>());
            list.Push(std::move(gv));
        }
        c.Set("groups", std::move(list));
        cats.Push(std::move(c));
    }
    return cats;
}

}  // namespace internal

namespace {

using render::View;

struct HomePage : internal::PagesBase {
    View DatasetList(const accounts::Principal* p, const std::string& sort, int rows,
                     const std::string& locale) const {
        SearchParams sp;
        sp.sort = sort;
        sp.rows = rows;
        Json found = catalog.PackageSearch(p, sp);
        View list = View::List();
        for (const auto& d : found["results"]) {
            View item;
            item.Set("name", d["name"].get<std::string>())
                .Set("title", Localized(d, "title", locale));
            item.Set("organization",
                     d.contains("organization") ? AgencyTitle(d["organization"], locale) : "");
            item.Set("views", d["tracking_summary"]["total"].get<int64_t>());
            list.Push(std::move(item));
        }
        return list;
    }

    http::Response Home(http::Request& req) const {
        const accounts::Principal* p = accounts::CurrentUser(req);
        View v;
        SearchParams count_only;
        count_only.rows = 0;
        v.Set("dataset_count", catalog.PackageSearch(p, count_only)["count"].get<int64_t>());
        Json orgs = catalog.OrganizationList(true);
        v.Set("org_count", static_cast<int64_t>(orgs.size()));
        v.Set("group_count", static_cast<int64_t>(catalog.GroupList(false).size()));
        // Anyone who cannot add a dataset yet is shown the officer's way in.
        v.Set("can_add", p && !catalog.OrganizationListForUser(p, "create_dataset").empty());
        v.Set("newest", DatasetList(p, "metadata_modified desc", 5, req.locale));
        v.Set("popular", DatasetList(p, "views_recent desc", 5, req.locale));
        v.Set("categories", Categories(req.locale));
        View ol = View::List();
        for (const auto& o : orgs) {
            View ov;
            ov.Set("name", o["name"].get<std::string>()).Set("title", AgencyTitle(o, req.locale));
            ov.Set("count", o["package_count"].get<int64_t>());
            ol.Push(std::move(ov));
        }
        v.Set("orgs", std::move(ol));
        return http::Response::Html(pages.Render(
            "opendata/home", std::move(v), accounts::PageContextOf(req), "services.opendata.name"));
    }
};

}  // namespace

void RegisterRoutes(http::Router& router, CatalogService& catalog,
                    const render::PageRenderer& pages, PageExtensions extensions) {
    auto pg = std::make_shared<HomePage>(HomePage{{catalog, pages}});
    router.Get("/opendata", [pg](http::Request& req) { return pg->Home(req); });
    internal::RegisterOrganizationPages(router, catalog, pages);
    internal::RegisterGroupPages(router, catalog, pages);
    internal::RegisterMemberPages(router, catalog, pages);
    internal::RegisterDatasetPages(router, catalog, pages, std::move(extensions));
    internal::RegisterFeeds(router, catalog, pages);
}

}  // namespace govhub::catalog

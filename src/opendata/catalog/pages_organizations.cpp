// The agency directory (/organization), an organization's page and the group types (/group).
#include "accounts/middleware.hpp"
#include "opendata/catalog/pages_internal.hpp"
#include "render/markdown.hpp"

namespace govhub::catalog::internal {

namespace {

using render::View;

struct OrganizationPages : PagesBase {
    http::Response Organizations(http::Request& req) const {
        Json orgs = catalog.OrganizationList(true);
        View list = View::List();
        auto entry = [](const Json& o) {
            View ov;
            ov.Set("name", o["name"].get<std::string>())
                .Set("title", o["title"].get<std::string>());
            ov.Set("count", o["package_count"].get<int64_t>());
            return ov;
        };
        // Ministries first, their departments beneath them.
        for (const auto& o : orgs) {
            if (!o["parent"].is_null()) continue;
            View ov = entry(o);
            View children = View::List();
            for (const auto& c : orgs)
                if (c["parent"] == o["id"]) children.Push(entry(c));
            ov.Set("has_children", !children.items().empty());
            ov.Set("children", std::move(children));
            list.Push(std::move(ov));
        }
        View v;
        v.Set("orgs", std::move(list));
        return http::Response::Html(pages.Render("opendata/organizations", std::move(v),
                                                 accounts::PageContextOf(req),
                                                 "opendata.home.agencies"));
    }

    http::Response Organization(http::Request& req) const {
        const accounts::Principal* p = accounts::CurrentUser(req);
        Json o = catalog.OrganizationShow(p, std::string(req.PathParam("name")), true);
        View v;
        v.Set("name", o["name"].get<std::string>()).Set("title", o["title"].get<std::string>());
        v.Set("description", o["description"].get<std::string>());
        v.Set("description_html", render::MarkdownToHtml(o["description"].get<std::string>()));
        Json all = catalog.OrganizationList(true);
        View children = View::List();
        for (const auto& c : all) {
            if (c["parent"] == o["id"]) {
                View cv;
                cv.Set("name", c["name"].get<std::string>())
                    .Set("title", c["title"].get<std::string>());
                children.Push(std::move(cv));
            }
            if (!o["parent"].is_null() && c["id"] == o["parent"])
                v.Set("parent_title", c["title"].get<std::string>())
                    .Set("parent_name", c["name"].get<std::string>());
        }
        v.Set("has_children", !children.items().empty()).Set("children", std::move(children));
        View datasets = View::List();
        for (const auto& d : o["packages"]) {
            View dv;
            dv.Set("name", d["name"].get<std::string>())
                .Set("title", d["title"].get<std::string>());
            dv.Set("private", d["private"].get<bool>());
            datasets.Push(std::move(dv));
        }
        v.Set("count", static_cast<int64_t>(o["packages"].size()))
            .Set("datasets", std::move(datasets));
        return http::Response::Html(pages.Render("opendata/organization", std::move(v),
                                                 accounts::PageContextOf(req),
                                                 o["title"].get<std::string>()));
    }

    http::Response Groups(http::Request& req) const {
        View v;
        v.Set("categories", Categories(req.locale));
        return http::Response::Html(pages.Render("opendata/groups", std::move(v),
                                                 accounts::PageContextOf(req),
                                                 "opendata.home.group_types"));
    }
};

}  // namespace

void RegisterOrganizationPages(http::Router& router, CatalogService& catalog,
                               const render::PageRenderer& pages) {
    auto pg = std::make_shared<OrganizationPages>(OrganizationPages{{catalog, pages}});
    router.Get("/organization", [pg](http::Request& req) { return pg->Organizations(req); });
    router.Get("/organization/{name}", [pg](http::Request& req) { return pg->Organization(req); });
    router.Get("/group", [pg](http::Request& req) { return pg->Groups(req); });
}

}  // namespace govhub::catalog::internal

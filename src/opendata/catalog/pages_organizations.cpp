// The agency directory (/organization): the ministries with their departments, then the agencies
// under no ministry, with a filter box; an organization's page; the agency form
// (/organization/new, /organization/{name}/edit), which calls the service's organization_create
// and organization_update as the API does; the group types (/group).

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "accounts/middleware.hpp"
#include "agencies/auth.hpp"
#include "core/collate.hpp"
#include "core/i18n.hpp"
#include "core/strings.hpp"
#include "opendata/catalog/auth.hpp"
#include "opendata/catalog/pages_internal.hpp"
#include "render/markdown.hpp"

namespace govhub::catalog::internal {

namespace {

using render::View;

// The form's POST body: a description and titles, well under this.
constexpr size_t kFormBodyLimit = 64 * 1024;

std::string Str(const Json& o, const char* key) {
    auto it = o.find(key);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// What the filter box compares with: both titles and the URL name, lower-cased (the same text
// directory.js reads from data-search).
std::string SearchText(const Json& o) {
    return core::ToLower(Str(o, "title") + " " + Str(o, "title_en") + " " + Str(o, "name"));
}

// Sorts agencies by their title in the reader's language, in that language's alphabetical order
// (Thai: leading vowels do not count first, as in a Thai dictionary).
void SortByTitle(std::vector<const Json*>& list, const std::string& locale) {
    core::SortByText(list, locale, [&](const Json* o) { return AgencyTitle(*o, locale); });
}

}  // namespace
}  // namespace govhub::catalog::internal

namespace govhub::catalog {

AgencyTree AgenciesByMinistry(const Json& orgs, const std::string& locale) {
    using internal::SortByTitle;
    using internal::Str;
    AgencyTree tree;
    std::vector<const Json*> ministries;
    std::set<std::string> ministry_ids;
    for (const auto& o : orgs)
        if (o["kind"] == "ministry") {
            ministries.push_back(&o);
            ministry_ids.insert(Str(o, "id"));
        }
    for (const auto& o : orgs)
        if (o["kind"] != "ministry" && !(o["kind"] == "department" && o["parent"].is_string() &&
                                         ministry_ids.count(o["parent"].get<std::string>())))
            tree.other.push_back(&o);
    SortByTitle(ministries, locale);
    SortByTitle(tree.other, locale);
    for (const Json* m : ministries) {
        AgencyTree::Ministry entry{m, {}};
        for (const auto& c : orgs)
            if (c["parent"] == (*m)["id"]) entry.departments.push_back(&c);
        SortByTitle(entry.departments, locale);
        tree.ministries.push_back(std::move(entry));
    }
    return tree;
}

}  // namespace govhub::catalog

namespace govhub::catalog::internal {
namespace {

struct OrganizationPages : PagesBase {
    View Entry(const Json& o, bool shown, const std::string& locale) const {
        View ov;
        ov.Set("name", Str(o, "name")).Set("title", AgencyTitle(o, locale));
        int64_t n = o["package_count"].get<int64_t>();
        ov.Set("count", n).Set("count_label", DatasetCount(n, locale));
        ov.Set("search", SearchText(o)).Set("shown", shown);
        return ov;
    }

    http::Response Organizations(http::Request& req) const {
        const accounts::Principal* p = accounts::CurrentUser(req);
        const std::string& locale = req.locale;
        Json orgs = catalog.OrganizationList(true);
        std::string q = core::ToLower(core::Trim(req.Query("q")));
        auto matches = [&](const Json& o) {
            return q.empty() || SearchText(o).find(q) != std::string::npos;
        };
        AgencyTree tree = AgenciesByMinistry(orgs, locale);

        // Ministries first, their departments beneath them. A ministry is shown when it or one
        // of its departments matches the filter; all its departments when it matches itself.
        View ministry_list = View::List();
        int64_t shown_total = 0, shown_ministries = 0;
        for (const auto& [m, departments] : tree.ministries) {
            bool self = matches(*m);
            View children = View::List();
            int64_t shown_children = 0;
            for (const Json* c : departments) {
                bool on = self || matches(*c);
                shown_children += on;
                children.Push(Entry(*c, on, locale));
            }
            bool shown = self || shown_children > 0;
            shown_ministries += shown;
            View mv = Entry(*m, shown, locale);
            mv.Set("has_children", !departments.empty())
                .Set("children_shown", shown_children > 0)
                .Set("children", std::move(children));
            ministry_list.Push(std::move(mv));
        }
        View other = View::List();
        int64_t shown_other = 0;
        for (const Json* o : tree.other) {
            bool on = matches(*o);
            shown_other += on;
            other.Push(Entry(*o, on, locale));
        }
        shown_total = shown_ministries + shown_other;
        View v;
        v.Set("ministries", std::move(ministry_list)).Set("other", std::move(other));
        v.Set("ministries_shown", shown_ministries > 0).Set("other_shown", shown_other > 0);
        v.Set("no_match", shown_total == 0).Set("empty", orgs.empty());
        v.Set("q", core::Trim(req.Query("q"))).Set("has_q", !q.empty());
        v.Set("can_create", agencies::CanCreateAgency(p));
        return http::Response::Html(pages.Render("opendata/organizations", std::move(v),
                                                 accounts::PageContextOf(req),
                                                 "opendata.home.agencies"));
    }

    http::Response Organization(http::Request& req) const {
        const accounts::Principal* p = accounts::CurrentUser(req);
        const std::string& locale = req.locale;
        Json o = catalog.OrganizationShow(p, std::string(req.PathParam("name")), true);
        View v;
        std::string title = AgencyTitle(o, locale);
        v.Set("name", o["name"].get<std::string>()).Set("title", title);
        // The title in the other language, when there is one.
        std::string other = locale == "en" ? Str(o, "title") : Str(o, "title_en");
        if (!other.empty() && other != title)
            v.Set("has_other_title", true)
                .Set("other_title", other)
                .Set("other_lang", locale == "en" ? "th" : "en");
        v.Set("kind_label", pages.T(locale, "agencies.kind_" + Str(o, "kind")));
        std::string description = Localized(o, "description", locale);
        v.Set("description", description);
        v.Set("description_html", render::MarkdownToHtml(description));
        Json all = catalog.OrganizationList(true);
        std::vector<const Json*> departments;
        for (const auto& c : all) {
            if (c["parent"] == o["id"]) departments.push_back(&c);
            if (!o["parent"].is_null() && c["id"] == o["parent"])
                v.Set("parent_title", AgencyTitle(c, locale))
                    .Set("parent_name", c["name"].get<std::string>());
        }
        SortByTitle(departments, locale);
        View children = View::List();
        for (const Json* c : departments) {
            View cv;
            cv.Set("name", Str(*c, "name")).Set("title", AgencyTitle(*c, locale));
            children.Push(std::move(cv));
        }
        v.Set("has_children", !departments.empty()).Set("children", std::move(children));
        View datasets = View::List();
        for (const auto& d : o["packages"]) {
            View dv;
            dv.Set("name", d["name"].get<std::string>())
                .Set("title", Localized(d, "title", locale));
            dv.Set("private", d["private"].get<bool>());
            datasets.Push(std::move(dv));
        }
        v.Set("count", static_cast<int64_t>(o["packages"].size()))
            .Set("datasets", std::move(datasets));
        auto held = catalog.HeldIn(p, o["id"].get<std::string>());
        v.Set("can_edit", agencies::CanEditAgency(p, held));
        v.Set("can_manage_members", agencies::CanManageMembers(p, held));
        v.Set("can_add_dataset", CanCreateDataset(p, held));
        return http::Response::Html(pages.Render("opendata/organization", std::move(v),
                                                 accounts::PageContextOf(req), title));
    }

    // ---- the agency form: a new agency (sysadmins) or an agency's descriptive fields

    // The dictionary a submitted form describes, for organization_create (`is_new`) or
    // organization_update.
    static Json FormDict(http::Request& req, bool is_new) {
        Json d = Json::object();
        for (const char* k : {"title", "title_en", "image_url"})
            d[k] = core::Trim(req.FormValue(k));
        d["description"] = req.FormValue("description");
        d["description_en"] = req.FormValue("description_en");
        if (is_new)
            for (const char* k : {"name", "kind", "parent"}) d[k] = core::Trim(req.FormValue(k));
        return d;
    }

    // The form's own rule: an agency is listed by its Thai title, so the form asks for one (the
    // API falls back to the URL name, CKAN's behaviour).
    static std::vector<FieldError> Missing(const Json& d) {
        std::vector<FieldError> errors;
        if (Str(d, "title").empty()) errors.push_back({"title", "schema.required"});
        return errors;
    }

    // `existing`: the agency being edited (its name, kind and parent are shown, not edited);
    // null for a new one.
    http::Response FormPage(http::Request& req, const Json& values,
                            const std::vector<FieldError>& errors, const Json* existing,
                            int status) const {
        const std::string& locale = req.locale;
        bool is_new = existing == nullptr;
        // The service names "kind" for a department without a parent (the kind is what it
        // checked); the form shows the message, which asks for a parent, beside the parent.
        std::vector<FieldError> shown = errors;
        for (auto& e : shown)
            if (e.message == "agencies.department_needs_parent" && is_new) e.field = "parent";
        std::map<std::string, std::string> error_of;
        for (const auto& e : shown) error_of.emplace(e.field, pages.T(locale, e.message));
        std::map<std::string, std::string> label_of;
        View fields = View::List();
        auto field = [&](const std::string& name, const std::string& label_key, bool required,
                         const std::string& help_key) {
            View f;
            std::string label = pages.T(locale, label_key);
            label_of[name] = label;
            f.Set("name", name).Set("label", label).Set("required", required);
            f.Set("value", Str(values, name.c_str()));
            if (!help_key.empty()) f.Set("has_help", true).Set("help", pages.T(locale, help_key));
            if (error_of.count(name)) f.Set("error", error_of[name]);
            std::string described = help_key.empty() ? "" : name + "-help";
            if (error_of.count(name)) described += (described.empty() ? "" : " ") + name + "-error";
            f.Set("has_described", !described.empty()).Set("described", described);
            return f;
        };
        auto input = [&](const std::string& name, const std::string& label_key, bool required,
                         const std::string& help_key, const std::string& type, int maxlength) {
            View f = field(name, label_key, required, help_key);
            f.Set("is_input", true).Set("input_type", type).Set("maxlength", int64_t{maxlength});
            fields.Push(std::move(f));
        };
        input("title", "opendata.org.title", true, "", "text", 300);
        // The API's limit for an English title (the group form's too).
        input("title_en", "opendata.org.title_en", false, "opendata.org.title_en_help", "text",
              500);
        Json all = catalog.OrganizationList(true);
        if (is_new) {
            input("name", "opendata.org.name", true, "opendata.org.name_help", "text", 100);
            View kind = field("kind", "opendata.org.kind", true, "opendata.org.kind_help");
            std::string chosen = Str(values, "kind").empty() ? "department" : Str(values, "kind");
            View kinds = View::List();
            for (const char* k : {"ministry", "department", "other"}) {
                View opt;
                opt.Set("value", k)
                    .Set("label", pages.T(locale, std::string("agencies.kind_") + k))
                    .Set("selected", chosen == k);
                kinds.Push(std::move(opt));
            }
            kind.Set("is_select", true).Set("options", std::move(kinds));
            fields.Push(std::move(kind));
            View parent = field("parent", "opendata.org.parent_ministry", false, "");
            std::string chosen_parent = Str(values, "parent");
            View options = View::List();
            View none;
            none.Set("value", "")
                .Set("label", pages.T(locale, "opendata.org.parent_none"))
                .Set("selected", chosen_parent.empty());
            options.Push(std::move(none));
            std::vector<const Json*> ministries;
            for (const auto& o : all)
                if (o["kind"] == "ministry") ministries.push_back(&o);
            SortByTitle(ministries, locale);
            for (const Json* m : ministries) {
                View opt;
                opt.Set("value", Str(*m, "name"))
                    .Set("label", AgencyTitle(*m, locale))
                    .Set("selected",
                         chosen_parent == Str(*m, "name") || chosen_parent == Str(*m, "id"));
                options.Push(std::move(opt));
            }
            parent.Set("is_select", true).Set("options", std::move(options));
            fields.Push(std::move(parent));
        }
        for (const char* k : {"description", "description_en"}) {
            View f = field(k, std::string("opendata.org.") + k, false, "");
            f.Set("is_textarea", true);
            fields.Push(std::move(f));
        }
        input("image_url", "opendata.org.image_url", false, "", "url", 2000);

        View v;
        v.Set("is_new", is_new).Set("fields", std::move(fields));
        v.Set("heading",
              pages.T(locale, is_new ? "opendata.org.new_title" : "opendata.org.edit_title"));
        v.Set("submit", pages.T(locale, is_new ? "opendata.org.create" : "opendata.org.save"));
        if (is_new) {
            v.Set("action", "/organization/new").Set("cancel", "/organization");
        } else {
            std::string name = Str(*existing, "name");
            v.Set("action", "/organization/" + name + "/edit")
                .Set("cancel", "/organization/" + name);
            View fixed = View::List();
            auto fact = [&](const std::string& label_key, const std::string& value) {
                View f;
                f.Set("label", pages.T(locale, label_key)).Set("value", value);
                fixed.Push(std::move(f));
            };
            fact("opendata.org.name", name);
            fact("opendata.org.kind", pages.T(locale, "agencies.kind_" + Str(*existing, "kind")));
            for (const auto& o : all)
                if ((*existing)["parent"].is_string() && o["id"] == (*existing)["parent"])
                    fact("opendata.org.parent", AgencyTitle(o, locale));
            v.Set("has_fixed", true).Set("fixed", std::move(fixed));
            v.Set("fixed_help", pages.T(locale, "opendata.org.fixed_help"));
        }
        // The summary names each field, since one message ("required") fits many.
        std::vector<FieldError> summary;
        for (const auto& e : shown) {
            auto it = label_of.find(e.field);
            std::string label = it == label_of.end() ? e.field : it->second;
            summary.push_back({e.field, label + ": " + pages.T(locale, e.message)});
        }
        pages.AddErrors(v, summary, locale);
        return http::Response::Html(
            pages.Render("opendata/organization_form", std::move(v), accounts::PageContextOf(req),
                         is_new ? "opendata.org.new_title" : "opendata.org.edit_title"),
            status);
    }

    static void RequireCreate(const accounts::Principal* p) {
        api::RequireUser(p);
        if (!agencies::CanCreateAgency(p))
            throw HttpError(403, "forbidden", "catalog.org_create_forbidden");
    }

    // The agency `name` names, when `p` may edit it (the predicate the API asks).
    Json Editable(const accounts::Principal* p, const std::string& name) const {
        api::RequireUser(p);
        Json o = catalog.OrganizationShow(p, name, false);
        if (!agencies::CanEditAgency(p, catalog.HeldIn(p, o["id"].get<std::string>())))
            throw HttpError::Forbidden();
        return o;
    }

    http::Response NewForm(http::Request& req) const {
        RequireCreate(accounts::CurrentUser(req));
        Json values = Json::object();
        if (std::string parent = req.Query("parent"); !parent.empty()) values["parent"] = parent;
        return FormPage(req, values, {}, nullptr, 200);
    }

    http::Response Create(http::Request& req) const {
        const accounts::Principal* p = accounts::CurrentUser(req);
        RequireCreate(p);
        Json dict = FormDict(req, true);
        try {
            Json created =
                catalog.OrganizationCreate(p, dict, accounts::CallerOf(req), Missing(dict));
            return http::Response::Redirect("/organization/" + created["name"].get<std::string>());
        } catch (const HttpError& e) {
            if (e.status() != 409) throw;
            return FormPage(req, dict, e.fields(), nullptr, 422);
        }
    }

    http::Response EditForm(http::Request& req) const {
        Json o = Editable(accounts::CurrentUser(req), std::string(req.PathParam("name")));
        o["description_en"] = o["description_translated"]["en"];
        return FormPage(req, o, {}, &o, 200);
    }

    http::Response Update(http::Request& req) const {
        const accounts::Principal* p = accounts::CurrentUser(req);
        Json o = Editable(p, std::string(req.PathParam("name")));
        Json dict = FormDict(req, false);
        dict["id"] = o["id"];
        try {
            catalog.OrganizationUpdate(p, dict, false, accounts::CallerOf(req), Missing(dict));
            return http::Response::Redirect("/organization/" + o["name"].get<std::string>());
        } catch (const HttpError& e) {
            if (e.status() != 409) throw;
            return FormPage(req, dict, e.fields(), &o, 422);
        }
    }

    http::Response Groups(http::Request& req) const {
        View v;
        v.Set("categories", Categories(req.locale));
        v.Set("can_create", CanCreateGroup(accounts::CurrentUser(req)));
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
    // Registered before /organization/{name} so "new" is never taken for an agency's name.
    router.Get("/organization/new", [pg](http::Request& req) { return pg->NewForm(req); });
    router.Post("/organization/new", [pg](http::Request& req) { return pg->Create(req); },
                {.body_limit = kFormBodyLimit, .rate_limit = "form"});
    router.Get("/organization/{name}", [pg](http::Request& req) { return pg->Organization(req); });
    router.Get("/organization/{name}/edit", [pg](http::Request& req) { return pg->EditForm(req); });
    router.Post("/organization/{name}/edit", [pg](http::Request& req) { return pg->Update(req); },
                {.body_limit = kFormBodyLimit, .rate_limit = "form"});
    router.Get("/group", [pg](http::Request& req) { return pg->Groups(req); });
}

}  // namespace govhub::catalog::internal

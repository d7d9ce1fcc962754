// A group's page (/group/{name}): its title, description and image, and its datasets with the
// dataset search's box, facets, sort and paging (PagesBase::DatasetSearch with the group as a
// fixed filter); the group form for sysadmins (/group/new, /group/{name}/edit), which calls the
// service's group_create and group_update as the API does and reports every problem at once.
#include <map>
#include <memory>

#include "accounts/middleware.hpp"
#include "core/i18n.hpp"
#include "core/strings.hpp"
#include "opendata/catalog/auth.hpp"
#include "opendata/catalog/pages_internal.hpp"
#include "render/markdown.hpp"

namespace govhub::catalog::internal {

namespace {

using render::View;

// The form's POST body: a description and a title, well under this.
constexpr size_t kFormBodyLimit = 64 * 1024;

std::string Str(const Json& o, const char* key) {
    auto it = o.find(key);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

struct GroupPages : PagesBase {
    http::Response Group(http::Request& req) const {
        const accounts::Principal* p = accounts::CurrentUser(req);
        const std::string& locale = req.locale;
        // 404 for an unknown or deleted group.
        Json g = catalog.GroupShow(std::string(req.PathParam("name")));
        std::string name = Str(g, "name");
        View v = DatasetSearch(req, "/group/" + name, "groups", name);
        std::string title = AgencyTitle(g, locale);
        v.Set("name", name).Set("title", title);
        v.Set("description_html", render::MarkdownToHtml(Localized(g, "description", locale)));
        v.Set("image_url", Str(g, "image_url"));
        v.Set("category", pages.T(locale, "opendata.home.cat." + Str(g, "category")));
        v.Set("can_edit", CanEditGroup(p));
        return http::Response::Html(
            pages.Render("opendata/group", std::move(v), accounts::PageContextOf(req), title));
    }

    // ---- the group form (sysadmins)

    static Json FormDict(http::Request& req, bool is_new) {
        Json d = Json::object();
        for (const char* k : {"title", "title_en", "image_url"})
            d[k] = core::Trim(req.FormValue(k));
        d["description"] = req.FormValue("description");
        d["description_en"] = req.FormValue("description_en");
        if (is_new)
            for (const char* k : {"name", "category"}) d[k] = core::Trim(req.FormValue(k));
        return d;
    }

    // The form asks for a title, as the agency form does (the API falls back to the URL name).
    static std::vector<FieldError> Missing(const Json& d) {
        std::vector<FieldError> errors;
        if (Str(d, "title").empty()) errors.push_back({"title", "schema.required"});
        return errors;
    }

    // `existing`: the group being edited (its name and type are shown, not edited); null for a
    // new one. Rendered with the agency form's template.
    http::Response FormPage(http::Request& req, const Json& values,
                            const std::vector<FieldError>& errors, const Json* existing,
                            int status) const {
        const std::string& locale = req.locale;
        bool is_new = existing == nullptr;
        // The API's message for a category speaks of its codes; the form offers a list.
        std::vector<FieldError> shown = errors;
        for (auto& e : shown)
            if (e.message == "catalog.bad_group_category")
                e.message = "opendata.group.category_error";
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
        input("title", "opendata.group.title", true, "", "text", 300);
        input("title_en", "opendata.group.title_en", false, "", "text", 500);
        if (is_new) {
            input("name", "opendata.org.name", true, "opendata.group.name_help", "text", 100);
            View cat = field("category", "opendata.group.category", true, "");
            std::string chosen = Str(values, "category");
            View options = View::List();
            View none;
            none.Set("value", "")
                .Set("label", pages.T(locale, "opendata.group.choose_category"))
                .Set("selected", chosen.empty());
            options.Push(std::move(none));
            for (int i = 1; i <= 7; ++i) {
                std::string key = "category0" + std::to_string(i);
                View opt;
                opt.Set("value", key)
                    .Set("label", pages.T(locale, "opendata.home.cat." + key))
                    .Set("selected", chosen == key);
                options.Push(std::move(opt));
            }
            cat.Set("is_select", true).Set("options", std::move(options));
            fields.Push(std::move(cat));
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
              pages.T(locale, is_new ? "opendata.group.new_title" : "opendata.group.edit_title"));
        v.Set("submit", pages.T(locale, is_new ? "opendata.group.create" : "opendata.org.save"));
        if (is_new) {
            v.Set("action", "/group/new").Set("cancel", "/group");
        } else {
            std::string name = Str(*existing, "name");
            v.Set("action", "/group/" + name + "/edit").Set("cancel", "/group/" + name);
            View fixed = View::List();
            auto fact = [&](const std::string& label_key, const std::string& value) {
                View f;
                f.Set("label", pages.T(locale, label_key)).Set("value", value);
                fixed.Push(std::move(f));
            };
            fact("opendata.org.name", name);
            fact("opendata.group.category",
                 pages.T(locale, "opendata.home.cat." + Str(*existing, "category")));
            v.Set("has_fixed", true).Set("fixed", std::move(fixed));
            v.Set("fixed_help", pages.T(locale, "opendata.group.fixed_help"));
        }
        std::vector<FieldError> summary;
        for (const auto& e : shown) {
            auto it = label_of.find(e.field);
            std::string label = it == label_of.end() ? e.field : it->second;
            summary.push_back({e.field, label + ": " + pages.T(locale, e.message)});
        }
        pages.AddErrors(v, summary, locale);
        return http::Response::Html(
            pages.Render("opendata/organization_form", std::move(v), accounts::PageContextOf(req),
                         is_new ? "opendata.group.new_title" : "opendata.group.edit_title"),
            status);
    }

    static void RequireSysadminForm(const accounts::Principal* p, bool is_new) {
        api::RequireUser(p);
        if (!(is_new ? CanCreateGroup(p) : CanEditGroup(p))) throw HttpError::Forbidden();
    }

    http::Response NewForm(http::Request& req) const {
        RequireSysadminForm(accounts::CurrentUser(req), true);
        return FormPage(req, Json::object(), {}, nullptr, 200);
    }

    http::Response Create(http::Request& req) const {
        const accounts::Principal* p = accounts::CurrentUser(req);
        RequireSysadminForm(p, true);
        Json dict = FormDict(req, true);
        try {
            Json created = catalog.GroupCreate(p, dict, accounts::CallerOf(req), Missing(dict));
            return http::Response::Redirect("/group/" + created["name"].get<std::string>());
        } catch (const HttpError& e) {
            if (e.status() != 409) throw;
            return FormPage(req, dict, e.fields(), nullptr, 422);
        }
    }

    http::Response EditForm(http::Request& req) const {
        RequireSysadminForm(accounts::CurrentUser(req), false);
        Json g = catalog.GroupShow(std::string(req.PathParam("name")));
        g["title_en"] = g["title_translated"]["en"];
        g["description_en"] = g["description_translated"]["en"];
        return FormPage(req, g, {}, &g, 200);
    }

    http::Response Update(http::Request& req) const {
        const accounts::Principal* p = accounts::CurrentUser(req);
        RequireSysadminForm(p, false);
        Json g = catalog.GroupShow(std::string(req.PathParam("name")));
        Json dict = FormDict(req, false);
        dict["id"] = g["id"];
        try {
            catalog.GroupUpdate(p, dict, false, accounts::CallerOf(req), Missing(dict));
            return http::Response::Redirect("/group/" + g["name"].get<std::string>());
        } catch (const HttpError& e) {
            if (e.status() != 409) throw;
            return FormPage(req, dict, e.fields(), &g, 422);
        }
    }
};

}  // namespace

void RegisterGroupPages(http::Router& router, CatalogService& catalog,
                        const render::PageRenderer& pages) {
    auto pg = std::make_shared<GroupPages>(GroupPages{{catalog, pages}});
    // Registered before /group/{name} so "new" is never taken for a group's name.
    router.Get("/group/new", [pg](http::Request& req) { return pg->NewForm(req); });
    router.Post("/group/new", [pg](http::Request& req) { return pg->Create(req); },
                {.body_limit = kFormBodyLimit, .rate_limit = "form"});
    router.Get("/group/{name}", [pg](http::Request& req) { return pg->Group(req); });
    router.Get("/group/{name}/edit", [pg](http::Request& req) { return pg->EditForm(req); });
    router.Post("/group/{name}/edit", [pg](http::Request& req) { return pg->Update(req); },
                {.body_limit = kFormBodyLimit, .rate_limit = "form"});
}

}  // namespace govhub::catalog::internal

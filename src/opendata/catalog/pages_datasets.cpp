// Dataset pages: search with facets, the dataset page with its metadata in Thai or English,
// the guided create/edit form, a resource's page and its download (with Range, for any size),
// the editor's dashboard and the sysadmin's trash.
#include "accounts/middleware.hpp"
#include "core/clock.hpp"
#include "core/json_html.hpp"
#include "core/strings.hpp"
#include "core/thai_date.hpp"
#include "opendata/catalog/pages_internal.hpp"
#include "render/markdown.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace govhub::catalog::internal {

// ---- what the dataset and resource forms share

render::View PagesBase::SchemaFieldView(const FieldSpec& spec, const Json& values,
                                        const std::map<std::string, std::string>& error_of,
                                        const std::string& locale) const {
    auto str = [&](const std::string& k) {
        return values.contains(k) && values[k].is_string() ? values[k].get<std::string>()
                                                           : std::string();
    };
    render::View f;
    f.Set("name", spec.name).Set("label", spec.label.in(locale)).Set("required", spec.required);
    if (auto e = error_of.find(spec.name); e != error_of.end()) f.Set("error", e->second);
    if (!spec.choices.empty()) {
        std::set<std::string> chosen;
        if (values.contains(spec.name)) {
            const Json& v = values[spec.name];
            if (v.is_string()) chosen.insert(v.get<std::string>());
            if (v.is_array())
                for (const auto& x : v)
                    if (x.is_string()) chosen.insert(x.get<std::string>());
        }
        render::View options = render::View::List();
        int i = 0;
        for (const auto& c : spec.choices) {
            render::View opt;
            opt.Set("value", c.value)
                .Set("label", c.label.in(locale))
                .Set("selected", chosen.count(c.value) > 0);
            opt.Set("id", spec.name + "-" + std::to_string(i++)).Set("name", spec.name);
            options.Push(std::move(opt));
        }
        f.Set("options", std::move(options));
        f.Set(spec.multiple ? "is_multi" : "is_select", true);
    } else {
        std::string t = spec.type == FieldType::kDate    ? "date"
                        : spec.type == FieldType::kEmail ? "email"
                        : spec.type == FieldType::kUrl   ? "url"
                                                         : "text";
        f.Set("is_input", true).Set("input_type", t).Set("value", str(spec.name));
        if (spec.type == FieldType::kDate && locale == "th") {
            // Thai readers see and type the Buddhist era ("6/12/2569"); FormDict turns
            // it back into the ISO date the service checks and stores. Other readers
            // keep the browser's date input, which shows their own form (Gregorian).
            f.Set("input_type", "text")
                .Set("value", core::IsoToFormDate(str(spec.name), locale))
                .Set("inputmode", "numeric")
                .Set("placeholder", pages.T(locale, "opendata.form.date_placeholder"))
                .Set("has_help", true)
                .Set("help", pages.T(locale, "opendata.form.date_help"));
        }
        if (spec.type == FieldType::kYear) f.Set("has_help", true).Set("help", "2569 / 2026");
    }
    return f;
}

void PagesBase::SchemaFieldValue(const FieldSpec& spec, http::Request& req, Json& d) const {
    const auto& form = req.Form();
    if (spec.multiple) {
        Json list = Json::array();
        auto range = form.equal_range(spec.name);
        for (auto it = range.first; it != range.second; ++it)
            if (!it->second.empty()) list.push_back(it->second);
        if (!list.empty()) d[spec.name] = list;
        return;
    }
    auto it = form.find(spec.name);
    if (it == form.end() || it->second.empty()) return;
    d[spec.name] = it->second;
    // A date typed as the reader reads it (6/12/2569, ๖/๑๒/๒๕๖๙) is stored as ISO; anything
    // else goes to the service as typed, which names what is wrong.
    if (spec.type == FieldType::kDate)
        if (auto iso = core::FormDateToIso(it->second)) d[spec.name] = *iso;
}

namespace {

using render::View;

const char* kFacets[] = {"organization", "groups",    "tags",         "res_format",
                         "license_id",   "data_type", "data_category"};

// A schema value as a reader sees it: choice labels in the page's language, dates in the
// Buddhist era for Thai, lists joined.
std::string Display(const FieldSpec& f, const Json& v, const CatalogSchema& schema,
                    const std::string& locale) {
    auto one = [&](const Json& x) -> std::string {
        if (!x.is_string()) return x.is_null() ? "" : x.dump();
        std::string s = x.get<std::string>();
        if (f.name == "license_id")
            if (const License* l = schema.FindLicense(s)) return l->title.in(locale);
        if (const Choice* c = f.FindChoice(s)) return c->label.in(locale);
        if (f.type == FieldType::kDate) return core::FormatIsoDate(s + "T00:00:00Z", locale);
        return s;
    };
    if (v.is_array()) {
        std::string out;
        for (const auto& x : v) out += (out.empty() ? "" : ", ") + one(x);
        return out;
    }
    return one(v);
}

std::string Excerpt(const std::string& text, size_t max_chars) {
    if (core::Utf8Length(text) <= max_chars) return text;
    size_t bytes = 0, chars = 0;
    while (bytes < text.size() && chars < max_chars) {
        unsigned char c = text[bytes];
        bytes += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        ++chars;
    }
    return text.substr(0, bytes) + "…";
}

struct DatasetPages : PagesBase {
    PageExtensions extensions;

    http::Response ResourcePage(http::Request& req) const {
        const accounts::Principal* p = accounts::CurrentUser(req);
        Json d = catalog.PackageShow(p, std::string(req.PathParam("name")));
        Json r = catalog.ResourceShow(p, std::string(req.PathParam("id")));
        if (r["package_id"] != d["id"]) throw HttpError::NotFound("catalog.no_such_resource");
        View v;
        v.Set("dataset_name", d["name"].get<std::string>())
            .Set("dataset_title", Localized(d, "title", req.locale));
        v.Set("name", r["name"].get<std::string>())
            .Set("description", r["description"].get<std::string>());
        v.Set("format", r["format"].get<std::string>()).Set("url", r["url"].get<std::string>());
        v.Set("uploaded", r["url_type"] == "upload");
        if (r["size"].is_number())
            v.Set("size", core::HumanSize(static_cast<uint64_t>(
                              std::max<int64_t>(0, r["size"].get<int64_t>()))))
                .Set("has_size", true);
        v.Set("hash", r["hash"].get<std::string>())
            .Set("has_hash", !r["hash"].get<std::string>().empty());
        v.Set("modified", core::FormatIsoDate(r["last_modified"].get<std::string>(), req.locale));
        View meta = View::List();
        for (const auto& f : catalog.schema().resource_fields()) {
            if (f.name == "url" || f.name == "name" || f.name == "description" ||
                f.name == "format")
                continue;
            if (!r.contains(f.name) || r[f.name].is_null() ||
                (r[f.name].is_string() && r[f.name].get<std::string>().empty()))
                continue;
            View row;
            row.Set("label", f.label.in(req.locale))
                .Set("value", Display(f, r[f.name], catalog.schema(), req.locale));
            meta.Push(std::move(row));
        }
        v.Set("metadata", std::move(meta));
        v.Set("api_url", "/api/3/action/resource_show?id=" + r["id"].get<std::string>());
        v.Set("can_edit", catalog.CanEdit(p, d["owner_org"].get<std::string>()));
        v.Set("edit_resource_id", r["id"].get<std::string>());
        auto ctx = accounts::PageContextOf(req);
        for (const auto& extend : extensions.resource) {
            int refresh = extend(req, d, r, v);
            if (refresh > 0 && (ctx.refresh_seconds == 0 || refresh < ctx.refresh_seconds))
                ctx.refresh_seconds = refresh;
        }
        return http::Response::Html(
            pages.Render("opendata/resource", std::move(v), ctx, r["name"].get<std::string>()));
    }

    http::Response Dashboard(http::Request& req) const {
        const accounts::Principal* p = accounts::CurrentUser(req);
        api::RequireUser(p);
        View v;
        v.Set("can_add", !catalog.OrganizationListForUser(p, "create_dataset").empty());
        View orgs = View::List();
        for (const auto& o : catalog.OrganizationListForUser(p, "read")) {
            View ov;
            ov.Set("name", o["name"].get<std::string>()).Set("title", AgencyTitle(o, req.locale));
            ov.Set("capacity", pages.T(req.locale, "opendata.dashboard.role_" +
                                                       o.value("capacity", std::string("admin"))));
            SearchParams sp;
            sp.fq = {"owner_org:" + o["id"].get<std::string>()};
            sp.rows = 100;
            sp.include_private = true;
            sp.include_drafts = true;
            sp.sort = "metadata_modified desc";
            View datasets = View::List();
            Json found = catalog.PackageSearch(p, sp);
            for (const auto& d : found["results"]) {
                View dv;
                dv.Set("name", d["name"].get<std::string>())
                    .Set("title", Localized(d, "title", req.locale));
                dv.Set("private", d["private"].get<bool>()).Set("draft", d["state"] == "draft");
                dv.Set("modified",
                       core::FormatIsoDate(d["metadata_modified"].get<std::string>(), req.locale));
                datasets.Push(std::move(dv));
            }
            ov.Set("count_label", DatasetCount(found["count"].get<int64_t>(), req.locale))
                .Set("datasets", std::move(datasets));
            orgs.Push(std::move(ov));
        }
        v.Set("has_orgs", !orgs.items().empty()).Set("orgs", std::move(orgs));
        return http::Response::Html(pages.Render("opendata/dashboard", std::move(v),
                                                 accounts::PageContextOf(req),
                                                 "opendata.dashboard.title"));
    }

    // ---- trash: deleted datasets a sysadmin may purge for good
    http::Response TrashPage(http::Request& req) const {
        const accounts::Principal* p = accounts::CurrentUser(req);
        api::RequireUser(p);
        View v;
        View items = View::List();
        for (const auto& d : catalog.Trash(p)) {
            View item;
            item.Set("id", d["id"].get<std::string>()).Set("name", d["name"].get<std::string>());
            item.Set("title", d["title"].get<std::string>())
                .Set("organization", d["organization"].get<std::string>());
            item.Set("deleted",
                     core::FormatIsoDate(d["metadata_modified"].get<std::string>(), req.locale));
            items.Push(std::move(item));
        }
        v.Set("has_items", !items.items().empty()).Set("items", std::move(items));
        return http::Response::Html(pages.Render(
            "opendata/trash", std::move(v), accounts::PageContextOf(req), "opendata.trash.title"));
    }

    http::Response Purge(http::Request& req) const {
        catalog.DatasetPurge(accounts::CurrentUser(req), std::string(req.PathParam("id")),
                             accounts::CallerOf(req));
        return http::Response::Redirect("/ckan-admin/trash");
    }

    // ---- the guided create/edit form

    View FormFields(const Json& values, const DataType& type, const std::vector<FieldError>& errors,
                    const Json& orgs, const std::string& locale) const {
        std::map<std::string, std::string> error_of;
        for (const auto& e : errors) error_of.emplace(e.field, pages.T(locale, e.message));
        auto str = [&](const std::string& k) {
            return values.contains(k) && values[k].is_string() ? values[k].get<std::string>()
                                                               : std::string();
        };
        View fields = View::List();
        auto input = [&](const std::string& name, const std::string& label,
                         const std::string& type_attr, bool required, const std::string& help) {
            View f;
            f.Set("name", name)
                .Set("label", label)
                .Set("required", required)
                .Set("value", str(name));
            f.Set("is_input", type_attr != "textarea").Set("is_textarea", type_attr == "textarea");
            f.Set("input_type", type_attr == "textarea" ? "text" : type_attr);
            f.Set("has_help", !help.empty()).Set("help", help);
            if (error_of.count(name)) f.Set("error", error_of[name]);
            fields.Push(std::move(f));
        };
        input("title", pages.T(locale, "opendata.form.title"), "text", true, "");
        input("title_en", pages.T(locale, "opendata.form.title_en"), "text", false,
              pages.T(locale, "opendata.form.title_en_help"));
        input("name", pages.T(locale, "opendata.form.name"), "text", true,
              pages.T(locale, "opendata.form.name_help"));
        input("notes", pages.T(locale, "opendata.form.notes"), "textarea", true, "");
        input("notes_en", pages.T(locale, "opendata.form.notes_en"), "textarea", false, "");
        {
            View f;
            std::string tags = str("tag_string");
            f.Set("name", "tag_string")
                .Set("label", pages.T(locale, "opendata.form.tags"))
                .Set("required", true);
            f.Set("value", tags).Set("is_input", true).Set("input_type", "text");
            f.Set("has_help", true).Set("help", pages.T(locale, "opendata.form.tags_help"));
            if (error_of.count("tag_string"))
                f.Set("error", error_of["tag_string"]);
            else if (error_of.count("tags"))
                f.Set("error", error_of["tags"]);
            fields.Push(std::move(f));
        }
        {
            View f;
            f.Set("name", "owner_org")
                .Set("label", pages.T(locale, "opendata.form.owner_org"))
                .Set("required", true);
            f.Set("is_select", true);
            View options = View::List();
            for (const auto& o : orgs) {
                View opt;
                opt.Set("value", o["id"].get<std::string>()).Set("label", AgencyTitle(o, locale));
                opt.Set("selected", str("owner_org") == o["id"].get<std::string>() ||
                                        str("owner_org") == o["name"].get<std::string>());
                options.Push(std::move(opt));
            }
            f.Set("options", std::move(options));
            if (error_of.count("owner_org")) f.Set("error", error_of["owner_org"]);
            fields.Push(std::move(f));
        }
        {
            View f;
            f.Set("name", "private")
                .Set("label", pages.T(locale, "opendata.form.private"))
                .Set("is_checkbox", true);
            f.Set("checked", values.contains("private") && values["private"] == true);
            fields.Push(std::move(f));
        }
        static const std::set<std::string> kCore = {"title",      "name",      "notes", "owner_org",
                                                    "tag_string", "data_type", "url"};
        for (const auto& spec : catalog.schema().dataset_fields()) {
            if (kCore.count(spec.name) || !spec.InDataType(type.key)) continue;
            fields.Push(SchemaFieldView(spec, values, error_of, locale));
        }
        return fields;
    }

    // The dataset dictionary a submitted form describes.
    Json FormDict(http::Request& req, const DataType& type) const {
        Json d = Json::object();
        const auto& form = req.Form();
        auto one = [&](const std::string& k) {
            auto it = form.find(k);
            return it == form.end() ? std::string() : it->second;
        };
        for (const char* k :
             {"title", "title_en", "name", "notes", "notes_en", "tag_string", "owner_org"})
            d[k] = one(k);
        d["private"] = one("private") == "true";
        d["data_type"] = type.value;
        for (const auto& spec : catalog.schema().dataset_fields()) {
            if (!spec.InDataType(type.key) || d.contains(spec.name)) continue;
            SchemaFieldValue(spec, req, d);
        }
        return d;
    }

    http::Response FormPage(http::Request& req, const Json& values, const DataType* type,
                            const std::vector<FieldError>& errors, bool is_new,
                            const std::string& name, int status) const {
        const accounts::Principal* p = accounts::CurrentUser(req);
        View v;
        v.Set("is_new", is_new);
        v.Set("heading",
              pages.T(req.locale, is_new ? "opendata.form.new_title" : "opendata.form.edit_title"));
        if (!type) {
            v.Set("choose", true);
            View types = View::List();
            for (const auto& t : catalog.schema().data_types()) {
                View tv;
                tv.Set("key", t.key)
                    .Set("label", t.label.in(req.locale))
                    .Set("checked", t.key == "statistical");
                types.Push(std::move(tv));
            }
            v.Set("data_types", std::move(types));
            // The agency chosen on its page ("add dataset") is carried to the next step.
            if (values.contains("owner_org") && values["owner_org"].is_string())
                v.Set("owner_org", values["owner_org"].get<std::string>());
        } else {
            Json orgs = catalog.OrganizationListForUser(p, "create_dataset");
            v.Set("data_type", type->key).Set("data_type_label", type->label.in(req.locale));
            v.Set("action", is_new ? "/dataset/new" : "/dataset/" + name + "/edit");
            v.Set("submit",
                  pages.T(req.locale, is_new ? "opendata.form.create" : "opendata.form.save"));
            View fields = FormFields(values, *type, errors, orgs, req.locale);
            // The summary names each field by the form's own label, in the form's order, since
            // one message ("missing value") fits many; a field the form does not show (another
            // data type's) by its schema label, last.
            auto place = [&](const std::string& field) -> std::pair<size_t, std::string> {
                std::string name = field == "tags" ? std::string("tag_string") : field;
                const auto& items = fields.items();
                for (size_t i = 0; i < items.size(); ++i)
                    if (const View* n = items[i].Find("name"); n && n->str() == name)
                        if (const View* label = items[i].Find("label")) return {i, label->str()};
                const FieldSpec* spec = catalog.schema().DatasetField(field);
                return {items.size(), spec ? spec->label.in(req.locale) : field};
            };
            std::vector<std::pair<std::pair<size_t, std::string>, FieldError>> placed;
            for (const auto& e : errors) placed.push_back({place(e.field), e});
            std::stable_sort(placed.begin(), placed.end(), [](const auto& a, const auto& b) {
                return a.first.first < b.first.first;
            });
            std::vector<FieldError> summary;
            for (const auto& [at, e] : placed)
                summary.push_back({e.field, at.second + ": " + pages.T(req.locale, e.message)});
            v.Set("fields", std::move(fields));
            pages.AddErrors(v, summary, req.locale);
        }
        return http::Response::Html(
            pages.Render("opendata/form", std::move(v), accounts::PageContextOf(req),
                         is_new ? "opendata.form.new_title" : "opendata.form.edit_title"),
            status);
    }

    http::Response NewForm(http::Request& req) const {
        const accounts::Principal* p = accounts::CurrentUser(req);
        api::RequireUser(p);
        if (catalog.OrganizationListForUser(p, "create_dataset").empty())
            // Refused, with the way to the role that allows it (the officer's application).
            return http::Response::Html(
                pages.Render("opendata/officer_needed", View(), accounts::PageContextOf(req),
                             "opendata.add_dataset"),
                403);
        const DataType* type = catalog.schema().FindDataType(req.Query("data_type"));
        // "Add dataset" on an agency's page chooses that agency.
        Json values = Json::object();
        if (std::string org = req.Query("owner_org"); !org.empty()) values["owner_org"] = org;
        return FormPage(req, values, type, {}, true, "", 200);
    }

    http::Response Create(http::Request& req) const {
        const accounts::Principal* p = accounts::CurrentUser(req);
        api::RequireUser(p);
        const DataType* type = catalog.schema().FindDataType(req.FormValue("data_type"));
        if (!type) return FormPage(req, Json::object(), nullptr, {}, true, "", 422);
        Json dict = FormDict(req, *type);
        // Stage 1 of CKAN's two: the dataset is a draft, seen by its agency's editors only,
        // until "finish" on the "add data" stage publishes it with the visibility chosen here.
        dict["state"] = "draft";
        try {
            Json created = catalog.PackageCreate(p, dict, accounts::CallerOf(req));
            return http::Response::Redirect("/dataset/" + created["name"].get<std::string>() +
                                            "/resource/new");
        } catch (const HttpError& e) {
            if (e.status() != 409) throw;
            dict.erase("state");
            return FormPage(req, dict, type, e.fields(), true, "", 422);
        }
    }

    http::Response EditForm(http::Request& req) const {
        const accounts::Principal* p = accounts::CurrentUser(req);
        api::RequireUser(p);
        Json d = catalog.PackageShow(p, std::string(req.PathParam("name")));
        if (!catalog.CanEdit(p, d["owner_org"].get<std::string>())) throw HttpError::Forbidden();
        std::string tags;
        for (const auto& t : d["tags"])
            tags += (tags.empty() ? "" : ", ") + t["name"].get<std::string>();
        d["tag_string"] = tags;
        d["title_en"] = d["title_translated"]["en"];
        d["notes_en"] = d["notes_translated"]["en"];
        return FormPage(req, d, catalog.schema().FindDataType(d["data_type"].get<std::string>()),
                        {}, false, d["name"].get<std::string>(), 200);
    }

    http::Response Update(http::Request& req) const {
        const accounts::Principal* p = accounts::CurrentUser(req);
        api::RequireUser(p);
        std::string name(req.PathParam("name"));
        Json existing = catalog.PackageShow(p, name);
        const DataType* type =
            catalog.schema().FindDataType(existing["data_type"].get<std::string>());
        Json dict = FormDict(req, *type);
        dict["id"] = existing["id"];
        try {
            Json updated = catalog.PackageUpdate(p, dict, false, accounts::CallerOf(req));
            return http::Response::Redirect("/dataset/" + updated["name"].get<std::string>());
        } catch (const HttpError& e) {
            if (e.status() != 409) throw;
            return FormPage(req, dict, type, e.fields(), false, name, 422);
        }
    }

    http::Response Search(http::Request& req) const {
        View v = DatasetSearch(req, "/dataset", "", "");
        return http::Response::Html(pages.Render("opendata/search", std::move(v),
                                                 accounts::PageContextOf(req),
                                                 "opendata.search_title"));
    }

    http::Response Show(http::Request& req) const {
        const accounts::Principal* p = accounts::CurrentUser(req);
        std::string name(req.PathParam("name"));
        for (const char* ext : {".jsonld", ".ttl"}) {
            std::string e(ext);
            if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0) {
                Json d = catalog.PackageShow(p, name.substr(0, name.size() - e.size()));
                return Dcat({d}, e == ".ttl", false);
            }
        }
        Json d = catalog.PackageShow(p, name);
        catalog.CountView(d["id"].get<std::string>());
        const CatalogSchema& schema = catalog.schema();
        const DataType* type = schema.FindDataType(d["data_type"].get<std::string>());
        View v;
        v.Set("name", d["name"].get<std::string>()).Set("title", Localized(d, "title", req.locale));
        v.Set("dataset_name", d["name"].get<std::string>());
        std::string notes = Localized(d, "notes", req.locale);
        v.Set("notes", notes).Set("private", d["private"].get<bool>());
        v.Set("notes_html", render::MarkdownToHtml(notes));
        v.Set("draft", d["state"] == "draft");
        if (d.contains("organization")) {
            v.Set("org_title", AgencyTitle(d["organization"], req.locale));
            v.Set("org_name", d["organization"]["name"].get<std::string>());
        }
        v.Set("data_type", type ? type->label.in(req.locale) : d["data_type"].get<std::string>());
        v.Set("modified",
              core::FormatIsoDate(d["metadata_modified"].get<std::string>(), req.locale));
        v.Set("created", core::FormatIsoDate(d["metadata_created"].get<std::string>(), req.locale));
        View tags = View::List();
        for (const auto& t : d["tags"]) {
            View tv;
            tv.Set("name", t["name"].get<std::string>())
                .Set("url", "/dataset?tags=" + core::UrlEncode(t["name"].get<std::string>()));
            tags.Push(std::move(tv));
        }
        v.Set("tags", std::move(tags));
        View groups = View::List();
        for (const auto& g : d["groups"]) {
            View gv;
            gv.Set("name", g["name"].get<std::string>()).Set("title", AgencyTitle(g, req.locale));
            groups.Push(std::move(gv));
        }
        v.Set("groups", std::move(groups)).Set("has_groups", !d["groups"].empty());
        bool can_edit = catalog.CanEdit(p, d["owner_org"].get<std::string>());
        View resources = View::List();
        size_t index = 0;
        for (const auto& r : d["resources"]) {
            View rv;
            rv.Set("id", r["id"].get<std::string>());
            rv.Set("can_edit", can_edit)
                .Set("can_up", can_edit && index > 0)
                .Set("can_down", can_edit && index + 1 < d["resources"].size());
            ++index;
            rv.Set("name", r["name"].get<std::string>())
                .Set("format", r["format"].get<std::string>());
            rv.Set("description", r["description"].get<std::string>())
                .Set("url", r["url"].get<std::string>())
                .Set("uploaded", r["url_type"] == "upload");
            rv.Set("has_size", r["size"].is_number());
            if (r["size"].is_number())
                rv.Set("size", core::HumanSize(static_cast<uint64_t>(
                                   std::max<int64_t>(0, r["size"].get<int64_t>()))));
            resources.Push(std::move(rv));
        }
        v.Set("has_resources", !d["resources"].empty()).Set("resources", std::move(resources));
        View meta = View::List();
        for (const auto& f : schema.dataset_fields()) {
            if (type && !f.InDataType(type->key)) continue;
            if (f.name == "title" || f.name == "name" || f.name == "notes" ||
                f.name == "owner_org" || f.name == "tag_string" || f.name == "data_type")
                continue;
            if (!d.contains(f.name) || d[f.name].is_null() ||
                (d[f.name].is_string() && d[f.name].get<std::string>().empty()) ||
                (d[f.name].is_array() && d[f.name].empty()))
                continue;
            View row;
            row.Set("label", f.label.in(req.locale))
                .Set("value", Display(f, d[f.name], schema, req.locale));
            meta.Push(std::move(row));
        }
        v.Set("metadata", std::move(meta));
        v.Set("api_url",
              "/api/3/action/package_show?id=" + core::UrlEncode(d["name"].get<std::string>()));
        v.Set("activity",
              Activity(catalog.PackageActivityForPage(p, d["id"].get<std::string>(), 10),
                       req.locale));
        v.Set("can_edit", can_edit);
        v.Set("draft_editor", can_edit && d["state"] == "draft");
        // schema.org Dataset for search engines' dataset search.
        // In the page's language, with the title in the other language as alternateName.
        std::string title = Localized(d, "title", req.locale);
        std::string other_title =
            Localized(d, "title", req.locale == "en" ? "th" : std::string("en"));
        bool english = title != d["title"].get<std::string>();
        Json ld = {{"@context", "https://schema.org/"},
                   {"@type", "Dataset"},
                   {"name", title},
                   {"description", notes},
                   {"url", catalog.site_url() + "/dataset/" + d["name"].get<std::string>()},
                   {"identifier", d["id"]},
                   {"dateModified", d["metadata_modified"]},
                   {"inLanguage", english ? "en" : "th"}};
        if (!other_title.empty() && other_title != title) ld["alternateName"] = other_title;
        if (d.contains("organization"))
            ld["creator"] = {{"@type", "GovernmentOrganization"},
                             {"name", AgencyTitle(d["organization"], req.locale)}};
        if (!d["license_url"].get<std::string>().empty()) ld["license"] = d["license_url"];
        Json kw = Json::array();
        for (const auto& t : d["tags"]) kw.push_back(t["name"]);
        ld["keywords"] = kw;
        Json dist = Json::array();
        for (const auto& r : d["resources"])
            dist.push_back({{"@type", "DataDownload"},
                            {"name", r["name"]},
                            {"encodingFormat", r["format"]},
                            {"contentUrl", r["url"]}});
        ld["distribution"] = dist;
        // Escaped for the <script> element it goes into (issue #12 finding 7).
        v.Set("json_ld", core::JsonForHtmlScript(ld));
        for (const auto& extend : extensions.dataset) extend(req, d, v);
        return http::Response::Html(
            pages.Render("opendata/dataset", std::move(v), accounts::PageContextOf(req), title));
    }
};

}  // namespace

// The dataset search (/dataset) on `path`, with `fixed_field`:`fixed_value` as a filter that is
// always on (a group's page); the view the partial partials/dataset_search renders.
View PagesBase::DatasetSearch(http::Request& req, const std::string& path,
                              const std::string& fixed_field,
                              const std::string& fixed_value) const {
    const accounts::Principal* p = accounts::CurrentUser(req);
    SearchParams sp;
    sp.q = req.Query("q");
    sp.rows = 20;
    int page = 1;
    std::string page_param = req.Query("page");
    if (!page_param.empty() && page_param.size() < 6 &&
        page_param.find_first_not_of("0123456789") == std::string::npos)
        page = std::max(1, std::stoi(page_param));
    sp.start = (page - 1) * sp.rows;
    std::string sort = req.Query("sort");
    if (sort == "newest")
        sp.sort = "metadata_modified desc";
    else if (sort == "name")
        sp.sort = "title_string asc";
    else if (sort == "views")
        sp.sort = "views_recent desc";
    sp.include_private = p != nullptr;
    // Active filters, in URL order; each facet value toggles itself in and out.
    std::vector<std::pair<std::string, std::string>> active;
    for (const auto& [k, v] : req.QueryParams())
        for (const char* f : kFacets)
            // A value with a double quote cannot be a facet value: it is ignored.
            if (k == f && k != fixed_field && !v.empty() && v.find('"') == std::string::npos) {
                active.emplace_back(k, v);
                sp.fq.push_back(k + ":\"" + v + "\"");
            }
    // The page's own filter (a group's page: its group) is always on and not offered.
    if (!fixed_field.empty()) sp.fq.push_back(fixed_field + ":\"" + fixed_value + "\"");
    for (const char* f : kFacets)
        if (f != fixed_field) sp.facet_fields.push_back(f);
    auto url = [&](const std::vector<std::pair<std::string, std::string>>& filters, int to_page) {
        std::string u = path + "?";
        if (!sp.q.empty()) u += "q=" + core::UrlEncode(sp.q) + "&";
        for (const auto& [k, v] : filters) u += k + "=" + core::UrlEncode(v) + "&";
        if (!sort.empty()) u += "sort=" + core::UrlEncode(sort) + "&";
        if (to_page > 1) u += "page=" + std::to_string(to_page) + "&";
        u.pop_back();
        return u;
    };
    View v;
    v.Set("q", sp.q);
    v.Set("can_add", p && !catalog.OrganizationListForUser(p, "create_dataset").empty());
    Json result;
    try {
        result = catalog.PackageSearch(p, sp);
    } catch (const HttpError& e) {
        if (e.code() != "search_query") throw;
        v.Set("query_error", e.message());
        result = {{"count", 0}, {"results", Json::array()}, {"search_facets", Json::object()}};
    }
    int64_t count = result["count"].get<int64_t>();
    v.Set("count", count)
        .Set("count_label", DatasetCount(count, req.locale))
        .Set("has_results", count > 0);
    View results = View::List();
    for (const auto& d : result["results"]) {
        View item;
        item.Set("name", d["name"].get<std::string>())
            .Set("title", Localized(d, "title", req.locale));
        item.Set("notes", Excerpt(Localized(d, "notes", req.locale), 220));
        item.Set("organization",
                 d.contains("organization") ? AgencyTitle(d["organization"], req.locale) : "");
        item.Set("modified",
                 core::FormatIsoDate(d["metadata_modified"].get<std::string>(), req.locale));
        item.Set("private", d["private"].get<bool>());
        View formats = View::List();
        std::set<std::string> seen;
        for (const auto& r : d["resources"])
            if (r["format"].is_string() && !r["format"].get<std::string>().empty() &&
                seen.insert(r["format"]).second)
                formats.Push(View(r["format"].get<std::string>()));
        item.Set("formats", std::move(formats));
        results.Push(std::move(item));
    }
    v.Set("results", std::move(results));
    View facets = View::List();
    for (const char* f : kFacets) {
        if (f == fixed_field) continue;
        const Json& items = result["search_facets"].contains(f)
                                ? result["search_facets"][f]["items"]
                                : Json::array();
        if (items.empty()) continue;
        View facet;
        facet.Set("title", pages.T(req.locale, std::string("opendata.facet.") + f));
        View list = View::List();
        for (const auto& it : items) {
            std::string value = it["name"].get<std::string>();
            bool on = std::find(active.begin(), active.end(),
                                std::make_pair(std::string(f), value)) != active.end();
            auto toggled = active;
            if (on)
                toggled.erase(std::find(toggled.begin(), toggled.end(),
                                        std::make_pair(std::string(f), value)));
            else
                toggled.emplace_back(f, value);
            // The value in the reader's language (title_translated, which package_search gives
            // where an English form exists: agencies, groups, the GD-Catalog choices).
            std::string label = it["display_name"].get<std::string>();
            if (it.contains("title_translated")) {
                const Json& tt = it["title_translated"];
                if (std::string th = tt.value("th", ""); !th.empty()) label = th;
                if (std::string en = tt.value("en", ""); req.locale == "en" && !en.empty())
                    label = en;
            }
            View entry;
            entry.Set("label", label).Set("count", it["count"].get<int64_t>()).Set("active", on);
            entry.Set("url", url(toggled, 1));
            list.Push(std::move(entry));
        }
        facet.Set("items", std::move(list));
        facets.Push(std::move(facet));
    }
    v.Set("has_facets", !facets.items().empty());
    v.Set("facets", std::move(facets));
    v.Set("has_filters", !active.empty())
        .Set("active_filters", static_cast<int64_t>(active.size()));
    v.Set("action", path).Set("clear_url", url({}, 1));
    View sorts = View::List();
    for (const char* s : {"", "newest", "name", "views"}) {
        View o;
        o.Set("value", s)
            .Set("selected", sort == s)
            .Set("label",
                 pages.T(req.locale, std::string("opendata.sort.") + (*s ? s : "relevance")));
        sorts.Push(std::move(o));
    }
    v.Set("sorts", std::move(sorts));
    View hidden = View::List();
    for (const auto& [k, val] : active) {
        View h;
        h.Set("name", k).Set("value", val);
        hidden.Push(std::move(h));
    }
    v.Set("hidden", std::move(hidden));
    int64_t pages_total = (count + sp.rows - 1) / sp.rows;
    v.Set("page", page).Set("pages", pages_total);
    if (page > 1) v.Set("prev_url", url(active, page - 1)).Set("has_prev", true);
    if (page < pages_total) v.Set("next_url", url(active, page + 1)).Set("has_next", true);
    return v;
}

void RegisterDatasetPages(http::Router& router, CatalogService& catalog,
                          const render::PageRenderer& pages, PageExtensions extensions) {
    auto pg = std::make_shared<DatasetPages>(DatasetPages{{catalog, pages}, std::move(extensions)});
    RegisterResourcePages(router, catalog, pages);
    router.Get("/dataset", [pg](http::Request& req) { return pg->Search(req); });
    // Registered before /dataset/{name} so "new" is never taken for a dataset name.
    router.Get("/dataset/new", [pg](http::Request& req) { return pg->NewForm(req); });
    router.Post("/dataset/new", [pg](http::Request& req) { return pg->Create(req); },
                {.body_limit = 1 << 20, .rate_limit = "form"});
    router.Get("/dataset/{name}/edit", [pg](http::Request& req) { return pg->EditForm(req); });
    router.Get("/dataset/{name}/resource/{id}",
               [pg](http::Request& req) { return pg->ResourcePage(req); });
    router.Get("/dashboard", [pg](http::Request& req) { return pg->Dashboard(req); });
    router.Get("/ckan-admin/trash", [pg](http::Request& req) { return pg->TrashPage(req); });
    router.Post("/ckan-admin/trash/{id}/purge",
                [pg](http::Request& req) { return pg->Purge(req); });
    router.Post("/dataset/{name}/edit", [pg](http::Request& req) { return pg->Update(req); },
                {.body_limit = 1 << 20, .rate_limit = "form"});
    router.Get("/dataset/{name}", [pg](http::Request& req) { return pg->Show(req); });
    router.Get("/dataset/{name}/resource/{id}/download", [&catalog](http::Request& req) {
        ResourceFile f =
            catalog.ResourceDownload(accounts::CurrentUser(req), std::string(req.PathParam("name")),
                                     std::string(req.PathParam("id")));
        http::Response r =
            http::DocumentResponse(req, f.path, f.mimetype, f.filename, req.Query("inline") == "1");
        return r;
    });
}

}  // namespace govhub::catalog::internal

// A dataset's files in the browser, in CKAN's two stages: a new dataset is a draft, then "add
// data" uploads files or gives links until "finish" makes it active with the visibility chosen.
// Editors edit a file's fields, replace its file, reorder and delete files. Every change goes
// through the service methods of the resource_* and package_* actions, so the pages and the API
// refuse the same things and write the same activity.
#include "accounts/middleware.hpp"
#include "core/i18n.hpp"
#include "core/strings.hpp"
#include "opendata/catalog/pages_internal.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace govhub::catalog::internal {

namespace {

using render::View;

// The resource fields every form shows itself (the schema's other fields follow them).
const std::set<std::string> kCoreResourceFields = {"url", "name", "description", "format"};

struct ResourcePages : PagesBase {
    // The dataset `name` names, for an editor of it: 404 when the caller may not read it, 403
    // when they may read but not edit it (anonymous callers go to the login page first).
    Json EditableDataset(http::Request& req) const {
        const accounts::Principal* p = accounts::CurrentUser(req);
        api::RequireUser(p);
        Json d = catalog.PackageShow(p, std::string(req.PathParam("name")));
        if (!catalog.CanEdit(p, d["owner_org"].get<std::string>())) throw HttpError::Forbidden();
        return d;
    }

    // The resource `id` of dataset `d` (404 when it belongs to another dataset).
    Json ResourceOf(http::Request& req, const Json& d) const {
        Json r = catalog.ResourceShow(accounts::CurrentUser(req), std::string(req.PathParam("id")));
        if (r["package_id"] != d["id"]) throw HttpError::NotFound("catalog.no_such_resource");
        return r;
    }

    // The resource dictionary a submitted form describes. Every schema field of the dataset's
    // type is given (empty ones as null), so a field the editor cleared is cleared.
    Json FormResource(http::Request& req, const Json& d) const {
        Json r = Json::object();
        for (const char* k : {"name", "description", "format", "url"})
            r[k] = core::Trim(req.FormValue(k));
        const DataType* type = catalog.schema().FindDataType(d["data_type"].get<std::string>());
        for (const auto& spec : catalog.schema().resource_fields()) {
            if (kCoreResourceFields.count(spec.name) || (type && !spec.InDataType(type->key)))
                continue;
            SchemaFieldValue(spec, req, r);
            if (!r.contains(spec.name)) r[spec.name] = nullptr;
        }
        return r;
    }

    // The uploaded file of the form, when one was chosen.
    static std::optional<UploadedFile> Upload(http::Request& req) {
        const http::Part* part = req.FilePart("upload");
        if (!part || !part->file || (part->filename.empty() && part->size == 0)) return {};
        auto file = part->file;
        return UploadedFile{file->path(), part->filename, part->size,
                            [file](const std::string& dest) { return file->MoveTo(dest); }};
    }

    // The add (`r` null) or edit form of a resource.
    http::Response Form(http::Request& req, const Json& d, const Json* r, const Json& values,
                        const std::vector<FieldError>& errors, int status,
                        const std::string& notice = "") const {
        const std::string& locale = req.locale;
        std::map<std::string, std::string> error_of;
        for (const auto& e : errors) error_of.emplace(e.field, pages.T(locale, e.message));
        auto str = [&](const char* k) {
            return values.contains(k) && values[k].is_string() ? values[k].get<std::string>()
                                                               : std::string();
        };
        bool draft = d["state"] == "draft";
        bool is_new = r == nullptr;
        View v;
        std::string base = "/dataset/" + d["name"].get<std::string>();
        v.Set("dataset_name", d["name"].get<std::string>())
            .Set("dataset_title", d["title"].get<std::string>());
        v.Set("is_new", is_new).Set("draft", draft && is_new);
        v.Set("action", is_new ? base + "/resource/new"
                               : base + "/resource/" + (*r)["id"].get<std::string>() + "/edit");
        // Editing: the heading names the file edited.
        v.Set("heading", pages.T(locale, is_new ? (draft ? "opendata.pub.add_data_title"
                                                         : "opendata.pub.new_resource_title")
                                                : "opendata.pub.edit_resource_title") +
                             (is_new ? std::string() : ": " + (*r)["name"].get<std::string>()));
        v.Set("max_upload", std::to_string(catalog.max_upload_bytes() >> 20));
        v.Set("notice", notice).Set("has_notice", !notice.empty());
        bool uploaded = r && (*r)["url_type"] == "upload";
        v.Set("uploaded", uploaded);
        if (uploaded)
            // The stored file's own name (the dict's url is its download address).
            if (auto src = catalog.FindResourceSource((*r)["id"].get<std::string>()))
                v.Set("current_file", src->resource.url);
        // A link is shown (and edited) for new resources and links, not for uploads.
        v.Set("show_url", !uploaded);
        for (const char* k : {"name", "description", "format", "url"}) v.Set(k, str(k));
        for (const char* k : {"name", "description", "format", "url", "upload"})
            if (auto e = error_of.find(k); e != error_of.end())
                v.Set(std::string("error_") + k, e->second);
        // The files so far, so the officer adding one sees what "finish" will publish.
        int64_t files = static_cast<int64_t>(d["resources"].size());
        v.Set("has_files", is_new && files > 0).Set("file_count", files);
        View list = View::List();
        for (const auto& x : d["resources"]) list.Push(View(x["name"].get<std::string>()));
        v.Set("files", std::move(list));
        // The visibility chosen in the dataset form, applied by "finish"; it can change here.
        bool priv =
            values.contains("private") ? values["private"] == true : d["private"].get<bool>();
        v.Set("private", priv).Set("public", !priv);
        if (draft && is_new && Restricted(d))
            v.Set("restricted", true)
                .Set("restricted_notice",
                     pages.T(locale, core::Message("opendata.pub.restricted_notice",
                                                   {{"category", d.value("data_category", "")}})));
        View fields = View::List();
        const DataType* type = catalog.schema().FindDataType(d["data_type"].get<std::string>());
        for (const auto& spec : catalog.schema().resource_fields()) {
            if (kCoreResourceFields.count(spec.name) || (type && !spec.InDataType(type->key)))
                continue;
            fields.Push(SchemaFieldView(spec, values, error_of, locale));
        }
        v.Set("fields", std::move(fields));
        std::vector<FieldError> summary;
        for (const auto& e : errors) {
            const FieldSpec* spec = catalog.schema().ResourceField(e.field);
            std::string label = e.field == "upload" ? pages.T(locale, "opendata.pub.file")
                                : spec              ? spec->label.in(locale)
                                                    : e.field;
            if (e.field == "name") label = pages.T(locale, "opendata.pub.name");
            if (e.field == "confirm_public") label = pages.T(locale, "opendata.pub.visibility");
            summary.push_back({e.field, label + ": " + pages.T(locale, e.message)});
        }
        pages.AddErrors(v, summary, locale);
        return http::Response::Html(
            pages.Render(
                "opendata/resource_form", std::move(v), accounts::PageContextOf(req),
                is_new ? (draft ? "opendata.pub.add_data_title" : "opendata.pub.new_resource_title")
                       : "opendata.pub.edit_resource_title"),
            status);
    }

    // A dataset classified (GD-Catalog's data_category) as anything but public data (personal,
    // security or official-secret data) is published to everyone only when the officer ticks
    // "confirm_public": a slip of the visibility choice must not make personal data public.
    static bool Restricted(const Json& d) {
        std::string category = d.value("data_category", "");
        return !category.empty() && category != "ข้อมูลสาธารณะ";
    }
    bool NeedsPublicConfirmation(http::Request& req, const Json& d, bool priv) const {
        return !priv && Restricted(d) && req.FormValue("confirm_public") != "1";
    }

    // "finish": the draft becomes active with the visibility chosen. CKAN refuses a dataset
    // with no data at this step; so does govhub (the API may still make an empty active one).
    void Publish(http::Request& req, const Json& d, bool priv) const {
        Json patch = {{"id", d["id"]}, {"state", "active"}, {"private", priv}};
        catalog.PackageUpdate(accounts::CurrentUser(req), patch, true, accounts::CallerOf(req));
    }

    bool ChosenPrivate(http::Request& req, const Json& d) const {
        std::string v = req.FormValue("private");
        if (v == "true") return true;
        if (v == "false") return false;
        return d["private"].get<bool>();
    }

    http::Response NewForm(http::Request& req) const {
        Json d = EditableDataset(req);
        std::string notice;
        if (std::string added = req.Query("added"); !added.empty())
            notice = pages.T(req.locale, "opendata.pub.added");
        return Form(req, d, nullptr, Json::object(), {}, 200, notice);
    }

    http::Response Create(http::Request& req) const {
        Json d = EditableDataset(req);
        std::string base = "/dataset/" + d["name"].get<std::string>();
        std::string next = req.FormValue("next");
        bool draft = d["state"] == "draft";
        bool priv = ChosenPrivate(req, d);
        Json dict = FormResource(req, d);
        Json values = dict;
        values["private"] = priv;
        auto upload = Upload(req);
        bool has_link = !dict["url"].get<std::string>().empty();
        bool empty_form = !upload && !has_link && dict["name"].get<std::string>().empty() &&
                          dict["description"].get<std::string>().empty();
        if (draft && next == "finish" && NeedsPublicConfirmation(req, d, priv))
            return Form(req, d, nullptr, values,
                        {{"confirm_public", "opendata.pub.confirm_public_needed"}}, 422);
        if (draft && next == "finish" && empty_form) {
            // "finish" with nothing more to add: publish what the draft holds.
            if (d["resources"].empty())
                return Form(req, d, nullptr, values, {{"upload", "opendata.pub.need_data"}}, 422);
            Publish(req, d, priv);
            return http::Response::Redirect(base);
        }
        if (upload && has_link)
            return Form(req, d, nullptr, values, {{"url", "opendata.pub.file_or_link"}}, 422);
        if (!upload && !has_link)
            return Form(req, d, nullptr, values,
                        {{"upload", d["resources"].empty() && next == "finish"
                                        ? "opendata.pub.need_data"
                                        : "opendata.pub.give_file_or_link"}},
                        422);
        dict["package_id"] = d["id"];
        if (upload) dict.erase("url");
        // Empty schema fields are simply not given on create.
        for (auto it = dict.begin(); it != dict.end();)
            it = it->is_null() ? dict.erase(it) : std::next(it);
        if (dict["format"] == "") dict.erase("format");
        if (upload && dict["name"] == "") dict.erase("name");
        if (!upload && dict["name"] == "") {
            // A link's name left empty: the last word of its path, as a file keeps its name.
            std::string url = dict["url"].get<std::string>();
            std::string path = url.substr(0, url.find_first_of("?#"));
            while (!path.empty() && path.back() == '/') path.pop_back();
            auto slash = path.rfind('/');
            std::string last = slash == std::string::npos ? path : path.substr(slash + 1);
            dict["name"] = last.empty() || path.find("://") + 3 > slash ? url : last;
        }
        try {
            catalog.ResourceCreate(accounts::CurrentUser(req), dict, accounts::CallerOf(req),
                                   upload ? &*upload : nullptr);
        } catch (const HttpError& e) {
            if (e.status() != 409) throw;
            std::vector<FieldError> errors = e.fields();
            // The browser cannot keep a chosen file: the message says to choose it again.
            if (upload) errors.push_back({"upload", "opendata.pub.choose_again"});
            return Form(req, d, nullptr, values, errors, 422);
        }
        if (next == "again") return http::Response::Redirect(base + "/resource/new?added=1");
        if (draft && next == "finish") Publish(req, d, priv);
        return http::Response::Redirect(base);
    }

    // /dataset/{name}/publish: the "publish" button of a draft's page.
    http::Response PublishPost(http::Request& req) const {
        Json d = EditableDataset(req);
        std::string base = "/dataset/" + d["name"].get<std::string>();
        if (d["state"] != "draft") return http::Response::Redirect(base);
        bool priv = ChosenPrivate(req, d);
        if (d["resources"].empty()) {
            Json values = {{"private", priv}};
            return Form(req, d, nullptr, values, {{"upload", "opendata.pub.need_data"}}, 422);
        }
        if (NeedsPublicConfirmation(req, d, priv))
            return Form(req, d, nullptr, Json{{"private", priv}},
                        {{"confirm_public", "opendata.pub.confirm_public_needed"}}, 422);
        Publish(req, d, priv);
        return http::Response::Redirect(base);
    }

    http::Response EditForm(http::Request& req) const {
        Json d = EditableDataset(req);
        Json r = ResourceOf(req, d);
        return Form(req, d, &r, r, {}, 200);
    }

    http::Response Update(http::Request& req) const {
        Json d = EditableDataset(req);
        Json r = ResourceOf(req, d);
        Json dict = FormResource(req, d);
        Json values = dict;
        auto upload = Upload(req);
        dict["id"] = r["id"];
        if (r["url_type"] == "upload" || upload) dict.erase("url");
        // An upload's format left empty stays the one its content showed.
        if (r["url_type"] == "upload" && !upload && dict["format"] == "")
            dict["format"] = r["format"];
        try {
            catalog.ResourceUpdate(accounts::CurrentUser(req), dict, false, accounts::CallerOf(req),
                                   upload ? &*upload : nullptr);
        } catch (const HttpError& e) {
            if (e.status() != 409) throw;
            std::vector<FieldError> errors = e.fields();
            if (upload) errors.push_back({"upload", "opendata.pub.choose_again"});
            return Form(req, d, &r, values, errors, 422);
        }
        return http::Response::Redirect("/dataset/" + d["name"].get<std::string>() + "/resource/" +
                                        r["id"].get<std::string>());
    }

    // The confirmation step of a delete (a GET never changes anything).
    http::Response DeleteForm(http::Request& req) const {
        Json d = EditableDataset(req);
        Json r = ResourceOf(req, d);
        View v;
        v.Set("dataset_name", d["name"].get<std::string>())
            .Set("dataset_title", d["title"].get<std::string>());
        v.Set("id", r["id"].get<std::string>()).Set("name", r["name"].get<std::string>());
        // Only a file loaded into the data API has a table that goes with it.
        bool has_table = r.value("datastore_active", false);
        v.Set("confirm", pages.T(req.locale, has_table ? "opendata.pub.delete_confirm"
                                                       : "opendata.pub.delete_confirm_plain"));
        return http::Response::Html(pages.Render("opendata/resource_delete", std::move(v),
                                                 accounts::PageContextOf(req),
                                                 "opendata.pub.delete_title"));
    }

    http::Response Delete(http::Request& req) const {
        Json d = EditableDataset(req);
        Json r = ResourceOf(req, d);
        catalog.ResourceDelete(accounts::CurrentUser(req), r["id"].get<std::string>(),
                               accounts::CallerOf(req));
        return http::Response::Redirect("/dataset/" + d["name"].get<std::string>());
    }

    // Move one file up or down (the dataset page's buttons; package_resource_reorder).
    http::Response Move(http::Request& req) const {
        Json d = EditableDataset(req);
        Json r = ResourceOf(req, d);
        std::string to = req.FormValue("to");
        if (to != "up" && to != "down")
            throw HttpError::Validation({{"to", "opendata.pub.bad_move"}});
        std::vector<std::string> order;
        for (const auto& x : d["resources"]) order.push_back(x["id"].get<std::string>());
        auto it = std::find(order.begin(), order.end(), r["id"].get<std::string>());
        if (to == "up" && it != order.begin()) std::iter_swap(it, it - 1);
        if (to == "down" && it + 1 != order.end()) std::iter_swap(it, it + 1);
        catalog.PackageResourceReorder(accounts::CurrentUser(req), d["id"].get<std::string>(),
                                       order, accounts::CallerOf(req));
        return http::Response::Redirect("/dataset/" + d["name"].get<std::string>() +
                                        "#resources-heading");
    }
};

}  // namespace

void RegisterResourcePages(http::Router& router, CatalogService& catalog,
                           const render::PageRenderer& pages) {
    auto pg = std::make_shared<ResourcePages>(ResourcePages{{catalog, pages}});
    // Uploads are streamed to a temp file; the body cap is the site's upload cap (413 past it).
    http::RouteOptions upload{
        .body_limit = static_cast<size_t>(catalog.max_upload_bytes()) + (1 << 20),
        .upload = true,
        .rate_limit = "form"};
    http::RouteOptions form{.body_limit = 64 << 10, .rate_limit = "form"};
    router.Get("/dataset/{name}/resource/new",
               [pg](http::Request& req) { return pg->NewForm(req); });
    router.Post(
        "/dataset/{name}/resource/new", [pg](http::Request& req) { return pg->Create(req); },
        upload);
    router.Post(
        "/dataset/{name}/publish", [pg](http::Request& req) { return pg->PublishPost(req); }, form);
    router.Get("/dataset/{name}/resource/{id}/edit",
               [pg](http::Request& req) { return pg->EditForm(req); });
    router.Post(
        "/dataset/{name}/resource/{id}/edit", [pg](http::Request& req) { return pg->Update(req); },
        upload);
    router.Get("/dataset/{name}/resource/{id}/delete",
               [pg](http::Request& req) { return pg->DeleteForm(req); });
    router.Post(
        "/dataset/{name}/resource/{id}/delete",
        [pg](http::Request& req) { return pg->Delete(req); }, form);
    router.Post(
        "/dataset/{name}/resource/{id}/move", [pg](http::Request& req) { return pg->Move(req); },
        form);
}

}  // namespace govhub::catalog::internal

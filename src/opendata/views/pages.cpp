#include "opendata/views/pages.hpp"

#include <fstream>

#include "accounts/middleware.hpp"
#include "accounts/safe_redirect.hpp"
#include "core/json_reader.hpp"
#include "core/strings.hpp"
#include "core/text_encoding.hpp"
#include "http/security_headers.hpp"
#include "opendata/views/auth.hpp"

namespace govhub::views {

namespace {

using render::View;

// The chart data URL of a chart's settings.
std::string ChartSrc(const std::string& rid, const Json& cfg) {
    std::string url = "/api/datastore/" + rid + "/chart?x=" + core::UrlEncode(cfg.value("x", "")) +
                      "&aggregate=" + core::UrlEncode(cfg.value("aggregate", "count"));
    if (cfg.contains("y")) url += "&y=" + core::UrlEncode(cfg.value("y", ""));
    url += "&limit=" + std::to_string(cfg.value("limit", 50));
    url += "&order=" + core::UrlEncode(cfg.value("order", "x"));
    return url;
}

std::string MapSrc(const std::string& rid, const Json& cfg) {
    std::string url = "/api/datastore/" + rid + "/geojson";
    if (cfg.contains("lat"))
        url += "?lat=" + core::UrlEncode(cfg.value("lat", "")) +
               "&lon=" + core::UrlEncode(cfg.value("lon", ""));
    return url;
}

// A view as a figure: the canvas the script draws in, and the same numbers as a table.
View Figure(datastore::DatastoreService& ds, const accounts::Principal* p, const std::string& rid,
            const std::string& type, const Json& cfg, const std::string& title,
            const MapTiles& tiles) {
    View f;
    f.Set("title", title).Set("description", "");
    if (type == "chart_view") {
        f.Set("chart", true)
            .Set("chart_type", cfg.value("chart_type", "bar"))
            .Set("src", ChartSrc(rid, cfg));
        try {
            Json data = ds.ChartData(p, rid,
                                     {{"x", cfg.value("x", "")},
                                      {"y", cfg.value("y", "")},
                                      {"aggregate", cfg.value("aggregate", "count")},
                                      {"limit", cfg.value("limit", 50)},
                                      {"order", cfg.value("order", "x")}});
            View rows = View::List();
            for (size_t i = 0; i < data["x"].size(); ++i) {
                View r;
                const Json& x = data["x"][i];
                const Json& y = data["y"][i];
                r.Set("x", x.is_string() ? x.get<std::string>() : x.dump())
                    .Set("y", y.is_null() ? std::string() : y.dump());
                rows.Push(std::move(r));
            }
            f.Set("rows", std::move(rows)).Set("x_label", data["x_label"].get<std::string>());
            std::string agg = data["aggregate"];
            f.Set("y_label", agg == "count" ? std::string("count")
                                            : agg + "(" + data.value("y_field", "") + ")");
        } catch (const HttpError& e) {
            f.Set("broken", true).Set("why", e.message());
        }
    } else if (type == "map_view") {
        f.Set("map", true)
            .Set("src", MapSrc(rid, cfg))
            .Set("tiles", tiles.url)
            .Set("attribution", tiles.attribution);
    }
    return f;
}

View SavedViews(ViewService& views, datastore::DatastoreService& ds, const accounts::Principal* p,
                const std::vector<ResourceView>& list, const MapTiles& tiles, bool editor,
                const std::string& dataset_name) {
    View out = View::List();
    for (const auto& v : list) {
        if (v.view_type == "datatables_view") continue;
        Json cfg = Json::parse(v.config, nullptr, false);
        if (!cfg.is_object()) cfg = Json::object();
        View f = Figure(ds, p, v.resource_id, v.view_type, cfg, v.title, tiles);
        f.Set("id", v.id)
            .Set("description", v.description)
            .Set("editor", editor)
            .Set("embed_url", "/view/" + v.id + "/embed")
            .Set("resource_url", "/dataset/" + dataset_name + "/resource/" + v.resource_id);
        out.Push(std::move(f));
    }
    (void)views;
    return out;
}

}  // namespace

catalog::ResourcePageExtension ResourceViewsPanel(ViewService& views,
                                                  datastore::DatastoreService& ds,
                                                  const render::PageRenderer& pages,
                                                  const MapTiles& tiles) {
    return [&views, &ds, &pages, &tiles](http::Request& req, const Json& dataset,
                                         const Json& resource, View& page) -> int {
        const accounts::Principal* p = accounts::CurrentUser(req);
        const std::string rid = resource["id"];
        auto [src, held] = ds.Access(p, rid);
        bool editor = CanEditView(p, held);
        auto table = ds.TableOf(p, rid);
        if (!table) return 0;
        View v;
        std::string base = "/dataset/" + dataset["name"].get<std::string>() + "/resource/" + rid;
        v.Set("base", base).Set("editor", editor);
        v.Set("saved", SavedViews(views, ds, p, views.ForResource(p, rid), tiles, editor,
                                  dataset["name"].get<std::string>()));
        // The explorer: any visitor builds a chart from the table; editors may save it.
        View fields = View::List(), numbers = View::List();
        std::string ex_x = req.Query("chart_x"), ex_y = req.Query("chart_y");
        for (const auto& f : table->fields) {
            View o;
            o.Set("id", f.id)
                .Set("label", f.label.empty() ? f.id : f.label)
                .Set("selected_x", f.id == ex_x)
                .Set("selected_y", f.id == ex_y);
            fields.Push(o);
            if (f.type == datastore::FieldType::kInt || f.type == datastore::FieldType::kNumeric)
                numbers.Push(o);
        }
        v.Set("fields", std::move(fields)).Set("numbers", std::move(numbers));
        View types = View::List(), aggs = View::List();
        std::string ex_type = req.Query("chart_type", "bar"),
                    ex_agg = req.Query("chart_agg", "sum");
        for (const char* t : {"bar", "line", "pie", "scatter"}) {
            View o;
            o.Set("value", t)
                .Set("label", pages.T(req.locale, std::string("views.chart_") + t))
                .Set("selected", ex_type == t);
            types.Push(o);
        }
        for (const char* a : {"sum", "avg", "count"}) {
            View o;
            o.Set("value", a)
                .Set("label", pages.T(req.locale, std::string("views.agg_") + a))
                .Set("selected", ex_agg == a);
            aggs.Push(o);
        }
        v.Set("chart_types", std::move(types)).Set("aggregates", std::move(aggs));
        if (!ex_x.empty()) {
            Json cfg = {{"chart_type", ex_type}, {"x", ex_x}, {"aggregate", ex_agg}, {"limit", 50}};
            if (!ex_y.empty()) cfg["y"] = ex_y;
            try {
                cfg = views.ValidConfig("chart_view", cfg, &*table);
                v.Set("explored", Figure(ds, p, rid, "chart_view", cfg,
                                         pages.T(req.locale, "views.unsaved_chart"), tiles))
                    .Set("has_explored", true);
                v.Set("explored_config", cfg.dump());
            } catch (const HttpError& e) {
                v.Set("explore_error", e.fields().empty()
                                           ? e.message()
                                           : e.fields()[0].field + ": " + e.fields()[0].message)
                    .Set("has_explore_error", true);
            }
        }
        // A map of the rows, when the table has places.
        bool geometry = false;
        for (const auto& f : table->fields) geometry = geometry || f.id == "geometry";
        if (geometry || datastore::DatastoreService::GuessLatLon(*table))
            v.Set("map", Figure(ds, p, rid, "map_view", Json::object(),
                                pages.T(req.locale, "views.map_of_rows"), tiles))
                .Set("has_map", true);
        page.Set("views", std::move(v));
        return 0;
    };
}

catalog::ResourcePageExtension FilePreviewPanel(datastore::DatastoreService& ds) {
    return [&ds](http::Request& req, const Json& dataset, const Json& resource, View& page) -> int {
        const accounts::Principal* p = accounts::CurrentUser(req);
        const std::string rid = resource["id"];
        auto src = ds.Access(p, rid).source;
        if (src.file_path.empty()) return 0;
        const std::string& mime = src.resource.mimetype;
        std::string inline_url = "/dataset/" + dataset["name"].get<std::string>() + "/resource/" +
                                 rid + "/download?inline=1";
        View v;
        if (mime == "application/pdf") {
            v.Set("pdf", true).Set("src", inline_url);
        } else if (mime == "image/png" || mime == "image/jpeg") {
            v.Set("image", true).Set("src", inline_url).Set("alt", src.resource.name);
        } else if (mime == "text/plain" || mime == "application/json" ||
                   mime == "application/xml") {
            if (ds.TableOf(p, rid)) return 0;  // a JSON array that became a table
            std::ifstream in(src.file_path, std::ios::binary);
            std::string head(64 * 1024, '\0');
            in.read(head.data(), static_cast<std::streamsize>(head.size()));
            head.resize(static_cast<size_t>(in.gcount()));
            bool cut = in.peek() != EOF;
            std::string text;
            if (mime == "application/json" && !cut) {
                // An uploaded file is outside input: dump() below recurses, so the tree is
                // bounded; a file past the bounds is shown as it is.
                Json parsed = core::ParseJsonIfWithinLimits(head);
                if (!parsed.is_discarded())
                    text = parsed.dump(2, ' ', false, Json::error_handler_t::replace);
            }
            if (text.empty()) {
                try {
                    auto enc = core::DetectEncodingOf(head);
                    text = enc.name == "UTF-8" ? head.substr(enc.bom) : core::ToUtf8(head, enc);
                } catch (const std::exception&) {
                    return 0;  // binary: nothing to show
                }
            }
            v.Set("text", true).Set("content", text).Set("cut", cut);
        } else {
            return 0;
        }
        page.Set("preview", std::move(v));
        return 0;
    };
}

catalog::DatasetPageExtension DatasetViewsPanel(ViewService& views, datastore::DatastoreService& ds,
                                                const MapTiles& tiles) {
    return [&views, &ds, &tiles](http::Request& req, const Json& dataset, View& page) {
        const accounts::Principal* p = accounts::CurrentUser(req);
        auto list = views.ForDataset(p, dataset["id"].get<std::string>());
        if (list.empty()) return;
        View v;
        v.Set("saved",
              SavedViews(views, ds, p, list, tiles, false, dataset["name"].get<std::string>()));
        page.Set("views", std::move(v));
    };
}

void RegisterPages(http::Router& router, ViewService& views, datastore::DatastoreService& ds,
                   const render::PageRenderer& pages, const MapTiles& tiles) {
    // Saves the chart the explorer built (its settings arrive checked again).
    router.Post("/dataset/{name}/resource/{id}/views",
                [&views](http::Request& req) {
                    const accounts::Principal* p = accounts::CurrentUser(req);
                    if (!p) throw HttpError::Unauthorized();
                    Json cfg = core::ParseJsonBoundedOrDiscarded(req.FormValue("config"));
                    if (!cfg.is_object())
                        throw HttpError::Validation({{"config", "must be an object"}});
                    Json dict = cfg;
                    dict["resource_id"] = std::string(req.PathParam("id"));
                    dict["view_type"] = "chart_view";
                    dict["title"] = req.FormValue("title");
                    views.Create(p, dict, accounts::CallerOf(req));
                    return http::Response::Redirect(
                        "/dataset/" + std::string(req.PathParam("name")) + "/resource/" +
                        std::string(req.PathParam("id")) + "#views");
                },
                {.body_limit = 64 << 10, .rate_limit = "form"});
    router.Post("/view/{id}/delete",
                [&views](http::Request& req) {
                    const accounts::Principal* p = accounts::CurrentUser(req);
                    if (!p) throw HttpError::Unauthorized();
                    ResourceView v = views.Get(p, std::string(req.PathParam("id")));
                    views.Delete(p, v.id, accounts::CallerOf(req));
                    return http::Response::Redirect(
                        accounts::SafeRedirect(req.FormValue("next", "/dataset"), "/dataset"));
                },
                {.body_limit = 64 << 10, .rate_limit = "form"});
    // A view alone, for other sites to embed in a frame.
    router.Get("/view/{id}/embed", [&views, &ds, &pages, &tiles](http::Request& req) {
        const accounts::Principal* p = accounts::CurrentUser(req);
        ResourceView v = views.Get(p, std::string(req.PathParam("id")));
        Json cfg = Json::parse(v.config, nullptr, false);
        View body = Figure(ds, p, v.resource_id, v.view_type,
                           cfg.is_object() ? cfg : Json::object(), v.title, tiles);
        body.Set("lang", req.locale);
        http::Response r =
            http::Response::Html(pages.RenderBare("views/embed", std::move(body), req.locale));
        r.headers.Set("Content-Security-Policy", http::ContentSecurityPolicy("*"));
        r.headers.Set("X-Frame-Options", "ALLOWALL");
        r.headers.Set("Cache-Control", "public, max-age=60");
        return r;
    });
}

namespace {

// Help texts (CKAN docstring style; help_show answers them).
constexpr const char* kViewSettings =
    ":param view_type: chart_view, map_view or datatables_view\n"
    ":type view_type: string\n"
    ":param title: the title (at most 300 bytes)\n"
    ":type title: string\n"
    ":param description: the description\n"
    ":type description: string\n"
    ":param config: the settings (or give them at the top level): chart_view: chart_type "
    "(bar, line, pie, scatter), aggregate (count, sum, avg; none for scatter), x, y, limit "
    "(1 to 1000, default 50), order (x or value); map_view: lat and lon (or a geometry field), "
    "label; datatables_view: fields, sort\n"
    ":type config: dictionary (or a string holding JSON)\n\n";
constexpr const char* kViewCreate =
    "Saves a chart, map or table view of a resource's datastore table. Editors and admins of "
    "the dataset's organization, sysadmins.\n\n"
    ":param resource_id: the resource's id\n"
    ":type resource_id: string\n";
constexpr const char* kViewUpdate =
    "Replaces a view's title, description and settings. Editors and admins of the dataset's "
    "organization, sysadmins.\n\n"
    ":param id: the view's id\n"
    ":type id: string\n";
constexpr const char* kViewPatch =
    "Changes only the given title, description or settings of a view (settings are merged). "
    "Editors and admins of the dataset's organization, sysadmins.\n\n"
    ":param id: the view's id\n"
    ":type id: string\n";
constexpr const char* kViewReturns = ":returns: the view\n:rtype: dictionary";

std::string ViewHelp(const char* head) {
    return std::string(head) + kViewSettings + kViewReturns;
}

}  // namespace

void RegisterApi(api::ActionRegistry& a, ViewService& views) {
    using api::ActionContext;
    a.Add("resource_view_create",
          [&views](ActionContext& ctx) { return views.Create(ctx.user, ctx.params, ctx.caller); },
          {.help = ViewHelp(kViewCreate)});
    a.Add("resource_view_update",
          [&views](ActionContext& ctx) {
              return views.Update(ctx.user, ctx.params, false, ctx.caller);
          },
          {.help = ViewHelp(kViewUpdate)});
    a.Add("resource_view_patch",
          [&views](ActionContext& ctx) {
              return views.Update(ctx.user, ctx.params, true, ctx.caller);
          },
          {.help = ViewHelp(kViewPatch)});
    a.Add("resource_view_delete",
          [&views](ActionContext& ctx) -> Json {
              views.Delete(ctx.user, ctx.args.Require("id"), ctx.caller);
              return nullptr;
          },
          {.help = "Deletes a view. Editors and admins of the dataset's organization, "
                   "sysadmins.\n\n"
                   ":param id: the view's id\n"
                   ":type id: string\n\n"
                   ":returns: null"});
    a.Add("resource_view_show",
          [&views](ActionContext& ctx) { return views.Show(ctx.user, ctx.args.Require("id")); },
          {.help = "Returns a view of a resource the caller may read.\n\n"
                   ":param id: the view's id\n"
                   ":type id: string\n\n"
                   ":returns: id, resource_id, package_id, view_type, title, description, "
                   "position and the settings\n"
                   ":rtype: dictionary",
           .side_effect_free = true});
    a.Add("resource_view_list",
          [&views](ActionContext& ctx) { return views.List(ctx.user, ctx.args.Require("id")); },
          {.help = "Lists the views of a resource the caller may read, in their order.\n\n"
                   ":param id: the resource's id\n"
                   ":type id: string\n\n"
                   ":rtype: list of dictionaries",
           .side_effect_free = true});
}

}  // namespace govhub::views

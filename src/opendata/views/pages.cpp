#include "opendata/views/pages.hpp"

#include <fstream>

#include "accounts/middleware.hpp"
#include "accounts/safe_redirect.hpp"
#include "core/json_reader.hpp"
#include "core/strings.hpp"
#include "http/security_headers.hpp"
#include "opendata/datastore/encoding.hpp"

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
        auto [src, editor] = ds.Access(p, rid);
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
        auto [src, editor] = ds.Access(p, rid);
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
                    auto enc = datastore::DetectEncodingOf(head);
                    text =
                        enc.name == "UTF-8" ? head.substr(enc.bom) : datastore::ToUtf8(head, enc);
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

void RegisterApi(ckan_api::ActionRegistry& a, ViewService& views) {
    using ckan_api::ActionContext;
    const ckan_api::ActionOptions read{.side_effect_free = true};
    auto user = [](ActionContext& ctx) { return accounts::CurrentUser(ctx.req); };
    a.Add("resource_view_create", [&views, user](ActionContext& ctx) {
        return views.Create(user(ctx), ctx.params, accounts::CallerOf(ctx.req));
    });
    a.Add("resource_view_update", [&views, user](ActionContext& ctx) {
        return views.Update(user(ctx), ctx.params, false, accounts::CallerOf(ctx.req));
    });
    a.Add("resource_view_patch", [&views, user](ActionContext& ctx) {
        return views.Update(user(ctx), ctx.params, true, accounts::CallerOf(ctx.req));
    });
    a.Add("resource_view_delete", [&views, user](ActionContext& ctx) -> Json {
        views.Delete(user(ctx), ckan_api::RequireString(ctx, "id"), accounts::CallerOf(ctx.req));
        return nullptr;
    });
    a.Add(
        "resource_view_show",
        [&views, user](ActionContext& ctx) {
            return views.Show(user(ctx), ckan_api::RequireString(ctx, "id"));
        },
        read);
    a.Add(
        "resource_view_list",
        [&views, user](ActionContext& ctx) {
            return views.List(user(ctx), ckan_api::RequireString(ctx, "id"));
        },
        read);
}

}  // namespace govhub::views

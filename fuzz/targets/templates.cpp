// The site's real page templates (web/templates) rendered with hostile values: the dataset
// page (with its JSON-LD in a <script> element, core::JsonForHtmlScript), the search results,
// the resource page with its file preview, data table, API examples and chart views, an
// organization, and an embedded view, each inside the layout (render::PageRenderer), with views
// in the shape catalog/pages.cpp, datastore/pages.cpp and views/pages.cpp build them. Input:
// eight values, one per line (Thai, markup, braces, invalid UTF-8, anything).
//
// Invariants: a value never changes the page's markup — the tags and attribute names are those
// of the same page rendered with a plain value ("x") in place of each value; no event-handler
// attribute and no javascript: URL; the JSON-LD holds no "</" or "<!--" and reads back as JSON.
// Markdown (notes_html, description_html) is markup by design: both renderings get the same
// (the markdown target checks it).
#include <array>
#include <string>

#include "core/i18n.hpp"
#include "core/json_html.hpp"
#include "core/strings.hpp"
#include "fuzz_target.hpp"
#include "html_scan.hpp"
#include "render/markdown.hpp"
#include "render/page.hpp"
#include "render/templates.hpp"

namespace {

using govhub::render::View;
using Values = std::array<std::string, 8>;

struct Site {
    govhub::render::Templates templates;
    govhub::core::I18n i18n;
    govhub::render::PageRenderer pages{templates, i18n, "govhub"};
    Site() {
        templates.LoadDirectory(std::string(GOVHUB_SOURCE_DIR) + "/web/templates");
        i18n.LoadDirectory(std::string(GOVHUB_SOURCE_DIR) + "/web/i18n");
    }
};

const Site& TheSite() {
    static const Site site;
    return site;
}

std::string Enc(const std::string& s) {
    return govhub::core::UrlEncode(s);
}

View List(std::initializer_list<View> items) {
    View l = View::List();
    for (const auto& i : items) l.Push(i);
    return l;
}

// catalog/pages.cpp Show.
View DatasetView(const Values& v, const std::string& notes_html, std::string& json_ld_out) {
    View d;
    d.Set("name", v[5]).Set("title", v[0]).Set("dataset_name", v[5]);
    d.Set("notes", v[2]).Set("private", true).Set("notes_html", notes_html).Set("draft", true);
    d.Set("org_title", v[1]).Set("org_name", v[4]).Set("data_type", v[6]);
    d.Set("modified", v[3]).Set("created", v[7]);
    View tag;
    tag.Set("name", v[3]).Set("url", "/dataset?tags=" + Enc(v[3]));
    d.Set("tags", List({tag, tag}));
    d.Set("groups", List({View(v[4])})).Set("has_groups", true);
    View r;
    r.Set("id", v[5]).Set("name", v[0]).Set("format", v[6]).Set("description", v[2]);
    r.Set("url", "https://" + v[7]).Set("has_size", true).Set("size", "1.5 MB");
    d.Set("has_resources", true).Set("resources", List({r}));
    View meta;
    meta.Set("label", v[1]).Set("value", v[4]);
    d.Set("metadata", List({meta}));
    d.Set("api_url", "/api/3/action/package_show?id=" + Enc(v[5]));
    View act;
    act.Set("when", v[3]).Set("what", v[6]).Set("fields", v[7]).Set("has_fields", !v[7].empty());
    d.Set("activity", List({act}));
    d.Set("can_edit", true);
    nlohmann::json ld = {{"@context", "https://schema.org/"},
                         {"@type", "Dataset"},
                         {"name", v[0]},
                         {"description", v[2]},
                         {"url", "https://data.example.go.th/dataset/" + v[5]},
                         {"identifier", v[5]},
                         {"dateModified", v[3]},
                         {"inLanguage", "th"},
                         {"creator", {{"@type", "GovernmentOrganization"}, {"name", v[1]}}},
                         {"keywords", {v[3], v[4]}},
                         {"distribution",
                          {{{"@type", "DataDownload"},
                            {"name", v[0]},
                            {"encodingFormat", v[6]},
                            {"contentUrl", "https://" + v[7]}}}}};
    json_ld_out = govhub::core::JsonForHtmlScript(ld);
    d.Set("json_ld", json_ld_out);
    return d;
}

// catalog/pages.cpp Search.
View SearchView(const Values& v) {
    View s;
    s.Set("can_add", true).Set("q", v[0]);
    View hidden;
    hidden.Set("name", v[1]).Set("value", v[2]);
    s.Set("hidden", List({hidden}));
    View sort;
    sort.Set("value", v[3]).Set("label", v[4]).Set("selected", true);
    s.Set("sorts", List({sort}));
    s.Set("query_error", v[5]).Set("has_filters", true);
    View item;
    item.Set("url", "/dataset?q=" + Enc(v[0]) + "&tags=" + Enc(v[6])).Set("label", v[6]);
    item.Set("count", int64_t{3}).Set("active", true);
    View facet;
    facet.Set("title", v[7]).Set("items", List({item}));
    s.Set("facets", List({facet}));
    s.Set("count", int64_t{1}).Set("has_results", true);
    View res;
    res.Set("name", v[1]).Set("title", v[0]).Set("private", true).Set("organization", v[2]);
    res.Set("modified", v[3]).Set("notes", v[4]).Set("formats", List({View(v[6])}));
    s.Set("results", List({res}));
    s.Set("has_prev", true).Set("prev_url", "/dataset?q=" + Enc(v[0]) + "&page=1");
    s.Set("has_next", true).Set("next_url", "/dataset?q=" + Enc(v[0]) + "&page=3");
    s.Set("page", int64_t{2}).Set("pages", int64_t{3});
    return s;
}

// views/pages.cpp: a chart and a map.
View Figure(const Values& v) {
    View f;
    f.Set("title", v[0]).Set("description", v[1]);
    View chart;
    chart.Set("src", "/api/views/chart?x=" + Enc(v[2])).Set("chart_type", v[3]);
    View row;
    row.Set("x", v[4]).Set("y", v[5]);
    chart.Set("x_label", v[2]).Set("y_label", v[6]).Set("rows", List({row}));
    f.Set("chart", chart);
    return f;
}

View MapFigure(const Values& v) {
    View f;
    f.Set("title", v[7]);
    View map;
    map.Set("src", "/api/views/geojson?label=" + Enc(v[4])).Set("tiles", v[5]);
    map.Set("attribution", v[6]);
    f.Set("map", map);
    return f;
}

// catalog/pages.cpp ResourcePage with the datastore and views extensions.
View ResourceView(const Values& v) {
    View r;
    r.Set("dataset_name", v[5]).Set("dataset_title", v[0]).Set("name", v[1]);
    r.Set("description", v[2]).Set("format", v[6]).Set("url", "https://" + v[7]);
    r.Set("has_size", true).Set("size", "12 KB").Set("hash", v[3]).Set("has_hash", true);
    r.Set("modified", v[4]);
    View meta;
    meta.Set("label", v[4]).Set("value", v[3]);
    r.Set("metadata", List({meta}));
    r.Set("api_url", "/api/3/action/resource_show?id=" + Enc(v[5]));
    View preview;
    View text;
    text.Set("content", v[2]).Set("cut", true);
    View image;
    image.Set("src", "/dataset/" + Enc(v[5]) + "/resource/x/download?inline=1").Set("alt", v[1]);
    preview.Set("text", text).Set("image", image);
    r.Set("preview", preview);

    View ds;
    View load;
    load.Set("state", "failed").Set("state_label", v[0]).Set("running", true);
    load.Set("message", v[1]).Set("progress_value", int64_t{5}).Set("progress_max", int64_t{10});
    load.Set("percent", int64_t{50}).Set("has_error", true).Set("error", v[2]);
    View log;
    log.Set("level", "warn").Set("at", v[3]).Set("message", v[4]);
    load.Set("show_log", true).Set("log", List({log}));
    ds.Set("has_load", true).Set("load", load).Set("editor", true);
    ds.Set("base", "/dataset/" + Enc(v[5]) + "/resource/r1");
    View sheet;
    sheet.Set("name", v[6]).Set("selected", true);
    ds.Set("has_sheets", true).Set("sheets", List({sheet})).Set("has_table", true);
    View table;
    table.Set("row_count", int64_t{3}).Set("total", int64_t{1});
    View hidden;
    hidden.Set("name", "filter." + v[0]).Set("value", v[1]);
    table.Set("hidden", List({hidden})).Set("q", v[2]);
    View col;
    col.Set("aria_sort", "none").Set("numeric", true).Set("sort_url", "?sort=" + Enc(v[0]));
    col.Set("id", v[0]).Set("type", "text").Set("label", v[3]).Set("sorted", true);
    col.Set("sort_desc", true).Set("filter_name", "filter." + v[0]).Set("filter_value", v[1]);
    table.Set("columns", List({col}));
    View cell;
    cell.Set("numeric", false).Set("empty", v[4].empty()).Set("value", v[4]);
    View row;
    row.Set("cells", List({cell, cell}));
    table.Set("rows", List({row})).Set("empty", false);
    table.Set("has_prev", true).Set("prev_url", "?q=" + Enc(v[2]) + "&offset=0");
    table.Set("page", int64_t{1}).Set("pages", int64_t{1});
    View field;
    field.Set("index", int64_t{0}).Set("shown", true).Set("label", v[3]);
    table.Set("all_fields", List({field}));
    table.Set("csv_url", "/datastore/dump/r1?q=" + Enc(v[2]));
    table.Set("xlsx_url", "/datastore/dump/r1?format=xlsx&q=" + Enc(v[2]));
    table.Set("json_url", "/datastore/dump/r1?format=json&q=" + Enc(v[2]));
    ds.Set("table", table);
    View api;
    api.Set("search_url",
            "https://data.example.go.th/api/3/action/datastore_search?q=" + Enc(v[2]));
    api.Set("curl", "curl '...q=" + v[2] + "'").Set("python", "q = '" + v[3] + "'");
    api.Set("js", "fetch('" + v[4] + "')").Set("sql", "SELECT * FROM \"" + v[5] + "\"");
    api.Set("sql_url", "/api/3/action/datastore_search_sql?sql=" + Enc(v[5]));
    api.Set("dump_url", "/datastore/dump/r1").Set("openapi_url", "/datastore/r1/openapi.json");
    ds.Set("api", api);
    View dict;
    dict.Set("index", int64_t{0}).Set("id", v[0]).Set("type", "text").Set("label", v[1]);
    dict.Set("description", v[2]);
    View type;
    type.Set("value", "text").Set("label", v[6]).Set("selected", true);
    dict.Set("types", List({type}));
    ds.Set("dictionary", List({dict}));
    r.Set("datastore", ds);

    View views;
    View saved = Figure(v);
    saved.Set("embed_url", "/view/" + Enc(v[5]) + "/embed").Set("editor", true);
    saved.Set("id", v[5]).Set("resource_url", "/dataset/" + Enc(v[5]) + "/resource/r1");
    views.Set("saved", List({saved}));
    views.Set("has_map", true).Set("map", MapFigure(v));
    View ct;
    ct.Set("value", "bar").Set("label", v[7]).Set("selected", true);
    views.Set("chart_types", List({ct})).Set("aggregates", List({ct}));
    View f;
    f.Set("id", v[0]).Set("label", v[1]).Set("selected_x", true).Set("selected_y", true);
    views.Set("fields", List({f})).Set("numbers", List({f}));
    views.Set("has_explore_error", true).Set("explore_error", v[2]);
    views.Set("has_explored", true).Set("explored", Figure(v)).Set("editor", true);
    views.Set("base", "/dataset/" + Enc(v[5]) + "/resource/r1");
    views.Set("explored_config",
              nlohmann::json({{"x", v[0]}, {"title", v[1]}})
                  .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    r.Set("views", views);
    return r;
}

// catalog/pages.cpp Organization.
View OrganizationView(const Values& v, const std::string& description_html) {
    View o;
    o.Set("name", v[0]).Set("title", v[1]).Set("description", v[2]);
    o.Set("description_html", description_html);
    o.Set("parent_title", v[3]).Set("parent_name", v[4]);
    View child;
    child.Set("name", v[5]).Set("title", v[6]);
    o.Set("has_children", true).Set("children", List({child}));
    View ds;
    ds.Set("name", v[7]).Set("title", v[0]).Set("private", true);
    o.Set("count", int64_t{1}).Set("datasets", List({ds}));
    return o;
}

std::string Signature(const std::vector<govhub::fuzz::HtmlTag>& tags) {
    std::string out;
    for (const auto& t : tags) {
        out += t.end ? "</" : "<";
        out += t.name;
        for (const auto& [name, value] : t.attrs) out += " " + name;
        out += ">";
    }
    return out;
}

struct Rendered {
    std::vector<std::string> pages;
    std::string json_ld;
};

Rendered RenderAll(const Values& v, const std::string& markdown_html, const std::string& locale) {
    const Site& site = TheSite();
    govhub::render::PageContext ctx;
    ctx.locale = locale;
    ctx.path = "/dataset/" + Enc(v[5]);
    ctx.query = "q=" + Enc(v[0]) + "&lang=th";
    ctx.csrf_token = v[6];
    ctx.signed_in = true;
    ctx.user_name = v[3];
    ctx.user_display = v[4];
    ctx.sysadmin = true;
    Rendered out;
    out.pages.push_back(site.pages.Render("opendata/dataset",
                                          DatasetView(v, markdown_html, out.json_ld), ctx, v[0]));
    out.pages.push_back(
        site.pages.Render("opendata/search", SearchView(v), ctx, "opendata.search_title"));
    out.pages.push_back(site.pages.Render("opendata/resource", ResourceView(v), ctx, v[1]));
    out.pages.push_back(
        site.pages.Render("opendata/organization", OrganizationView(v, markdown_html), ctx, v[1]));
    View embed = Figure(v);
    out.pages.push_back(site.pages.RenderBare("views/embed", embed, ctx.locale));
    return out;
}

}  // namespace

GOVHUB_FUZZ_TARGET(templates) {
    auto fields = govhub::fuzz::Fields(govhub::fuzz::AsText(data, size), 8);
    Values hostile, plain;
    for (size_t i = 0; i < 8; ++i) {
        hostile[i] = std::string(fields[i]);
        plain[i] = fields[i].empty() ? "" : "x";
    }
    std::string markdown_html = govhub::render::MarkdownToHtml(hostile[2]);
    const std::string locale = size % 2 ? "en" : "th";
    Rendered bad = RenderAll(hostile, markdown_html, locale);
    Rendered good = RenderAll(plain, markdown_html, locale);
    for (size_t p = 0; p < bad.pages.size(); ++p) {
        auto tags = govhub::fuzz::ScanHtml(bad.pages[p]);
        if (Signature(tags) != Signature(govhub::fuzz::ScanHtml(good.pages[p]))) __builtin_trap();
        if (!govhub::fuzz::NoScriptAttributes(tags)) __builtin_trap();
        for (const auto& t : tags) {
            if (t.name != "script" || t.end) continue;
            bool ld = !t.attrs.empty() && t.attrs[0].second == "application/ld+json";
            if (!ld) {
                if (!t.raw_text.empty()) __builtin_trap();  // only src= scripts besides JSON-LD
                continue;
            }
            if (t.raw_text.find("</") != std::string::npos ||
                t.raw_text.find("<!--") != std::string::npos || t.raw_text != bad.json_ld)
                __builtin_trap();
            // What JsonForHtmlScript wrote must read as JSON.
            if (nlohmann::json::parse(t.raw_text, nullptr, false).is_discarded()) __builtin_trap();
        }
    }
}

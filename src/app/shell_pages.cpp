#include "app/shell_pages.hpp"

#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "accounts/middleware.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"
#include "render/markdown.hpp"

namespace govhub::app {

namespace {

// The documents served under /developer/docs/<name>, in the index's order: the ones a
// developer or a publisher reads. Operators' documents stay in the repository.
struct ServedDoc {
    const char* name;     // docs/<name>.md
    const char* summary;  // i18n key of its line in the index
};
constexpr ServedDoc kServedDocs[] = {
    {"api", "docs.summary_api"},
    {"catalog-workbook", "docs.summary_catalog_workbook"},
    {"migrate-from-ckan", "docs.summary_migrate_from_ckan"},
};

struct LoadedDoc {
    std::string name, summary;
    render::Document doc;
};

bool IsServed(std::string_view name) {
    for (const auto& d : kServedDocs)
        if (name == d.name) return true;
    return false;
}

// "operators.md#backups" -> "/developer/docs/operators#backups" when served, else "" (the
// link's words stay, without a link to a page the site does not have).
std::string DocLink(std::string_view url) {
    size_t hash = url.find('#');
    std::string_view path = url.substr(0, hash);
    std::string_view fragment = hash == std::string_view::npos ? "" : url.substr(hash);
    if (path.empty()) return std::string(url);
    if (core::StartsWith(path, "./")) path.remove_prefix(2);
    if (!path.ends_with(".md") || path.find('/') != std::string_view::npos) return "";
    path.remove_suffix(3);
    if (!IsServed(path)) return "";
    return "/developer/docs/" + std::string(path) + std::string(fragment);
}

std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return "";
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<LoadedDoc> LoadDocs(const std::string& dir) {
    std::vector<LoadedDoc> out;
    for (const auto& d : kServedDocs) {
        std::string text = ReadFile(dir + "/" + d.name + ".md");
        if (text.empty()) continue;
        out.push_back({d.name, d.summary, render::DocumentToHtml(text, DocLink)});
    }
    return out;
}

// The service guide (docs/service-guide-th.txt, the agency's text as published) as a page: its
// opening, then one section per service, each starting at the line that names the service, with
// an anchor the service pages link to (/guide#learning).
struct GuideSection {
    std::string id, title, html;
};
std::vector<GuideSection> SplitGuide(const std::string& text) {
    static const std::pair<const char*, const char*> kStarts[] = {
        {"opendata", "บริการ Open Government Data"},
        {"workd", "บริการ workD Platform"},
        {"learning", "บริการ Digital Government Learning Platform"},
    };
    std::vector<GuideSection> out{{"", "", ""}};
    std::string body;
    auto flush = [&] {
        out.back().html = render::PlainParagraphsHtml(body);
        body.clear();
    };
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        start = end + 1;
        bool opened = false;
        for (const auto& [id, title] : kStarts) {
            if (core::Trim(line) != title) continue;
            flush();
            out.push_back({id, title, ""});
            opened = true;
        }
        if (!opened) body += line + "\n";
    }
    flush();
    return out;
}

}  // namespace

void RegisterShellPages(http::Router& router, const render::PageRenderer& pages,
                        const std::string& docs_dir) {
    auto page = [&pages](const char* tmpl, const char* title) {
        return [&pages, tmpl, title](http::Request& req) {
            return http::Response::Html(
                pages.Render(tmpl, render::View(), accounts::PageContextOf(req), title));
        };
    };
    router.Get("/", page("home", "home.title"));

    auto guide = std::make_shared<const std::vector<GuideSection>>(
        SplitGuide(ReadFile(docs_dir + "/service-guide-th.txt")));
    router.Get("/guide", [&pages, guide](http::Request& req) {
        render::View sections = render::View::List();
        for (const auto& g : *guide) {
            render::View v;
            v.Set("id", g.id).Set("title", g.title).Set("html", g.html);
            v.Set("has_title", !g.title.empty());
            sections.Push(std::move(v));
        }
        render::View v;
        v.Set("sections", std::move(sections));
        v.Set("thai_only", accounts::PageContextOf(req).locale != "th");
        return http::Response::Html(
            pages.Render("guide", std::move(v), accounts::PageContextOf(req), "guide.title"));
    });

    auto docs = std::make_shared<const std::vector<LoadedDoc>>(LoadDocs(docs_dir));
    router.Get("/developer/docs", [&pages, docs](http::Request& req) {
        render::View list = render::View::List();
        for (const auto& d : *docs) {
            render::View v;
            v.Set("name", d.name).Set("title", d.doc.title);
            v.Set("summary", pages.T(accounts::PageContextOf(req).locale, d.summary));
            list.Push(std::move(v));
        }
        render::View v;
        v.Set("docs", std::move(list));
        return http::Response::Html(
            pages.Render("docs/index", std::move(v), accounts::PageContextOf(req), "docs.title"));
    });
    router.Get("/developer/docs/{name}", [&pages, docs](http::Request& req) {
        std::string_view name = req.PathParam("name");
        for (const auto& d : *docs) {
            if (d.name != name) continue;
            render::View toc = render::View::List();
            for (const auto& h : d.doc.headings) {
                render::View hv;
                hv.Set("id", h.id).Set("text", h.text).Set("sub", h.level == 3);
                toc.Push(std::move(hv));
            }
            render::View v;
            v.Set("title", d.doc.title).Set("html", d.doc.html);
            v.Set("english_only", accounts::PageContextOf(req).locale != "en");
            v.Set("has_toc", !toc.items().empty()).Set("toc", std::move(toc));
            return http::Response::Html(
                pages.Render("docs/page", std::move(v), accounts::PageContextOf(req), d.doc.title));
        }
        throw HttpError::NotFound();
    });
}

}  // namespace govhub::app

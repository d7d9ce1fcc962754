#include "render/markdown.hpp"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <cctype>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>

#include "core/strings.hpp"

namespace govhub::render {

namespace {

// The deepest level of the tree, walked without recursion (first child, else next sibling, else
// back up); stops as soon as the bound is passed.
size_t DepthOf(cmark_node* root, size_t stop_after) {
    size_t depth = 0, deepest = 0;
    cmark_node* n = root;
    while (n) {
        deepest = std::max(deepest, depth);
        if (deepest > stop_after) return deepest;
        if (cmark_node* child = cmark_node_first_child(n)) {
            n = child;
            ++depth;
            continue;
        }
        while (n != root && !cmark_node_next(n)) {
            n = cmark_node_parent(n);
            --depth;
        }
        if (n == root) break;
        n = cmark_node_next(n);
    }
    return deepest;
}

using ParserPtr = std::unique_ptr<cmark_parser, decltype(&cmark_parser_free)>;
using NodePtr = std::unique_ptr<cmark_node, decltype(&cmark_node_free)>;

// Safe is cmark-gfm's default (no CMARK_OPT_UNSAFE): raw HTML and dangerous links dropped.
constexpr int kOptions = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;

// Parses with the GitHub extensions (tables, strikethrough, autolinks); the parser is returned
// too, because rendering needs its extensions.
std::pair<ParserPtr, NodePtr> ParseGfm(std::string_view text) {
    static std::once_flag registered;
    std::call_once(registered, [] { cmark_gfm_core_extensions_ensure_registered(); });
    ParserPtr parser(cmark_parser_new(kOptions), cmark_parser_free);
    for (const char* name : {"table", "strikethrough", "autolink"})
        if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name))
            cmark_parser_attach_syntax_extension(parser.get(), ext);
    cmark_parser_feed(parser.get(), text.data(), text.size());
    NodePtr doc(cmark_parser_finish(parser.get()), cmark_node_free);
    return {std::move(parser), std::move(doc)};
}

std::string RenderHtml(cmark_parser* parser, cmark_node* doc) {
    char* html = cmark_render_html(doc, kOptions, cmark_parser_get_syntax_extensions(parser));
    std::string out = html ? html : "";
    std::free(html);
    return out;
}

// The text of a node's inline content (text and code spans), as a heading reads.
std::string TextOf(cmark_node* node) {
    std::string out;
    cmark_iter* it = cmark_iter_new(node);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node* n = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER) continue;
        cmark_node_type t = cmark_node_get_type(n);
        if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE)
            if (const char* lit = cmark_node_get_literal(n)) out += lit;
        if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) out += ' ';
    }
    cmark_iter_free(it);
    return out;
}

bool IsRelative(std::string_view url) {
    if (url.empty() || url[0] == '#' || url[0] == '/') return false;
    size_t colon = url.find(':'), slash = url.find('/');
    return colon == std::string_view::npos || (slash != std::string_view::npos && slash < colon);
}

}  // namespace

std::string HeadingAnchor(std::string_view text) {
    std::string out;
    for (unsigned char ch : text) {
        if (ch >= 0x80 || std::isalnum(ch) || ch == '_' || ch == '-')
            out += static_cast<char>(ch < 0x80 ? std::tolower(ch) : ch);
        else if (ch == ' ')
            out += '-';
    }
    return out;
}

Document DocumentToHtml(std::string_view text,
                        const std::function<std::string(std::string_view url)>& link) {
    Document d;
    auto [parser, doc] = ParseGfm(text);
    if (!doc) return d;
    // Collect first: the tree is changed below, which an open iterator must not see.
    std::vector<cmark_node*> links, headings;
    cmark_iter* it = cmark_iter_new(doc.get());
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        if (ev != CMARK_EVENT_ENTER) continue;
        cmark_node* n = cmark_iter_get_node(it);
        if (cmark_node_get_type(n) == CMARK_NODE_LINK) links.push_back(n);
        if (cmark_node_get_type(n) == CMARK_NODE_HEADING) headings.push_back(n);
    }
    cmark_iter_free(it);
    for (cmark_node* n : links) {
        const char* url = cmark_node_get_url(n);
        if (!url || !IsRelative(url)) continue;
        std::string to = link(url);
        if (!to.empty()) {
            cmark_node_set_url(n, to.c_str());
            continue;
        }
        // Keep the words, drop the link.
        while (cmark_node* child = cmark_node_first_child(n)) cmark_node_insert_before(n, child);
        cmark_node_free(n);
    }
    // The first level-1 heading is the title: the page sets it above the contents.
    for (auto h = headings.begin(); h != headings.end(); ++h) {
        if (cmark_node_get_heading_level(*h) != 1) continue;
        d.title = TextOf(*h);
        cmark_node_free(*h);
        headings.erase(h);
        break;
    }
    std::map<std::string, int> seen;
    std::vector<std::string> ids;
    for (cmark_node* n : headings) {
        int level = cmark_node_get_heading_level(n);
        std::string words = TextOf(n);
        std::string id = HeadingAnchor(words);
        if (int k = seen[id]++; k > 0) id += "-" + std::to_string(k);
        ids.push_back(id);
        if (level == 2 || level == 3) d.headings.push_back({level, id, words});
    }
    std::string html = RenderHtml(parser.get(), doc.get());
    // cmark writes each heading as a bare <hN>, in document order (a literal "<h2>" in the text
    // is escaped), so the n-th one gets the n-th anchor.
    size_t pos = 0, next = 0;
    for (cmark_node* n : headings) {
        std::string open = "<h" + std::to_string(cmark_node_get_heading_level(n)) + ">";
        pos = html.find(open, pos);
        if (pos == std::string::npos) break;
        std::string with_id = open.substr(0, 3) + " id=\"" + ids[next++] + "\">";
        html.replace(pos, open.size(), with_id);
        pos += with_id.size();
    }
    // Code blocks and tables scroll sideways inside a narrow page: each takes keyboard focus,
    // so a person without a mouse can scroll it too.
    for (std::string_view tag : {"<pre", "<table"}) {
        for (size_t at = html.find(tag); at != std::string::npos; at = html.find(tag, at + 1)) {
            size_t after = at + tag.size();
            if (after < html.size() && (html[after] == '>' || html[after] == ' '))
                html.insert(after, " tabindex=\"0\"");
        }
    }
    d.html = std::move(html);
    return d;
}

std::string PlainParagraphsHtml(std::string_view text) {
    std::string out;
    std::string para;
    auto flush = [&] {
        if (!core::Trim(para).empty()) out += "<p>" + para + "</p>\n";
        para.clear();
    };
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (core::Trim(line).empty()) {
            flush();
        } else {
            if (!para.empty()) para += "<br>\n";
            para += core::HtmlEscape(line);
        }
        start = end + 1;
    }
    flush();
    return out;
}

std::string MarkdownToHtml(std::string_view text) {
    if (core::Utf8Length(text) > kMarkdownMaxChars) return PlainParagraphsHtml(text);
    auto [parser, doc] = ParseGfm(text);
    if (!doc || DepthOf(doc.get(), kMarkdownMaxDepth) > kMarkdownMaxDepth)
        return PlainParagraphsHtml(text);
    return RenderHtml(parser.get(), doc.get());
}

}  // namespace govhub::render

#include "render/markdown.hpp"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <cstdlib>
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

}  // namespace

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
    static std::once_flag registered;
    std::call_once(registered, [] { cmark_gfm_core_extensions_ensure_registered(); });
    // Safe is cmark-gfm's default (no CMARK_OPT_UNSAFE): raw HTML and dangerous links dropped.
    const int options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;
    std::unique_ptr<cmark_parser, decltype(&cmark_parser_free)> parser(cmark_parser_new(options),
                                                                       cmark_parser_free);
    for (const char* name : {"table", "strikethrough", "autolink"})
        if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name))
            cmark_parser_attach_syntax_extension(parser.get(), ext);
    cmark_parser_feed(parser.get(), text.data(), text.size());
    std::unique_ptr<cmark_node, decltype(&cmark_node_free)> doc(cmark_parser_finish(parser.get()),
                                                                cmark_node_free);
    if (!doc || DepthOf(doc.get(), kMarkdownMaxDepth) > kMarkdownMaxDepth)
        return PlainParagraphsHtml(text);
    char* html =
        cmark_render_html(doc.get(), options, cmark_parser_get_syntax_extensions(parser.get()));
    std::string out = html ? html : "";
    std::free(html);
    return out;
}

}  // namespace govhub::render

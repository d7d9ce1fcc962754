// Dataset and organization descriptions: render::MarkdownToHtml (cmark-gfm in safe mode, with
// tables, strikethrough and autolinks; past 10,000 characters or 32 levels, escaped paragraphs)
// and render::PlainParagraphsHtml. Invariant: whatever the text, the HTML holds only the tags
// Markdown makes, no event-handler attribute and no javascript:/vbscript: link or image.
#include <set>
#include <string>

#include "fuzz_target.hpp"
#include "html_scan.hpp"
#include "render/markdown.hpp"

namespace {

void CheckMarkdownHtml(const std::string& html) {
    static const std::set<std::string> kTags = {
        "p",  "h1",         "h2",    "h3",    "h4",    "h5",     "h6", "ul",  "ol",
        "li", "blockquote", "pre",   "code",  "em",    "strong", "a",  "img", "hr",
        "br", "del",        "table", "thead", "tbody", "tr",     "th", "td"};
    auto tags = govhub::fuzz::ScanHtml(html);
    for (const auto& t : tags)
        if (!kTags.count(t.name)) __builtin_trap();  // raw HTML got through (<script, <iframe ...)
    if (!govhub::fuzz::NoScriptAttributes(tags)) __builtin_trap();
}

}  // namespace

GOVHUB_FUZZ_TARGET(markdown) {
    auto text = govhub::fuzz::AsText(data, size);
    CheckMarkdownHtml(govhub::render::MarkdownToHtml(text));
    std::string plain = govhub::render::PlainParagraphsHtml(text);
    for (const auto& t : govhub::fuzz::ScanHtml(plain))
        if ((t.name != "p" && t.name != "br") || !t.attrs.empty()) __builtin_trap();
}

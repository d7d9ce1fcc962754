#pragma once
// Dataset and organization descriptions are Markdown, as on data.go.th/CKAN. Rendered with
// cmark-gfm in its safe mode: raw HTML is left out and javascript:/vbscript:/file:/data: links
// lose their target. Text past the bounds below is shown escaped as plain paragraphs instead,
// so nothing a publisher wrote is lost and nothing deep reaches the page (issue #12).
#include <cstddef>
#include <string>
#include <string_view>

namespace govhub::render {

// The longest text rendered as Markdown: the catalog's cap on a text field (schema.cpp).
inline constexpr size_t kMarkdownMaxChars = 10'000;
// The deepest node of the parsed tree (the document is 0; a paragraph directly in it is 1, its
// text 2): block quotes, lists and emphasis inside each other.
inline constexpr size_t kMarkdownMaxDepth = 32;

// Safe HTML for `text` (CommonMark + GitHub tables, strikethrough and autolinks).
std::string MarkdownToHtml(std::string_view text);

// `text` escaped, as <p> paragraphs split at blank lines with <br> for single line breaks.
std::string PlainParagraphsHtml(std::string_view text);

}  // namespace govhub::render

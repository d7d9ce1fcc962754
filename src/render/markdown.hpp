#pragma once
// Dataset and organization descriptions are Markdown, as on data.go.th/CKAN. Rendered with
// cmark-gfm in its safe mode: raw HTML is left out and javascript:/vbscript:/file:/data: links
// lose their target. Text past the bounds below is shown escaped as plain paragraphs instead,
// so nothing a publisher wrote is lost and nothing deep reaches the page (issue #12).
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

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

// The site's own documents (docs/*.md served as pages, app/shell_pages.cpp): the same safe
// rendering with no length cap (the text is the repository's, not a publisher's), headings
// carrying GitHub's anchors (so "api#the-automatic-api-datastore" works as on GitHub), and
// relative links passed through `link`: it returns the URL to use, or "" to keep the link's
// text without a link (a repository file the site does not serve).
struct Document {
    std::string title;  // the first level-1 heading's text
    std::string html;   // the rest (the title heading left out: the page shows it)
    struct Heading {
        int level;
        std::string id, text;
    };
    std::vector<Heading> headings;  // level 2 and 3, in order (a table of contents)
};
Document DocumentToHtml(std::string_view text,
                        const std::function<std::string(std::string_view url)>& link);

// GitHub's anchor for a heading's text: lower case, spaces to '-', punctuation dropped
// (letters of any script, digits, '-' and '_' kept).
std::string HeadingAnchor(std::string_view text);

}  // namespace govhub::render

#include "render/markdown.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace govhub::render {
namespace {

std::string Repeat(const std::string& s, size_t n) {
    std::string out;
    for (size_t i = 0; i < n; ++i) out += s;
    return out;
}

bool Contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

TEST(Markdown, RendersCommonMarkAndGithubTables) {
    std::string html =
        MarkdownToHtml("# หัวข้อ\n\n**งบประมาณ** ปี 2569\n\n- a\n- b\n\n|x|y|\n|-|-|\n|1|2|\n");
    EXPECT_TRUE(Contains(html, "<h1>หัวข้อ</h1>")) << html;
    EXPECT_TRUE(Contains(html, "<strong>งบประมาณ</strong>"));
    EXPECT_TRUE(Contains(html, "<li>a</li>"));
    EXPECT_TRUE(Contains(html, "<table>"));
}

TEST(Markdown, SafeModeDropsRawHtmlAndScriptLinks) {
    std::string html = MarkdownToHtml(
        "<script>alert(1)</script>\n\nx <img src=x onerror=alert(1)> "
        "[a](javascript:alert(1)) [b](JavaScript:alert(2)) ![c](vbscript:x)\n\n"
        "<a href=\"javascript:alert(3)\">d</a>");
    EXPECT_FALSE(Contains(html, "<script")) << html;
    EXPECT_FALSE(Contains(html, "<img src=\"x\"")) << html;
    EXPECT_FALSE(Contains(html, "onerror")) << html;
    EXPECT_FALSE(Contains(html, "javascript:")) << html;
    EXPECT_FALSE(Contains(html, "JavaScript:")) << html;
    EXPECT_FALSE(Contains(html, "vbscript:")) << html;
    EXPECT_TRUE(Contains(MarkdownToHtml("[ok](https://data.go.th/)"),
                         "<a href=\"https://data.go.th/\">ok</a>"));
}

TEST(Markdown, NestingAtTheLimitRendersAndOnePastIsPlainText) {
    EXPECT_EQ(kMarkdownMaxDepth, 32u);
    // Document > 30 block quotes > paragraph (31) > text (32).
    std::string at = MarkdownToHtml(Repeat(">", 30) + " ลึก <b>");
    EXPECT_TRUE(Contains(at, "<blockquote>")) << at;
    std::string past = MarkdownToHtml(Repeat(">", 31) + " ลึก <b>");
    EXPECT_EQ(past, "<p>" + Repeat("&gt;", 31) + " ลึก &lt;b&gt;</p>\n");
    // Deep lists and emphasis are bounded the same way, and huge nesting is quick and safe.
    EXPECT_FALSE(Contains(MarkdownToHtml(Repeat("*", 5000) + "a" + Repeat("*", 5000)), "<em>"));
    EXPECT_FALSE(Contains(MarkdownToHtml(Repeat("> ", 5000) + "a"), "<blockquote>"));
    std::string list;
    for (int i = 0; i < 40; ++i) list += std::string(static_cast<size_t>(i) * 2, ' ') + "- x\n";
    EXPECT_FALSE(Contains(MarkdownToHtml(list), "<ul>"));
}

TEST(Markdown, TextLongerThanTheCapIsPlainText) {
    EXPECT_EQ(kMarkdownMaxChars, 10'000u);
    std::string at = "**b** " + Repeat("ก", 10'000 - 6);
    EXPECT_TRUE(Contains(MarkdownToHtml(at), "<strong>b</strong>"));
    std::string past = at + "ก";
    EXPECT_TRUE(Contains(MarkdownToHtml(past), "<p>**b** ก"));
}

TEST(Markdown, PlainParagraphsEscapeAndKeepLines) {
    EXPECT_EQ(PlainParagraphsHtml("a <b>\nc\n\n\r\nd & e"),
              "<p>a &lt;b&gt;<br>\nc</p>\n<p>d &amp; e</p>\n");
    EXPECT_EQ(PlainParagraphsHtml(""), "");
}

TEST(Document, HeadingsCarryGithubAnchorsAndFormAContents) {
    Document d = DocumentToHtml(
        "# API guide\n\n## The automatic API (datastore)\n\n### `datastore_search`\n\n"
        "## Errors\n\n## Errors\n\n#### deep\n",
        [](std::string_view) { return std::string(); });
    EXPECT_EQ(d.title, "API guide");
    EXPECT_FALSE(Contains(d.html, "API guide")) << "the title is the page's, not the body's";
    EXPECT_TRUE(Contains(d.html, "<h2 id=\"the-automatic-api-datastore\">")) << d.html;
    EXPECT_TRUE(Contains(d.html, "<h3 id=\"datastore_search\">")) << d.html;
    EXPECT_TRUE(Contains(d.html, "<h2 id=\"errors\">"));
    EXPECT_TRUE(Contains(d.html, "<h2 id=\"errors-1\">")) << "a repeated heading gets -1";
    ASSERT_EQ(d.headings.size(), 4u) << "levels 2 and 3 only";
    EXPECT_EQ(d.headings[1].level, 3);
    EXPECT_EQ(d.headings[1].text, "datastore_search");
    EXPECT_EQ(HeadingAnchor("ชนิดของพารามิเตอร์ (Types)"), "ชนิดของพารามิเตอร์-types");
}

TEST(Document, RelativeLinksGoThroughTheCallerAndUnservedOnesLoseTheLink) {
    std::vector<std::string> asked;
    Document d = DocumentToHtml(
        "See [the API](api.md#errors), [ops](operators.md), [home](../README.md), "
        "[CKAN](https://docs.ckan.org/), [here](#top) and [x](javascript:alert(1)).\n",
        [&](std::string_view url) {
            asked.emplace_back(url);
            return url == "api.md#errors" ? std::string("/developer/docs/api#errors") : "";
        });
    EXPECT_TRUE(Contains(d.html, "<a href=\"/developer/docs/api#errors\">the API</a>")) << d.html;
    EXPECT_TRUE(Contains(d.html, " ops, home, ")) << "unserved links keep their words: " << d.html;
    EXPECT_TRUE(Contains(d.html, "<a href=\"https://docs.ckan.org/\">CKAN</a>"));
    EXPECT_TRUE(Contains(d.html, "<a href=\"#top\">here</a>"));
    EXPECT_FALSE(Contains(d.html, "javascript:")) << "still the safe renderer";
    EXPECT_EQ(asked, (std::vector<std::string>{"api.md#errors", "operators.md", "../README.md"}));
}

TEST(Document, CodeBlocksAndTablesTakeKeyboardFocusAndRawHtmlStaysOut) {
    Document d = DocumentToHtml(
        "```sh\ncurl https://x/<h2>\n```\n\n|a|b|\n|-|-|\n|1|2|\n\n<script>x</script>\n",
        [](std::string_view) { return std::string(); });
    EXPECT_TRUE(Contains(d.html, "<pre tabindex=\"0\">")) << d.html;
    EXPECT_TRUE(Contains(d.html, "<table tabindex=\"0\">")) << d.html;
    EXPECT_TRUE(Contains(d.html, "&lt;h2&gt;")) << "a heading tag inside code is text";
    EXPECT_FALSE(Contains(d.html, "<script"));
}

}  // namespace
}  // namespace govhub::render

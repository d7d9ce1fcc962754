#include "core/json_html.hpp"

#include <gtest/gtest.h>

namespace govhub::core {
namespace {

TEST(JsonHtml, NothingThatHtmlReadsSurvives) {
    nlohmann::json j = {{"name", "x<!--<script>y</script>&amp;"}};
    std::string out = JsonForHtmlScript(j);
    EXPECT_EQ(out, R"({"name":"x\u003c!--\u003cscript\u003ey\u003c/script\u003e\u0026amp;"})");
    for (char c : {'<', '>', '&'}) EXPECT_EQ(out.find(c), std::string::npos) << c;
    // It is still the same JSON.
    EXPECT_EQ(nlohmann::json::parse(out), j);
}

TEST(JsonHtml, LineAndParagraphSeparatorsAreEscaped) {
    nlohmann::json j = "a\u2028b\u2029c ไทย";
    std::string out = JsonForHtmlScript(j);
    EXPECT_EQ(out, "\"a\\u2028b\\u2029c ไทย\"");
    EXPECT_EQ(nlohmann::json::parse(out), j);
}

TEST(JsonHtml, InvalidUtf8IsReplacedNotThrown) {
    EXPECT_NO_THROW(JsonForHtmlScript(nlohmann::json("\xff<")));
    EXPECT_EQ(JsonForHtmlScript(nlohmann::json("\xff<")).find('<'), std::string::npos);
}

}  // namespace
}  // namespace govhub::core

#pragma once
// JSON placed inside an HTML page (<script type="application/ld+json"> and the like). The HTML
// parser ends a script element at "</script" and treats "<!--" specially whatever the JSON
// means, so such JSON must not contain '<', '>' or '&' as themselves (issue #12 finding 7).
// U+2028/U+2029 are escaped too, so the text stays valid JavaScript if a script ever reads it.
#include <nlohmann/json.hpp>
#include <string>

namespace govhub::core {

// `j` as compact JSON that is safe between <script> tags: < > & U+2028 U+2029 become \u003c
// \u003e \u0026 \u2028 \u2029 (inside strings, where alone they can occur). Invalid UTF-8 is
// replaced.
std::string JsonForHtmlScript(const nlohmann::json& j);

}  // namespace govhub::core

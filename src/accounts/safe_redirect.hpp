#pragma once
// The one check for every `next` / return-to parameter that a response redirects to.
#include <string>
#include <string_view>

namespace govhub::accounts {

// Whether `target` is a path on this site: it starts with a single '/', has no "//" or "/\"
// (which browsers read as another host), and no control character, space or backslash anywhere,
// neither as given nor after percent-decoding (a browser decodes some, and a TAB or newline is
// dropped before the URL is parsed: "/\t/evil.example" becomes "//evil.example").
bool IsSafeRedirect(std::string_view target);

// `target` when it is safe, else `fallback`.
std::string SafeRedirect(std::string_view target, std::string_view fallback = "/");

}  // namespace govhub::accounts

#pragma once
// Small text helpers shared by http, accounts and render.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace govhub::core {

std::string ToLower(std::string_view s);
std::string Trim(std::string_view s);
bool IEquals(std::string_view a, std::string_view b);
bool StartsWith(std::string_view s, std::string_view prefix);
std::vector<std::string> Split(std::string_view s, char sep);
// Percent-decoding; `plus_as_space` for application/x-www-form-urlencoded.
// Returns false on a malformed escape.
bool UrlDecode(std::string_view in, std::string& out, bool plus_as_space);
std::string UrlEncode(std::string_view in);
// The digits of a typed number (ASCII or Thai ๐–๙), spaces and hyphens ignored; nullopt when
// anything else is there. Citizen IDs, one-time codes.
std::optional<std::string> TypedDigits(std::string_view typed);
bool IsValidUtf8(std::string_view s);
std::string HtmlEscape(std::string_view s);
std::string JsonEscape(std::string_view s);  // without the surrounding quotes
// A whole decimal integer (optional leading '-'), or nothing: no spaces, no trailing text, no
// overflow.
std::optional<int64_t> ParseInt(std::string_view s);
// Counts Unicode code points (valid UTF-8 assumed).
size_t Utf8Length(std::string_view s);
// Whether a title or description holds what a person cannot have meant to type: C0 and C1
// control characters and DEL (tab, CR and LF only when `multiline`), and the explicit text
// direction controls (U+202A–U+202E, U+2066–U+2069) that turn the text after them around on
// every page that shows it (valid UTF-8 assumed).
bool HasStrayControls(std::string_view s, bool multiline);
// A file's size for people: "512 B", "2.3 KB", "14.0 MB", "1.2 GB" (units of 1024, one decimal
// past bytes), so a small file never reads "0 MiB".
std::string HumanSize(uint64_t bytes);

}  // namespace govhub::core

#pragma once
// One clean-text rule for what people type (forms, a step's note, a decision's text) and the
// file names they give, for every module.
#include <optional>
#include <string>
#include <string_view>

namespace govhub::core {

// The clean-text rule of what people type into a form, a step's note or a decision's text (one
// rule for every module): valid UTF-8; a tab is a space; no stray controls (above) and none of
// the invisible format characters that reorder or hide text (U+200E/U+200F marks, U+061C,
// U+FEFF, U+2028/U+2029 separators, U+FFF9–U+FFFB annotations; the soft hyphen U+00AD is
// allowed, it is harmless in Thai); trimmed, runs of spaces as one, CR dropped, LF kept only
// when `multiline`. nullopt when the text breaks the rule.
std::optional<std::string> CleanUserText(std::string_view typed, bool multiline);
// The same text with everything the rule refuses removed (broken UTF-8 as U+FFFD), then
// cleaned: what is left of it, to tell "required" from "not allowed" ("\u0007" alone is empty).
std::string StripToCleanText(std::string_view typed, bool multiline);
// A file name as people give it, made safe to show and store: the characters the rule refuses
// removed (an RLO cannot turn "...exe.pdf" around), "/" and "\\" as "_", trimmed, at most 200
// bytes (whole characters); "file" when nothing is left.
std::string SafeFileName(std::string_view name);

}  // namespace govhub::core

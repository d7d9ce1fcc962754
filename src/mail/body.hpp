#pragma once
// Plain-text mail bodies made from templates (web/i18n), before they are sent.
#include <string>

namespace govhub::mail {

// A body with at most one blank line in a row: a template's line that a variable left empty
// (an optional note, a step that does not apply) goes without leaving a gap.
std::string TidyBlankLines(const std::string& text);

}  // namespace govhub::mail

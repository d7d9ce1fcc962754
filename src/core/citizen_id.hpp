#pragma once
// Thai 13-digit citizen ID numbers: the mod-11 check digit, and the PDPA mask shown everywhere
// but the one page that needs the whole number.
#include <optional>
#include <string>
#include <string_view>

namespace govhub::core {

// The 13 digits of a typed number ("1-1011-12345-67-9", spaces, Thai digits ๐–๙ allowed), or
// nullopt when it is not 13 digits, starts with 0 or 9, or fails the check digit.
std::optional<std::string> ParseCitizenId(std::string_view typed);
// "1-1011-XXXXX-XX-9": the category, province and district, and the check digit.
std::string MaskCitizenId(std::string_view digits);
// "1-1011-12345-67-9"
std::string FormatCitizenId(std::string_view digits);

}  // namespace govhub::core

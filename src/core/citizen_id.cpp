#include "core/citizen_id.hpp"

#include "core/strings.hpp"

namespace govhub::core {

std::optional<std::string> ParseCitizenId(std::string_view typed) {
    auto typed_digits = TypedDigits(typed);
    if (!typed_digits) return std::nullopt;
    const std::string& digits = *typed_digits;
    if (digits.size() != 13 || digits[0] == '0' || digits[0] == '9') return std::nullopt;
    int sum = 0;
    for (int i = 0; i < 12; ++i) sum += (digits[i] - '0') * (13 - i);
    if ((11 - sum % 11) % 10 != digits[12] - '0') return std::nullopt;
    return digits;
}

std::string FormatCitizenId(std::string_view d) {
    if (d.size() != 13) return std::string(d);
    return std::string(d.substr(0, 1)) + "-" + std::string(d.substr(1, 4)) + "-" +
           std::string(d.substr(5, 5)) + "-" + std::string(d.substr(10, 2)) + "-" +
           std::string(d.substr(12, 1));
}

std::string MaskCitizenId(std::string_view d) {
    if (d.size() != 13) return std::string(d.size(), 'X');
    return std::string(d.substr(0, 1)) + "-" + std::string(d.substr(1, 4)) + "-XXXXX-XX-" +
           std::string(d.substr(12, 1));
}

}  // namespace govhub::core

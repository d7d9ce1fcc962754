#include "learning/certificate_code.hpp"

#include <algorithm>
#include <tuple>
#include <utility>

#include "core/crypto.hpp"
#include "core/strings.hpp"

namespace govhub::learning {

namespace {

constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// The code point of `s` at `i` (UTF-8 checked by the caller) and its length in bytes.
std::pair<char32_t, size_t> CodePointAt(std::string_view s, size_t i) {
    auto b = static_cast<unsigned char>(s[i]);
    size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    n = std::min(n, s.size() - i);
    char32_t cp = n == 1 ? b : b & (0xFF >> (n + 1));
    for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    return {cp, n};
}

}  // namespace

std::string NewCertificateCode() {
    std::string raw = core::RandomFrom(std::string(kCrockford), 12);
    return raw.substr(0, 4) + "-" + raw.substr(4, 4) + "-" + raw.substr(8, 4);
}

std::optional<std::string> NormalizeCertificateCode(std::string_view typed) {
    if (typed.size() > 400) return std::nullopt;
    // A pasted address: its last path segment.
    if (auto slash = typed.find_last_of('/'); slash != std::string_view::npos)
        typed.remove_prefix(slash + 1);
    std::string raw;
    for (char ch : typed) {
        if (ch == ' ' || ch == '-' || ch == '\t' || ch == '\n' || ch == '\r') continue;
        char u = (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 'a' + 'A') : ch;
        if (u == 'O') u = '0';
        if (u == 'I' || u == 'L') u = '1';
        if (kCrockford.find(u) == std::string_view::npos) return std::nullopt;
        raw.push_back(u);
    }
    if (raw.size() != 12) return std::nullopt;
    return raw.substr(0, 4) + "-" + raw.substr(4, 4) + "-" + raw.substr(8, 4);
}

std::string NameInitials(std::string_view full_name) {
    std::string name = core::Trim(full_name);
    // A title is not an initial: "นางสาวสมศรี ใจดี" is "ส. จ.".
    for (std::string_view title : {"นางสาว", "นาง", "นาย", "เด็กชาย", "เด็กหญิง", "ด.ช.", "ด.ญ.",
                                   "Mrs.", "Miss ", "Mr.", "Ms."})
        if (core::StartsWith(name, title)) {
            name = core::Trim(name.substr(title.size()));
            break;
        }
    std::string out;
    for (const std::string& word : core::Split(name, ' ')) {
        if (word.empty() || !core::IsValidUtf8(word)) continue;
        size_t i = 0;
        auto [cp, n] = CodePointAt(word, i);
        while (cp >= 0x0E40 && cp <= 0x0E44 && i + n < word.size()) {
            i += n;
            std::tie(cp, n) = CodePointAt(word, i);
        }
        std::string initial = word.substr(i, n);
        if (n == 1) initial = std::string(1, static_cast<char>(std::toupper(initial[0])));
        if (!out.empty()) out += ' ';
        out += initial + ".";
    }
    return out;
}

}  // namespace govhub::learning

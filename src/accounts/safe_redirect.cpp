#include "accounts/safe_redirect.hpp"

#include "core/strings.hpp"

namespace govhub::accounts {
namespace {

bool SafePath(std::string_view s) {
    if (s.empty() || s[0] != '/') return false;
    if (s.size() > 1 && (s[1] == '/' || s[1] == '\\')) return false;
    for (unsigned char c : s)
        if (c <= ' ' || c == 0x7f || c == '\\') return false;
    return true;
}

}  // namespace

bool IsSafeRedirect(std::string_view target) {
    if (target.size() > 2000 || !SafePath(target)) return false;
    // Decoded once more and twice: "%2F%2F", "%09" or "%5C" must not hide what is refused above.
    std::string once, twice;
    if (!core::UrlDecode(target, once, false) || !SafePath(once)) return false;
    if (!core::UrlDecode(once, twice, false) || !SafePath(twice)) return false;
    return true;
}

std::string SafeRedirect(std::string_view target, std::string_view fallback) {
    return std::string(IsSafeRedirect(target) ? target : fallback);
}

}  // namespace govhub::accounts

#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace govhub::http {

struct CookieOptions {
    std::string path = "/";
    int64_t max_age = -1;  // -1: session cookie; 0: delete
    bool http_only = true;
    bool secure = false;
    std::string same_site = "Lax";
};

// Cookies read from one Cookie header (issue #12); later ones are ignored.
inline constexpr size_t kMaxCookies = 50;

// Value of cookie `name` among the first kMaxCookies of a Cookie header, or empty.
std::string CookieValue(std::string_view cookie_header, std::string_view name);
// A Set-Cookie header value.
std::string SetCookieValue(std::string_view name, std::string_view value,
                           const CookieOptions& opts);

}  // namespace govhub::http

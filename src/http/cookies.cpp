#include "http/cookies.hpp"

#include "core/strings.hpp"

namespace govhub::http {

std::string CookieValue(std::string_view header, std::string_view name) {
    // Only the first kMaxCookies pairs are read; the rest are ignored rather than refused, since
    // a browser sends every cookie of the domain and a 400 would lock the person out of the site
    // until they cleared them (issue #12).
    size_t start = 0;
    for (size_t n = 0; n < kMaxCookies && start <= header.size(); ++n) {
        size_t end = header.find(';', start);
        if (end == std::string_view::npos) end = header.size();
        std::string p = core::Trim(header.substr(start, end - start));
        start = end + 1;
        size_t eq = p.find('=');
        if (eq == std::string::npos) continue;
        if (std::string_view(p).substr(0, eq) == name) {
            std::string v = p.substr(eq + 1);
            if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
            return v;
        }
    }
    return {};
}

std::string SetCookieValue(std::string_view name, std::string_view value, const CookieOptions& o) {
    std::string out = std::string(name) + "=" + std::string(value) + "; Path=" + o.path;
    if (o.max_age >= 0) out += "; Max-Age=" + std::to_string(o.max_age);
    if (o.http_only) out += "; HttpOnly";
    if (o.secure) out += "; Secure";
    if (!o.same_site.empty()) out += "; SameSite=" + o.same_site;
    return out;
}

}  // namespace govhub::http

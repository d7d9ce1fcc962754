#include "http/security_headers.hpp"

#include "core/strings.hpp"

namespace govhub::http {

void AddSecurityHeaders(const Request& req, Response& res) {
    auto set_default = [&](const char* name, const char* value) {
        if (!res.headers.Has(name)) res.headers.Add(name, value);
    };
    set_default("Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
                "form-action 'self'; frame-ancestors 'none'");
    set_default("X-Content-Type-Options", "nosniff");
    set_default("X-Frame-Options", "DENY");
    set_default("Referrer-Policy", "strict-origin-when-cross-origin");
    set_default("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    set_default("Cross-Origin-Opener-Policy", "same-origin");
    if (req.secure) set_default("Strict-Transport-Security", "max-age=31536000");
    set_default("Cache-Control", "no-store");
    if (req.IsApi()) {
        // Public data is for every site's scripts; credentials (cookies) are never shared.
        set_default("Access-Control-Allow-Origin", "*");
        set_default("Access-Control-Allow-Headers", "Authorization, X-CKAN-API-Key, Content-Type");
        set_default("Access-Control-Expose-Headers",
                    "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After");
    }
}

}  // namespace govhub::http

#include "http/security_headers.hpp"

#include "core/strings.hpp"
#include "http/router.hpp"

namespace govhub::http {

namespace {
std::string& ExtraImageSources() {
    static std::string sources;
    return sources;
}
const std::string& DefaultPolicy() {
    static const std::string policy = ContentSecurityPolicy();
    return policy;
}
}  // namespace

void SetExtraImageSources(std::string sources) {
    ExtraImageSources() = std::move(sources);
}

std::string ContentSecurityPolicy(const std::string& frame_ancestors) {
    std::string extra = ExtraImageSources().empty() ? "" : " " + ExtraImageSources();
    return "default-src 'self'; img-src 'self' data: blob:" + extra +
           "; style-src 'self'; script-src 'self'; font-src 'self'; connect-src 'self'; "
           "object-src 'none'; frame-src 'self'; base-uri 'self'; form-action 'self'; "
           "frame-ancestors " +
           frame_ancestors;
}

void AddSecurityHeaders(const Request& req, Response& res) {
    auto set_default = [&](const char* name, const std::string& value) {
        if (!res.headers.Has(name)) res.headers.Add(name, value);
    };
    set_default("Content-Security-Policy", DefaultPolicy());
    set_default("X-Content-Type-Options", "nosniff");
    set_default("X-Frame-Options", "DENY");
    set_default("Referrer-Policy", "strict-origin-when-cross-origin");
    set_default("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    set_default("Cross-Origin-Opener-Policy", "same-origin");
    if (req.secure) set_default("Strict-Transport-Security", "max-age=31536000");
    set_default("Cache-Control", "no-store");
    if (req.route && !req.route->options.cors_origin.empty()) {
        // One origin's scripts may call this route (without cookies); every other gets nothing.
        const std::string& origin = req.route->options.cors_origin;
        res.headers.Set("Vary", "Origin");
        if (req.Header("Origin") == origin) {
            res.headers.Set("Access-Control-Allow-Origin", origin);
            res.headers.Set("Access-Control-Allow-Methods", "POST, OPTIONS");
            res.headers.Set("Access-Control-Allow-Headers", "Authorization, Content-Type");
            res.headers.Set("Access-Control-Max-Age", "600");
        }
    } else if (req.IsApi()) {
        // Public data is for every site's scripts; credentials (cookies) are never shared.
        set_default("Access-Control-Allow-Origin", "*");
        set_default("Access-Control-Allow-Headers", "Authorization, X-CKAN-API-Key, Content-Type");
        set_default("Access-Control-Expose-Headers",
                    "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After");
    }
}

}  // namespace govhub::http

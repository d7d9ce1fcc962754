#include "accounts/middleware.hpp"

#include "core/crypto.hpp"
#include "core/strings.hpp"

namespace govhub::accounts {

render::PageContext PageContextOf(const http::Request& req) {
    render::PageContext ctx;
    ctx.locale = req.locale.empty() ? "th" : req.locale;
    ctx.path = req.path;
    ctx.query = req.query;
    ctx.csrf_token = req.csrf_token;
    if (const Principal* p = CurrentUser(req)) {
        ctx.signed_in = true;
        ctx.user_name = p->name;
        ctx.user_display = ctx.locale == "en" ? p->display_name_en : p->display_name_th;
        ctx.sysadmin = p->sysadmin;
        ctx.review_staff = p->review_staff;
    }
    return ctx;
}

http::Middleware AuthMiddleware(AccountService& service) {
    return [&service](http::Request& req, const http::Handler& next) {
        // The route's own credential (RouteOptions::own_credentials): no account, no cookie.
        if (req.route && req.route->options.own_credentials) return next(req);
        std::string token = http::ApiTokenOf(req);
        if (!token.empty()) {
            auto p = service.AuthenticateToken(token);
            // A wrong token is an error, not a silent anonymous call (CKAN does the same).
            if (!p) throw HttpError(401, "unauthorized", "error.bad_token");
            req.principal = *p;
            return next(req);
        }
        if (auto cookie = req.Cookie(kSessionCookie); !cookie.empty()) {
            if (auto p = service.AuthenticateSession(cookie)) {
                req.csrf_token = p->csrf_token;
                req.principal = *p;
                return next(req);
            }
        }
        // Visitors get a CSRF cookie so their forms (login, register) are protected too; the
        // cookieless API needs none.
        if (req.IsApi()) return next(req);
        std::string csrf = req.Cookie(kCsrfCookie);
        bool fresh = csrf.size() < 20 || csrf.size() > 64;
        if (fresh) csrf = core::RandomToken(24);
        req.csrf_token = csrf;
        http::Response res = next(req);
        if (fresh) res.SetCookie(kCsrfCookie, csrf, {.secure = req.secure});
        return res;
    };
}

http::Middleware CsrfMiddleware() {
    return [](http::Request& req, const http::Handler& next) {
        bool safe = req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS";
        const Principal* p = CurrentUser(req);
        bool token_auth = p && p->via_token;
        bool route_exempt = req.route && !req.route->options.csrf;
        // API calls without a session cookie cannot ride on a browser's authority.
        bool cookieless_api = req.IsApi() && req.Cookie(kSessionCookie).empty();
        if (safe || token_auth || route_exempt || cookieless_api || !req.route) return next(req);
        std::string sent(req.Header("X-CSRF-Token"));
        if (sent.empty()) sent = req.FormValue(kCsrfField);
        if (sent.empty() || req.csrf_token.empty() ||
            !core::ConstantTimeEqual(sent, req.csrf_token))
            throw HttpError(403, "csrf", "error.csrf");
        return next(req);
    };
}

http::Middleware ForcePasswordChangeMiddleware() {
    return [](http::Request& req, const http::Handler& next) {
        const Principal* p = CurrentUser(req);
        if (!p || p->via_token || core::StartsWith(req.path, "/static/") ||
            req.path == "/user/logout")
            return next(req);
        if (p->must_change_password && !req.IsApi() && req.path != "/user/password")
            return http::Response::Redirect("/user/password");
        // Staff set up their second factor before anything else (a browser's API calls too).
        if (p->must_enrol_second_factor && !p->must_change_password &&
            !core::StartsWith(req.path, "/user/2fa")) {
            if (req.IsApi()) throw HttpError::Forbidden("totp.required_first");
            return http::Response::Redirect("/user/2fa");
        }
        return next(req);
    };
}

}  // namespace govhub::accounts

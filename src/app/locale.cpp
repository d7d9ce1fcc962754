#include "app/locale.hpp"

#include "core/i18n.hpp"

namespace govhub::app {

std::string RequestLocale(const http::Request& req) {
    std::string query_lang;
    try {
        query_lang = req.Query("lang");
    } catch (const HttpError&) {
        // A malformed query string is reported by whoever reads it; the page stays readable.
    }
    return core::NegotiateLocale(query_lang, req.Cookie("lang"), req.Header("Accept-Language"));
}

http::Middleware LocaleMiddleware() {
    return [](http::Request& req, const http::Handler& next) {
        req.locale = RequestLocale(req);
        http::Response res = next(req);
        std::string asked;
        try {
            asked = req.Query("lang");
        } catch (const HttpError&) {
        }
        if ((asked == "th" || asked == "en") && req.Cookie("lang") != asked)
            res.SetCookie("lang", asked,
                          {.max_age = 365 * 86400, .http_only = false, .secure = req.secure});
        return res;
    };
}

}  // namespace govhub::app

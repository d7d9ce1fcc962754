#include "app/errors.hpp"

#include <nlohmann/json.hpp>
#include "app/locale.hpp"

#include "accounts/middleware.hpp"
#include "api/action.hpp"
#include "core/i18n.hpp"
#include "core/strings.hpp"

namespace govhub::app {

http::ErrorRenderer MakeErrorRenderer(const render::PageRenderer& pages, const core::I18n& i18n,
                                      std::string site_url) {
    return [&pages, &i18n, site_url](const http::Request& req, const HttpError& e) {
        std::string locale = req.locale.empty() ? RequestLocale(req) : req.locale;
        if (req.IsCkanApi()) {
            // CKAN's messages are English; the fields carry their messages as lists.
            std::map<std::string, std::vector<std::string>> fields;
            for (const auto& f : e.fields())
                fields[f.field].push_back(i18n.Localize("en", f.message));
            std::string action = req.path.substr(req.path.rfind('/') + 1);
            std::string help = site_url + "/api/3/action/help_show?name=" + core::UrlEncode(action);
            return http::Response::Json(
                api::ErrorEnvelope(help, e.status(), i18n.Localize("en", e.message()), fields),
                e.status());
        }
        if (req.IsApi()) {
            nlohmann::json fields = nlohmann::json::object();
            for (const auto& f : e.fields()) fields[f.field] = i18n.Localize(locale, f.message);
            nlohmann::json body = {{"error",
                                    {{"status", e.status()},
                                     {"code", e.code()},
                                     {"message", i18n.Localize(locale, e.message())},
                                     {"fields", fields}}}};
            return http::Response::Json(
                body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), e.status());
        }
        // Not signed in, on a page: the one place that sends a browser to the login page, back
        // to where it was (a GET with its query). Handlers only say api::RequireUser; API and
        // token clients get the 401.
        if (e.status() == 401 && http::ApiTokenOf(req).empty()) {
            std::string next = req.path;
            if ((req.method == "GET" || req.method == "HEAD") && !req.query.empty())
                next += "?" + req.query;
            http::Response r =
                http::Response::Redirect("/user/login?next=" + core::UrlEncode(next));
            return r;
        }
        render::View v;
        v.Set("status", e.status());
        std::string title_key = "error.title_" + std::to_string(e.status());
        v.Set("heading", i18n.Has(locale, title_key) || i18n.Has("th", title_key)
                             ? i18n.Localize(locale, title_key)
                             : i18n.Localize(locale, "error.title"));
        v.Set("message", i18n.Localize(locale, e.message()));
        pages.AddErrors(v, e.fields(), locale);
        render::PageContext ctx = accounts::PageContextOf(req);
        ctx.locale = locale;
        return http::Response::Html(pages.Render("error", std::move(v), ctx, "error.title"),
                                    e.status());
    };
}

}  // namespace govhub::app

#include "app/shell_pages.hpp"

#include "accounts/middleware.hpp"

namespace govhub::app {

void RegisterShellPages(http::Router& router, const render::PageRenderer& pages) {
    auto page = [&pages](const char* tmpl, const char* title) {
        return [&pages, tmpl, title](http::Request& req) {
            return http::Response::Html(
                pages.Render(tmpl, render::View(), accounts::PageContextOf(req), title));
        };
    };
    router.Get("/", page("home", "home.title"));
    router.Get("/learning", page("services/learning", "services.learning.name"));
    router.Get("/workd", page("services/workd", "services.workd.name"));
}

}  // namespace govhub::app

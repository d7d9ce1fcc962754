// The developer landing page: what the APIs offer, sign-up, a token at once for a confirmed
// account, and quick-start examples (curl, Python, JavaScript) that run as shown, filled in
// with this site's address and, right after creating it, the developer's own token.
#include "accounts/middleware.hpp"
#include "accounts/routes.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"
#include "core/thai_date.hpp"

#include <map>

namespace govhub::accounts {
namespace {

using render::View;

http::Response Page(AccountService& service, const render::PageRenderer& pages, http::Request& req,
                    const std::string& new_token) {
    const Principal* p = CurrentUser(req);
    const std::string site = service.config().site_url;
    const std::string token = new_token.empty() ? "YOUR-API-TOKEN" : new_token;
    View v;
    v.Set("site", site).Set("signed_in", p != nullptr).Set("has_token", !new_token.empty());
    v.Set("token", new_token);
    if (p) v.Set("user", p->name);
    v.Set("curl", "curl -G '" + site +
                      "/api/3/action/package_search' \\\n"
                      "  --data-urlencode 'q=ประชากร' --data-urlencode 'rows=5' \\\n"
                      "  -H 'Authorization: " +
                      token + "'");
    v.Set("python",
          "import json, urllib.parse, urllib.request\n\n"
          "url = \"" +
              site +
              "/api/3/action/package_search?\" + urllib.parse.urlencode(\n"
              "    {\"q\": \"ประชากร\", \"rows\": 5})\n"
              "req = urllib.request.Request(url, headers={\"Authorization\": \"" +
              token +
              "\"})\n"
              "with urllib.request.urlopen(req) as response:\n"
              "    for dataset in json.load(response)[\"result\"][\"results\"]:\n"
              "        print(dataset[\"name\"], dataset[\"title\"])\n");
    v.Set("javascript",
          "// quickstart.mjs (Node.js 18 or later): node quickstart.mjs\n"
          "const url = new URL('" +
              site +
              "/api/3/action/package_search');\n"
              "url.searchParams.set('q', 'ประชากร');\n"
              "url.searchParams.set('rows', '5');\n"
              "const response = await fetch(url, { headers: { Authorization: '" +
              token +
              "' } });\n"
              "const { result } = await response.json();\n"
              "for (const dataset of result.results) console.log(dataset.name, dataset.title);\n");
    return http::Response::Html(
        pages.Render("accounts/developer", std::move(v), PageContextOf(req), "developer.title"));
}

}  // namespace

void RegisterDeveloperPages(http::Router& router, AccountService& service,
                            const render::PageRenderer& pages) {
    router.Get("/user/{name}/api-tokens/{id}/usage", [&service, &pages](http::Request& req) {
        const Principal* p = CurrentUser(req);
        api::RequireUser(p);
        std::string name(req.PathParam("name"));
        auto usage = service.TokenUsage(*p, name, std::string(req.PathParam("id")));
        if (!usage) throw HttpError::NotFound("developer.no_such_token");
        View v;
        v.Set("token_name", usage->first.name).Set("user", name);
        View days = View::List();
        std::map<std::string, std::pair<int64_t, int64_t>> per_day;
        int64_t total = 0, limited = 0;
        for (const auto& row : usage->second) {
            View d;
            d.Set("day", row.day)
                .Set("date", core::FormatIsoDate(row.day + "T00:00:00Z", req.locale))
                .Set("action", row.action)
                .Set("requests", row.requests)
                .Set("limited", row.limited)
                .Set("has_limited", row.limited > 0);
            days.Push(std::move(d));
            total += row.requests;
            limited += row.limited;
        }
        v.Set("has_usage", !days.items().empty()).Set("rows", std::move(days));
        v.Set("total", total).Set("limited", limited);
        return http::Response::Html(pages.Render("accounts/token_usage", std::move(v),
                                                 PageContextOf(req), "developer.usage_title"));
    });
    router.Get("/developer",
               [&service, &pages](http::Request& req) { return Page(service, pages, req, ""); });
    // A token at once: the account is confirmed (it could log in), so it may use the API now.
    router.Post("/developer/token",
                [&service, &pages](http::Request& req) {
                    const Principal* p = CurrentUser(req);
                    if (!p) return http::Response::Redirect("/user/login?next=%2Fdeveloper");
                    auto t = service.CreateApiToken(*p, p->name, "developer", CallerOf(req));
                    return Page(service, pages, req, t.raw);
                },
                {.rate_limit = "form"});
}

}  // namespace govhub::accounts

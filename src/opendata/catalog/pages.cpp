// Catalog pages: resource downloads (with Range, for any size), more to come.
#include "accounts/middleware.hpp"
#include "core/strings.hpp"
#include "opendata/catalog/routes.hpp"

namespace govhub::catalog {

namespace {
// Content-Disposition for any file name, Thai included (RFC 6266 / 5987).
std::string Disposition(const std::string& filename) {
    std::string ascii;
    for (unsigned char c : filename) ascii += (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? static_cast<char>(c) : '_';
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + core::UrlEncode(filename);
}
}  // namespace

void RegisterRoutes(http::Router& router, CatalogService& catalog, const render::PageRenderer& pages) {
    (void)pages;
    router.Get("/dataset/{name}/resource/{id}/download", [&catalog](http::Request& req) {
        ResourceFile f = catalog.ResourceDownload(accounts::CurrentUser(req), std::string(req.PathParam("name")),
                                                  std::string(req.PathParam("id")));
        http::Response r = http::FileResponse(req, f.path, f.mimetype.empty() ? "application/octet-stream" : f.mimetype,
                                              "private, max-age=0, must-revalidate");
        r.headers.Set("Content-Disposition", Disposition(f.filename));
        return r;
    });
}

}  // namespace govhub::catalog

// The package origin (issue 16): uploaded SCORM packages are someone else's JavaScript, so they
// are served from a site of their own, on a second listener with its own public URL (another
// registrable domain in production), with no middleware at all: no session, no site cookie is
// ever read or set here. It serves exactly:
//   GET /pkg/<dir>/<path>        a file of an extracted package (path checked to stay inside);
//   GET /run/<token>?sco=<id>    the runtime page (web/static/js/scorm-runtime.js's header says
//                                how it is built): scorm-again and the runtime script, the
//                                settings in data-* attributes, the data model as JSON;
//   GET /run/lib/<file>          those two scripts (scorm-again's 1.2 or 2004 build).
// Everything else is 404.
#include <filesystem>

#include "core/strings.hpp"
#include "learning/routes.hpp"

namespace govhub::learning {
namespace {

using http::Request;
using http::Response;

std::string TypeOf(const std::string& path) {
    std::string ext = core::ToLower(std::filesystem::path(path).extension().string());
    // What packages hold beyond http::MimeType's list.
    if (ext == ".htm") return "text/html; charset=utf-8";
    if (ext == ".mp4" || ext == ".m4v") return "video/mp4";
    if (ext == ".webm") return "video/webm";
    if (ext == ".mp3") return "audio/mpeg";
    if (ext == ".m4a") return "audio/mp4";
    if (ext == ".ogg" || ext == ".oga") return "audio/ogg";
    if (ext == ".wav") return "audio/wav";
    if (ext == ".vtt") return "text/vtt; charset=utf-8";
    if (ext == ".xsd" || ext == ".dtd") return "application/xml";
    if (ext == ".swf") return "application/octet-stream";  // never run
    return http::MimeType(path);
}

// JSON inside <script type="application/json">: nothing in it may end the element.
std::string ScriptJson(const std::string& json) {
    std::string out;
    out.reserve(json.size());
    for (char ch : json) {
        if (ch == '<')
            out += "\\u003c";
        else if (ch == '>')
            out += "\\u003e";
        else if (ch == '&')
            out += "\\u0026";
        else
            out += ch;
    }
    return out;
}

std::string RuntimePage(const ScormLaunch& l, const ScormLessons& scorm) {
    using core::HtmlEscape;
    bool v12 = l.version == ScormVersion::k12;
    std::string html;
    html += "<!doctype html>\n<html lang=\"th\"><head>\n<meta charset=\"utf-8\">\n";
    html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    html += "<title>" + HtmlEscape(l.sco_title) + "</title>\n";
    html += std::string("<script src=\"/run/lib/") + (v12 ? "scorm12.min.js" : "scorm2004.min.js") +
            "\"></script>\n";
    html += "<script src=\"/run/lib/scorm-runtime.js\" defer></script>\n</head>\n";
    html += "<body data-version=\"" + std::string(ScormVersionText(l.version)) + "\"";
    html += " data-commit-url=\"" + HtmlEscape(l.commit_url) + "\"";
    html += " data-token=\"" + HtmlEscape(l.token) + "\"";
    html += " data-seq-start=\"" + std::to_string(l.seq_start) + "\"";
    html += " data-launch=\"" + HtmlEscape(l.launch_path) + "\"";
    html += " data-site-origin=\"" + HtmlEscape(scorm.SiteOrigin()) + "\"";
    html += " data-suspend-max=\"" + std::to_string(scorm.config().cmi.suspend_data_max) + "\"";
    html +=
        " data-interactions-max=\"" + std::to_string(scorm.config().cmi.interactions_max) + "\">\n";
    html += "<script type=\"application/json\" id=\"cmi-initial\">" + ScriptJson(l.initial_cmi) +
            "</script>\n</body></html>\n";
    return html;
}

}  // namespace

void RegisterPackageSite(http::Router& router, ScormLessons& scorm, const std::string& web_dir) {
    router.Get("/pkg/{dir}/{path*}", [&scorm](Request& req) {
        std::string file = scorm.PackageFile(std::string(req.PathParam("dir")),
                                             std::string(req.PathParam("path")));
        return http::FileResponse(req, file, TypeOf(file), "private, max-age=300");
    });
    router.Get("/run/{token}", [&scorm](Request& req) {
        ScormLaunch l = scorm.Resume(std::string(req.PathParam("token")), req.Query("sco"));
        return Response::Html(RuntimePage(l, scorm));
    });
    std::string vendor = web_dir + "/static/vendor/scorm-again/";
    std::string js = web_dir + "/static/js/scorm-runtime.js";
    router.Get("/run/lib/{file}", [vendor, js](Request& req) {
        std::string_view f = req.PathParam("file");
        std::string path = f == "scorm-runtime.js"   ? js
                           : f == "scorm12.min.js"   ? vendor + "scorm12.min.js"
                           : f == "scorm2004.min.js" ? vendor + "scorm2004.min.js"
                                                     : "";
        if (path.empty()) throw HttpError::NotFound();
        return http::FileResponse(req, path, "text/javascript; charset=utf-8",
                                  "public, max-age=3600");
    });
}

void DecoratePackageSite(const Request& req, Response& res, const std::string& site_origin) {
    // Nothing here may carry a cookie, whatever a handler did.
    res.headers.Remove("Set-Cookie");
    res.headers.Set("X-Content-Type-Options", "nosniff");
    // The runtime page's URL holds its token.
    res.headers.Set("Referrer-Policy", "no-referrer");
    res.headers.Set("Cross-Origin-Resource-Policy", "cross-origin");
    bool run = core::StartsWith(req.path, "/run/");
    if (run) {
        res.headers.Set("Content-Security-Policy",
                        "default-src 'none'; script-src 'self'; frame-src 'self'; img-src 'self'; "
                        "connect-src " +
                            site_origin +
                            "; base-uri 'none'; form-action 'none'; frame-ancestors " +
                            site_origin);
        if (!core::StartsWith(req.path, "/run/lib/")) res.headers.Set("Cache-Control", "no-store");
    } else {
        // A package's own pages: authoring tools write inline scripts and eval, which is why they
        // live on this origin; they may reach this origin and the site's commit URL, nothing else,
        // and be framed only by the runtime page inside the site's lesson page.
        res.headers.Set("Content-Security-Policy",
                        "default-src 'self' 'unsafe-inline' 'unsafe-eval' data: blob:; "
                        "connect-src 'self' " +
                            site_origin +
                            "; object-src 'none'; base-uri 'self'; form-action 'self'; "
                            "frame-ancestors 'self' " +
                            site_origin);
    }
    if (!res.headers.Has("Cache-Control")) res.headers.Set("Cache-Control", "no-store");
}

}  // namespace govhub::learning

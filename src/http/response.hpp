#pragma once
// What handlers return: a string body, or a producer that streams chunks (files, dumps).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "http/cookies.hpp"
#include "http/headers.hpp"

namespace govhub::http {

struct Request;

struct Response {
    // Appends the next piece of the body to `chunk`; returns false after the last piece.
    // Runs on a worker thread; may block (file or database reads).
    using Producer = std::function<bool(std::string& chunk)>;

    int status = 200;
    Headers headers;
    std::string body;
    Producer producer;                    // when set, `body` is ignored
    std::optional<uint64_t> body_length;  // producer's length if known; otherwise chunked

    static Response Text(std::string body, int status = 200,
                         std::string content_type = "text/plain; charset=utf-8");
    static Response Html(std::string body, int status = 200);
    static Response Json(std::string body, int status = 200);
    static Response Redirect(const std::string& location, int status = 303);

    void SetCookie(std::string_view name, std::string_view value, const CookieOptions& opts) {
        headers.Add("Set-Cookie", SetCookieValue(name, value, opts));
    }
};

// Serves a file with ETag/Last-Modified, If-None-Match/If-Modified-Since (304) and a single
// byte Range (206/416). Throws HttpError 404 when the file is missing.
Response FileResponse(const Request& req, const std::string& path, const std::string& content_type,
                      const std::string& cache_control = "public, max-age=300");

// Streams a file written for this one response (an export) and deletes it: it is unlinked as
// soon as it is open, so it goes away whatever happens to the connection.
Response TemporaryFileResponse(const std::string& path, const std::string& content_type,
                               const std::string& download_name);

// A stored document (an upload): PDFs, raster images and plain text inline when asked (framed
// by this site only, images and text sandboxed); everything else, HTML and SVG above all,
// downloads under its own name, since shown inline it could run scripts as the site.
Response DocumentResponse(const Request& req, const std::string& path,
                          const std::string& content_type, const std::string& filename,
                          bool inline_requested);
// Content-Disposition: attachment for any file name, Thai included (RFC 6266 / 5987).
std::string AttachmentDisposition(const std::string& filename);

// Content type from a file name's extension.
std::string MimeType(std::string_view filename);

const char* StatusReason(int status);

}  // namespace govhub::http

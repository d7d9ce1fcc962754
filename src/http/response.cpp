#include "http/response.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <set>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"
#include "http/request.hpp"

namespace govhub::http {

Response Response::Text(std::string body, int status, std::string content_type) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    r.headers.Set("Content-Type", std::move(content_type));
    return r;
}

Response Response::Html(std::string body, int status) {
    return Text(std::move(body), status, "text/html; charset=utf-8");
}

Response Response::Json(std::string body, int status) {
    return Text(std::move(body), status, "application/json; charset=utf-8");
}

Response Response::Redirect(const std::string& location, int status) {
    Response r;
    r.status = status;
    r.headers.Set("Location", location);
    return r;
}

std::string MimeType(std::string_view filename) {
    static const std::pair<const char*, const char*> kTypes[] = {
        {".html", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".gif", "image/gif"},
        {".webp", "image/webp"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".woff", "font/woff"},
        {".ttf", "font/ttf"},
        {".txt", "text/plain; charset=utf-8"},
        {".csv", "text/csv; charset=utf-8"},
        {".pdf", "application/pdf"},
        {".xml", "application/xml"},
        {".zip", "application/zip"},
        {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        {".geojson", "application/geo+json"},
    };
    std::string lower = core::ToLower(filename);
    for (const auto& [ext, type] : kTypes) {
        std::string_view e(ext);
        if (lower.size() >= e.size() && lower.compare(lower.size() - e.size(), e.size(), e) == 0)
            return type;
    }
    return "application/octet-stream";
}

namespace {
// Parses "bytes=a-b" | "bytes=a-" | "bytes=-n" against `size`. Multiple ranges are answered
// with the whole file (allowed by RFC 9110). Returns false when unsatisfiable.
bool ParseRange(std::string_view header, uint64_t size, uint64_t& first, uint64_t& last,
                bool& is_range) {
    is_range = false;
    if (!core::StartsWith(header, "bytes=")) return true;
    std::string spec = core::Trim(header.substr(6));
    if (spec.find(',') != std::string::npos) return true;
    size_t dash = spec.find('-');
    if (dash == std::string::npos) return true;
    std::string a = spec.substr(0, dash), b = spec.substr(dash + 1);
    auto digits = [](const std::string& s) {
        return !s.empty() && s.size() < 19 &&
               s.find_first_not_of("0123456789") == std::string::npos;
    };
    if (a.empty()) {
        if (!digits(b)) return true;
        uint64_t n = std::stoull(b);
        if (n == 0 || size == 0) return false;
        first = n >= size ? 0 : size - n;
        last = size - 1;
    } else {
        if (!digits(a) || (!b.empty() && !digits(b))) return true;
        first = std::stoull(a);
        last = b.empty() ? size - 1 : std::min<uint64_t>(std::stoull(b), size - 1);
        if (first >= size || (!b.empty() && std::stoull(b) < first)) return false;
    }
    is_range = true;
    return true;
}
}  // namespace

Response TemporaryFileResponse(const std::string& path, const std::string& content_type,
                               const std::string& download_name) {
    FILE* f = std::fopen(path.c_str(), "rb");
    ::unlink(path.c_str());
    if (!f) throw HttpError(500, "internal", "error.storage");
    auto file = std::shared_ptr<FILE>(f, [](FILE* x) { std::fclose(x); });
    Response r;
    r.headers.Set("Content-Type", content_type);
    r.headers.Set("Content-Disposition", "attachment; filename=\"" + download_name + "\"");
    r.headers.Set("Cache-Control", "private, max-age=0");
    r.producer = [file](std::string& chunk) {
        char buf[1 << 16];
        size_t n = std::fread(buf, 1, sizeof buf, file.get());
        chunk.append(buf, n);
        return n == sizeof buf;
    };
    return r;
}

std::string AttachmentDisposition(const std::string& filename) {
    std::string ascii;
    for (unsigned char c : filename)
        ascii += (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? static_cast<char>(c) : '_';
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + core::UrlEncode(filename);
}

Response DocumentResponse(const Request& req, const std::string& path,
                          const std::string& content_type, const std::string& filename,
                          bool inline_requested) {
    static const std::set<std::string> kInline = {"application/pdf", "image/png",  "image/jpeg",
                                                  "image/gif",       "image/webp", "text/plain"};
    Response r =
        FileResponse(req, path, content_type.empty() ? "application/octet-stream" : content_type,
                     "private, max-age=0, must-revalidate");
    if (inline_requested && kInline.count(content_type)) {
        r.headers.Set("Content-Disposition", "inline");
        // Chromium's PDF viewer does not run in a sandboxed document.
        r.headers.Set("Content-Security-Policy",
                      content_type == "application/pdf"
                          ? "frame-ancestors 'self'"
                          : "default-src 'none'; img-src 'self'; frame-ancestors 'self'; sandbox");
        r.headers.Set("X-Frame-Options", "SAMEORIGIN");
    } else {
        r.headers.Set("Content-Disposition", AttachmentDisposition(filename));
    }
    return r;
}

Response FileResponse(const Request& req, const std::string& path, const std::string& content_type,
                      const std::string& cache_control) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0) ::close(fd);
        throw HttpError::NotFound();
    }
    auto fd_holder = std::shared_ptr<int>(new int(fd), [](int* p) {
        ::close(*p);
        delete p;
    });
    uint64_t size = static_cast<uint64_t>(st.st_size);
    std::string etag = "\"" + std::to_string(size) + "-" + std::to_string(st.st_mtim.tv_sec) +
                       std::to_string(st.st_mtim.tv_nsec / 1000) + "\"";
    std::string last_modified = core::HttpDate(st.st_mtim.tv_sec);

    Response r;
    r.headers.Set("ETag", etag);
    r.headers.Set("Last-Modified", last_modified);
    r.headers.Set("Accept-Ranges", "bytes");
    r.headers.Set("Cache-Control", cache_control);
    auto inm = req.Header("If-None-Match");
    if ((!inm.empty() && (inm == etag || inm == "*" || inm.find(etag) != std::string_view::npos)) ||
        (inm.empty() && req.Header("If-Modified-Since") == last_modified)) {
        r.status = 304;
        return r;
    }
    r.headers.Set("Content-Type", content_type);

    uint64_t first = 0, last = size ? size - 1 : 0;
    bool is_range = false;
    auto range = req.Header("Range");
    auto if_range = req.Header("If-Range");
    if (!range.empty() && (if_range.empty() || if_range == etag)) {
        if (!ParseRange(range, size, first, last, is_range)) {
            Response bad = Response::Text("range not satisfiable", 416);
            bad.headers.Set("Content-Range", "bytes */" + std::to_string(size));
            return bad;
        }
    }
    uint64_t length = size == 0 ? 0 : last - first + 1;
    if (is_range) {
        r.status = 206;
        r.headers.Set("Content-Range", "bytes " + std::to_string(first) + "-" +
                                           std::to_string(last) + "/" + std::to_string(size));
    }
    r.body_length = length;
    auto offset = std::make_shared<uint64_t>(first);
    uint64_t end = first + length;
    r.producer = [fd_holder, offset, end](std::string& chunk) {
        constexpr size_t kChunk = 256 * 1024;
        size_t want = static_cast<size_t>(std::min<uint64_t>(kChunk, end - *offset));
        if (want == 0) return false;
        size_t old = chunk.size();
        chunk.resize(old + want);
        ssize_t n = ::pread(*fd_holder, chunk.data() + old, want, static_cast<off_t>(*offset));
        if (n <= 0) {
            chunk.resize(old);
            throw std::runtime_error("file read failed");
        }
        chunk.resize(old + static_cast<size_t>(n));
        *offset += static_cast<uint64_t>(n);
        return *offset < end;
    };
    return r;
}

const char* StatusReason(int status) {
    switch (status) {
        case 100:
            return "Continue";
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 204:
            return "No Content";
        case 206:
            return "Partial Content";
        case 301:
            return "Moved Permanently";
        case 302:
            return "Found";
        case 303:
            return "See Other";
        case 304:
            return "Not Modified";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 408:
            return "Request Timeout";
        case 409:
            return "Conflict";
        case 411:
            return "Length Required";
        case 413:
            return "Content Too Large";
        case 415:
            return "Unsupported Media Type";
        case 416:
            return "Range Not Satisfiable";
        case 422:
            return "Unprocessable Content";
        case 429:
            return "Too Many Requests";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 503:
            return "Service Unavailable";
        default:
            return "Unknown";
    }
}

}  // namespace govhub::http

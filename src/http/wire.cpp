#include "http/wire.hpp"

#include <atomic>
#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>
#include <cctype>
#include <cstdio>
#include <limits>

#include "core/crypto.hpp"
#include "core/strings.hpp"
#include "http/multipart.hpp"

namespace govhub::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;

namespace {

HttpError BadRequest() {
    return HttpError(400, "bad_request", "error.bad_request");
}

bool ValidRequestId(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
            return false;
    return true;
}

}  // namespace

std::string NewRequestId() {
    static const std::string prefix = core::RandomToken(6);
    static std::atomic<uint64_t> counter{0};
    char buf[24];
    std::snprintf(buf, sizeof buf, "-%llx", static_cast<unsigned long long>(++counter));
    return prefix + buf;
}

void ResetParser(std::optional<RequestParser>& parser, const ServerConfig& cfg) {
    parser.emplace();
    parser->header_limit(static_cast<std::uint32_t>(cfg.header_limit));
    // Beast checks Content-Length against the body limit while parsing headers; the real,
    // per-route limit is set once the route is known.
    parser->body_limit(std::numeric_limits<std::uint64_t>::max());
}

std::optional<HttpError> HeadReadError(const beast::error_code& ec) {
    if (ec == bhttp::error::end_of_stream || ec == net::error::eof ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset ||
        ec == net::error::bad_descriptor)
        return std::nullopt;
    if (ec == bhttp::error::body_limit) return HttpError(413, "too_large", "error.too_large");
    if (ec == bhttp::error::header_limit)
        return HttpError(431, "header_too_large", "error.header_too_large");
    return BadRequest();
}

std::optional<HttpError> BodyReadError(const beast::error_code& ec) {
    if (ec == bhttp::error::body_limit) return HttpError(413, "too_large", "error.too_large");
    // A body that stalls: the stream's expiry already closed the socket. A truncated body:
    // nobody left to answer.
    if (ec == beast::error::timeout || ec == bhttp::error::partial_message ||
        ec == net::error::eof || ec == net::error::connection_reset ||
        ec == net::error::operation_aborted)
        return std::nullopt;
    return BadRequest();
}

std::optional<HttpError> AcceptHead(RequestParser& parser, const ServerConfig& cfg,
                                    const Router& router, const std::string& remote_ip,
                                    Request& req, std::unique_ptr<BodySink>& sink) {
    auto& msg = parser.get();
    // RFC 9112 §6.1: a request whose last transfer coding is not chunked has no length that
    // can be known; reading on would take its body for the next request (smuggling).
    if (msg.count(bhttp::field::transfer_encoding) && !msg.chunked()) return BadRequest();
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    req.version = static_cast<int>(msg.version());
    for (const auto& f : msg) req.headers.Add(std::string(f.name_string()), std::string(f.value()));
    req.client_ip = remote_ip;
    req.secure = cfg.assume_tls;
    if (cfg.trust_proxy) {
        auto xff = req.headers.Get("X-Forwarded-For");
        if (!xff.empty()) {
            auto hops = core::Split(xff, ',');
            req.client_ip = core::Trim(hops.back());
        }
        req.secure = req.secure || core::IEquals(req.headers.Get("X-Forwarded-Proto"), "https");
    }
    auto incoming_id = req.headers.Get("X-Request-Id");
    req.request_id = ValidRequestId(incoming_id) ? std::string(incoming_id) : NewRequestId();

    // Origin-form targets only; the path is percent-decoded and must be valid UTF-8.
    if (req.target.empty() || req.target[0] != '/') return BadRequest();
    size_t q = req.target.find('?');
    std::string raw_path = req.target.substr(0, q);
    if (q != std::string::npos) req.query = req.target.substr(q + 1);
    if (!core::UrlDecode(raw_path, req.path, false) || !core::IsValidUtf8(req.path) ||
        req.path.find('\0') != std::string::npos)
        return BadRequest();

    RouteMatch match = router.Match(req.method, req.path);
    if (match.route) {
        req.route = match.route;
        req.path_params = std::move(match.params);
    }
    req.allowed_methods = std::move(match.allowed);

    // Requests that match no route may carry a small body; it is read and discarded.
    size_t limit = req.route ? req.route->options.body_limit : 64 * 1024;
    auto length = parser.content_length();
    if (length && *length > limit) return HttpError(413, "too_large", "error.too_large");
    parser.body_limit(limit);

    std::string ctype(req.headers.Get("Content-Type"));
    if (req.route && req.route->options.upload) {
        std::string boundary = MultipartBoundary(ctype);
        if (!boundary.empty()) {
            sink = std::make_unique<MultipartSink>(boundary, cfg);
        } else if (core::StartsWith(core::ToLower(ctype), "multipart/")) {
            return HttpError(400, "bad_multipart", "error.bad_multipart");
        } else {
            sink = std::make_unique<FileSink>(cfg.upload_dir);
        }
    } else {
        sink = std::make_unique<StringSink>();
    }
    return std::nullopt;
}

}  // namespace govhub::http

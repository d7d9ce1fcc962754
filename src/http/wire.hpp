#pragma once
// Reading one request off the wire, the Beast side: the parser configured the server's way, a
// failed read turned into its answer, and the parsed head turned into a Request (or refused)
// with the body's limit and sink chosen by the route. The server's sessions drive it from
// sockets (server.cpp), MemoryConnection from memory (memory_connection.hpp: the fuzz targets
// and tests). Only server.cpp and wire.cpp include this header, so Beast stays in them.
#include <utility>  // before Beast/Asio: GCC 12 + Boost 1.74 need std::exchange declared
//
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <memory>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "http/body_sink.hpp"
#include "http/request.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

namespace govhub::http {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::buffer_body>;

// The body buffer: a body is read (and handed to its sink) this much at a time.
inline constexpr size_t kReadChunk = 64 * 1024;

// A parser for the next request on a connection: the head is capped at cfg.header_limit (431);
// the body's limit waits for the route (AcceptHead), since Beast checks a Content-Length against
// it while it parses the head.
void ResetParser(std::optional<RequestParser>& parser, const ServerConfig& cfg);

// The answer to a failed read of a request head (413, 431, 400), or nullopt when the client
// went away and nobody is left to answer (the connection just closes).
std::optional<HttpError> HeadReadError(const boost::beast::error_code& ec);
// The same for a read of the body: 413 past the route's limit, 400 for broken chunking; nullopt
// for a truncated or stalled body.
std::optional<HttpError> BodyReadError(const boost::beast::error_code& ec);

// Turns the head the parser has read into `req`: method, target, version, headers, client ip and
// scheme (X-Forwarded-* only when cfg.trust_proxy), request id, decoded path and raw query, and
// the route; sets the route's body limit on the parser and picks the body's sink. Or the refusal
// answered before any handler runs: 400 for a transfer coding that does not end in chunked
// (smuggling), a target that is not an origin-form path, a bad escape, invalid UTF-8 or NUL in
// the path, or a multipart Content-Type without a boundary on an upload route; 413 for a
// Content-Length over the route's limit.
std::optional<HttpError> AcceptHead(RequestParser& parser, const ServerConfig& cfg,
                                    const Router& router, const std::string& remote_ip,
                                    Request& req, std::unique_ptr<BodySink>& sink);

// A request id: a random per-process prefix and a counter (unique, not guessable across
// restarts).
std::string NewRequestId();

}  // namespace govhub::http

#pragma once
// The HTTP/1.1 server. Beast/Asio live only in server.cpp: Asio threads do the network I/O,
// handlers run on a worker pool as plain blocking code (DESIGN.md §4).
#include <functional>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "http/bulkhead.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "http/router.hpp"

namespace govhub::http {

struct ServerConfig {
    std::string address = "0.0.0.0";
    int port = 8080;  // 0 picks a free port (see Server::port())
    int io_threads = 2;
    int worker_threads = 8;
    size_t header_limit = 16 * 1024;     // request line + headers -> 431 beyond
    size_t form_memory_limit = 1 << 20;  // multipart plain fields held in memory -> 413
    size_t max_parts = 1000;             // multipart parts per request
    int header_timeout_seconds = 15;     // slow header senders are cut off (408)
    int idle_timeout_seconds = 60;       // keep-alive connections without a request
    int body_timeout_seconds = 30;       // between two body reads
    int write_timeout_seconds = 60;      // between two response writes
    int shutdown_grace_seconds = 30;     // in-flight requests get this long after SIGTERM
    std::string upload_dir = "/tmp";     // temp files for streamed uploads
    bool trust_proxy = false;            // honour X-Forwarded-For / X-Forwarded-Proto
    bool assume_tls = false;             // the public site is https (cookies get Secure)
    bool access_log = true;
    BulkheadConfig bulkhead;  // each named pool of RouteOptions::pool
};

// Wraps the next stage; a middleware may answer itself, change the request, or decorate the
// response. The first registered runs outermost.
using Middleware = std::function<Response(Request&, const Handler& next)>;
using ErrorRenderer = std::function<Response(const Request&, const HttpError&)>;
using ResponseDecorator = std::function<void(const Request&, Response&)>;
// Whether a request to a route marked run_inline may really skip the worker pool (e.g. only
// when it carries no credentials the middleware would look up in the database).
using InlinePredicate = std::function<bool(const Request&)>;

class Server {
  public:
    Server(ServerConfig config, const Router& router);
    ~Server();

    void Use(Middleware middleware);
    // Renders every HttpError (and internal errors, as a 500 HttpError) into a response.
    void SetErrorRenderer(ErrorRenderer renderer);
    // Runs on every response, errors included (security headers).
    void SetDecorator(ResponseDecorator decorator);
    void SetInlinePredicate(InlinePredicate predicate);

    // Binds; after this port() is known.
    void Listen();
    int port() const;
    // Serves until SIGTERM/SIGINT or Stop(); then finishes in-flight requests and returns.
    void Run();
    // Thread-safe; starts the graceful shutdown.
    void Stop();

    // Fixes the middleware chain; Run() calls it. Needed before Handle() without Run().
    void Prepare();
    // The full pipeline for one request (middlewares, routing, error rendering). Public so
    // tests and `govhub` helpers can call it without a socket.
    Response Handle(Request& req) const;

    struct Impl;  // public only so server.cpp's connection type can name it

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace govhub::http

// The only translation unit that includes Boost.Beast/Asio (DESIGN.md §2).
#include <utility>  // before Asio: GCC 12 + Boost 1.74 need std::exchange declared
//
#include "http/server.hpp"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "core/clock.hpp"
#include "core/crash.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"
#include "core/strings.hpp"
#include "http/wire.hpp"

namespace govhub::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// Appends a header name or value, dropping CR/LF/NUL so no handler can split a response.
void AppendHeaderText(std::string& out, std::string_view v) {
    if (v.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos) {
        out.append(v);
        return;
    }
    for (char c : v)
        if (c != '\r' && c != '\n' && c != '\0') out += c;
}

}  // namespace

class Session;

struct Server::Impl {
    ServerConfig cfg;
    const Router& router;
    std::vector<Middleware> middlewares;
    ErrorRenderer renderer;
    ResponseDecorator decorator;
    InlinePredicate inline_ok;
    // Declared before the io_contexts so it outlives the sessions they hold (slots).
    Bulkheads bulkheads{cfg.bulkhead};
    // The bulkheads' clients: tokens count once accepted (remembered after Handle).
    mutable BulkheadClients bulkhead_clients;

    // One io_context per I/O thread (each connection lives on one thread, no strands or
    // cross-thread wake-ups); the first also runs the acceptor, signals and timers.
    std::vector<std::unique_ptr<net::io_context>> iocs = MakeContexts(cfg.io_threads);
    std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
    size_t next_ioc = 0;
    net::io_context& ioc = *iocs.front();
    tcp::acceptor acceptor{ioc};
    net::thread_pool workers;
    net::signal_set signals{ioc};
    net::steady_timer drain_timer{ioc};
    std::atomic<bool> stopping{false};
    int bound_port = 0;

    std::mutex sessions_mutex;
    std::unordered_set<Session*> sessions;

    static std::vector<std::unique_ptr<net::io_context>> MakeContexts(int n) {
        std::vector<std::unique_ptr<net::io_context>> out;
        for (int i = 0; i < std::max(1, n); ++i)
            out.push_back(std::make_unique<net::io_context>(1));
        return out;
    }

    Impl(ServerConfig c, const Router& r)
        : cfg(std::move(c)),
          router(r),
          workers(static_cast<size_t>(std::max(1, cfg.worker_threads))) {}

    void Accept();
    void BeginStop();
    void SessionClosed(Session* s);
    Response RenderError(const Request& req, const HttpError& e) const;
    void BuildChain();
    Response Handle(Request& req) const;
    std::vector<Handler> stages;  // built once before serving
};

class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket socket, Server::Impl& server)
        : stream_(std::move(socket)),
          server_(server),
          body_buf_(kReadChunk),
          header_timer_(stream_.get_executor()) {
        std::lock_guard lock(server_.sessions_mutex);
        server_.sessions.insert(this);
    }
    ~Session() { server_.SessionClosed(this); }

    void Start() {
        beast::error_code ec;
        auto ep = stream_.socket().remote_endpoint(ec);
        remote_ip_ = ec ? "" : ep.address().to_string();
        stream_.socket().set_option(tcp::no_delay(true), ec);
        net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
    }

    // Called on the session's strand during shutdown: drop the connection if it is waiting
    // for a new request; busy ones close after their response.
    void CloseIfIdle() {
        if (idle_) {
            beast::error_code ec;
            stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
            stream_.socket().close(ec);
        }
    }
    auto executor() { return stream_.get_executor(); }

  private:
    void ReadHeader() {
        if (server_.stopping) return Close();
        ResetParser(parser_, server_.cfg);
        req_ = std::make_shared<Request>();
        if (buffer_.size() > 0) return ReadHeaderRest();  // pipelined request already here
        // Wait for the first bytes under the idle timeout; the rest of the header must follow
        // within the (shorter) header timeout.
        idle_ = true;
        stream_.expires_after(std::chrono::seconds(server_.cfg.idle_timeout_seconds));
        stream_.async_read_some(buffer_.prepare(8192),
                                [self = shared_from_this()](beast::error_code ec, size_t n) {
                                    self->idle_ = false;
                                    if (ec) return self->Close();
                                    self->buffer_.commit(n);
                                    self->ReadHeaderRest();
                                });
    }

    void ReadHeaderRest() {
        // A separate timer (not the stream's own expiry, which closes the socket) so a client
        // that stalls mid-header can still be told 408.
        stream_.expires_never();
        header_timed_out_ = false;
        header_timer_.expires_after(std::chrono::seconds(server_.cfg.header_timeout_seconds));
        header_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (ec) return;
            self->header_timed_out_ = true;
            beast::error_code ignored;
            self->stream_.socket().cancel(ignored);
        });
        bhttp::async_read_header(
            stream_, buffer_, *parser_,
            [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
    }

    void OnHeader(beast::error_code ec) {
        started_ = std::chrono::steady_clock::now();
        header_timer_.cancel();
        if (header_timed_out_) return EarlyError(HttpError(408, "timeout", "error.timeout"));
        if (ec) {
            if (auto e = HeadReadError(ec)) return EarlyError(*e);
            return Close();  // the client went away
        }
        // The head → Request (wire.hpp), or its refusal; the body's limit and sink by route.
        if (auto e = AcceptHead(*parser_, server_.cfg, server_.router, remote_ip_, *req_, sink_))
            return EarlyError(*e);

        if (core::IEquals(req_->headers.Get("Expect"), "100-continue") && !parser_->is_done()) {
            continue_buf_ = "HTTP/1.1 100 Continue\r\n\r\n";
            stream_.expires_after(std::chrono::seconds(server_.cfg.write_timeout_seconds));
            net::async_write(stream_, net::buffer(continue_buf_),
                             [self = shared_from_this()](beast::error_code ec, size_t) {
                                 if (ec) return self->Close();
                                 self->ReadBody();
                             });
            return;
        }
        ReadBody();
    }

    void ReadBody() {
        if (parser_->is_done()) return OnBodyDone();
        auto& body = parser_->get().body();
        body.data = body_buf_.data();
        body.size = body_buf_.size();
        stream_.expires_after(std::chrono::seconds(server_.cfg.body_timeout_seconds));
        bhttp::async_read_some(
            stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
                if (ec == bhttp::error::need_buffer) ec = {};
                size_t got = self->body_buf_.size() - self->parser_->get().body().size;
                if (ec) {
                    if (auto e = BodyReadError(ec)) return self->EarlyError(*e);
                    return self->Close();  // truncated or stalled: nobody left to answer
                }
                if (got > 0 && !self->sink_->Write(self->body_buf_.data(), got))
                    return self->EarlyError(self->sink_->error);
                self->ReadBody();
            });
    }

    void OnBodyDone() {
        keep_alive_ = parser_->keep_alive();
        if (!sink_->Finish(*req_)) return EarlyError(sink_->error);
        sink_.reset();
        // Cheap, non-blocking requests are answered on the I/O thread; everything else goes to
        // the worker pool so a slow database call never stalls the network.
        if (req_->route && req_->route->options.run_inline && server_.inline_ok &&
            server_.inline_ok(*req_))
            return Write(std::make_shared<Response>(server_.Handle(*req_)));
        auto self = shared_from_this();
        if (std::string pool = PoolOf(*req_); !pool.empty()) return RunOnBulkhead(pool);
        net::post(server_.workers, [self, ex = Tracked()] {
            auto res = std::make_shared<Response>(self->server_.Handle(*self->req_));
            net::post(ex, [self, res] { self->Write(res); });
        });
    }

    // The session's executor, counted as outstanding work while a worker or a bulkhead has
    // its request: a shutdown's io_context must not return from run() before the answer is
    // posted back to it.
    net::any_io_executor Tracked() {
        return net::prefer(stream_.get_executor(), net::execution::outstanding_work.tracked);
    }

    static std::string PoolOf(const Request& req) {
        if (!req.route) return {};
        const RouteOptions& o = req.route->options;
        if (o.pool_for) {
            try {
                return o.pool_for(req);
            } catch (...) {
                return o.pool;  // e.g. a malformed query string: the handler will say so
            }
        }
        return o.pool;
    }

    // Expensive work runs on its pool, one request per client, within the pool's capacity;
    // the slot is held until the response is written (see bulkhead.hpp).
    void RunOnBulkhead(const std::string& name) {
        Bulkhead& pool = server_.bulkheads.Get(name);
        std::string client = server_.bulkhead_clients.Of(*req_);
        Bulkhead::Admission why;
        slot_ = pool.Admit(client, why);
        if (!slot_) {
            bool busy = why == Bulkhead::Admission::kClientBusy;
            core::LogWarn("http.bulkhead", busy ? "client busy" : "pool full",
                          "\"pool\":\"" + name + "\",\"request_id\":\"" + req_->request_id + "\"");
            return Write(Refusal(pool, busy));
        }
        auto self = shared_from_this();
        auto ex = Tracked();
        pool.Run(
            slot_,
            [self, ex] {
                // Still queued at the deadline: refused like a full pool.
                auto res = self->slot_->Expired()
                               ? self->Refusal(self->slot_->pool(), false)
                               : std::make_shared<Response>(self->server_.Handle(*self->req_));
                // Free before the client can read the answer (and ask again); a stream keeps it.
                if (!res->producer) self->slot_.reset();
                net::post(ex, [self, res] { self->Write(res); });
            },
            // Evicted while queued, for a client that has used the pool less: refused like a
            // full pool, on this session's own thread (the slot is already free).
            [self, ex] {
                net::post(ex, [self] {
                    auto res = self->Refusal(self->slot_->pool(), false);
                    self->slot_.reset();
                    self->Write(res);
                });
            });
    }

    // 429 (this client already has a request in the pool) or 503 (the pool is full), with the
    // pool's Retry-After, rendered like any other error.
    std::shared_ptr<Response> Refusal(const Bulkhead& pool, bool client_busy) const {
        HttpError e = client_busy ? HttpError(429, "busy", "error.busy")
                                  : HttpError(503, "overloaded", "error.overloaded");
        e.headers.emplace_back("Retry-After", std::to_string(pool.config().retry_after_seconds));
        auto res = std::make_shared<Response>(server_.RenderError(*req_, e));
        if (server_.decorator) server_.decorator(*req_, *res);
        return res;
    }

    // A request refused before its handler ran: answered and the connection closed, since
    // the rest of its body was not read.
    void EarlyError(const HttpError& e) {
        keep_alive_ = false;
        if (req_->method.empty()) req_->method = "GET";
        if (req_->request_id.empty()) req_->request_id = NewRequestId();
        req_->client_ip = remote_ip_;
        auto res = std::make_shared<Response>(server_.RenderError(*req_, e));
        if (server_.decorator) server_.decorator(*req_, *res);
        Write(res);
    }

    void Write(std::shared_ptr<Response> res) {
        res_ = std::move(res);
        Request& req = *req_;
        if (server_.stopping) keep_alive_ = false;
        bool head = req.method == "HEAD";
        bool no_body = head || res_->status == 204 || res_->status == 304 ||
                       (res_->status >= 100 && res_->status < 200);
        bool http10 = req.version < 11;
        chunked_ = false;
        if (res_->producer && !res_->body_length) {
            if (http10)
                keep_alive_ = false;  // HTTP/1.0: the body ends when the connection does
            else
                chunked_ = true;
        }

        std::string& out = out_;
        out.clear();
        out += http10 ? "HTTP/1.0 " : "HTTP/1.1 ";
        out += std::to_string(res_->status);
        out += ' ';
        out += StatusReason(res_->status);
        out += "\r\n";
        for (const auto& [k, v] : res_->headers.fields()) {
            if (core::IEquals(k, "Content-Length") || core::IEquals(k, "Transfer-Encoding") ||
                core::IEquals(k, "Connection"))
                continue;
            AppendHeaderText(out, k);
            out += ": ";
            AppendHeaderText(out, v);
            out += "\r\n";
        }
        out += "X-Request-Id: " + req.request_id + "\r\n";
        if (res_->status != 204 && res_->status != 304 && res_->status >= 200) {
            if (chunked_) {
                out += "Transfer-Encoding: chunked\r\n";
            } else if (res_->producer) {
                if (res_->body_length)
                    out += "Content-Length: " + std::to_string(*res_->body_length) + "\r\n";
            } else {
                out += "Content-Length: " + std::to_string(res_->body.size()) + "\r\n";
            }
        }
        if (!keep_alive_)
            out += "Connection: close\r\n";
        else if (http10)
            out += "Connection: keep-alive\r\n";
        out += "\r\n";
        bytes_sent_ = 0;
        bool stream_body = res_->producer && !no_body;
        if (!no_body && !res_->producer) {
            out += res_->body;
            bytes_sent_ = res_->body.size();
        }
        stream_.expires_after(std::chrono::seconds(server_.cfg.write_timeout_seconds));
        net::async_write(stream_, net::buffer(out_),
                         [self = shared_from_this(), stream_body](beast::error_code ec, size_t) {
                             if (ec) return self->Close();
                             if (stream_body) return self->Pump();
                             self->Finished();
                         });
    }

    // Streams a producer's body: each chunk is made on a worker thread, written on the strand.
    // A bulkhead's stream is produced on its pool and cut off at its deadline.
    void Pump() {
        auto self = shared_from_this();
        auto produce = [self, ex = Tracked()] {
            auto chunk = std::make_shared<std::string>();
            bool more = false, failed = false;
            try {
                if (self->slot_ && self->slot_->Expired())
                    throw std::runtime_error("the bulkhead's deadline passed; stream cut off");
                more = self->res_->producer(*chunk);
                if (!more) self->slot_.reset();  // before the last chunk is written
            } catch (const std::exception& e) {
                failed = true;
                core::LogError("http.stream", e.what(),
                               "\"request_id\":\"" + self->req_->request_id + "\"");
            }
            net::post(ex, [self, chunk, more, failed] {
                if (failed) return self->Close();  // the client sees a truncated body
                self->WriteChunk(chunk, more);
            });
        };
        if (slot_)
            slot_->pool().Run(std::move(produce));
        else
            net::post(server_.workers, std::move(produce));
    }

    void WriteChunk(std::shared_ptr<std::string> chunk, bool more) {
        if (chunk->empty() && more) return Pump();
        bytes_sent_ += chunk->size();
        out_.clear();
        if (chunked_) {
            if (!chunk->empty()) {
                char size_line[32];
                std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk->size());
                out_ += size_line;
                out_ += *chunk;
                out_ += "\r\n";
            }
            if (!more) out_ += "0\r\n\r\n";
        } else {
            out_ = std::move(*chunk);
        }
        stream_.expires_after(std::chrono::seconds(server_.cfg.write_timeout_seconds));
        net::async_write(stream_, net::buffer(out_),
                         [self = shared_from_this(), more](beast::error_code ec, size_t) {
                             if (ec) return self->Close();
                             if (more) return self->Pump();
                             self->Finished();
                         });
    }

    void Finished() {
        if (server_.cfg.access_log) AccessLog();
        res_.reset();
        slot_.reset();
        if (!keep_alive_) return Close();
        ReadHeader();
    }

    void AccessLog() {
        const Request& r = *req_;
        auto ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_)
                .count();
        char dur[32];
        std::snprintf(dur, sizeof dur, "%.2f", ms);
        std::string line = "{\"time\":\"" + core::NowIso() + "\",\"type\":\"access\",\"id\":\"" +
                           r.request_id + "\",\"ip\":\"" + core::JsonEscape(r.client_ip) +
                           "\",\"method\":\"" + core::JsonEscape(r.method) + "\",\"path\":\"" +
                           core::JsonEscape(r.path.empty() ? r.target : r.path) +
                           "\",\"status\":" + std::to_string(res_->status) +
                           ",\"bytes\":" + std::to_string(bytes_sent_) + ",\"ms\":" + dur + "}";
        core::LogLine(line);
    }

    void Close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        stream_.socket().close(ec);
    }

    beast::tcp_stream stream_;
    Server::Impl& server_;
    beast::flat_buffer buffer_;
    std::optional<RequestParser> parser_;
    std::vector<char> body_buf_;
    std::unique_ptr<BodySink> sink_;
    std::shared_ptr<Request> req_;
    std::shared_ptr<Response> res_;
    std::shared_ptr<BulkheadSlot> slot_;  // while a bulkhead's request is being answered
    net::steady_timer header_timer_;
    bool header_timed_out_ = false;
    std::string out_;
    std::string continue_buf_;
    std::string remote_ip_;
    bool keep_alive_ = true;
    bool chunked_ = false;
    uint64_t bytes_sent_ = 0;
    std::atomic<bool> idle_{false};
    std::chrono::steady_clock::time_point started_;
};

void Server::Impl::Accept() {
    net::io_context& target = *iocs[next_ioc++ % iocs.size()];
    acceptor.async_accept(target, [this](beast::error_code ec, tcp::socket socket) {
        if (!acceptor.is_open()) return;
        if (!ec) std::make_shared<Session>(std::move(socket), *this)->Start();
        Accept();
    });
}

void Server::Impl::BeginStop() {
    if (stopping.exchange(true)) return;
    core::LogInfo("http.shutdown", "stopping: finishing in-flight requests");
    beast::error_code ec;
    acceptor.close(ec);
    signals.cancel(ec);
    std::vector<std::weak_ptr<Session>> live;
    {
        std::lock_guard lock(sessions_mutex);
        for (Session* s : sessions) {
            try {
                live.push_back(s->weak_from_this());
            } catch (...) {
            }
        }
    }
    for (auto& w : live) {
        if (auto s = w.lock()) net::post(s->executor(), [s] { s->CloseIfIdle(); });
    }
    // The other contexts return from run() once their last connection is gone.
    guards.clear();
    drain_timer.expires_after(std::chrono::seconds(cfg.shutdown_grace_seconds));
    drain_timer.async_wait([this](beast::error_code ec) {
        if (!ec) {
            core::LogWarn("http.shutdown", "grace period over; closing remaining connections");
            for (auto& c : iocs) c->stop();
        }
    });
    std::lock_guard lock(sessions_mutex);
    if (sessions.empty()) drain_timer.cancel();
}

void Server::Impl::SessionClosed(Session* s) {
    std::lock_guard lock(sessions_mutex);
    sessions.erase(s);
    if (stopping && sessions.empty()) net::post(ioc, [this] { drain_timer.cancel(); });
}

Response Server::Impl::RenderError(const Request& req, const HttpError& e) const {
    Response r;
    try {
        // The renderer chooses the status: usually the error's, but a 401 on a page is the
        // redirect to the login page (app/errors.cpp).
        r = renderer ? renderer(req, e) : Response::Text(e.message(), e.status());
    } catch (const std::exception& ex) {
        core::LogError("http.render_error", ex.what());
        r = Response::Text("error", e.status());
    }
    for (const auto& [k, v] : e.headers) r.headers.Set(k, v);
    return r;
}

void Server::Impl::BuildChain() {
    stages.assign(middlewares.size() + 1, Handler{});
    stages.back() = [](Request& r) -> Response {
        if (!r.route) {
            if (!r.allowed_methods.empty()) {
                HttpError e(405, "method_not_allowed", "error.method_not_allowed");
                std::string allow;
                for (const auto& m : r.allowed_methods) allow += (allow.empty() ? "" : ", ") + m;
                e.headers.emplace_back("Allow", allow);
                throw e;
            }
            throw HttpError::NotFound();
        }
        return r.route->handler(r);
    };
    // From the innermost stage outwards; each stage refers to the next one in `stages`.
    for (size_t i = middlewares.size(); i-- > 0;) {
        const Middleware& m = middlewares[i];
        const Handler& next = stages[i + 1];
        stages[i] = [&m, &next](Request& r) { return m(r, next); };
    }
}

Response Server::Impl::Handle(Request& req) const {
    // A fatal signal while this runs names the request in its last log line (core/crash.hpp).
    core::CrashContext crash("request", req.request_id, req.method + " " + req.target);
    Response res;
    try {
        res = stages.front()(req);
    } catch (const HttpError& e) {
        res = RenderError(req, e);
    } catch (const std::exception& e) {
        // Exceptions may quote the input (a million-digit number): the log keeps the start.
        std::string what = e.what();
        if (what.size() > 500) what = what.substr(0, 500) + "…";
        core::LogError("http.handler", what,
                       "\"request_id\":\"" + req.request_id + "\",\"path\":\"" +
                           core::JsonEscape(req.path) + "\"");
        res = RenderError(req, HttpError(500, "internal", "error.internal"));
    }
    if (decorator) decorator(req, res);
    // A token that authenticated this request is a bulkhead client of its own from now on.
    bulkhead_clients.Remember(req);
    return res;
}

Server::Server(ServerConfig config, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(config), router)) {}

Server::~Server() {
    impl_->workers.join();
    impl_->bulkheads.Stop();
}

void Server::Use(Middleware m) {
    impl_->middlewares.push_back(std::move(m));
}
void Server::SetErrorRenderer(ErrorRenderer r) {
    impl_->renderer = std::move(r);
}
void Server::SetDecorator(ResponseDecorator d) {
    impl_->decorator = std::move(d);
}
void Server::SetInlinePredicate(InlinePredicate p) {
    impl_->inline_ok = std::move(p);
}

void Server::Listen() {
    auto& a = impl_->acceptor;
    tcp::endpoint ep(net::ip::make_address(impl_->cfg.address),
                     static_cast<unsigned short>(impl_->cfg.port));
    a.open(ep.protocol());
    a.set_option(net::socket_base::reuse_address(true));
    a.bind(ep);
    a.listen(net::socket_base::max_listen_connections);
    impl_->bound_port = a.local_endpoint().port();
}

void Server::Prepare() {
    impl_->BuildChain();
}

int Server::port() const {
    return impl_->bound_port;
}

void Server::Run() {
    auto& I = *impl_;
    if (!I.acceptor.is_open()) Listen();
    I.BuildChain();
    I.signals.add(SIGINT);
    I.signals.add(SIGTERM);
    I.signals.async_wait([this](beast::error_code ec, int) {
        if (!ec) impl_->BeginStop();
    });
    I.Accept();
    std::vector<std::thread> threads;
    for (size_t i = 1; i < I.iocs.size(); ++i) {
        I.guards.push_back(net::make_work_guard(*I.iocs[i]));
        threads.emplace_back([&I, i] { I.iocs[i]->run(); });
    }
    I.ioc.run();
    for (auto& t : threads) t.join();
    I.workers.join();
    I.bulkheads.Stop();
    core::LogInfo("http.shutdown", "stopped");
}

void Server::Stop() {
    net::post(impl_->ioc, [this] { impl_->BeginStop(); });
}

Response Server::Handle(Request& req) const {
    return impl_->Handle(req);
}

}  // namespace govhub::http

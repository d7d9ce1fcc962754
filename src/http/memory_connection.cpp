#include "http/memory_connection.hpp"

#include <algorithm>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <cstring>

#include "http/wire.hpp"

namespace govhub::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

struct MemoryConnection::State {
    std::string bytes;
    size_t sent = 0;  // bytes the "socket" has delivered
    const ServerConfig& cfg;
    const Router& router;
    std::vector<size_t> reads;
    size_t next_read = 0;
    std::string remote_ip;
    beast::flat_buffer buffer;  // what was received and not yet parsed, as in a Session
    std::vector<char> body_buf = std::vector<char>(kReadChunk);
    bool open = true;

    // One socket read into the buffer; 0 at the end (the client closed its side).
    size_t Receive() {
        size_t want = reads.empty() ? 0 : reads[next_read++ % reads.size()];
        if (want == 0) want = 65536;
        size_t n = std::min({want, size_t{65536}, bytes.size() - sent});
        if (n == 0) return 0;
        auto mb = buffer.prepare(n);
        std::memcpy(mb.data(), bytes.data() + sent, n);
        buffer.commit(n);
        sent += n;
        return n;
    }

    // beast::http::read_some (boost/beast/http/impl/read.hpp) over memory: parse what is
    // buffered, read more while the parser needs more, and at the end of the bytes tell the
    // parser so (a message cut short is partial_message; nothing at all, end_of_stream).
    beast::error_code ReadSome(RequestParser& p) {
        beast::error_code ec;
        bool read_first = buffer.size() == 0;
        for (;;) {
            if (!read_first) {
                ec = {};
                size_t used = p.put(buffer.data(), ec);
                buffer.consume(used);
                if (ec != bhttp::error::need_more) return ec;
            }
            read_first = false;
            if (Receive() == 0) {
                if (!p.got_some()) return bhttp::error::end_of_stream;
                ec = {};
                p.put_eof(ec);
                return ec;
            }
        }
    }
};

MemoryConnection::MemoryConnection(std::string bytes, const ServerConfig& cfg, const Router& router,
                                   std::vector<size_t> reads, std::string remote_ip)
    : s_(new State{.bytes = std::move(bytes),
                   .cfg = cfg,
                   .router = router,
                   .reads = std::move(reads),
                   .remote_ip = std::move(remote_ip)}) {}

MemoryConnection::~MemoryConnection() = default;

MemoryConnection::Result MemoryConnection::Next() {
    State& s = *s_;
    Result r;
    if (!s.open) return r;
    auto refuse = [&](HttpError e) {
        s.open = false;
        r.kind = Result::Kind::kRefused;
        r.refusal = std::move(e);
        return r;
    };
    auto close = [&] {
        s.open = false;
        r.kind = Result::Kind::kClosed;
        return r;
    };
    // Session::ReadHeader and OnHeader.
    std::optional<RequestParser> parser;
    ResetParser(parser, s.cfg);
    r.request = std::make_shared<Request>();
    beast::error_code ec;
    while (!ec && !parser->is_header_done()) ec = s.ReadSome(*parser);
    if (ec) {
        auto e = HeadReadError(ec);
        return e ? refuse(*e) : close();
    }
    std::unique_ptr<BodySink> sink;
    if (auto e = AcceptHead(*parser, s.cfg, s.router, s.remote_ip, *r.request, sink))
        return refuse(*e);
    // Session::ReadBody.
    while (!parser->is_done()) {
        auto& body = parser->get().body();
        body.data = s.body_buf.data();
        body.size = s.body_buf.size();
        ec = s.ReadSome(*parser);
        if (ec == bhttp::error::need_buffer) ec = {};
        size_t got = s.body_buf.size() - parser->get().body().size;
        if (ec) {
            auto e = BodyReadError(ec);
            return e ? refuse(*e) : close();
        }
        if (got > 0 && !sink->Write(s.body_buf.data(), got)) return refuse(sink->error);
    }
    // Session::OnBodyDone.
    r.keep_alive = parser->keep_alive();
    if (!sink->Finish(*r.request)) return refuse(sink->error);
    r.kind = Result::Kind::kRequest;
    s.open = r.keep_alive;
    return r;
}

}  // namespace govhub::http

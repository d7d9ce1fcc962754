#pragma once
// One connection's bytes, read from memory the way the server reads a socket (wire.hpp): the
// same parser configuration, the same head → Request step and refusals, the same body sinks
// and, while the connection stays alive, the next request from what is left (pipelining). The
// bytes arrive in reads of the given sizes, as a client's packets would, and end as if the
// client closed its side after sending them. For the fuzz targets (http_request, ckan_action)
// and tests; the server itself only reads sockets.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "http/request.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

namespace govhub::http {

class MemoryConnection {
  public:
    // `reads`: the sizes of the successive socket reads (cycled; empty or 0: 64 KiB each).
    MemoryConnection(std::string bytes, const ServerConfig& cfg, const Router& router,
                     std::vector<size_t> reads = {}, std::string remote_ip = "192.0.2.1");
    ~MemoryConnection();
    MemoryConnection(const MemoryConnection&) = delete;
    MemoryConnection& operator=(const MemoryConnection&) = delete;

    struct Result {
        enum class Kind {
            kRequest,  // read whole: `request` is what the handler gets
            kRefused,  // `refusal` is answered and the connection closed
            kClosed,   // the client went away (between requests, or mid-body): no answer
        };
        Kind kind = Kind::kClosed;
        std::shared_ptr<Request> request;  // kRequest; kRefused: as far as it was read
        std::optional<HttpError> refusal;
        bool keep_alive = false;  // kRequest: whether another request may follow
    };
    // The next request on the connection; kClosed once the bytes end or after a refusal or a
    // request that closes the connection.
    Result Next();

  private:
    struct State;
    std::unique_ptr<State> s_;
};

}  // namespace govhub::http

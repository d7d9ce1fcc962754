#pragma once
// Streaming multipart/form-data parser (RFC 7578): fed arbitrary chunks, it reports part
// headers and body bytes as they arrive, holding at most one chunk plus the boundary length.
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace govhub::http {

struct PartHeaders {
    std::string name;
    std::string filename;
    bool has_filename = false;
    std::string content_type;
};

// Parts in one request (issue #12). The server's MultipartSink refuses the 1,001st part with a
// 413 before the parser would; the parser's own bound keeps any other user of it safe too.
inline constexpr size_t kMaxMultipartParts = 1000;

class MultipartParser {
  public:
    struct Callbacks {
        std::function<bool(const PartHeaders&)> on_part_begin;  // false aborts
        std::function<bool(std::string_view)> on_part_data;     // false aborts
        std::function<bool()> on_part_end;                      // false aborts
    };

    MultipartParser(std::string boundary, Callbacks callbacks, size_t max_header_bytes = 16384,
                    size_t max_parts = kMaxMultipartParts);
    // Returns false on a syntax error or when a callback aborted; error() says why.
    bool Feed(std::string_view data);
    // True when the closing boundary has been seen.
    bool done() const { return state_ == State::kEpilogue; }
    const std::string& error() const { return error_; }

  private:
    enum class State { kPreamble, kAfterBoundary, kHeaders, kBody, kEpilogue, kError };
    bool Fail(std::string why);
    bool ParseHeaders(std::string_view block);

    std::string delimiter_;  // "\r\n--" + boundary
    Callbacks cb_;
    size_t max_header_bytes_;
    size_t max_parts_;
    size_t parts_ = 0;  // parts begun so far
    State state_ = State::kPreamble;
    std::string buf_;
    std::string error_;
};

// The boundary parameter of a multipart/form-data Content-Type, or empty.
std::string MultipartBoundary(std::string_view content_type);

}  // namespace govhub::http

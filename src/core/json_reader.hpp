#pragma once
// The one way to read JSON that comes from outside (request bodies, form fields, query
// parameters). nlohmann's parser itself is iterative, but what we do with the tree afterwards
// (dump(), walks, comparisons) recurses, so the reader bounds the nesting and the number of
// elements while it parses: a hostile body is refused before any tree exists that could
// overflow the stack. JSON that govhub wrote itself (read back from the database) does not need
// this.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace govhub::core {

// Defaults (issue #12); an operator may change them with --json-max-depth and
// --json-max-elements.
inline constexpr size_t kJsonMaxDepth = 64;            // arrays/objects inside each other
inline constexpr size_t kJsonMaxElements = 1'000'000;  // values, arrays and objects per text

struct JsonLimits {
    size_t max_depth = kJsonMaxDepth;
    size_t max_elements = kJsonMaxElements;
    // Strings and keys with U+0000 are refused: PostgreSQL cannot store them.
    bool reject_nul = true;
};

// The process-wide limits (set once at start-up from the configuration).
JsonLimits DefaultJsonLimits();
void SetDefaultJsonLimits(const JsonLimits& limits);

// A 400 for JSON that is not well-formed or breaks a limit. message() is a core::Message for
// the reader's language; detail() says the same in plain English (CKAN's API speaks English).
// Neither repeats the input.
class JsonInputError : public HttpError {
  public:
    enum class Kind { kSyntax, kDepth, kElements, kNul };
    JsonInputError(Kind kind, std::string message, std::string detail)
        : HttpError(400, "bad_json", std::move(message)), kind_(kind), detail_(std::move(detail)) {}
    Kind kind() const { return kind_; }
    const std::string& detail() const { return detail_; }

  private:
    Kind kind_;
    std::string detail_;
};

// Parses `text` within `limits`; throws JsonInputError for bad syntax or a broken limit.
nlohmann::json ParseJsonBounded(std::string_view text, const JsonLimits& limits);
nlohmann::json ParseJsonBounded(std::string_view text);

// The same, but text that is not JSON at all gives a discarded value (is_discarded()) instead,
// for fields that may hold either JSON or plain text. A broken limit still throws.
nlohmann::json ParseJsonBoundedOrDiscarded(std::string_view text, const JsonLimits& limits);
nlohmann::json ParseJsonBoundedOrDiscarded(std::string_view text);

// For text that is kept as text when it cannot be read within the limits (a file's preview, a
// value stored before the limits existed): bad syntax and a broken limit both give a discarded
// value; nothing throws.
nlohmann::json ParseJsonIfWithinLimits(std::string_view text);

}  // namespace govhub::core

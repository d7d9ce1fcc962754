#pragma once
// One typed reader for an action's parameters (docs/api.md, "Parameter types"). Parameters are
// a JSON object: GET query strings arrive as strings (a repeated key as a list of strings),
// form fields as strings, a POST JSON body as typed values. Every reader accepts both forms of
// its type and refuses anything else with an error naming the parameter:
//   - ParamErrors::kValidation: CKAN's Validation Error, a 409 {"key": [message]};
//   - ParamErrors::kSearchQuery: CKAN's Search Query Error, a 400, as its search actions answer;
//   - ParamErrors::kFallback: no error. An HTML page's query string (?page=abc, ?year=99999)
//     is a link someone may have mistyped, and the page answers as if it were not given:
//     every reader that has a fallback returns it for a value it would refuse (wrong type,
//     out of range, broken JSON, nesting too deep); List returns an empty list and
//     Structured null. Require and Fail still throw the Validation Error (nothing to fall
//     back to); Refuse is the lenient way for a caller's own checks.
// Messages are i18n keys (api.param.*), Thai and English. A missing key and null are "not
// given"; for Bool, Int, List and Structured an empty string is "not given" too.
//
// A page reads its query string so:
//     Json query = api::QueryJson(req);
//     api::Params args(query, api::ParamErrors::kFallback);
//     int64_t page = args.Int("page", 1, 1, 100000);
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace govhub::http {
struct Request;
}

namespace govhub::api {

using Json = nlohmann::json;

enum class ParamErrors { kValidation, kSearchQuery, kFallback };

// How List reads a plain string: split on commas (ids, field names), or one item as a whole
// (a Solr filter query, where commas and spaces belong to the query).
enum class ListSplit { kComma, kWhole };

class Params {
  public:
    // `params` must outlive the reader; anything but an object reads as an empty object.
    explicit Params(const Json& params, ParamErrors errors = ParamErrors::kValidation);

    // Given: present, not null, and not an empty string.
    bool Has(const std::string& key) const;
    // A string; missing or null gives `fallback`, an empty string gives "". A number, a list or
    // an object is an error.
    std::string String(const std::string& key, const std::string& fallback = "") const;
    // A string that must be given and not empty ("Missing value" otherwise).
    std::string Require(const std::string& key) const;
    // true/false (JSON), or the text true/false, 1/0, yes/no, on/off in any case; JSON 1 and 0.
    bool Bool(const std::string& key, bool fallback) const;
    // A JSON integer or a decimal string (an optional '-' and digits: no spaces, no '+', no
    // 0x, no exponent), within [min, max]; outside it the error names the range.
    int64_t Int(const std::string& key, int64_t fallback, int64_t min, int64_t max) const;
    // A JSON list of strings, a string holding one ('["a","b"]'), or a plain string: split on
    // commas (items trimmed, empty ones dropped) or, with kWhole, one item.
    std::vector<std::string> List(const std::string& key,
                                  ListSplit split = ListSplit::kComma) const;
    // A JSON value, or a string holding a JSON object or list (GET and form clients send them
    // so); other strings are returned as strings. Not given: null. Nesting is bounded (64 by
    // default, core::DefaultJsonLimits): deeper is the JSON reader's 400.
    Json Structured(const std::string& key) const;

    // Throws the error of this reader's kind for `key` (kFallback: the Validation Error);
    // `message` is an i18n key or a core::Message.
    [[noreturn]] void Fail(const std::string& key, const std::string& message) const;
    // A caller's own check refused a value the reader accepted (a year in the gap between
    // two eras): `fallback` in kFallback mode, Fail otherwise.
    template <class T>
    T Refuse(const std::string& key, const std::string& message, T fallback) const {
        if (errors_ == ParamErrors::kFallback) return fallback;
        Fail(key, message);
    }

    const Json& json() const { return *params_; }
    ParamErrors errors() const { return errors_; }

  private:
    const Json* Find(const std::string& key) const;  // null when missing or JSON null
    // `read()`, or in kFallback mode `fallback` when it refuses the value.
    template <class T, class F>
    T OrFallback(F&& read, T fallback) const;
    // The readers as kValidation and kSearchQuery read.
    bool StrictBool(const std::string& key, bool fallback) const;
    int64_t StrictInt(const std::string& key, int64_t fallback, int64_t min, int64_t max) const;
    std::vector<std::string> StrictList(const std::string& key, ListSplit split) const;
    Json StrictStructured(const std::string& key) const;

    const Json* params_;
    ParamErrors errors_;
};

// The query parameters of a request as a parameter object: a repeated key becomes a list of
// strings, as CKAN reads them.
Json QueryJson(const http::Request& req);
// A request's form fields (urlencoded or multipart) the same way: a repeated field (a group of
// checkboxes) becomes a list of strings.
Json FormJson(const http::Request& req);

}  // namespace govhub::api

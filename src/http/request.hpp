#pragma once
// The request handlers see. Built by the server from Beast's parser; Beast never leaks here.
#include <any>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/headers.hpp"

namespace govhub::http {

struct Route;

// A file received in a multipart upload; the temp file is removed when the last owner goes,
// unless a handler moved it away (Keep()).
class TempFile {
  public:
    explicit TempFile(std::string path) : path_(std::move(path)) {}
    ~TempFile();
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    const std::string& path() const { return path_; }
    // Renames the file to `dest` (same filesystem) and stops owning it.
    bool MoveTo(const std::string& dest);

  private:
    std::string path_;
    bool owned_ = true;
};

struct Part {
    std::string name;
    std::string filename;  // empty for plain fields
    std::string content_type;
    std::string value;               // plain fields
    std::shared_ptr<TempFile> file;  // file parts
    uint64_t size = 0;
};

using Params = std::multimap<std::string, std::string>;

struct Request {
    std::string method;
    std::string target;  // as received
    std::string path;    // decoded path, without the query
    std::string query;   // raw query string
    Headers headers;
    int version = 11;
    std::string body;                     // non-upload bodies (bounded by the route)
    std::shared_ptr<TempFile> body_file;  // non-multipart uploads
    std::vector<Part> parts;              // multipart uploads, parsed while streaming
    std::map<std::string, std::string> path_params;
    const Route* route = nullptr;              // matched route, if any
    std::vector<std::string> allowed_methods;  // when the path matched under other methods
    std::string client_ip;
    std::string request_id;
    bool secure = false;  // reached over TLS (directly or through a trusted proxy)

    // Filled by middleware.
    std::string locale = "th";
    std::any principal;  // api::Principal (api/principal.hpp) when authenticated
    std::string csrf_token;

    std::string_view Header(std::string_view name) const { return headers.Get(name); }
    std::string Cookie(std::string_view name) const;
    // Query parameters (lazy, decoded; invalid UTF-8 or bad escapes -> HttpError 400).
    const Params& QueryParams() const;
    std::string Query(const std::string& name, const std::string& fallback = "") const;
    // Form fields from urlencoded or multipart bodies (same error rules).
    const Params& Form() const;
    std::string FormValue(const std::string& name, const std::string& fallback = "") const;
    const Part* FilePart(const std::string& name) const;
    std::string_view PathParam(const std::string& name) const;
    bool IsApi() const;      // under /api/
    bool IsCkanApi() const;  // under /api/3/action/ or /api/action/

  private:
    mutable std::optional<Params> query_cache_;
    mutable std::optional<Params> form_cache_;
};

// Parameters in one query string or urlencoded form body (issue #12).
inline constexpr size_t kMaxParams = 1000;

// Parses application/x-www-form-urlencoded (and query strings). Throws HttpError 400 on a bad
// escape, invalid UTF-8 or more than kMaxParams parameters.
Params ParseUrlEncoded(std::string_view s);

// The token of `Authorization: Bearer <token>` (the scheme in any case), trimmed; empty when
// the header is missing or uses another scheme. The one parser for bearer credentials: API
// tokens (ApiTokenOf) and SCORM attempt tokens.
std::string BearerToken(const Request& req);
// The API token of a request, as the authentication middleware, the bulkheads, the usage
// counters and the error pages read it: a Bearer or bare Authorization value, else
// X-CKAN-API-Key; empty if none.
std::string ApiTokenOf(const Request& req);

}  // namespace govhub::http

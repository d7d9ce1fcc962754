#pragma once
// Method + path routing with {param} segments and a trailing {param*} that takes the rest.
// A path that exists under other methods answers 405 with Allow.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "http/request.hpp"
#include "http/response.hpp"

namespace govhub::http {

using Handler = std::function<Response(Request&)>;

struct RouteOptions {
    size_t body_limit = 1 << 20;  // bytes; larger bodies get 413 before they are read
    bool upload = false;          // stream the body to temp files (multipart parsed on the fly)
    std::string rate_limit;  // "", "login", "form": per-IP class for POSTs; "lookup": any method
    bool csrf = true;        // state-changing browser requests must carry the CSRF token
    // The handler never blocks (no database, no disk beyond the page cache): it may run on the
    // I/O thread when the server's inline predicate agrees.
    bool run_inline = false;
    // Expensive work: the bulkhead (bulkhead.hpp) the request runs on instead of the general
    // workers ("" = general). pool_for, when set, decides per request (one route serving many
    // CKAN actions) and wins over pool.
    std::string pool;
    std::function<std::string(const Request&)> pool_for;
    // The route reads its own credential (e.g. a SCORM runtime's per-attempt bearer token, which
    // is no account's token): the auth middleware neither reads Authorization nor cookies.
    bool own_credentials = false;
    // CORS for this one origin only (scheme://host[:port]): the response names it in
    // Access-Control-Allow-Origin when the request's Origin is exactly it, and a request from
    // any other origin gets no CORS header at all (not the API's open "*").
    std::string cors_origin;
};

struct Route {
    std::string method;
    std::string pattern;
    Handler handler;
    RouteOptions options;
    std::vector<std::string> segments;
};

struct RouteMatch {
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
    std::vector<std::string> allowed;  // methods that match the path, when route is null
};

class Router {
  public:
    void Add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});
    void Get(std::string pattern, Handler h, RouteOptions o = {}) {
        Add("GET", std::move(pattern), std::move(h), std::move(o));
    }
    void Post(std::string pattern, Handler h, RouteOptions o = {}) {
        Add("POST", std::move(pattern), std::move(h), std::move(o));
    }
    // GET routes also answer HEAD.
    RouteMatch Match(const std::string& method, const std::string& path) const;
    // Every registered route, in registration order (`govhub routes`, the abuse tests).
    std::vector<const Route*> Routes() const;

  private:
    std::vector<std::unique_ptr<Route>> routes_;
};

}  // namespace govhub::http

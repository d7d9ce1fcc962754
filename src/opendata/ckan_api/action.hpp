#pragma once
// CKAN's Action API (reference/opendata.md §1): /api/3/action/{name} (and /api/action/{name}).
// Side-effect-free actions take GET query parameters; every action takes a POST JSON body.
// Replies use CKAN's envelope {help, success, result|error}.
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "http/router.hpp"

namespace govhub::ckan_api {

using Json = nlohmann::json;

struct ActionContext {
    http::Request& req;
    const Json& params;  // a JSON object
    std::string action;
};

using ActionFn = std::function<Json(ActionContext&)>;

struct ActionOptions {
    bool side_effect_free = false;  // may be called with GET
    size_t body_limit = 1 << 20;
    // Pure and cheap (no database): may be answered on the I/O thread.
    bool run_inline = false;
    // Accepts multipart/form-data with files, streamed to disk (resource_create's "upload").
    bool upload = false;
    // Expensive: the bulkhead it runs on (http::RouteOptions::pool); pool_for decides per
    // request and wins.
    std::string pool;
    std::function<std::string(const http::Request&)> pool_for;
};

// The CKAN API version govhub follows (status_show's ckan_version).
inline constexpr const char* kCkanVersion = "2.11.0";

class ActionRegistry {
  public:
    explicit ActionRegistry(std::string site_url) : site_url_(std::move(site_url)) {}
    void Add(const std::string& name, ActionFn fn, ActionOptions options = {});
    // An action whose result never changes while the process runs (status_show): its reply is
    // serialized once.
    void AddConstant(const std::string& name, const Json& result);
    // Registers GET/POST /api/3/action/{name} and /api/action/{name}.
    void Mount(http::Router& router);
    std::string HelpUrl(const std::string& action) const;
    // Every registered action's name, sorted (`govhub routes` lists them for the abuse suite).
    std::vector<std::string> Names() const;
    // The envelope for a successful result.
    std::string Success(const std::string& action, const Json& result) const;

  private:
    http::Response Dispatch(http::Request& req) const;

    std::string site_url_;
    struct Entry {
        ActionFn fn;
        ActionOptions options;
        std::string constant_reply;  // serialized envelope of a constant action
    };
    std::map<std::string, Entry> actions_;
};

// Parameter helpers that answer CKAN-style validation errors.
std::string RequireString(const ActionContext& ctx, const std::string& key);
std::string OptionalString(const ActionContext& ctx, const std::string& key,
                           const std::string& fallback = "");

// The error envelope for an HttpError on an action path; used by the site's error renderer.
std::string ErrorEnvelope(const std::string& help_url, int status, const std::string& message,
                          const std::map<std::string, std::vector<std::string>>& fields);

}  // namespace govhub::ckan_api

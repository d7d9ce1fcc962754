#pragma once
// CKAN's Action API (reference/opendata.md §1): /api/3/action/{name} (and /api/action/{name}).
// Side-effect-free actions take GET query parameters; every action takes a POST JSON body.
// Replies use CKAN's envelope {help, success, result|error}.
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/params.hpp"
#include "api/principal.hpp"
#include "http/router.hpp"

namespace govhub::api {

// What an action is called with: the request, its parameters (CKAN's data_dict, a JSON
// object) and a typed reader over them, and who is calling.
struct ActionContext {
    ActionContext(http::Request& request, const Json& parameters, std::string name,
                  ParamErrors errors = ParamErrors::kValidation);

    http::Request& req;
    const Json& params;  // a JSON object
    std::string action;
    Params args;            // reads `params`, with the action's kind of error
    const Principal* user;  // the signed-in caller, or null
    Caller caller;          // for the audit log

    // The signed-in caller; otherwise CKAN's answer, a 403 Authorization Error.
    const Principal& RequireUser() const;
    // A signed-in sysadmin; otherwise a 403 Authorization Error.
    const Principal& RequireSysadmin() const;
};

using ActionFn = std::function<Json(ActionContext&)>;

struct ActionOptions {
    // The action's documentation, as CKAN's docstrings: a one-line summary, then ":param x:"
    // and ":type x:" lines and ":returns:". help_show answers it; Mount refuses an action
    // without it.
    std::string help;
    bool side_effect_free = false;  // may be called with GET
    // Parameter errors are CKAN's Search Query Error (400), as its search actions answer;
    // otherwise a Validation Error (409).
    bool search_errors = false;
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
    // Throws std::logic_error when `name` is registered already (CKAN refuses to start so).
    void Add(const std::string& name, ActionFn fn, ActionOptions options);
    // An action whose result never changes while the process runs (status_show): its reply is
    // serialized once.
    void AddConstant(const std::string& name, const Json& result, std::string help);
    // Registers GET/POST /api/3/action/{name} and /api/action/{name}, and help_show. Throws
    // std::logic_error naming an action without help.
    void Mount(http::Router& router);
    std::string HelpUrl(const std::string& action) const;
    // Every registered action's name, sorted (`govhub routes` lists them for the abuse suite).
    std::vector<std::string> Names() const;
    // The action's help text (empty when there is no such action).
    std::string Help(const std::string& action) const;
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

// The error envelope for an HttpError on an action path; used by the site's error renderer.
std::string ErrorEnvelope(const std::string& help_url, int status, const std::string& message,
                          const std::map<std::string, std::vector<std::string>>& fields);

}  // namespace govhub::api

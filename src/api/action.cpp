#include "api/action.hpp"

#include <fstream>
#include <stdexcept>

#include "core/error.hpp"
#include "core/json_reader.hpp"
#include "core/strings.hpp"

namespace govhub::api {

namespace {

// Text with NUL characters cannot be stored (PostgreSQL refuses it): a clear 400.
HttpError NulError() {
    return HttpError(400, "bad_request", "Bad request - text may not contain NUL characters");
}

}  // namespace

ActionContext::ActionContext(http::Request& request, const Json& parameters, std::string name,
                             ParamErrors errors)
    : req(request),
      params(parameters),
      action(std::move(name)),
      args(parameters, errors),
      user(CurrentUser(request)),
      caller(CallerOf(request)) {}

const Principal& ActionContext::RequireUser() const {
    if (!user) throw HttpError(403, "forbidden", "Authorization Error: you must be logged in");
    return *user;
}

const Principal& ActionContext::RequireSysadmin() const {
    if (!RequireUser().sysadmin)
        throw HttpError(403, "forbidden", "Authorization Error: only sysadmins may do this");
    return *user;
}

void ActionRegistry::Add(const std::string& name, ActionFn fn, ActionOptions options) {
    if (actions_.count(name)) throw std::logic_error("action registered twice: " + name);
    actions_[name] = Entry{std::move(fn), std::move(options)};
}

void ActionRegistry::AddConstant(const std::string& name, const Json& result, std::string help) {
    if (actions_.count(name)) throw std::logic_error("action registered twice: " + name);
    Entry e{nullptr,
            {.help = std::move(help), .side_effect_free = true, .run_inline = true},
            Success(name, result)};
    actions_[name] = std::move(e);
}

std::string ActionRegistry::Help(const std::string& action) const {
    auto it = actions_.find(action);
    return it == actions_.end() ? std::string() : it->second.options.help;
}

std::vector<std::string> ActionRegistry::Names() const {
    std::vector<std::string> out;
    for (const auto& [name, entry] : actions_) out.push_back(name);
    return out;
}

std::string ActionRegistry::HelpUrl(const std::string& action) const {
    return site_url_ + "/api/3/action/help_show?name=" + core::UrlEncode(action);
}

std::string ActionRegistry::Success(const std::string& action, const Json& result) const {
    Json env = {{"help", HelpUrl(action)}, {"success", true}, {"result", result}};
    return env.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void ActionRegistry::Mount(http::Router& router) {
    // help_show answers every registered action's own documentation (CKAN: the docstring).
    if (!actions_.count("help_show")) {
        Add("help_show",
            [this](ActionContext& ctx) -> Json {
                std::string name = ctx.args.Require("name");
                auto it = actions_.find(name);
                if (it == actions_.end())
                    throw HttpError::NotFound("Not found: no action named " + name);
                return it->second.options.help;
            },
            {.help = "Returns the documentation of an action.\n\n"
                     ":param name: the action's name, e.g. package_search\n"
                     ":type name: string\n\n"
                     ":returns: its documentation: a summary, its parameters and what it returns "
                     "(a Not Found Error when no action has that name)\n"
                     ":rtype: string",
             .side_effect_free = true});
    }
    for (const auto& [name, e] : actions_)
        if (core::Trim(e.options.help).empty())
            throw std::logic_error("action without help text: " + name);
    size_t max_limit = 1 << 20;
    for (const auto& [name, e] : actions_)
        if (!e.options.upload) max_limit = std::max(max_limit, e.options.body_limit);
    auto handler = [this](http::Request& req) { return Dispatch(req); };
    // Inline-capable and upload actions get routes of their own, ahead of the generic one.
    for (const auto& [name, e] : actions_) {
        if (!e.options.run_inline && !e.options.upload) continue;
        http::RouteOptions inline_opts{.body_limit = e.options.body_limit,
                                       .upload = e.options.upload,
                                       .run_inline = e.options.run_inline};
        for (const char* prefix : {"/api/3/action/", "/api/action/"}) {
            router.Get(prefix + name, handler, inline_opts);
            router.Post(prefix + name, handler, inline_opts);
        }
    }
    // Actions without side effects accept GET; others answer a CKAN error for GET.
    http::RouteOptions opts{.body_limit = max_limit};
    // The expensive actions run on their bulkheads, decided before the handler runs.
    opts.pool_for = [this](const http::Request& req) -> std::string {
        auto it = actions_.find(req.path.substr(req.path.rfind('/') + 1));
        if (it == actions_.end()) return "";
        const ActionOptions& o = it->second.options;
        return o.pool_for ? o.pool_for(req) : o.pool;
    };
    for (const char* prefix : {"/api/3/action/{action}", "/api/action/{action}"}) {
        router.Get(prefix, handler, opts);
        router.Post(prefix, handler, opts);
    }
}

http::Response ActionRegistry::Dispatch(http::Request& req) const {
    std::string name = req.path.substr(req.path.rfind('/') + 1);
    auto it = actions_.find(name);
    if (it == actions_.end())
        throw HttpError(400, "unknown_action", "Bad request - Action name not known: " + name);
    const Entry& entry = it->second;
    if (req.body.size() > entry.options.body_limit)
        throw HttpError(413, "too_large", "error.too_large");

    Json params = Json::object();
    bool body_is_json = false;
    // Upload routes stream every body to disk; a JSON body there is read back, within the
    // limit every other action has.
    if (req.body.empty() && req.body_file) {
        std::ifstream in(req.body_file->path(), std::ios::binary);
        std::string text;
        text.resize(1 << 20);
        in.read(text.data(), static_cast<std::streamsize>(text.size()));
        text.resize(static_cast<size_t>(in.gcount()));
        if (in.peek() != std::char_traits<char>::eof())
            throw HttpError(413, "too_large", "error.too_large");
        req.body = std::move(text);
    }
    if (req.method == "POST") {
        std::string ctype = core::ToLower(req.Header("Content-Type"));
        if (core::StartsWith(ctype, "application/x-www-form-urlencoded") ||
            core::StartsWith(ctype, "multipart/form-data")) {
            for (const auto& [k, v] : req.Form()) params[k] = v;
        } else if (!core::Trim(req.body).empty()) {
            body_is_json = true;
            // Bounded while parsing (depth, elements, NUL characters): issue #12 finding 2.
            try {
                params = core::ParseJsonBounded(req.body);
            } catch (const core::JsonInputError& e) {
                if (e.kind() == core::JsonInputError::Kind::kNul) throw NulError();
                throw HttpError(400, "bad_json", "Bad request - JSON Error: " + e.detail());
            }
            if (!params.is_object())
                throw HttpError(400, "bad_json",
                                "Bad request - JSON Error: the request body must be a JSON object");
        }
    } else {
        if (!entry.options.side_effect_free)
            throw HttpError(400, "post_required",
                            "Bad request - JSON Error: Invalid request. Please use POST method for "
                            "your request");
        // Repeated query parameters become lists (CKAN).
        params = QueryJson(req);
    }
    // Form and query parameters are flat (strings, or lists of strings for repeated keys); a
    // JSON body was checked for NUL characters while it was parsed.
    auto has_nul = [](const std::string& s) { return s.find('\0') != std::string::npos; };
    if (!body_is_json)
        for (auto it = params.begin(); it != params.end(); ++it) {
            if (has_nul(it.key())) throw NulError();
            for (const auto& v : it->is_array() ? *it : Json::array({*it}))
                if (v.is_string() && has_nul(v.get_ref<const std::string&>())) throw NulError();
        }
    // Constant actions still validate the request above (a bad body is a 400 everywhere).
    if (!entry.constant_reply.empty()) return http::Response::Json(entry.constant_reply);
    ActionContext ctx(
        req, params, name,
        entry.options.search_errors ? ParamErrors::kSearchQuery : ParamErrors::kValidation);
    Json result = entry.fn(ctx);
    std::string body = Success(name, result);
    // JSONP is not offered: it would let any site read the caller's data with their cookies.
    return http::Response::Json(std::move(body));
}

std::string ErrorEnvelope(const std::string& help_url, int status, const std::string& message,
                          const std::map<std::string, std::vector<std::string>>& fields) {
    std::string type;
    switch (status) {
        case 401:
        case 403:
            type = "Authorization Error";
            break;
        case 404:
            type = "Not Found Error";
            break;
        case 409:
            type = "Validation Error";
            break;
        case 413:
            type = "Request Too Large";
            break;
        case 429:
            type = "Rate Limit Error";
            break;
        default:
            type = status >= 500 ? "Internal Server Error" : "Bad Request";
    }
    // CKAN names a bad q/fq in the type too; clients test for it.
    if (status == 400 && core::StartsWith(message, "Search Query Error"))
        type = "Search Query Error";
    Json err = {{"__type", type}, {"message", message}};
    for (const auto& [k, v] : fields) err[k] = v;
    Json env = {{"help", help_url}, {"success", false}, {"error", err}};
    return env.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace govhub::api

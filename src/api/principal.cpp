#include "api/principal.hpp"

#include <any>

#include "core/error.hpp"
#include "http/request.hpp"

namespace govhub::api {

const Principal* CurrentUser(const http::Request& req) {
    return std::any_cast<Principal>(&req.principal);
}

Caller CallerOf(const http::Request& req) {
    Caller c;
    c.principal = CurrentUser(req);
    c.ip = req.client_ip;
    c.user_agent = std::string(req.Header("User-Agent"));
    c.locale = req.locale.empty() ? "th" : req.locale;
    return c;
}

const Principal& RequireUser(const Principal* p) {
    if (!p) throw HttpError::Unauthorized();
    return *p;
}

const Principal& RequireSysadmin(const Principal* p) {
    if (!RequireUser(p).sysadmin) throw HttpError::Forbidden();
    return *p;
}

}  // namespace govhub::api

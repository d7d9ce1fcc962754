#pragma once
// Who is calling: the plain types every module above api reads (the accounts middleware sets
// them), and the two questions handlers ask. Setting the principal (sessions, tokens) stays in
// accounts; reading it is here, so modules need not include accounts to know their caller.
#include <string>

#include "audit/actor.hpp"

namespace govhub::http {
struct Request;
}

namespace govhub::api {

// Who is making a request, as the auth middleware found it.
struct Principal {
    std::string user_id;
    std::string name;
    std::string display_name_th;
    std::string display_name_en;
    bool sysadmin = false;
    bool review_staff = false;  // reviews or administers some kind of request (the header's link)
    bool must_change_password = false;
    // Staff (sysadmins, reviewers, administrators) must set up a second factor before anything
    // else when the site requires it.
    bool must_enrol_second_factor = false;
    bool via_token = false;  // authenticated by an API token (not a browser session)
    std::string session_id;  // when via a session
    std::string csrf_token;  // the session's CSRF token
};

// Context of the caller for the audit log.
struct Caller {
    const Principal* principal = nullptr;
    std::string ip;
    std::string user_agent;
    std::string locale = "th";

    // Who acts, for the audit log: the signed-in person (empty when anonymous), or `user_id`
    // for a person acting on themselves before they are signed in (sign-up, log-in).
    audit::Actor actor() const { return {principal ? principal->user_id : "", ip}; }
    audit::Actor actor(const std::string& user_id) const { return {user_id, ip}; }
};

// The signed-in caller of the request, or null.
const Principal* CurrentUser(const http::Request& req);
// The caller's context for the audit log (principal, address, user agent, language).
Caller CallerOf(const http::Request& req);

// The signed-in caller, or a 401. The site's error renderer turns a 401 on a page (a browser
// without an API token) into the redirect to /user/login?next=...; API callers get the 401.
const Principal& RequireUser(const Principal* p);
// A signed-in sysadmin: 401 when not signed in, 403 when signed in without the right.
const Principal& RequireSysadmin(const Principal* p);

}  // namespace govhub::api

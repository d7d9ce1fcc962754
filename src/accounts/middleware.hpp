#pragma once
// Request-side account plumbing: who is calling (session cookie or API token), the CSRF check
// for browser forms, and the forced password change.
#include "accounts/model.hpp"
#include "accounts/service.hpp"
#include "http/server.hpp"
#include "render/page.hpp"

namespace govhub::accounts {

inline constexpr const char* kSessionCookie = "govhub_session";
inline constexpr const char* kCsrfCookie = "govhub_csrf";
inline constexpr const char* kCsrfField = "_csrf";

// The authenticated caller, or null; the caller's context for the audit log (api/principal.hpp).
using api::CallerOf;
using api::CurrentUser;
// What the page shell needs to know about the request (language, user, CSRF token).
render::PageContext PageContextOf(const http::Request& req);

// Authenticates the request and provides req.csrf_token (the session's, or a per-browser
// cookie's for visitors who are not signed in).
http::Middleware AuthMiddleware(AccountService& service);
// Counts API calls per token and action (the rate limit's refusals too): outermost.
http::Middleware UsageMiddleware(UsageRecorder& recorder);
// Refuses state-changing requests made with cookies unless they carry the CSRF token
// (form field `_csrf` or header X-CSRF-Token). API-token requests carry no cookies' authority
// and are exempt.
http::Middleware CsrfMiddleware();
// Sends a user with a one-time password to the change-password page first, and staff without
// a second factor to set one up (when the site requires it).
http::Middleware ForcePasswordChangeMiddleware();

}  // namespace govhub::accounts

#pragma once
#include "http/request.hpp"
#include "http/response.hpp"

namespace govhub::http {

// CSP, nosniff, frame-ancestors/X-Frame-Options, Referrer-Policy, HSTS over TLS, no-store for
// dynamic responses, and open CORS for anonymous-style API reads.
void AddSecurityHeaders(const Request& req, Response& res);

}  // namespace govhub::http

#pragma once
#include <string>

#include "http/request.hpp"
#include "http/response.hpp"

namespace govhub::http {

// CSP, nosniff, frame-ancestors/X-Frame-Options, Referrer-Policy, HSTS over TLS, no-store for
// dynamic responses, and open CORS for anonymous-style API reads.
void AddSecurityHeaders(const Request& req, Response& res);

// Origins images may also come from (map tiles), set once at start-up.
void SetExtraImageSources(std::string sources);
// The policy with the given frame-ancestors ('none' for the site's own pages, * for embeds).
std::string ContentSecurityPolicy(const std::string& frame_ancestors = "'none'");

}  // namespace govhub::http

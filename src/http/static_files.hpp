#pragma once
#include <string>

#include "http/router.hpp"

namespace govhub::http {

// Serves files under `root` for a route with a {path*} parameter: content types by extension,
// ETag/Last-Modified revalidation, Range. Paths with "..", NUL or hidden segments are 404.
Handler StaticFiles(std::string root, std::string cache_control = "public, max-age=3600");

}  // namespace govhub::http

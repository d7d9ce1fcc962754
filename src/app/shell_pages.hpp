#pragma once
#include <string>

#include "http/router.hpp"
#include "render/page.hpp"

namespace govhub::app {

// The home page, the three services' overview pages (what each offers, its steps and service
// times, as the service guide states them), and the documentation for API users served as
// pages of the site: docs/*.md from `docs_dir`, read once at start-up (a document missing from
// the directory is not served).
void RegisterShellPages(http::Router& router, const render::PageRenderer& pages,
                        const std::string& docs_dir);

}  // namespace govhub::app

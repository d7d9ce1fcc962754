#pragma once
#include "http/router.hpp"
#include "render/page.hpp"

namespace govhub::app {

// The home page and the three services' overview pages (what each offers, its steps and
// service times, as the service guide states them).
void RegisterShellPages(http::Router& router, const render::PageRenderer& pages);

}  // namespace govhub::app

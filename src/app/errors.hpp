#pragma once
#include "http/server.hpp"
#include "render/page.hpp"

namespace govhub::core {
class I18n;
}

namespace govhub::app {

// Renders every error once (DESIGN.md §5): CKAN envelope under /api/3/action/ and /api/action/,
// JSON elsewhere under /api/, a Thai/English HTML page otherwise.
http::ErrorRenderer MakeErrorRenderer(const render::PageRenderer& pages, const core::I18n& i18n,
                                      std::string site_url);

}  // namespace govhub::app

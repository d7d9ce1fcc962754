#pragma once
// Mustache templates from web/templates (HTML-escaped by default). Pages render their body
// template, then the shared layout around it.
#include <map>
#include <string>

#include "render/view.hpp"

namespace govhub::render {

class Templates {
  public:
    // Loads every *.mustache under `dir` (names are paths without the extension,
    // e.g. "accounts/login"). Throws when a template does not parse.
    void LoadDirectory(const std::string& dir);
    void Add(const std::string& name, std::string text);
    bool Has(const std::string& name) const { return sources_.count(name) > 0; }
    // Renders one template; templates under partials/ are available as {{> partials/name}}.
    std::string Render(const std::string& name, const View& view) const;

  private:
    std::map<std::string, std::string> sources_;
};

}  // namespace govhub::render

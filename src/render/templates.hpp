#pragma once
// Mustache templates from web/templates (HTML-escaped by default). Pages render their body
// template, then the shared layout around it.
//
// Speed: a page's data is converted to the engine's form once per render, but what every page
// shares (the translations, the partials) is converted once and looked up beneath the page's
// own data (`Globals`), and each thread keeps its parsed templates, so a render costs the page's
// own data and the output, not the 1,500 translation strings.
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "render/view.hpp"

namespace govhub::render {

class Templates {
  public:
    // Data converted once and shared read-only between threads and renders; a template sees
    // its keys when the page's own data lacks them (the page's data wins).
    class Globals;

    Templates();
    ~Templates();
    Templates(const Templates&) = delete;
    Templates& operator=(const Templates&) = delete;

    // Loads every *.mustache under `dir` (names are paths without the extension,
    // e.g. "accounts/login"). Throws when a template does not parse.
    void LoadDirectory(const std::string& dir);
    // Not safe while other threads render: templates are added at start-up.
    void Add(const std::string& name, std::string text);
    bool Has(const std::string& name) const { return sources_.count(name) > 0; }
    // Renders one template; templates under partials/ are available as {{> partials/name}}.
    std::string Render(const std::string& name, const View& view) const;
    // The same, with `globals` beneath the view (nullptr: none).
    std::string Render(const std::string& name, const View& view, const Globals* globals) const;
    // Converts `view` once for use as globals.
    static std::shared_ptr<const Globals> MakeGlobals(const View& view);

  private:
    std::map<std::string, std::string> sources_;
    struct Partials;
    std::unique_ptr<Partials> partials_;  // the partials as engine data, rebuilt by Add
    uint64_t serial_ = 0;                 // changes with every Add: threads' parsed copies lapse
};

}  // namespace govhub::render

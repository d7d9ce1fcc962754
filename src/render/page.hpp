#pragma once
// The shared page shell: renders a module's body template, then web/templates/layout around it
// with the translations, language switch, signed-in user and CSRF token.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "render/templates.hpp"
#include "render/view.hpp"

namespace govhub::core {
class I18n;
}

namespace govhub::render {

struct PageContext {
    std::string locale = "th";
    std::string path;   // current path, for the language switch and `next`
    std::string query;  // raw query string
    std::string csrf_token;
    bool signed_in = false;
    std::string user_name;
    std::string user_display;
    bool sysadmin = false;
    bool review_staff = false;  // the header links the review queue
    int refresh_seconds = 0;    // > 0: the page reloads itself (progress of a running job)
};

class PageRenderer {
  public:
    PageRenderer(const Templates& templates, const core::I18n& i18n, std::string site_title)
        : templates_(templates), i18n_(i18n), site_title_(std::move(site_title)) {}

    // `title` is an i18n key or text. The body view also receives `t`, `csrf` and `lang`.
    std::string Render(const std::string& template_name, View body, const PageContext& ctx,
                       const std::string& title) const;
    // A template alone (no site layout), with the translations: pages other sites embed.
    std::string RenderBare(const std::string& template_name, View body,
                           const std::string& locale) const;
    // Adds per-field messages as `errors.<field>` and a list `error_list` for the summary.
    void AddErrors(View& view, const std::vector<FieldError>& errors,
                   const std::string& locale) const;
    // A key, a core::Message or plain text, in the locale's words (core::I18n::Localize).
    std::string T(const std::string& locale, const std::string& key) const;
    // The site's title in the locale (an operator's --site-title wins), as the layout shows it.
    std::string SiteTitle(const std::string& locale) const;

  private:
    View Translations(const std::string& locale) const;
    // The translations as template globals (`t`), built once per locale: converting the
    // 1,500-string tree on every page was most of a page's CPU.
    const Templates::Globals* Globals(const std::string& locale) const;

    const Templates& templates_;
    const core::I18n& i18n_;
    std::string site_title_;
    mutable std::mutex globals_mutex_;
    mutable std::map<std::string, std::shared_ptr<const Templates::Globals>> globals_;
};

}  // namespace govhub::render

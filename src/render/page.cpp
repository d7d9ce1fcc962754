#include "render/page.hpp"

#include "core/i18n.hpp"
#include "core/strings.hpp"

namespace govhub::render {

std::string PageRenderer::T(const std::string& locale, const std::string& key) const {
    return i18n_.Localize(locale, key);
}

std::string PageRenderer::SiteTitle(const std::string& locale) const {
    return i18n_.SiteTitle(site_title_, locale);
}

View PageRenderer::Translations(const std::string& locale) const {
    // Dotted keys become nested objects so templates write {{t.nav.home}}.
    View t;
    auto put = [&](const std::string& key, const std::string& value) {
        View* node = &t;
        auto parts = core::Split(key, '.');
        for (size_t i = 0; i + 1 < parts.size(); ++i) {
            View* child = node->Find(parts[i]);
            if (!child || child->kind() != View::Kind::kObject) {
                node->Set(parts[i], View());
                child = node->Find(parts[i]);
            }
            node = child;
        }
        node->Set(parts.back(), value);
    };
    for (const auto& [k, v] : i18n_.Strings(core::kDefaultLocale)) put(k, v);
    if (locale != core::kDefaultLocale)
        for (const auto& [k, v] : i18n_.Strings(locale)) put(k, v);
    return t;
}

const Templates::Globals* PageRenderer::Globals(const std::string& locale) const {
    // A locale the site lacks reads Thai; keyed so a made-up locale cannot grow the map.
    const std::string& key = i18n_.Supports(locale) ? locale : std::string(core::kDefaultLocale);
    std::lock_guard lock(globals_mutex_);
    auto& slot = globals_[key];
    if (!slot) {
        View g;
        g.Set("t", Translations(locale));
        slot = Templates::MakeGlobals(g);
    }
    return slot.get();
}

void PageRenderer::AddErrors(View& view, const std::vector<FieldError>& errors,
                             const std::string& locale) const {
    View by_field;
    View list = View::List();
    for (const auto& e : errors) {
        std::string msg = i18n_.Localize(locale, e.message);
        std::string field = e.field.empty() ? "form" : e.field;
        if (!by_field.Find(field)) by_field.Set(field, msg);
        View item;
        item.Set("field", field);
        item.Set("message", msg);
        item.Set("has_field", !e.field.empty());
        list.Push(std::move(item));
    }
    view.Set("errors", std::move(by_field));
    view.Set("error_list", std::move(list));
    view.Set("has_errors", !errors.empty());
}

std::string PageRenderer::RenderBare(const std::string& template_name, View body,
                                     const std::string& locale) const {
    body.Set("lang", locale);
    return templates_.Render(template_name, body, Globals(locale));
}

std::string PageRenderer::Render(const std::string& template_name, View body,
                                 const PageContext& ctx, const std::string& title) const {
    const Templates::Globals* globals = Globals(ctx.locale);
    body.Set("csrf", ctx.csrf_token);
    body.Set("lang", ctx.locale);
    std::string content = templates_.Render(template_name, body, globals);

    View layout;
    layout.Set("content", content);
    layout.Set("lang", ctx.locale);
    layout.Set("title", i18n_.Get(ctx.locale, title));
    // An operator's --site-title wins; otherwise the translated default.
    layout.Set("site_title", i18n_.SiteTitle(site_title_, ctx.locale));
    layout.Set("csrf", ctx.csrf_token);
    layout.Set("signed_in", ctx.signed_in);
    layout.Set("user_name", ctx.user_name);
    layout.Set("user_display", ctx.user_display);
    layout.Set("sysadmin", ctx.sysadmin);
    layout.Set("review_staff", ctx.review_staff && !ctx.sysadmin);
    if (ctx.refresh_seconds > 0) layout.Set("refresh", ctx.refresh_seconds);
    // The language switch keeps the page and its other query parameters.
    std::string other = ctx.locale == "en" ? "th" : "en";
    std::string kept;
    for (const auto& p : core::Split(ctx.query, '&'))
        if (!p.empty() && !core::StartsWith(p, "lang=")) kept += p + "&";
    layout.Set("other_lang", other);
    layout.Set("other_lang_url", ctx.path + "?" + kept + "lang=" + other);
    layout.Set("is_th", ctx.locale != "en");
    layout.Set("next", core::UrlEncode(ctx.path));
    return templates_.Render("layout", layout, globals);
}

}  // namespace govhub::render

#include "agencies/pages.hpp"

#include "agencies/auth.hpp"
#include "agencies/store.hpp"

namespace govhub::agencies {

accounts::ProfileExtension ProfileRoles(db::Database& db, const render::PageRenderer& pages) {
    return [&db, &pages](http::Request& req, const accounts::User& user,
                         const accounts::Principal* viewer, render::View& view) {
        if (!CanSeeRolesOf(viewer, user.id)) return;
        auto held = db.Read([&](db::Connection& c) { return store::OfUser(c, user.id); });
        const std::string& locale = req.locale;
        render::View list = render::View::List();
        for (const auto& [agency, role] : held) {
            const std::string& title = agency.Title(locale);  // a reference to one of the two
            render::View item;
            item.Set("name", agency.name)
                .Set("title", title)
                .Set("title_lang", &title == &agency.title_en ? "en" : "th")
                .Set("role", std::string(ToString(role)))
                .Set("role_label", pages.T(locale, "agencies.role_" + std::string(ToString(role))));
            list.Push(std::move(item));
        }
        view.Set("has_agency_roles", !held.empty()).Set("show_agency_roles", true);
        // The officer's way in: a person looking at their own profile who acts for no agency yet.
        view.Set("officer_way_in",
                 held.empty() && viewer && viewer->user_id == user.id && !viewer->sysadmin);
        view.Set("agency_roles", std::move(list));
    };
}

}  // namespace govhub::agencies

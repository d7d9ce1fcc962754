#pragma once
// What the agency directory adds to other modules' pages: a person's agencies and roles on their
// profile (accounts sits below agencies, so the app wires this in as a profile extension).
#include "accounts/routes.hpp"
#include "db/database.hpp"
#include "render/page.hpp"

namespace govhub::agencies {

// Fills `agency_roles` (each agency's name, its title in the reader's language, the role in
// words) and `has_agency_roles` for viewers `CanSeeRolesOf` allows.
accounts::ProfileExtension ProfileRoles(db::Database& db, const render::PageRenderer& pages);

}  // namespace govhub::agencies

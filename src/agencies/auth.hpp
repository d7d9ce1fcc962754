#pragma once
// Who may do what with agencies: named predicates, pure (no database). The caller passes the
// role the principal holds in the agency (std::nullopt: none), as the service found it. They keep
// exactly the rules the catalog applies to organizations today (opendata/catalog/service.cpp):
//   create, delete, purge an agency ............ sysadmin
//   edit an agency (update, patch) ............. sysadmin, or admin of the agency
//   add, change, remove members ................ sysadmin, or admin of the agency
//   see the member list ........................ sysadmin, or any member of the agency
//   see an agency .............................. anyone when active; sysadmin when pending or
//                                                deleted
// A sysadmin holds every role in every agency.
#include <optional>
#include <string>

#include "agencies/model.hpp"
#include "api/principal.hpp"

namespace govhub::agencies {

using Principal = api::Principal;

// Holds the principal at least `need` in the agency (sysadmins always do)?
bool HasRole(const Principal* p, std::optional<Role> held, Role need);

bool CanCreateAgency(const Principal* p);
bool CanDeleteAgency(const Principal* p);  // delete and purge
bool CanEditAgency(const Principal* p, std::optional<Role> held);
bool CanManageMembers(const Principal* p, std::optional<Role> held);
bool CanSeeMembers(const Principal* p, std::optional<Role> held);
bool CanSeeAgency(const Principal* p, AgencyState state);
// The agencies a person acts for, with their roles (their profile): the person themself and
// sysadmins. Other visitors do not see them, as they do not see an agency's member list.
bool CanSeeRolesOf(const Principal* p, const std::string& user_id);

}  // namespace govhub::agencies

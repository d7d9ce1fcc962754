#include "agencies/auth.hpp"

namespace govhub::agencies {

namespace {
bool Sysadmin(const Principal* p) {
    return p && p->sysadmin;
}
}  // namespace

bool HasRole(const Principal* p, std::optional<Role> held, Role need) {
    if (!p) return false;
    if (p->sysadmin) return true;
    return held && static_cast<int>(*held) >= static_cast<int>(need);
}

bool CanCreateAgency(const Principal* p) {
    return Sysadmin(p);
}

bool CanDeleteAgency(const Principal* p) {
    return Sysadmin(p);
}

bool CanEditAgency(const Principal* p, std::optional<Role> held) {
    return HasRole(p, held, Role::kAdmin);
}

bool CanManageMembers(const Principal* p, std::optional<Role> held) {
    return HasRole(p, held, Role::kAdmin);
}

bool CanSeeMembers(const Principal* p, std::optional<Role> held) {
    return HasRole(p, held, Role::kMember);
}

bool CanSeeAgency(const Principal* p, AgencyState state) {
    return state == AgencyState::kActive || Sysadmin(p);
}

bool CanSeeRolesOf(const Principal* p, const std::string& user_id) {
    return Sysadmin(p) || (p && !user_id.empty() && p->user_id == user_id);
}

}  // namespace govhub::agencies

#include "accounts/auth.hpp"

namespace govhub::accounts {

namespace {
bool Sysadmin(const Principal* p) {
    return p && p->sysadmin;
}
bool Self(const Principal* p, const std::string& target_user_id) {
    return p && p->user_id == target_user_id;
}
}  // namespace

bool CanSeeUser(const Principal* viewer, const std::string& target_user_id, UserState state) {
    return state == UserState::kActive || CanSeePersonalData(viewer, target_user_id);
}

bool CanSeePersonalData(const Principal* viewer, const std::string& target_user_id) {
    return Sysadmin(viewer) || Self(viewer, target_user_id);
}

bool CanSeePersonalDataInLists(const Principal* viewer) {
    return Sysadmin(viewer);
}

bool CanListUsers(const Principal* viewer, bool public_user_details) {
    return viewer || public_user_details;
}

bool CanManageTokens(const Principal* viewer, const std::string& target_user_id) {
    return Sysadmin(viewer) || Self(viewer, target_user_id);
}

bool CanAdministerUsers(const Principal* viewer) {
    return Sysadmin(viewer);
}

bool CanSuspend(const Principal* viewer, const std::string& target_user_id) {
    return Sysadmin(viewer) && !Self(viewer, target_user_id);
}

bool CanGrantSysadmin(const Principal* viewer, const std::string& /*target_user_id*/) {
    return Sysadmin(viewer);
}

bool CanRevokeSysadmin(const Principal* viewer, const std::string& target_user_id) {
    return Sysadmin(viewer) && !Self(viewer, target_user_id);
}

bool CanResetSecondFactor(const Principal* viewer, const std::string& target_user_id) {
    return Sysadmin(viewer) && !Self(viewer, target_user_id);
}

bool CanSetRoles(const Principal* viewer) {
    return Sysadmin(viewer);
}

bool CanCloseAccount(const Principal* actor, const std::string& target_user_id) {
    return !Self(actor, target_user_id);
}

bool HoldsCapacity(const Principal* p, std::optional<Capacity> held, Capacity need) {
    if (!p) return false;
    if (p->sysadmin) return true;
    return held && static_cast<int>(*held) >= static_cast<int>(need);
}

}  // namespace govhub::accounts

#pragma once
// Who may do what with accounts (CKAN's logic/auth beside logic/action): named predicates, pure
// (no database). The caller passes what they need as plain values: the target's user id, its
// state, the role found in the memberships table, the site's setting. They keep exactly the
// rules the service and pages applied inline before (the "Who may" table in README.md), each
// covered row by row in auth_test.cpp.
//
// Some rules need no predicate because the service takes no target: a password change, the
// second factor's set-up and removal, and the personal-data download act on the caller only.
#include <optional>
#include <string>

#include "accounts/model.hpp"

namespace govhub::accounts {

// Seeing a profile (/user/{name}, user_show, /admin/users/{name}): anyone when the account is
// active; the person themself and sysadmins in every other state.
bool CanSeeUser(const Principal* viewer, const std::string& target_user_id, UserState state);
// The e-mail address, the account's state and the sysadmin flag on a profile and in user_show:
// the person themself and sysadmins.
bool CanSeePersonalData(const Principal* viewer, const std::string& target_user_id);
// The e-mail addresses and sysadmin flags of everyone in user_list: sysadmins (not even one's
// own row shows them to anyone else).
bool CanSeePersonalDataInLists(const Principal* viewer);
// user_list: anyone signed in; anonymous callers too when the site sets public_user_details.
bool CanListUsers(const Principal* viewer, bool public_user_details);
// A user's API tokens (create, list, their usage, revoke; revoking asks with the token's
// owner): the person themself and sysadmins.
bool CanManageTokens(const Principal* viewer, const std::string& target_user_id);

// The administrator's user list, a user's admin page and their roles (/admin/users): sysadmins.
bool CanAdministerUsers(const Principal* viewer);
// Suspending and reactivating an account: a sysadmin, not on their own account.
bool CanSuspend(const Principal* viewer, const std::string& target_user_id);
// Granting the sysadmin role: a sysadmin (on anyone).
bool CanGrantSysadmin(const Principal* viewer, const std::string& target_user_id);
// Revoking the sysadmin role: a sysadmin, not their own (the site keeps whoever is acting).
bool CanRevokeSysadmin(const Principal* viewer, const std::string& target_user_id);
// Removing someone's second factor (they set it up again): a sysadmin, not their own.
bool CanResetSecondFactor(const Principal* viewer, const std::string& target_user_id);
// Setting a role on an object (SetRole: reviewers, agency roles): a sysadmin, on anyone.
bool CanSetRoles(const Principal* viewer);
// Closing an account (suspension or cancellation, the workflow's step on the person's
// request): whoever carries out the step, not the person themself; no principal is the site
// itself (a job).
bool CanCloseAccount(const Principal* actor, const std::string& target_user_id);

// Holds `p` at least `need` on an object, holding `held` there (std::nullopt: none)? Sysadmins
// hold every role everywhere; nobody signed out holds any.
bool HoldsCapacity(const Principal* p, std::optional<Capacity> held, Capacity need);

}  // namespace govhub::accounts

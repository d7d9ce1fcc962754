#include "accounts/auth.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace govhub::accounts {
namespace {

// Who acts, and on whom: the target is always the user "target", so "self" and "sysadmin on
// self" are the target themself.
enum class Who { kAnonymous, kSelf, kOther, kSysadminOnOther, kSysadminOnSelf };
constexpr Who kEveryone[] = {Who::kAnonymous, Who::kSelf, Who::kOther, Who::kSysadminOnOther,
                             Who::kSysadminOnSelf};

enum class Action {
    kSeeActiveUser,
    kSeeInactiveUser,
    kSeePersonalData,
    kSeePersonalDataInLists,
    kListUsersPrivate,  // public_user_details off
    kListUsersPublic,   // public_user_details on
    kManageTokens,
    kAdministerUsers,
    kSuspend,
    kGrantSysadmin,
    kRevokeSysadmin,
    kResetSecondFactor,
    kSetRoles,
    kCloseAccount,
};

const char* Name(Who w) {
    switch (w) {
        case Who::kAnonymous:
            return "anonymous";
        case Who::kSelf:
            return "the user themself";
        case Who::kOther:
            return "another user";
        case Who::kSysadminOnOther:
            return "a sysadmin (on another)";
        case Who::kSysadminOnSelf:
            return "a sysadmin (on themself)";
    }
    return "?";
}

const char* Name(Action a) {
    switch (a) {
        case Action::kSeeActiveUser:
            return "see an active user";
        case Action::kSeeInactiveUser:
            return "see a user who is not active";
        case Action::kSeePersonalData:
            return "see personal data";
        case Action::kSeePersonalDataInLists:
            return "see personal data in user_list";
        case Action::kListUsersPrivate:
            return "list users (public_user_details off)";
        case Action::kListUsersPublic:
            return "list users (public_user_details on)";
        case Action::kManageTokens:
            return "manage API tokens";
        case Action::kAdministerUsers:
            return "administer users";
        case Action::kSuspend:
            return "suspend or reactivate";
        case Action::kGrantSysadmin:
            return "grant sysadmin";
        case Action::kRevokeSysadmin:
            return "revoke sysadmin";
        case Action::kResetSecondFactor:
            return "reset the second factor";
        case Action::kSetRoles:
            return "set roles";
        case Action::kCloseAccount:
            return "close the account";
    }
    return "?";
}

const std::string kTarget = "target-id";

bool Allowed(const Principal* p, Action a) {
    switch (a) {
        case Action::kSeeActiveUser:
            return CanSeeUser(p, kTarget, UserState::kActive);
        case Action::kSeeInactiveUser: {
            // Pending, suspended and cancelled answer alike.
            bool pending = CanSeeUser(p, kTarget, UserState::kPending);
            EXPECT_EQ(CanSeeUser(p, kTarget, UserState::kSuspended), pending);
            EXPECT_EQ(CanSeeUser(p, kTarget, UserState::kCancelled), pending);
            return pending;
        }
        case Action::kSeePersonalData:
            return CanSeePersonalData(p, kTarget);
        case Action::kSeePersonalDataInLists:
            return CanSeePersonalDataInLists(p);
        case Action::kListUsersPrivate:
            return CanListUsers(p, false);
        case Action::kListUsersPublic:
            return CanListUsers(p, true);
        case Action::kManageTokens:
            return CanManageTokens(p, kTarget);
        case Action::kAdministerUsers:
            return CanAdministerUsers(p);
        case Action::kSuspend:
            return CanSuspend(p, kTarget);
        case Action::kGrantSysadmin:
            return CanGrantSysadmin(p, kTarget);
        case Action::kRevokeSysadmin:
            return CanRevokeSysadmin(p, kTarget);
        case Action::kResetSecondFactor:
            return CanResetSecondFactor(p, kTarget);
        case Action::kSetRoles:
            return CanSetRoles(p);
        case Action::kCloseAccount:
            return CanCloseAccount(p, kTarget);
    }
    return false;
}

// One row per action: allowed for anonymous, self, another user, a sysadmin on another, a
// sysadmin on themself. The rules the service and pages applied inline before auth.hpp.
struct Row {
    Action action;
    bool allowed[5];
};

const std::vector<Row> kTable = {
    //                                   anon   self   other  sa>oth sa>self
    {Action::kSeeActiveUser, /*       */ {true, true, true, true, true}},
    {Action::kSeeInactiveUser, /*     */ {false, true, false, true, true}},
    {Action::kSeePersonalData, /*     */ {false, true, false, true, true}},
    {Action::kSeePersonalDataInLists, {false, false, false, true, true}},
    {Action::kListUsersPrivate, /*    */ {false, true, true, true, true}},
    {Action::kListUsersPublic, /*     */ {true, true, true, true, true}},
    {Action::kManageTokens, /*        */ {false, true, false, true, true}},
    {Action::kAdministerUsers, /*     */ {false, false, false, true, true}},
    {Action::kSuspend, /*             */ {false, false, false, true, false}},
    {Action::kGrantSysadmin, /*       */ {false, false, false, true, true}},
    {Action::kRevokeSysadmin, /*      */ {false, false, false, true, false}},
    {Action::kResetSecondFactor, /*   */ {false, false, false, true, false}},
    {Action::kSetRoles, /*            */ {false, false, false, true, true}},
    // Carried out by whoever does the workflow's step (or the site itself), never the person.
    {Action::kCloseAccount, /*        */ {true, false, true, true, false}},
};

Principal Make(Who w) {
    Principal p;
    bool self = w == Who::kSelf || w == Who::kSysadminOnSelf;
    p.user_id = self ? kTarget : "someone-else-id";
    p.name = self ? "target" : "someone";
    p.sysadmin = w == Who::kSysadminOnOther || w == Who::kSysadminOnSelf;
    return p;
}

TEST(AccountsAuth, Table) {
    for (const auto& row : kTable) {
        for (size_t i = 0; i < std::size(kEveryone); ++i) {
            Who who = kEveryone[i];
            Principal principal = Make(who);
            const Principal* p = who == Who::kAnonymous ? nullptr : &principal;
            EXPECT_EQ(Allowed(p, row.action), row.allowed[i])
                << Name(who) << " may " << (row.allowed[i] ? "" : "not ") << Name(row.action);
        }
    }
}

TEST(AccountsAuth, EveryActionHasARow) {
    std::vector<bool> seen(static_cast<size_t>(Action::kCloseAccount) + 1);
    for (const auto& row : kTable) seen[static_cast<size_t>(row.action)] = true;
    for (size_t i = 0; i < seen.size(); ++i)
        EXPECT_TRUE(seen[i]) << Name(static_cast<Action>(i)) << " has no row";
}

TEST(AccountsAuth, HoldsCapacity) {
    Principal user = Make(Who::kOther), admin = Make(Who::kSysadminOnOther);
    const std::optional<Capacity> none = std::nullopt;
    struct {
        const Principal* p;
        std::optional<Capacity> held;
        Capacity need;
        bool allowed;
    } rows[] = {
        // Nobody signed out holds a role, whatever the table says.
        {nullptr, Capacity::kAdmin, Capacity::kMember, false},
        {&user, none, Capacity::kMember, false},
        {&user, Capacity::kMember, Capacity::kMember, true},
        {&user, Capacity::kMember, Capacity::kEditor, false},
        {&user, Capacity::kEditor, Capacity::kEditor, true},
        {&user, Capacity::kEditor, Capacity::kAdmin, false},
        {&user, Capacity::kAdmin, Capacity::kEditor, true},
        {&user, Capacity::kAdmin, Capacity::kAdmin, true},
        // Sysadmins hold every role everywhere.
        {&admin, none, Capacity::kAdmin, true},
        {&admin, Capacity::kMember, Capacity::kAdmin, true},
    };
    for (const auto& r : rows)
        EXPECT_EQ(HoldsCapacity(r.p, r.held, r.need), r.allowed)
            << (r.p ? r.p->sysadmin ? "sysadmin" : "user" : "anonymous") << " holding "
            << (r.held ? ToString(*r.held) : "nothing") << " needs " << ToString(r.need);
}

}  // namespace
}  // namespace govhub::accounts

#include "agencies/auth.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace govhub::agencies {
namespace {

enum class Who { kAnonymous, kUser, kSysadmin };
enum class Action { kCreate, kDelete, kEdit, kManageMembers, kSeeMembers };

struct Row {
    Who who;
    std::optional<Role> held;  // the principal's role in the agency
    Action action;
    bool allowed;
};

const char* Name(Who w) {
    return w == Who::kAnonymous ? "anonymous" : w == Who::kUser ? "user" : "sysadmin";
}

const char* Name(Action a) {
    switch (a) {
        case Action::kCreate:
            return "create";
        case Action::kDelete:
            return "delete";
        case Action::kEdit:
            return "edit";
        case Action::kManageMembers:
            return "manage-members";
        case Action::kSeeMembers:
            return "see-members";
    }
    return "?";
}

bool Allowed(const Principal* p, std::optional<Role> held, Action a) {
    switch (a) {
        case Action::kCreate:
            return CanCreateAgency(p);
        case Action::kDelete:
            return CanDeleteAgency(p);
        case Action::kEdit:
            return CanEditAgency(p, held);
        case Action::kManageMembers:
            return CanManageMembers(p, held);
        case Action::kSeeMembers:
            return CanSeeMembers(p, held);
    }
    return false;
}

constexpr std::optional<Role> kNone = std::nullopt;
constexpr auto kM = Role::kMember;
constexpr auto kE = Role::kEditor;
constexpr auto kA = Role::kAdmin;

// principal × role in the agency × action → allowed. The rules of the catalog's organizations.
const std::vector<Row> kTable = {
    // create: sysadmins only, whatever role they hold elsewhere
    {Who::kAnonymous, kNone, Action::kCreate, false},
    {Who::kUser, kNone, Action::kCreate, false},
    {Who::kUser, kA, Action::kCreate, false},
    {Who::kSysadmin, kNone, Action::kCreate, true},
    // delete / purge: sysadmins only; an agency's admin may not
    {Who::kAnonymous, kNone, Action::kDelete, false},
    {Who::kUser, kM, Action::kDelete, false},
    {Who::kUser, kE, Action::kDelete, false},
    {Who::kUser, kA, Action::kDelete, false},
    {Who::kSysadmin, kNone, Action::kDelete, true},
    // edit: the agency's admins and sysadmins
    {Who::kAnonymous, kNone, Action::kEdit, false},
    {Who::kUser, kNone, Action::kEdit, false},
    {Who::kUser, kM, Action::kEdit, false},
    {Who::kUser, kE, Action::kEdit, false},
    {Who::kUser, kA, Action::kEdit, true},
    {Who::kSysadmin, kNone, Action::kEdit, true},
    // members add / change / remove: the agency's admins and sysadmins
    {Who::kAnonymous, kNone, Action::kManageMembers, false},
    {Who::kUser, kNone, Action::kManageMembers, false},
    {Who::kUser, kM, Action::kManageMembers, false},
    {Who::kUser, kE, Action::kManageMembers, false},
    {Who::kUser, kA, Action::kManageMembers, true},
    {Who::kSysadmin, kNone, Action::kManageMembers, true},
    // the member list: any member of the agency and sysadmins
    {Who::kAnonymous, kNone, Action::kSeeMembers, false},
    {Who::kUser, kNone, Action::kSeeMembers, false},
    {Who::kUser, kM, Action::kSeeMembers, true},
    {Who::kUser, kE, Action::kSeeMembers, true},
    {Who::kUser, kA, Action::kSeeMembers, true},
    {Who::kSysadmin, kNone, Action::kSeeMembers, true},
};

Principal Make(Who w) {
    Principal p;
    p.user_id = "u1";
    p.name = "someone";
    p.sysadmin = w == Who::kSysadmin;
    return p;
}

TEST(AgenciesAuth, Table) {
    for (const auto& row : kTable) {
        Principal principal = Make(row.who);
        const Principal* p = row.who == Who::kAnonymous ? nullptr : &principal;
        EXPECT_EQ(Allowed(p, row.held, row.action), row.allowed)
            << Name(row.who) << " with role " << (row.held ? ToString(*row.held) : "none")
            << " may " << (row.allowed ? "" : "not ") << Name(row.action);
    }
}

TEST(AgenciesAuth, SeeAgencyByState) {
    Principal user = Make(Who::kUser), admin = Make(Who::kSysadmin);
    struct {
        const Principal* p;
        AgencyState state;
        bool allowed;
    } rows[] = {
        {nullptr, AgencyState::kActive, true},   {&user, AgencyState::kActive, true},
        {&admin, AgencyState::kActive, true},    {nullptr, AgencyState::kPending, false},
        {&user, AgencyState::kPending, false},   {&admin, AgencyState::kPending, true},
        {nullptr, AgencyState::kDeleted, false}, {&user, AgencyState::kDeleted, false},
        {&admin, AgencyState::kDeleted, true},
    };
    for (const auto& r : rows)
        EXPECT_EQ(CanSeeAgency(r.p, r.state), r.allowed)
            << (r.p ? r.p->sysadmin ? "sysadmin" : "user" : "anonymous") << " / "
            << ToString(r.state);
}

TEST(AgenciesModel, NamesRoundTrip) {
    for (auto k : {AgencyKind::kMinistry, AgencyKind::kDepartment, AgencyKind::kOther})
        EXPECT_EQ(ParseAgencyKind(ToString(k)), k);
    for (auto s : {AgencyState::kActive, AgencyState::kPending, AgencyState::kDeleted})
        EXPECT_EQ(ParseAgencyState(ToString(s)), s);
    for (auto r : {Role::kMember, Role::kEditor, Role::kAdmin})
        EXPECT_EQ(ParseRole(ToString(r)), r);
    EXPECT_FALSE(ParseRole("owner"));
    EXPECT_FALSE(ParseAgencyState("approved"));
}

TEST(AgenciesAuth, RolesOnAProfileShowToThePersonAndSysadmins) {
    Principal self{.user_id = "u1", .name = "somchai"};
    Principal other{.user_id = "u2", .name = "somsri"};
    Principal admin{.user_id = "u3", .name = "admin", .sysadmin = true};
    EXPECT_TRUE(CanSeeRolesOf(&self, "u1"));
    EXPECT_TRUE(CanSeeRolesOf(&admin, "u1"));
    EXPECT_FALSE(CanSeeRolesOf(&other, "u1"));
    EXPECT_FALSE(CanSeeRolesOf(nullptr, "u1"));
    Principal anonymous_session;
    EXPECT_FALSE(CanSeeRolesOf(&anonymous_session, ""));  // an empty id matches nobody
}

}  // namespace
}  // namespace govhub::agencies

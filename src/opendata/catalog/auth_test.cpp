#include "opendata/catalog/auth.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "opendata/catalog/auth_table_test.hpp"

namespace govhub::catalog {
namespace {

using namespace auth_table;  // NOLINT: the table vocabulary

enum class Action {
    kRead,
    kFindWithFlags,  // package_search with include_private and include_drafts
    kFindPlain,      // package_search without them
    kActivity,
    kStart,
    kCreate,
    kMove,
    kEdit,
    kDelete,
    kPurge,
    kTrash,
    kReadResource,
    kReadPrivateResource,
    kCreateResource,
    kEditResource,
    kDeleteResource,
    kCreateGroup,
    kEditGroup,
    kDeleteGroup,
    kManageGroupMembers,
    kBulkUpdate,
};

const char* Name(Action a) {
    switch (a) {
        case Action::kRead:
            return "read";
        case Action::kFindWithFlags:
            return "find (include_private, include_drafts)";
        case Action::kFindPlain:
            return "find";
        case Action::kActivity:
            return "activity";
        case Action::kStart:
            return "start";
        case Action::kCreate:
            return "create";
        case Action::kMove:
            return "move";
        case Action::kEdit:
            return "edit";
        case Action::kDelete:
            return "delete";
        case Action::kPurge:
            return "purge";
        case Action::kTrash:
            return "trash";
        case Action::kReadResource:
            return "read resource";
        case Action::kReadPrivateResource:
            return "read private resource";
        case Action::kCreateResource:
            return "create resource";
        case Action::kEditResource:
            return "edit resource";
        case Action::kDeleteResource:
            return "delete resource";
        case Action::kCreateGroup:
            return "create group";
        case Action::kEditGroup:
            return "edit group";
        case Action::kDeleteGroup:
            return "delete group";
        case Action::kManageGroupMembers:
            return "group members";
        case Action::kBulkUpdate:
            return "bulk update";
    }
    return "?";
}

bool Allowed(const Principal* p, const DatasetFacts& d, Held held, Action a) {
    switch (a) {
        case Action::kRead:
            return CanReadDataset(p, d, held);
        case Action::kFindWithFlags:
            return CanFindDataset(p, d, held, true, true);
        case Action::kFindPlain:
            return CanFindDataset(p, d, held, false, false);
        case Action::kActivity:
            return CanSeeDatasetActivity(p, d, held);
        case Action::kStart:
            return CanStartDataset(p);
        case Action::kCreate:
            return CanCreateDataset(p, held);
        case Action::kMove:
            return CanMoveDataset(p, held);
        case Action::kEdit:
            return CanEditDataset(p, held);
        case Action::kDelete:
            return CanDeleteDataset(p, held);
        case Action::kPurge:
            return CanPurgeDataset(p);
        case Action::kTrash:
            return CanSeeTrash(p);
        case Action::kReadResource:
            return CanReadResource(p, d, false, held);
        case Action::kReadPrivateResource:
            return CanReadResource(p, d, true, held);
        case Action::kCreateResource:
            return CanCreateResource(p, held);
        case Action::kEditResource:
            return CanEditResource(p, held);
        case Action::kDeleteResource:
            return CanDeleteResource(p, held);
        case Action::kCreateGroup:
            return CanCreateGroup(p);
        case Action::kEditGroup:
            return CanEditGroup(p);
        case Action::kDeleteGroup:
            return CanDeleteGroup(p);
        case Action::kManageGroupMembers:
            return CanManageGroupMembers(p, held);
        case Action::kBulkUpdate:
            return CanBulkUpdate(p, held);
    }
    return false;
}

// action × dataset × caller → allowed: the rules service.cpp and package_search.cpp apply.
const std::vector<Row<Action>> kTable = {
    //                                 anon stranger member editor admin creator sysadmin
    {Action::kRead, Kind::kPublic, "1111111"},
    {Action::kRead, Kind::kPrivate, "0011101"},  // members see private datasets
    {Action::kRead, Kind::kDraft, "0001111"},    // drafts: editors and the creator
    {Action::kRead, Kind::kPrivateDraft, "0001111"},
    {Action::kRead, Kind::kDeleted, "0000001"},  // the trash: sysadmins only
    // package_search never lists a draft to its creator (only to editors), and lists private and
    // draft datasets only when asked; a sysadmin sees private ones without asking.
    {Action::kFindWithFlags, Kind::kPublic, "1111111"},
    {Action::kFindWithFlags, Kind::kPrivate, "0011101"},
    {Action::kFindWithFlags, Kind::kDraft, "0001101"},
    {Action::kFindWithFlags, Kind::kPrivateDraft, "0001101"},
    {Action::kFindWithFlags, Kind::kDeleted, "0000000"},
    {Action::kFindPlain, Kind::kPublic, "1111111"},
    {Action::kFindPlain, Kind::kPrivate, "0000001"},
    {Action::kFindPlain, Kind::kDraft, "0000000"},
    {Action::kFindPlain, Kind::kDeleted, "0000000"},
    // activity follows read
    {Action::kActivity, Kind::kPublic, "1111111"},
    {Action::kActivity, Kind::kPrivate, "0011101"},
    {Action::kActivity, Kind::kDraft, "0001111"},
    {Action::kActivity, Kind::kDeleted, "0000001"},
    // writing: editors and admins of the owner agency; a creator without a role may not
    {Action::kStart, Kind::kPublic, "0111111"},
    {Action::kCreate, Kind::kPublic, "0001101"},
    {Action::kMove, Kind::kPublic, "0001101"},
    {Action::kEdit, Kind::kPublic, "0001101"},
    {Action::kEdit, Kind::kPrivate, "0001101"},
    {Action::kEdit, Kind::kDraft, "0001101"},
    {Action::kDelete, Kind::kPublic, "0001101"},
    {Action::kDelete, Kind::kDraft, "0001101"},
    {Action::kPurge, Kind::kDeleted, "0000001"},
    {Action::kPurge, Kind::kPublic, "0000001"},
    {Action::kTrash, Kind::kDeleted, "0000001"},
    // resources: a private resource only to the dataset's editors
    {Action::kReadResource, Kind::kPublic, "1111111"},
    {Action::kReadResource, Kind::kPrivate, "0011101"},
    {Action::kReadResource, Kind::kDraft, "0001111"},
    {Action::kReadResource, Kind::kDeleted, "0000001"},
    {Action::kReadPrivateResource, Kind::kPublic, "0001101"},
    {Action::kReadPrivateResource, Kind::kPrivate, "0001101"},
    {Action::kReadPrivateResource, Kind::kDraft, "0001101"},
    {Action::kReadPrivateResource, Kind::kDeleted, "0000001"},
    {Action::kCreateResource, Kind::kPublic, "0001101"},
    {Action::kEditResource, Kind::kPrivate, "0001101"},
    {Action::kDeleteResource, Kind::kDraft, "0001101"},
    // groups: sysadmins; a dataset goes in or out of a group with its editors
    {Action::kCreateGroup, Kind::kPublic, "0000001"},
    {Action::kEditGroup, Kind::kPublic, "0000001"},
    {Action::kDeleteGroup, Kind::kPublic, "0000001"},
    {Action::kManageGroupMembers, Kind::kPublic, "0001101"},
    {Action::kBulkUpdate, Kind::kPublic, "0001101"},
};

TEST(CatalogAuthTest, Table) {
    ExpectTable(kTable, Allowed);
}

// A role only ever adds rights: what a caller may do without a role, it may do with any.
// (CatalogService::CanRead reads the role only when the answer without one is no.)
TEST(CatalogAuthTest, ARoleOnlyAdds) {
    const std::vector<Held> roles = {std::nullopt, agencies::Role::kMember, agencies::Role::kEditor,
                                     agencies::Role::kAdmin};
    for (Who who : kEveryone) {
        Principal principal = PrincipalOf(who);
        const Principal* p = who == Who::kAnonymous ? nullptr : &principal;
        for (Kind k : kEveryKind) {
            for (int a = 0; a <= static_cast<int>(Action::kBulkUpdate); ++a) {
                bool before = false;
                for (const auto& held : roles) {
                    bool now = Allowed(p, FactsFor(k), held, static_cast<Action>(a));
                    EXPECT_TRUE(now || !before)
                        << Name(who) << " / " << Name(static_cast<Action>(a)) << " / " << Name(k);
                    before = now;
                }
            }
        }
    }
}

TEST(CatalogAuthTest, FactsOfAStoredDataset) {
    Dataset d;
    d.creator_user_id = "u-1";
    d.private_ = true;
    EXPECT_EQ(catalog::FactsOf(d).state, DatasetState::kActive);
    EXPECT_TRUE(catalog::FactsOf(d).private_);
    EXPECT_EQ(catalog::FactsOf(d).creator_user_id, "u-1");
    d.state = DatasetState::kDraft;
    EXPECT_EQ(catalog::FactsOf(d).state, DatasetState::kDraft);
    d.state = DatasetState::kDeleted;
    EXPECT_EQ(catalog::FactsOf(d).state, DatasetState::kDeleted);
}

}  // namespace
}  // namespace govhub::catalog

#include "opendata/views/auth.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace govhub::views {
namespace {

using catalog::DatasetState;

// The callers of every row, in the order of the `allowed` strings below.
enum class Who { kAnonymous, kStranger, kMember, kEditor, kAdmin, kCreator, kSysadmin };
const std::vector<Who> kEveryone = {Who::kAnonymous, Who::kStranger, Who::kMember,  Who::kEditor,
                                    Who::kAdmin,     Who::kCreator,  Who::kSysadmin};
const char* const kWhoNames[] = {"anonymous", "stranger", "member",  "editor",
                                 "admin",     "creator",  "sysadmin"};

Held HeldBy(Who w) {
    if (w == Who::kMember) return agencies::Role::kMember;
    if (w == Who::kEditor) return agencies::Role::kEditor;
    if (w == Who::kAdmin) return agencies::Role::kAdmin;
    return std::nullopt;
}

enum class Kind { kPublic, kPrivate, kDraft, kDeleted };
const char* const kKindNames[] = {"public", "private", "draft", "deleted"};

DatasetFacts FactsFor(Kind k) {
    DatasetFacts f;
    f.creator_user_id = "u-creator";
    f.private_ = k == Kind::kPrivate;
    f.state = k == Kind::kDraft     ? DatasetState::kDraft
              : k == Kind::kDeleted ? DatasetState::kDeleted
                                    : DatasetState::kActive;
    return f;
}

enum class Action { kSee, kSeePrivate, kCreate, kEdit, kDelete };

const char* Name(Action a) {
    switch (a) {
        case Action::kSee:
            return "see view";
        case Action::kSeePrivate:
            return "see view of a private resource";
        case Action::kCreate:
            return "create view";
        case Action::kEdit:
            return "update view";
        case Action::kDelete:
            return "delete view";
    }
    return "?";
}

bool Allowed(const Principal* p, const DatasetFacts& d, Held held, Action a) {
    switch (a) {
        case Action::kSee:
            return CanSeeView(p, d, false, held);
        case Action::kSeePrivate:
            return CanSeeView(p, d, true, held);
        case Action::kCreate:
            return CanCreateView(p, held);
        case Action::kEdit:
            return CanEditView(p, held);
        case Action::kDelete:
            return CanDeleteView(p, held);
    }
    return false;
}

struct Row {
    Action action;
    Kind dataset;
    // One character per caller: anonymous, stranger, member, editor, admin, creator (of a draft,
    // no role), sysadmin. '1': allowed.
    const char* allowed;
};

// action × dataset × caller → allowed: the catalog's rules for the resource.
const std::vector<Row> kTable = {
    // resource_view_show, _list, the embed page: who may read the resource
    {Action::kSee, Kind::kPublic, "1111111"},
    {Action::kSee, Kind::kPrivate, "0011101"},
    {Action::kSee, Kind::kDraft, "0001111"},
    {Action::kSee, Kind::kDeleted, "0000001"},
    {Action::kSeePrivate, Kind::kPublic, "0001101"},
    {Action::kSeePrivate, Kind::kPrivate, "0001101"},
    {Action::kSeePrivate, Kind::kDraft, "0001101"},
    // resource_view_create, _update, _delete: editors of the dataset
    {Action::kCreate, Kind::kPublic, "0001101"},
    {Action::kCreate, Kind::kDraft, "0001101"},
    {Action::kEdit, Kind::kPublic, "0001101"},
    {Action::kEdit, Kind::kPrivate, "0001101"},
    {Action::kDelete, Kind::kPublic, "0001101"},
    {Action::kDelete, Kind::kDraft, "0001101"},
};

TEST(ViewsAuthTest, Table) {
    for (const auto& row : kTable) {
        ASSERT_EQ(std::string(row.allowed).size(), kEveryone.size()) << Name(row.action);
        for (size_t i = 0; i < kEveryone.size(); ++i) {
            Who who = kEveryone[i];
            Principal principal;
            principal.user_id =
                who == Who::kCreator ? "u-creator" : std::string("u-") + kWhoNames[i];
            principal.sysadmin = who == Who::kSysadmin;
            const Principal* p = who == Who::kAnonymous ? nullptr : &principal;
            EXPECT_EQ(Allowed(p, FactsFor(row.dataset), HeldBy(who), row.action),
                      row.allowed[i] == '1')
                << kWhoNames[i] << " / " << Name(row.action) << " / "
                << kKindNames[static_cast<int>(row.dataset)];
        }
    }
}

}  // namespace
}  // namespace govhub::views

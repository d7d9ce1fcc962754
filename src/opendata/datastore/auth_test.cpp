#include "opendata/datastore/auth.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace govhub::datastore {
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

enum class Action { kRead, kReadPrivate, kWrite };

const char* Name(Action a) {
    switch (a) {
        case Action::kRead:
            return "read table";
        case Action::kReadPrivate:
            return "read table of a private resource";
        case Action::kWrite:
            return "create, upsert, delete";
    }
    return "?";
}

bool Allowed(const Principal* p, const DatasetFacts& d, Held held, Action a) {
    switch (a) {
        case Action::kRead:
            return CanReadTable(p, d, false, held);
        case Action::kReadPrivate:
            return CanReadTable(p, d, true, held);
        case Action::kWrite:
            return CanWriteTable(p, held);
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
    // datastore_search, _info, search_sql (per table), dumps: who may read the resource
    {Action::kRead, Kind::kPublic, "1111111"},
    {Action::kRead, Kind::kPrivate, "0011101"},
    {Action::kRead, Kind::kDraft, "0001111"},
    {Action::kRead, Kind::kDeleted, "0000001"},
    // a private resource: the dataset's editors only
    {Action::kReadPrivate, Kind::kPublic, "0001101"},
    {Action::kReadPrivate, Kind::kPrivate, "0001101"},
    {Action::kReadPrivate, Kind::kDraft, "0001101"},
    {Action::kReadPrivate, Kind::kDeleted, "0000001"},
    // datastore_create, _upsert, _delete, _records_delete, reload: editors of the dataset
    {Action::kWrite, Kind::kPublic, "0001101"},
    {Action::kWrite, Kind::kPrivate, "0001101"},
    {Action::kWrite, Kind::kDraft, "0001101"},
};

TEST(DatastoreAuthTest, Table) {
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
}  // namespace govhub::datastore

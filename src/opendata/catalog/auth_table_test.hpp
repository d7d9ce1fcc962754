// For the unit tests only: the callers and datasets every permission table of the catalog and
// the modules built on it (datastore, views) is written against, and the loop that checks a
// table. A table row is an action, a kind of dataset and one character per caller ('1':
// allowed), so a rule reads as a line and a change to one shows as a changed character.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "opendata/catalog/auth.hpp"

namespace govhub::catalog::auth_table {

// The callers of every row, in the order of the `allowed` strings.
enum class Who { kAnonymous, kStranger, kMember, kEditor, kAdmin, kCreator, kSysadmin };
inline const std::vector<Who> kEveryone = {Who::kAnonymous, Who::kStranger, Who::kMember,
                                           Who::kEditor,    Who::kAdmin,    Who::kCreator,
                                           Who::kSysadmin};

inline const char* Name(Who w) {
    switch (w) {
        case Who::kAnonymous:
            return "anonymous";
        case Who::kStranger:
            return "signed-in stranger";
        case Who::kMember:
            return "member of the owner agency";
        case Who::kEditor:
            return "editor of the owner agency";
        case Who::kAdmin:
            return "admin of the owner agency";
        case Who::kCreator:
            return "creator (no role in the agency)";
        case Who::kSysadmin:
            return "sysadmin";
    }
    return "?";
}

// The role the caller holds in the dataset's agency.
inline Held HeldBy(Who w) {
    switch (w) {
        case Who::kMember:
            return agencies::Role::kMember;
        case Who::kEditor:
            return agencies::Role::kEditor;
        case Who::kAdmin:
            return agencies::Role::kAdmin;
        default:
            return std::nullopt;
    }
}

// A signed-in caller (the creator is the user every dataset below was created by).
inline Principal PrincipalOf(Who w) {
    Principal p;
    p.user_id = w == Who::kCreator ? "u-creator" : "u-" + std::string(Name(w)).substr(0, 6);
    p.sysadmin = w == Who::kSysadmin;
    return p;
}

enum class Kind { kPublic, kPrivate, kDraft, kPrivateDraft, kDeleted };
inline const std::vector<Kind> kEveryKind = {Kind::kPublic, Kind::kPrivate, Kind::kDraft,
                                             Kind::kPrivateDraft, Kind::kDeleted};

inline const char* Name(Kind k) {
    switch (k) {
        case Kind::kPublic:
            return "public";
        case Kind::kPrivate:
            return "private";
        case Kind::kDraft:
            return "draft";
        case Kind::kPrivateDraft:
            return "private draft";
        case Kind::kDeleted:
            return "deleted";
    }
    return "?";
}

inline DatasetFacts FactsFor(Kind k) {
    DatasetFacts f;
    f.creator_user_id = "u-creator";
    f.private_ = k == Kind::kPrivate || k == Kind::kPrivateDraft;
    f.state = k == Kind::kDraft || k == Kind::kPrivateDraft ? DatasetState::kDraft
              : k == Kind::kDeleted                         ? DatasetState::kDeleted
                                                            : DatasetState::kActive;
    return f;
}

template <class Action>
struct Row {
    Action action;
    Kind dataset;
    // One character per caller, in kEveryone's order: anonymous, stranger, member, editor, admin,
    // creator, sysadmin. '1': allowed.
    const char* allowed;
};

// Checks every row for every caller: `allowed(p, facts, held, action)` is the module's rule
// (p null for the anonymous caller); a test's own Name(Action) names the action in a failure.
template <class Action, class Allowed>
void ExpectTable(const std::vector<Row<Action>>& table, Allowed allowed) {
    for (const auto& row : table) {
        ASSERT_EQ(std::string(row.allowed).size(), kEveryone.size()) << Name(row.action);
        for (size_t i = 0; i < kEveryone.size(); ++i) {
            Who who = kEveryone[i];
            Principal principal = PrincipalOf(who);
            const Principal* p = who == Who::kAnonymous ? nullptr : &principal;
            EXPECT_EQ(allowed(p, FactsFor(row.dataset), HeldBy(who), row.action),
                      row.allowed[i] == '1')
                << Name(who) << " / " << Name(row.action) << " / " << Name(row.dataset);
        }
    }
}

}  // namespace govhub::catalog::auth_table

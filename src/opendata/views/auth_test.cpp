#include "opendata/views/auth.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "opendata/catalog/auth_table_test.hpp"

namespace govhub::views {
namespace {

using namespace catalog::auth_table;  // NOLINT: the table vocabulary

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

// action × dataset × caller → allowed: the catalog's rules for the resource.
const std::vector<Row<Action>> kTable = {
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
    ExpectTable(kTable, Allowed);
}

}  // namespace
}  // namespace govhub::views

#include "opendata/datastore/auth.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "opendata/catalog/auth_table_test.hpp"

namespace govhub::datastore {
namespace {

using namespace catalog::auth_table;  // NOLINT: the table vocabulary

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

// action × dataset × caller → allowed: the catalog's rules for the resource.
const std::vector<Row<Action>> kTable = {
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
    ExpectTable(kTable, Allowed);
}

}  // namespace
}  // namespace govhub::datastore

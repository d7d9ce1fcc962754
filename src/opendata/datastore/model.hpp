#pragma once
// The datastore's plain types: a table per resource, its fields (the data dictionary) and the
// queries datastore_search runs.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "opendata/datastore/types.hpp"

namespace govhub::datastore {

struct Field {
    std::string id;  // as CKAN clients address it: the header as written
    FieldType type = FieldType::kText;
    std::string label;  // the full header when `id` had to be shortened, or an editor's label
    std::string description;
    bool type_override = false;  // an editor fixed the type in the data dictionary
    std::string column;  // the engine's column name: `id`, or its shortened form on PostgreSQL
};

struct TableInfo {
    std::string resource_id;
    std::vector<Field> fields;
    int64_t rows = 0;
    std::string created, modified;
    std::string source;                    // how it was loaded: "upload", "api", ...
    std::vector<std::string> primary_key;  // field ids (datastore_create's primary_key)
};

struct Filter {
    enum class Op { kEq, kIn, kGt, kGte, kLt, kLte };
    size_t field = 0;  // index into the table's fields; SIZE_MAX for _id
    Op op = Op::kEq;
    std::vector<std::optional<std::string>> values;  // canonical; nullopt matches NULL
};

struct SortKey {
    size_t field = 0;  // SIZE_MAX for _id
    bool desc = false;
};

struct SearchQuery {
    std::vector<Filter> filters;
    std::vector<std::string> terms;  // full-text terms over every field, each a prefix
    // Words that must occur in one field: (field, words as typed).
    std::vector<std::pair<size_t, std::vector<std::string>>> field_words;
    std::vector<size_t> columns;  // projection (SIZE_MAX for _id); empty: _id and every field
    bool distinct = false;
    std::vector<SortKey> sort;
    int64_t limit = 100, offset = 0;
    std::optional<int64_t> after_id;  // keyset paging on _id
    bool total = true;
};

// A chart's series: `x` grouped, `fn` (count, sum, avg) of `y`; or, with fn "none", the
// (x, y) pairs themselves (scatter).
struct AggregateQuery {
    size_t x = 0;
    size_t y = SIZE_MAX;  // SIZE_MAX for count
    std::string fn = "count";
    std::vector<Filter> filters;
    std::vector<std::string> terms;
    int64_t limit = 100;
    bool by_value_desc = false;  // order by the value, largest first (else by x)
};

struct SearchResult {
    std::vector<std::vector<std::optional<std::string>>> rows;  // canonical text per column
    std::optional<int64_t> total;
};

}  // namespace govhub::datastore

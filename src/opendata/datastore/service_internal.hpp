#pragma once
// Pieces the datastore service's own files share (service.cpp, service_load.cpp,
// service_search.cpp, service_tables.cpp, service_write.cpp, service_sql.cpp,
// service_views.cpp); not for other modules.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "api/params.hpp"
#include "core/error.hpp"
#include "opendata/datastore/service.hpp"
#include "opendata/datastore/store.hpp"

namespace govhub::datastore::internal {

constexpr int64_t kMaxLimit = 32000;

inline HttpError Invalid(const std::string& field, const std::string& message) {
    return HttpError::Validation({{field, message}});
}

// Parameters are read by api::Params (docs/api.md, "Parameter types"): bad ones are CKAN's
// Validation Error naming the parameter.
inline api::Params In(const Json& params) {
    return api::Params(params);
}

// Bounds on what one query may ask for (docs/security.md).
constexpr int kMaxFilterDepth = 8;
constexpr size_t kMaxFilterKeys = 100;
constexpr size_t kMaxSortKeys = 10;
constexpr size_t kMaxFields = 1000;
// Words of q (each a prefix term of the full-text match, or a LIKE of its own for a field) and
// filter values (one bound parameter each): the database's work grows faster than their number
// (thai_analyzer fuzz target: 2,500 terms of one row's words, a minute in FTS5).
constexpr size_t kMaxQueryWords = 100;
constexpr size_t kMaxFilterValues = 1000;

// The helpers below are defined in service.cpp (ParseRecords in service_write.cpp).

// A field's index in `t` by id: SIZE_MAX for _id, SIZE_MAX - 1 when there is no such field.
size_t FieldIndex(const TableInfo& t, const std::string& id);
FieldType TypeAt(const TableInfo& t, size_t i);
const std::string& IdAt(const TableInfo& t, size_t i);
// A value for field `i`, canonical; the error names the field.
std::optional<std::string> ValueFor(const TableInfo& t, size_t i, const Json& v,
                                    const std::string& where);
// Canonical text as a JSON value of the field's type.
Json JsonValue(FieldType type, const std::optional<std::string>& v);
Json FieldDicts(const TableInfo& t, bool with_id);
// The words of q, at most kMaxQueryWords.
std::vector<std::string> QueryTerms(const std::string& text);
// datastore_search's filters (also the chart's, the map's and datastore_records_delete's).
std::vector<Filter> ParseFilters(const TableInfo& t, const Json& filters);
// Records given to datastore_create and datastore_upsert, each value canonical.
std::vector<store::Record> ParseRecords(const TableInfo& t, const Json& records);

}  // namespace govhub::datastore::internal

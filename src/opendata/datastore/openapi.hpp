#pragma once
// A resource's data API described for machines (OpenAPI 3: datastore_search and the dump with
// this table's fields) and for people (ready-to-copy examples in curl, Python and JavaScript
// that use the table's own field ids).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "opendata/datastore/model.hpp"
#include "render/view.hpp"

namespace govhub::datastore {

nlohmann::json OpenApiDocument(const std::string& site_url, const std::string& resource_id,
                               const TableInfo& table);
// `sample` is the table's first row, one value per field (empty if the table is): the examples
// filter and search on its values so that they return rows.
render::View ApiExamples(const std::string& site_url, const std::string& resource_id,
                         const TableInfo& table,
                         const std::vector<std::optional<std::string>>& sample);

}  // namespace govhub::datastore

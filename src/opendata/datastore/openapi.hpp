#pragma once
// A resource's data API described for machines (OpenAPI 3: datastore_search and the dump with
// this table's fields) and for people (ready-to-copy examples in curl, Python and JavaScript
// that use the table's own field ids).
#include <nlohmann/json.hpp>
#include <string>

#include "opendata/datastore/model.hpp"
#include "render/view.hpp"

namespace govhub::datastore {

nlohmann::json OpenApiDocument(const std::string& site_url, const std::string& resource_id,
                               const TableInfo& table);
render::View ApiExamples(const std::string& site_url, const std::string& resource_id,
                         const TableInfo& table);

}  // namespace govhub::datastore

#pragma once
// The catalog's metadata as an Excel workbook in GD-Catalog's layout, out and back in, so an
// agency can bulk-load the catalog it keeps in Excel (docs/catalog-workbook.md):
//   - one sheet per data_type (ข้อมูลระเบียน, ข้อมูลสถิติ, ...), with that type's fields in the
//     schema's order (the English title_en and notes_en after title and notes); row 1 the Thai
//     labels, row 2 the English ones, row 3 the field names (what the import reads), datasets
//     from row 4;
//   - a sheet "ทรัพยากร (resources)" with the resources: the dataset's name, then the resource
//     fields.
// Lists (multiple choices) are written with "; " between items, tags as "a, b".
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "accounts/model.hpp"
#include "opendata/catalog/service.hpp"

namespace govhub::gdcatalog {

using Json = nlohmann::json;

inline constexpr const char* kResourceSheet = "ทรัพยากร (resources)";

// Writes every dataset `p` may see (of one organization when `organization` is set).
void ExportWorkbook(catalog::CatalogService& catalog, const accounts::Principal* p,
                    const std::string& organization, const std::string& path);

// Creates the datasets and resources the workbook names that do not exist and updates those
// that do, as `p`; every row is reported: {"sheet", "row", "name", "result": created | updated
// | rejected, "errors": {field: [messages]}}. Rejected rows change nothing.
Json ImportWorkbook(catalog::CatalogService& catalog, const accounts::Principal& p,
                    const std::string& path,
                    const std::function<void(int64_t done, const std::string& message)>& progress);

}  // namespace govhub::gdcatalog

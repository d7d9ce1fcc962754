#pragma once
// Saved views of a resource (CKAN's resource views): a chart, a map or a table layout an editor
// keeps, shown on the resource and dataset pages and embeddable on other sites.
#include <string>

namespace govhub::views {

struct ResourceView {
    std::string id, resource_id, package_id;
    std::string view_type;  // chart_view | map_view | datatables_view
    std::string title, description;
    std::string config = "{}";  // JSON object: the type's settings
    int position = 0;
    std::string created, modified;
};

}  // namespace govhub::views

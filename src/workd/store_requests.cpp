// workD's SQL over the workflow's requests (the request form's checks).
#include "workd/store.hpp"

namespace govhub::workd::store {

std::optional<std::string> OpenServiceRequest(db::Connection& c, const std::string& agency_id,
                                              const std::string& except_id) {
    if (agency_id.empty()) return std::nullopt;
    auto row = c.One(
        "SELECT reference FROM workflow_requests WHERE type = ? AND organization_id = ?"
        " AND closed IS NULL AND id <> ? ORDER BY created LIMIT 1",
        {std::string(kServiceType), agency_id, except_id});
    if (!row) return std::nullopt;
    return row->Str(0);
}

}  // namespace govhub::workd::store

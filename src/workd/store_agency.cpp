// workD's SQL for the agency view (/workd): the workD requests of one agency.
#include "workd/store.hpp"

namespace govhub::workd::store {

std::vector<std::string> RequestIdsOfAgency(db::Connection& c, const std::string& agency_id,
                                            int limit) {
    std::vector<std::string> out;
    if (agency_id.empty()) return out;
    auto rows = c.Query(
        "SELECT id FROM workflow_requests WHERE type IN (?, ?, ?) AND (organization_id = ?"
        " OR parent_id IN (SELECT id FROM workflow_requests WHERE type = ? AND organization_id = "
        "?))"
        " ORDER BY created, id LIMIT ?",
        {std::string(kServiceType), std::string(kChangeType), std::string(kHandoverType), agency_id,
         std::string(kServiceType), agency_id, static_cast<int64_t>(limit)});
    for (const auto& r : rows) out.push_back(r.Str(0));
    return out;
}

}  // namespace govhub::workd::store

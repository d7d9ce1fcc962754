// workD's SQL over the workflow's requests (the request form's checks).
#include "workd/store.hpp"

namespace govhub::workd::store {

std::optional<OpenRequest> OpenServiceRequest(db::Connection& c, const std::string& agency_id,
                                              const std::string& except_id,
                                              const std::string& drafts_of) {
    if (agency_id.empty()) return std::nullopt;
    auto row = c.One(
        "SELECT reference, applicant_id FROM workflow_requests WHERE type = ?"
        " AND organization_id = ? AND closed IS NULL AND id <> ?"
        " AND (submitted IS NOT NULL OR (applicant_id = ? AND applicant_id <> ''))"
        " ORDER BY CASE WHEN submitted IS NULL THEN 1 ELSE 0 END, created LIMIT 1",
        {std::string(kServiceType), agency_id, except_id, drafts_of});
    if (!row) return std::nullopt;
    return OpenRequest{row->Str(0), row->Str(1)};
}

}  // namespace govhub::workd::store

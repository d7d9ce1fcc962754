#pragma once
// workD's agency view (issue 18, "Agency view"): what /workd shows an agency's administrators —
// each agency they administer that has a workD service or request: the service (state, counts),
// its domains, and its requests with their clocks and history. Permissions here, SQL in store.
#include <optional>
#include <string>
#include <vector>

#include "accounts/service.hpp"
#include "workd/model.hpp"
#include "workd/service.hpp"
#include "workflow/model.hpp"

namespace govhub::workd {

struct AgencyRequest {
    workflow::Request request;
    workflow::SlaStatus sla;
    std::vector<workflow::HistoryEntry> history;
    bool mine = false;  // the viewer filed it: the workflow's request page is theirs to open
};

struct AgencyOverview {
    std::string agency_id, agency_name, title_th, title_en;
    bool pending = false;            // a new agency waiting for its request's approval
    std::optional<Service> service;  // none before an approval
    // From the approved workd_service request: what was asked, and why fewer were approved
    // (term 4.4; "" when none were cut).
    int64_t mail_asked = 0, conference_asked = 0;
    std::string reduction_reason;
    std::vector<Domain> domains;          // of its workd_service requests (live or released)
    std::vector<AgencyRequest> requests;  // WD, WC, WH, oldest first
    // The approved workd_service request a change may be filed against ("" none): the
    // service exists and is not suspended.
    std::string change_parent;
};

// The agencies `p` administers (agency admin: Capacity kAdmin on the agency) that have a workD
// service or request, by name. Sysadmins see only the agencies they are members of, like anyone:
// staff read requests in the staff queue.
std::vector<AgencyOverview> AgencyOverviews(WorkdService& service, const accounts::Principal& p);

}  // namespace govhub::workd

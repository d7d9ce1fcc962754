// The agency view's data (agency.hpp).
#include "workd/agency.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "core/strings.hpp"

#include "agencies/model.hpp"
#include "agencies/store.hpp"
#include "workd/store.hpp"
#include "workflow/store.hpp"

namespace govhub::workd {

std::vector<AgencyOverview> AgencyOverviews(WorkdService& service, const accounts::Principal& p) {
    std::vector<AgencyOverview> out;
    if (p.user_id.empty()) return out;
    auto& wf = service.workflow();
    // The agencies: active ones the person administers, and the (perhaps pending) agencies of
    // the person's own workD service requests where they are an admin.
    std::vector<agencies::Agency> admin_of;
    service.db().Read([&](db::Connection& c) {
        std::set<std::string> seen;
        for (const auto& [a, role] : agencies::store::OfUser(c, p.user_id)) {
            if (role != agencies::Role::kAdmin) continue;
            if (seen.insert(a.id).second) admin_of.push_back(a);
        }
        for (const auto& r : workflow::store::RequestsOf(c, p.user_id, kServiceType)) {
            if (r.organization_id.empty() || seen.count(r.organization_id)) continue;
            auto role = agencies::store::RoleOf(c, p.user_id, r.organization_id);
            if (!role || *role != agencies::Role::kAdmin) continue;
            auto a = agencies::store::Find(c, r.organization_id);
            if (!a || a->state == agencies::AgencyState::kDeleted) continue;
            seen.insert(a->id);
            admin_of.push_back(*a);
        }
    });
    std::sort(admin_of.begin(), admin_of.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    for (const auto& a : admin_of) {
        AgencyOverview o{.agency_id = a.id,
                         .agency_name = a.name,
                         .title_th = a.title,
                         .title_en = a.title_en,
                         .pending = a.state == agencies::AgencyState::kPending};
        std::vector<workflow::Request> requests;
        service.db().Read([&](db::Connection& c) {
            o.service = store::FindService(c, a.id);
            for (const auto& id : store::RequestIdsOfAgency(c, a.id)) {
                auto r = workflow::store::FindRequest(c, id);
                if (!r) continue;
                // A draft is its applicant's alone (as everywhere in the workflow).
                if (r->state == "draft" && r->applicant_id != p.user_id) continue;
                if (r->type == kServiceType)
                    if (auto d = store::DomainOfRequest(c, r->id)) o.domains.push_back(*d);
                requests.push_back(std::move(*r));
            }
        });
        if (!o.service && requests.empty()) continue;
        for (auto& r : requests) {
            AgencyRequest ar{.sla = wf.Sla(r), .history = wf.History(r)};
            ar.mine = r.applicant_id == p.user_id;
            ar.request = std::move(r);
            o.requests.push_back(std::move(ar));
        }
        if (o.service) {
            for (const auto& ar : o.requests) {
                if (ar.request.id != o.service->request_id) continue;
                auto data = nlohmann::json::parse(ar.request.data_json, nullptr, false);
                if (!data.is_object()) continue;
                auto count = [&](const char* key) -> int64_t {
                    if (!data.contains(key)) return 0;
                    const auto& v = data[key];
                    if (v.is_number_integer()) return v.get<int64_t>();
                    if (v.is_string()) return core::ParseInt(v.get<std::string>()).value_or(0);
                    return 0;
                };
                o.mail_asked = count(field::kMailAccounts);
                o.conference_asked = count(field::kConferenceAccounts);
                if (data.contains(field::kReductionReason) &&
                    data[field::kReductionReason].is_string())
                    o.reduction_reason = data[field::kReductionReason].get<std::string>();
            }
        }
        // What the agency asked in all: the service request's counts and each approved change's.
        if (o.service)
            for (const auto& ar : o.requests) {
                if (ar.request.type != kChangeType || ar.request.state != "approved") continue;
                auto data = nlohmann::json::parse(ar.request.data_json, nullptr, false);
                if (!data.is_object()) continue;
                auto more = [&](const char* key) -> int64_t {
                    auto it = data.find(key);
                    if (it == data.end()) return 0;
                    if (it->is_number_integer()) return it->get<int64_t>();
                    if (it->is_string()) return core::ParseInt(it->get<std::string>()).value_or(0);
                    return 0;
                };
                o.mail_asked += more(field::kMoreMailAccounts);
                o.conference_asked += more(field::kMoreConferenceAccounts);
            }
        if (o.service && o.service->state != kServiceSuspended) {
            for (const auto& ar : o.requests)
                if (ar.request.id == o.service->request_id && ar.request.state == "approved")
                    o.change_parent = ar.request.reference;
        }
        out.push_back(std::move(o));
    }
    return out;
}

}  // namespace govhub::workd

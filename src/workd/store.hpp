#pragma once
// Every SQL statement of workD (DESIGN.md §2), on both engines. The request itself is a
// workflow request (workflow/store.hpp); these tables hold what workD keeps beside it.
//
//   workd_services     one per agency: the service an approved request opened, its state and
//                      the account counts approved (model.hpp Service)
//   workd_domains      a request's mail domain: a reserved subdomain or the agency's own domain,
//                      its verification token, DKIM key and last DNS check (model.hpp Domain)
//   workd_commitments  the accounts each approval committed, by Thai fiscal year (the budget)
//   workd_budgets      the allocation per fiscal year, set by sysadmins
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "db/migrations.hpp"
#include "workd/model.hpp"

namespace govhub::workd::store {

void AddMigrations(db::MigrationSet& set);

// ---- domains
// Whether a live (not released) domain holds `name` (lower-case FQDN).
bool DomainTaken(db::Connection& c, const std::string& name);

// ---- requests (store_requests.cpp)
// The reference of an open (not closed) new-service request of the agency other than
// `except_id`; nullopt when there is none. One agency has one open request at a time.
std::optional<std::string> OpenServiceRequest(db::Connection& c, const std::string& agency_id,
                                              const std::string& except_id);

}  // namespace govhub::workd::store

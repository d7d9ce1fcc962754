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

}  // namespace govhub::workd::store

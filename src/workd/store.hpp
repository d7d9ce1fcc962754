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
#include <utility>
#include <vector>

#include "db/database.hpp"
#include "db/migrations.hpp"
#include "workd/model.hpp"

namespace govhub::workd::store {

void AddMigrations(db::MigrationSet& set);

// ---- services, commitments, budgets (store_services.cpp)
std::optional<Service> FindService(db::Connection& c, const std::string& agency_id);
// The service a workd_service request opened (nullopt: none).
std::optional<Service> ServiceOfRequest(db::Connection& c, const std::string& request_id);
void InsertService(db::Connection& c, const Service& s);
// Every field but agency_id, request_id and created.
void UpdateService(db::Connection& c, const Service& s);
void InsertCommitment(db::Connection& c, const Commitment& m);
std::optional<Commitment> FindCommitment(db::Connection& c, const std::string& request_id);
// The sums of a fiscal year's commitments: {mail, conference}.
std::pair<int64_t, int64_t> Committed(db::Connection& c, int fiscal_year);
// A year's allocation as set (nullopt: never set), and setting it (insert or replace).
std::optional<Budget> FindBudget(db::Connection& c, int fiscal_year);
void SaveBudget(db::Connection& c, const Budget& b);
// The years with an allocation set or a commitment, newest first.
std::vector<int> BudgetYears(db::Connection& c);

// ---- domains
// Whether a live (not released) domain holds `name` (lower-case FQDN).
bool DomainTaken(db::Connection& c, const std::string& name);

}  // namespace govhub::workd::store

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
// The rest of the domains' SQL is in store_domains.cpp.
// Inserts a new domain; throws db::Error kUniqueViolation when a live domain holds the name.
void InsertDomain(db::Connection& c, const Domain& d);
std::optional<Domain> FindDomain(db::Connection& c, const std::string& id);
// The request's domain: its live one, else the one released last.
std::optional<Domain> DomainOfRequest(db::Connection& c, const std::string& request_id);
// Stores a check's result (per record, and the domain's own outcome, checker.hpp kDomain*) and
// when the next is due ("" none).
void SetDomainCheck(db::Connection& c, const std::string& id, const std::string& checks_json,
                    const std::string& outcome, const std::string& checked,
                    const std::string& next_check);
// awaiting_dns → verified; false when it was not awaiting (another process got there first).
bool MarkDomainVerified(db::Connection& c, const std::string& id, const std::string& when);
void SetDomainReminded(db::Connection& c, const std::string& id, const std::string& when);
// Moves next_check from `from` to `to` only if it still is `from`: one process takes a due check.
bool ClaimDomainCheck(db::Connection& c, const std::string& id, const std::string& from,
                      const std::string& to);
// The earliest next check of the domains awaiting DNS ("" when none awaits).
std::string EarliestDomainCheck(db::Connection& c);
// Domains awaiting DNS whose next check is due at `now`, the most overdue first.
std::vector<Domain> DueDomains(db::Connection& c, const std::string& now, int limit);
// Live subdomains of the platform's zone (reserved or verified), by name: the zone fragment.
std::vector<Domain> LiveSubdomains(db::Connection& c);

// ---- requests (store_requests.cpp)
// An open (not closed) new-service request of the agency other than `except_id` that blocks
// another: one submitted (submitted or needs_info), or a draft of `drafts_of` (a draft blocks
// only its own filer from a second draft; "" counts no drafts). nullopt when there is none.
struct OpenRequest {
    std::string reference, applicant_id;
};
std::optional<OpenRequest> OpenServiceRequest(db::Connection& c, const std::string& agency_id,
                                              const std::string& except_id,
                                              const std::string& drafts_of);

// ---- the agency view (store_agency.cpp)
// The ids of the agency's workD requests (its workd_service requests and their children:
// changes, hand-overs), oldest first, at most `limit`.
std::vector<std::string> RequestIdsOfAgency(db::Connection& c, const std::string& agency_id,
                                            int limit = 200);

}  // namespace govhub::workd::store

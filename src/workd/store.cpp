#include "workd/store.hpp"

namespace govhub::workd::store {

void AddMigrations(db::MigrationSet& set) {
    set.Add({.module = "workd",
             .version = 1,
             .name = "services, domains, budget commitments and allocations",
             .sql = R"sql(
CREATE TABLE workd_services (
  agency_id TEXT PRIMARY KEY REFERENCES organizations (id),
  request_id TEXT NOT NULL REFERENCES workflow_requests (id),
  state TEXT NOT NULL CHECK (state IN ('awaiting_dns', 'provisioning', 'active', 'suspended')),
  domain TEXT NOT NULL DEFAULT '',
  mail_accounts INTEGER NOT NULL DEFAULT 0,
  conference_accounts INTEGER NOT NULL DEFAULT 0,
  relay TEXT NOT NULL DEFAULT '',
  created TEXT NOT NULL,
  updated TEXT NOT NULL,
  opened TEXT NOT NULL DEFAULT ''
);
CREATE TABLE workd_domains (
  id TEXT PRIMARY KEY,
  request_id TEXT NOT NULL REFERENCES workflow_requests (id),
  agency_id TEXT NOT NULL REFERENCES organizations (id),
  kind TEXT NOT NULL CHECK (kind IN ('subdomain', 'own')),
  name TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('reserved', 'awaiting_dns', 'verified', 'released')),
  token TEXT NOT NULL DEFAULT '',
  dkim_selector TEXT NOT NULL DEFAULT '',
  dkim_public TEXT NOT NULL DEFAULT '',
  dkim_private_sealed TEXT NOT NULL DEFAULT '',
  checks_json TEXT NOT NULL DEFAULT '[]',
  created TEXT NOT NULL,
  verified TEXT NOT NULL DEFAULT '',
  last_checked TEXT NOT NULL DEFAULT '',
  next_check TEXT NOT NULL DEFAULT '',
  reminded TEXT NOT NULL DEFAULT ''
);
-- A name is held by one live domain at a time (a released one frees it).
CREATE UNIQUE INDEX workd_domains_live_name ON workd_domains (name) WHERE state <> 'released';
CREATE INDEX workd_domains_request ON workd_domains (request_id);
CREATE INDEX workd_domains_due ON workd_domains (state, next_check);
CREATE TABLE workd_commitments (
  request_id TEXT PRIMARY KEY REFERENCES workflow_requests (id),
  agency_id TEXT NOT NULL REFERENCES organizations (id),
  fiscal_year INTEGER NOT NULL,
  mail_accounts INTEGER NOT NULL DEFAULT 0,
  conference_accounts INTEGER NOT NULL DEFAULT 0,
  decided TEXT NOT NULL,
  decided_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX workd_commitments_year ON workd_commitments (fiscal_year);
CREATE TABLE workd_budgets (
  fiscal_year INTEGER PRIMARY KEY,
  mail_accounts INTEGER NOT NULL CHECK (mail_accounts >= 0),
  conference_accounts INTEGER NOT NULL CHECK (conference_accounts >= 0),
  updated TEXT NOT NULL,
  updated_by TEXT NOT NULL DEFAULT ''
);
)sql"});
    // What the last check learnt of the domain itself (checker.hpp kDomain*: exists, nxdomain,
    // unanswered; '' before the first check, or checked before this column).
    set.Add({.module = "workd",
             .version = 2,
             .name = "the domain's own outcome of the last DNS check",
             .sql = R"sql(
ALTER TABLE workd_domains ADD COLUMN dns_outcome TEXT NOT NULL DEFAULT '';
)sql"});
}

bool DomainTaken(db::Connection& c, const std::string& name) {
    auto row =
        c.One("SELECT COUNT(*) FROM workd_domains WHERE name = ? AND state <> 'released'", {name});
    return row && row->Int(0) > 0;
}

}  // namespace govhub::workd::store

// workD's services, commitments and budgets (store.hpp, "services, commitments, budgets"): the
// SQL of workd_services, workd_commitments and workd_budgets, on both engines.
#include "workd/store.hpp"

namespace govhub::workd::store {
namespace {

constexpr const char* kServiceColumns =
    "SELECT agency_id, request_id, state, domain, mail_accounts, conference_accounts, relay,"
    " created, updated, opened FROM workd_services ";

Service ToService(const db::Row& row) {
    Service s;
    s.agency_id = row.Str(0);
    s.request_id = row.Str(1);
    s.state = row.Str(2);
    s.domain = row.Str(3);
    s.mail_accounts = row.Int(4);
    s.conference_accounts = row.Int(5);
    s.relay = row.Str(6);
    s.created = row.Str(7);
    s.updated = row.Str(8);
    s.opened = row.Str(9);
    return s;
}

}  // namespace

std::optional<Service> FindService(db::Connection& c, const std::string& agency_id) {
    auto row = c.One(std::string(kServiceColumns) + "WHERE agency_id = ?", {agency_id});
    if (!row) return std::nullopt;
    return ToService(*row);
}

std::optional<Service> ServiceOfRequest(db::Connection& c, const std::string& request_id) {
    auto row = c.One(std::string(kServiceColumns) + "WHERE request_id = ?", {request_id});
    if (!row) return std::nullopt;
    return ToService(*row);
}

void InsertService(db::Connection& c, const Service& s) {
    c.Exec(
        "INSERT INTO workd_services (agency_id, request_id, state, domain, mail_accounts,"
        " conference_accounts, relay, created, updated, opened) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?)",
        {s.agency_id, s.request_id, s.state, s.domain, s.mail_accounts, s.conference_accounts,
         s.relay, s.created, s.updated, s.opened});
}

void UpdateService(db::Connection& c, const Service& s) {
    c.Exec(
        "UPDATE workd_services SET state = ?, domain = ?, mail_accounts = ?,"
        " conference_accounts = ?, relay = ?, updated = ?, opened = ? WHERE agency_id = ?",
        {s.state, s.domain, s.mail_accounts, s.conference_accounts, s.relay, s.updated, s.opened,
         s.agency_id});
}

void InsertCommitment(db::Connection& c, const Commitment& m) {
    c.Exec(
        "INSERT INTO workd_commitments (request_id, agency_id, fiscal_year, mail_accounts,"
        " conference_accounts, decided, decided_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
        {m.request_id, m.agency_id, static_cast<int64_t>(m.fiscal_year), m.mail_accounts,
         m.conference_accounts, m.decided, m.decided_by});
}

std::optional<Commitment> FindCommitment(db::Connection& c, const std::string& request_id) {
    auto row = c.One(
        "SELECT request_id, agency_id, fiscal_year, mail_accounts, conference_accounts, decided,"
        " decided_by FROM workd_commitments WHERE request_id = ?",
        {request_id});
    if (!row) return std::nullopt;
    return Commitment{.request_id = row->Str(0),
                      .agency_id = row->Str(1),
                      .fiscal_year = static_cast<int>(row->Int(2)),
                      .mail_accounts = row->Int(3),
                      .conference_accounts = row->Int(4),
                      .decided = row->Str(5),
                      .decided_by = row->Str(6)};
}

std::pair<int64_t, int64_t> Committed(db::Connection& c, int fiscal_year) {
    auto row = c.One(
        "SELECT COALESCE(SUM(mail_accounts), 0), COALESCE(SUM(conference_accounts), 0)"
        " FROM workd_commitments WHERE fiscal_year = ?",
        {static_cast<int64_t>(fiscal_year)});
    if (!row) return {0, 0};
    return {row->Int(0), row->Int(1)};
}

std::optional<Budget> FindBudget(db::Connection& c, int fiscal_year) {
    auto row = c.One(
        "SELECT fiscal_year, mail_accounts, conference_accounts, updated, updated_by"
        " FROM workd_budgets WHERE fiscal_year = ?",
        {static_cast<int64_t>(fiscal_year)});
    if (!row) return std::nullopt;
    return Budget{.fiscal_year = static_cast<int>(row->Int(0)),
                  .mail_allocation = row->Int(1),
                  .conference_allocation = row->Int(2),
                  .set = true,
                  .updated = row->Str(3),
                  .updated_by = row->Str(4)};
}

void SaveBudget(db::Connection& c, const Budget& b) {
    // Both engines: delete and insert in the caller's transaction.
    c.Exec("DELETE FROM workd_budgets WHERE fiscal_year = ?",
           {static_cast<int64_t>(b.fiscal_year)});
    c.Exec(
        "INSERT INTO workd_budgets (fiscal_year, mail_accounts, conference_accounts, updated,"
        " updated_by) VALUES (?, ?, ?, ?, ?)",
        {static_cast<int64_t>(b.fiscal_year), b.mail_allocation, b.conference_allocation, b.updated,
         b.updated_by});
}

std::vector<int> BudgetYears(db::Connection& c) {
    std::vector<int> out;
    for (int64_t y :
         c.QueryInts("SELECT fiscal_year FROM workd_budgets UNION SELECT fiscal_year FROM"
                     " workd_commitments ORDER BY 1 DESC"))
        out.push_back(static_cast<int>(y));
    return out;
}

}  // namespace govhub::workd::store

// workd_domains: the domains' SQL (store.hpp, "domains").
#include "workd/store.hpp"

namespace govhub::workd::store {
namespace {

constexpr const char* kColumns =
    "id, request_id, agency_id, kind, name, state, token, dkim_selector, dkim_public, "
    "dkim_private_sealed, checks_json, created, verified, last_checked, next_check, reminded, "
    "dns_outcome";

Domain ToDomain(const db::Row& r) {
    Domain d;
    d.id = r.Str(0);
    d.request_id = r.Str(1);
    d.agency_id = r.Str(2);
    d.kind = r.Str(3);
    d.name = r.Str(4);
    d.state = r.Str(5);
    d.token = r.Str(6);
    d.dkim_selector = r.Str(7);
    d.dkim_public = r.Str(8);
    d.dkim_private_sealed = r.Str(9);
    d.checks_json = r.Str(10);
    d.created = r.Str(11);
    d.verified = r.Str(12);
    d.last_checked = r.Str(13);
    d.next_check = r.Str(14);
    d.reminded = r.Str(15);
    d.dns_outcome = r.Str(16);
    return d;
}

std::vector<Domain> ToDomains(const db::Rows& rows) {
    std::vector<Domain> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back(ToDomain(r));
    return out;
}

}  // namespace

void InsertDomain(db::Connection& c, const Domain& d) {
    c.Exec(
        "INSERT INTO workd_domains (id, request_id, agency_id, kind, name, state, token, "
        "dkim_selector, dkim_public, dkim_private_sealed, checks_json, created, verified, "
        "last_checked, next_check, reminded, dns_outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?)",
        {d.id, d.request_id, d.agency_id, d.kind, d.name, d.state, d.token, d.dkim_selector,
         d.dkim_public, d.dkim_private_sealed, d.checks_json, d.created, d.verified, d.last_checked,
         d.next_check, d.reminded, d.dns_outcome});
}

std::optional<Domain> FindDomain(db::Connection& c, const std::string& id) {
    auto row = c.One(std::string("SELECT ") + kColumns + " FROM workd_domains WHERE id = ?", {id});
    if (!row) return std::nullopt;
    return ToDomain(*row);
}

std::optional<Domain> DomainOfRequest(db::Connection& c, const std::string& request_id) {
    auto row = c.One(std::string("SELECT ") + kColumns +
                         " FROM workd_domains WHERE request_id = ? "
                         "ORDER BY CASE WHEN state = 'released' THEN 1 ELSE 0 END, created DESC "
                         "LIMIT 1",
                     {request_id});
    if (!row) return std::nullopt;
    return ToDomain(*row);
}

void SetDomainCheck(db::Connection& c, const std::string& id, const std::string& checks_json,
                    const std::string& outcome, const std::string& checked,
                    const std::string& next_check) {
    c.Exec(
        "UPDATE workd_domains SET checks_json = ?, dns_outcome = ?, last_checked = ?, "
        "next_check = ? WHERE id = ?",
        {checks_json, outcome, checked, next_check, id});
}

bool MarkDomainVerified(db::Connection& c, const std::string& id, const std::string& when) {
    return c.Exec(
               "UPDATE workd_domains SET state = 'verified', verified = ?, next_check = '' "
               "WHERE id = ? AND state = 'awaiting_dns'",
               {when, id}) > 0;
}

void SetDomainReminded(db::Connection& c, const std::string& id, const std::string& when) {
    c.Exec("UPDATE workd_domains SET reminded = ? WHERE id = ?", {when, id});
}

bool ClaimDomainCheck(db::Connection& c, const std::string& id, const std::string& from,
                      const std::string& to) {
    return c.Exec("UPDATE workd_domains SET next_check = ? WHERE id = ? AND next_check = ?",
                  {to, id, from}) > 0;
}

// A suspended service's domain is not checked (nor its agency reminded) until reinstated.
constexpr const char* kNotSuspended =
    " AND NOT EXISTS (SELECT 1 FROM workd_services s WHERE s.request_id ="
    " workd_domains.request_id AND s.state = 'suspended')";

std::string EarliestDomainCheck(db::Connection& c) {
    auto row = c.One(
        "SELECT MIN(next_check) FROM workd_domains WHERE state = 'awaiting_dns' AND "
        "next_check <> ''" +
        std::string(kNotSuspended));
    return row ? row->Str(0) : "";
}

std::vector<Domain> DueDomains(db::Connection& c, const std::string& now, int limit) {
    return ToDomains(c.Query(std::string("SELECT ") + kColumns +
                                 " FROM workd_domains WHERE state = 'awaiting_dns' AND "
                                 "next_check <> '' AND next_check <= ?" +
                                 kNotSuspended + " ORDER BY next_check, id LIMIT ?",
                             {now, db::V(limit)}));
}

std::vector<Domain> LiveSubdomains(db::Connection& c) {
    return ToDomains(c.Query(std::string("SELECT ") + kColumns +
                             " FROM workd_domains WHERE kind = 'subdomain' AND "
                             "state IN ('reserved', 'verified') ORDER BY name"));
}

}  // namespace govhub::workd::store

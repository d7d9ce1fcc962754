#pragma once
// workD's DNS checker (issue 18, step 3): asks the DNS, through the Resolver, for every record
// an agency's domain must publish (ExpectedRecords) and judges each answer — ok, missing, wrong,
// warning or error — with a reason (an i18n key under workd.dns.*) and a detail (what was found,
// what is expected). Pure of SQL and HTTP: DomainService (domains.hpp) stores the result and
// decides what follows.
//
// Required to move on: the ownership TXT (own domains), MX, SPF and DKIM; DMARC must exist with a
// valid policy (p=none passes with a warning); client records (CNAME/SRV) are advice.
#include <optional>
#include <string>
#include <vector>

#include "workd/dns_records.hpp"
#include "workd/resolver.hpp"

namespace govhub::workd {

// The statuses, as stored and shown (checks_json, the API, the page's CSS classes).
inline constexpr const char* kCheckOk = "ok";
inline constexpr const char* kCheckMissing = "missing";
inline constexpr const char* kCheckWrong = "wrong";
inline constexpr const char* kCheckWarning = "warning";  // passes, with a remark
inline constexpr const char* kCheckError = "error";      // the DNS did not answer: ask again

struct RecordCheck {
    ExpectedRecord expected;
    std::string status;  // kCheck*
    std::string reason;  // i18n key: workd.dns.check.* or a parser's workd.dns.<record>.*
    std::string detail;  // the term, count or value concerned (shown as text, never HTML)
    std::vector<std::string> found;  // what the DNS answered for the name and type (bounded)
    // Whether the agency must act (false: the DNS did not answer, or our resolver refused us).
    bool agency_fault = true;
    // The DNS's answer to the record's question (not stored): set once it was asked.
    std::optional<DnsStatus> answer;

    // ok and warning pass.
    bool passes() const { return status == kCheckOk || status == kCheckWarning; }
};

// What the check learnt of the domain itself (its own name, the apex: the parent of the
// ownership TXT), apart from its records. Stored with the check (workd_domains.dns_outcome).
inline constexpr const char* kDomainExists = "exists";          // the name answered (NOERROR)
inline constexpr const char* kDomainNxdomain = "nxdomain";      // NXDOMAIN: it does not exist
inline constexpr const char* kDomainUnanswered = "unanswered";  // servfail, timeout, ...: unknown

struct DomainCheck {
    std::vector<RecordCheck> records;
    bool required_pass = false;    // every required record passes
    bool dns_unavailable = false;  // some required record could not be asked (servfail/timeout)
    // kDomain*: from the first question asked about the domain's own name (its MX). NXDOMAIN
    // there means the domain is not in the DNS at all (not registered, or not delegated), so
    // every record below it is missing for that one reason.
    std::string outcome;
};

// Checks every expected record of `setup` (ExpectedRecords(setup)) against the DNS. Each record
// costs one query (SPF: up to 20 more through includes). After a question that times out, the
// remaining records are not asked (status error, reason timeout, detail "not asked"), so a
// domain whose DNS is silent costs one timeout, not one per record. Never throws for what the
// DNS does.
DomainCheck CheckDomain(const Resolver& resolver, const DomainSetup& setup);
// One record (exposed for tests).
RecordCheck CheckRecord(const Resolver& resolver, const DomainSetup& setup,
                        const ExpectedRecord& expected);

// The stored form (workd_domains.checks_json): a JSON array of
// {name,type,value,required,purpose,status,reason,detail,found,agency_fault}.
std::string ChecksToJson(const std::vector<RecordCheck>& records);
// Reads it back; bad or foreign text gives an empty list (it is our own column).
std::vector<RecordCheck> ChecksFromJson(const std::string& json);
// Whether every required record of a stored check passes (an empty list does not).
bool RequiredPass(const std::vector<RecordCheck>& records);

}  // namespace govhub::workd

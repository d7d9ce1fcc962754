#pragma once
// workD (issue 18): an agency's request for the central mail and e-meeting service, its review,
// its domain and the service it opens. The shared vocabulary of the module's files.
//
// A request is a workflow request (workflow/review.hpp); its form lives in the request's data
// as a flat JSON object under the keys below, so the workflow's pages, e-mails, sealing and
// history serve it like any other process. Three types:
//   workd_service  (WD) a new service: the guide's form, parts 1–4; 5 working days
//   workd_change   (WC) a change to an approved service (member list, more accounts, Mail
//                       Relay): a child request of its workd_service; 5 working days
//   workd_handover (WH) the hand-over (step 4): opened by the system when the service may be
//                       provisioned; 1 working day; closed by staff, recording what was done
#include <cstdint>
#include <string>
#include <string_view>

namespace govhub::workd {

inline constexpr const char* kServiceType = "workd_service";
inline constexpr const char* kChangeType = "workd_change";
inline constexpr const char* kHandoverType = "workd_handover";

// The request's data keys (one namespace for the form, the API, the PDF and the pages).
namespace field {
// Part 1: the agency. Either an agency of the directory (agency_id), or a new one that is added
// to the directory as pending (its names and its ministry, or "other").
inline constexpr const char* kAgencyId = "agency_id";  // hidden: the directory's id
inline constexpr const char* kAgencyNameTh = "agency_name_th";
inline constexpr const char* kAgencyNameEn = "agency_name_en";
inline constexpr const char* kMinistry = "ministry";  // a ministry's short name, or "other"
inline constexpr const char* kMinistryOtherTh = "ministry_other_th";  // "other": its Thai name
inline constexpr const char* kMinistryOtherEn = "ministry_other_en";
// Part 1: the contact person (the guide's 1.2).
inline constexpr const char* kContactNameTh = "contact_name_th";
inline constexpr const char* kContactNameEn = "contact_name_en";
inline constexpr const char* kContactPosition = "contact_position";
inline constexpr const char* kContactCitizenId = "contact_citizen_id";  // sealed (sensitive)
inline constexpr const char* kOfficePhone = "office_phone";
inline constexpr const char* kContactPhone = "contact_phone";
inline constexpr const char* kMobile = "mobile";
inline constexpr const char* kEmail = "email";
inline constexpr const char* kBackupEmail = "backup_email";
// Part 1: the agency's address.
inline constexpr const char* kAddressNumber = "address_number";
inline constexpr const char* kAddressMoo = "address_moo";
inline constexpr const char* kAddressSoi = "address_soi";
inline constexpr const char* kAddressRoad = "address_road";
inline constexpr const char* kTambon = "tambon";  // แขวง in Bangkok
inline constexpr const char* kAmphoe = "amphoe";  // เขต in Bangkok
inline constexpr const char* kProvince = "province";
inline constexpr const char* kPostcode = "postcode";
inline constexpr const char* kPostcodeNote = "postcode_note";  // kept though it does not match
// Part 2: the service (workd_service).
inline constexpr const char* kDomainKind = "domain_kind";      // "subdomain" | "own"
inline constexpr const char* kSubdomain = "subdomain";         // the label under the zone
inline constexpr const char* kOwnDomain = "own_domain";        // the agency's domain name
inline constexpr const char* kMailAccounts = "mail_accounts";  // integer >= 0
inline constexpr const char* kConferenceAccounts = "conference_accounts";  // integer >= 0
inline constexpr const char* kEffectiveDate = "effective_date";            // YYYY-MM-DD (CE)
// Part 2: a change (workd_change).
inline constexpr const char* kMembersChange = "members_change";  // details or reason; "" none
inline constexpr const char* kMoreMailAccounts = "more_mail_accounts";
inline constexpr const char* kMoreConferenceAccounts = "more_conference_accounts";
inline constexpr const char* kRelay = "relay";  // "" | "open" | "change"
inline constexpr const char* kRelayDetails = "relay_details";
// Set by FileChange: the reference of the approved workd_service request the change is for (the
// request page and the printed form name it; the workflow links the two by parent_id too).
inline constexpr const char* kServiceRequest = "service_request";
// Parts 3 and 4: consent and terms, recorded with the time and the version of the text shown.
inline constexpr const char* kPdpaConsent = "pdpa_consent";  // "yes" | "no"
inline constexpr const char* kPdpaVersion = "pdpa_version";
inline constexpr const char* kPdpaAt = "pdpa_at";                // ISO-8601 UTC
inline constexpr const char* kTermsAccepted = "terms_accepted";  // "yes"
inline constexpr const char* kTermsVersion = "terms_version";
inline constexpr const char* kTermsAt = "terms_at";
// Set by the review's approval (term 4.4: staff may approve fewer accounts, with a reason).
inline constexpr const char* kApprovedMail = "approved_mail_accounts";
inline constexpr const char* kApprovedConference = "approved_conference_accounts";
inline constexpr const char* kReductionReason = "reduction_reason";
}  // namespace field

// The versions of the consent (part 3) and terms (part 4) texts; bump with the i18n texts
// (workd.form.pdpa.text, workd.form.terms.*), so each request records what its filer was shown.
inline constexpr const char* kPdpaTextVersion = "2026-12";
inline constexpr const char* kTermsTextVersion = "2026-12";

// What the agency's service is at (workd_services.state).
//   awaiting_dns  approved, own domain: waits for the agency's DNS records
//   provisioning  the hand-over request (WH) is open: staff owe it within 1 working day
//   active        handed over; suspended: term 4.5, until reinstated
inline constexpr const char* kServiceAwaitingDns = "awaiting_dns";
inline constexpr const char* kServiceProvisioning = "provisioning";
inline constexpr const char* kServiceActive = "active";
inline constexpr const char* kServiceSuspended = "suspended";

struct Service {
    std::string agency_id;   // one service per agency
    std::string request_id;  // the workd_service request that opened it
    std::string state;
    std::string domain;         // the mail domain (FQDN)
    int64_t mail_accounts = 0;  // approved (the request's, plus approved changes)
    int64_t conference_accounts = 0;
    std::string relay;                     // "" | "open"
    std::string created, updated, opened;  // opened: when handed over
};

// What an approval committed of the budget (workd_commitments): the accounts a workd_service
// approval or a workd_change approval added, counted in the Thai fiscal year of the decision.
struct Commitment {
    std::string request_id;
    std::string agency_id;
    int fiscal_year = 0;  // Buddhist era (FiscalYearBE)
    int64_t mail_accounts = 0;
    int64_t conference_accounts = 0;
    std::string decided, decided_by;
};

// A fiscal year's allocation against what its approvals committed (the budget page and API).
// `set`: a sysadmin set the year's allocation (workd_budgets); else it is WorkdConfig's default.
struct Budget {
    int fiscal_year = 0;
    int64_t mail_allocation = 0;
    int64_t conference_allocation = 0;
    bool set = false;
    int64_t mail_committed = 0;
    int64_t conference_committed = 0;
    std::string updated, updated_by;
};

// A domain of a request (workd_domains). kind: "subdomain" (of the configured zone, govhub
// publishes its records) or "own" (the agency's; verified in DNS).
// state: reserved (a subdomain, approved) | awaiting_dns | verified | released
struct Domain {
    std::string id;
    std::string request_id;
    std::string agency_id;
    std::string kind;
    std::string name;  // FQDN, lower-case, no trailing dot
    std::string state;
    std::string token;                // the _workd-challenge TXT token (own domains)
    std::string dkim_selector;        // "workd2569"
    std::string dkim_public;          // base64 SPKI (the p= value)
    std::string dkim_private_sealed;  // the PEM, sealed with the vault (purpose workd.dkim)
    std::string checks_json = "[]";   // the last check's per-record status (domains.hpp)
    std::string dns_outcome;  // the last check's word on the domain itself (checker.hpp kDomain*)
    std::string created, verified, last_checked, next_check, reminded;
};

// The Thai government's fiscal year (ปีงบประมาณ) a day falls in, as a Buddhist-era year: it runs
// from 1 October to 30 September and is named by the year it ends in (1 Oct 2026 → 2570).
int FiscalYearBE(int year_ce, int month, int day);
// Of an ISO-8601 time (its UTC date); 0 when it cannot be read.
int FiscalYearBE(std::string_view iso);

}  // namespace govhub::workd

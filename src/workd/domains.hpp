#pragma once
// workD's domains (issue 18, step 3): what an approval reserves or records, the DNS records an
// agency publishes, the checks against the DNS (on a schedule and on demand) and what passing
// them opens. SQL in store_domains.cpp, DNS judgement in checker.hpp; this file decides.
//
//   subdomain  <label>.<zone>: reserved at approval (govhub publishes its records through the
//              zone fragment, `govhub workd zone`); the hand-over may open at once.
//   own        the agency's domain: recorded awaiting_dns with an ownership token and a DKIM key
//              pair; checked every 10 minutes for 48 hours, hourly to 14 days, then daily with a
//              reminder; verified when the required records pass, which opens the hand-over.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "accounts/service.hpp"
#include "core/i18n.hpp"
#include "db/database.hpp"
#include "workd/checker.hpp"
#include "workd/model.hpp"
#include "workd/service.hpp"
#include "workflow/model.hpp"
#include "workflow/service.hpp"

namespace govhub::core {
class Vault;
}

namespace govhub::workd {

inline constexpr const char* kDkimPurpose = "workd.dkim";  // the vault's purpose for the key
inline constexpr int kCheckNowSeconds = 60;                // "check now": once a minute a domain
inline constexpr int kDueChecksPerRun = 50;                // the job: checks per run

// ---- The schedule (pure) ------------------------------------------------------------------------
// Seconds until the next check of a domain approved at `approved` (epoch seconds), checked at
// `now`: 10 minutes for the first 48 hours, then hourly until 14 days, then daily.
int64_t CheckInterval(int64_t approved, int64_t now);
// When the next check is due (epoch seconds).
int64_t NextCheck(int64_t approved, int64_t now);
// Whether a check at `now` that did not pass should send the daily reminder: past 14 days, and
// no reminder in the last 23 hours (`last_reminded` 0 = never).
bool ReminderDue(int64_t approved, int64_t now, int64_t last_reminded);

// The one line the DNS page and its JSON show above the records when the last check says one
// thing of the whole domain, an i18n key taking {domain}; "" when the records speak for
// themselves (or nothing was checked yet):
//   workd.domain.summary_nxdomain     the checker found the domain itself does not exist
//                                     (`outcome` kDomainNxdomain): register or delegate it first
//   workd.domain.summary_unreachable  no record could be asked (servfail, timeout, refused ...)
//   workd.domain.summary_no_records   the domain exists but none of the records was found
//   workd.domain.summary_nothing      none found, of a check stored before the outcome was
//                                     recorded (it may or may not exist)
std::string DomainSummaryKey(const std::string& outcome, const std::vector<RecordCheck>& checks);

// What a page or the API shows for a request's domain.
struct DomainView {
    workflow::Request request;
    Domain domain;
    std::vector<ExpectedRecord> expected;
    std::vector<RecordCheck> checks;  // the last check ([] before the first)
    bool required_pass = false;
    std::string zone_fragment;    // BIND lines for the records (a paste-able snippet)
    std::string summary_key;      // the one line above the records (DomainSummaryKey); "" none
    int64_t check_now_after = 0;  // epoch seconds before which "check now" is refused (0: now)
};

class DomainService {
  public:
    DomainService(db::Database& db, workflow::WorkflowService& workflow,
                  accounts::AccountService& accounts, const core::Vault* vault,
                  accounts::MailSender send_mail, const core::I18n& i18n, WorkdConfig config);

    // Called when the hand-over may open for a domain: an own domain verified, or a subdomain
    // reserved (govhub publishes its records). Runs inside the caller's transaction.
    using VerifiedHook = std::function<void(db::Connection&, const Domain&)>;
    void SetOnVerified(VerifiedHook hook) { on_verified_ = std::move(hook); }

    // The approval's effect (workflow hook, in its transaction): reserves the subdomain or
    // records the own domain (token, DKIM key sealed with the vault, first check due at once).
    // Throws HttpError 409 workd.domain.taken when a live domain holds the name, and 409
    // with the naming rule's key when the request's name is not acceptable.
    Domain OnApproved(db::Connection& c, const workflow::Request& r);

    // The form's live check (CheckRequestedName, the form's and the approval's rule): "" when
    // `typed` may be asked for, else an i18n key (RequestedName::Key: workd.dns.label.*,
    // workd.dns.domain.*, workd.domain.taken, workd.domain.in_zone, workd.domain.registry_zone,
    // workd.domain.bad_kind). `name` receives the normalised full name when ok.
    std::string Available(const std::string& kind, const std::string& typed,
                          std::string* name = nullptr);

    // The domain of a request the caller may see (its applicant, the type's reviewers, the
    // agency's administrators, sysadmins): 404 otherwise, or when it has none.
    DomainView View(const accounts::Principal* p, const std::string& reference);
    // "Check now": as View, then a check unless one ran in the last minute (429 with
    // Retry-After). Returns the view after the check.
    DomainView CheckNow(const accounts::Principal* p, const std::string& reference);

    // Checks one domain now and stores the result; verifies it when the required records pass
    // (hook, mail) and sends the daily reminder when due. Returns the domain as stored after.
    Domain RunCheck(const Domain& d, int64_t now);
    // The job: runs up to `limit` due checks, stopping early when `stop()` says so (the job was
    // cancelled or the process is stopping). Returns how many ran.
    int RunDueChecks(int limit, int64_t now, const std::function<bool()>& stop = {});

    // The request page's link to the DNS page (a workflow next step), once the request has a
    // domain that is not released; none otherwise. For RequestType::next_steps.
    std::vector<workflow::NextStep> NextSteps(const workflow::Request& r);

    // Seconds from `now` until the job should run again: until the earliest due check, at least
    // `min_seconds` and at most `max_seconds` (the most when no domain awaits DNS).
    int64_t SecondsToNextRun(int64_t now, int64_t min_seconds, int64_t max_seconds);

    // The records of a domain (ExpectedRecords with its setup).
    std::vector<ExpectedRecord> Expected(const Domain& d) const;
    // The zone fragment of every live subdomain of the zone (BIND lines).
    std::string ZoneText();
    // Writes ZoneText() to `path` atomically (a temporary file renamed over it). Returns the
    // number of domains written.
    int WriteZone(const std::string& path);

    const Resolver& resolver() const { return resolver_; }

  private:
    DomainSetup Setup(const Domain& d) const;
    DomainView MakeView(workflow::Request r, Domain d) const;
    void MailAgency(const Domain& d, const std::string& what);

    db::Database& db_;
    workflow::WorkflowService& workflow_;
    accounts::AccountService& accounts_;
    const core::Vault* vault_;
    accounts::MailSender send_mail_;
    const core::I18n& i18n_;
    WorkdConfig config_;
    Resolver resolver_;
    VerifiedHook on_verified_;
};

}  // namespace govhub::workd

#pragma once
// workD's service (issue 18): the request types on the workflow's review process, and what an
// approval opens. See model.hpp for the vocabulary and README.md for the whole.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "accounts/service.hpp"
#include "core/i18n.hpp"
#include "db/database.hpp"
#include "jobs/service.hpp"
#include "workd/dns_records.hpp"
#include "workd/form.hpp"
#include "workd/model.hpp"
#include "workd/resolver.hpp"
#include "workflow/service.hpp"

namespace govhub::core {
class ThaiAddressBook;
class Vault;
}  // namespace govhub::core

namespace govhub::workd {

class DomainService;

struct WorkdConfig {
    std::string site_url = "http://localhost:8080";
    std::string data_dir = "var";
    std::string tmp_dir;
    // The platform's zone: agencies without a domain of their own get <label>.<zone>.
    std::string zone = "mail.go.th";
    // The platform's mail hosts, published in (and checked against) every domain's records.
    MailHosts hosts{.mx_host = "mx.mail.go.th",
                    .spf_include = "_spf.mail.go.th",
                    .imap_host = "imap.mail.go.th",
                    .submission_host = "smtp.mail.go.th",
                    .autoconfig_host = "autoconfig.mail.go.th",
                    .autodiscover_host = "autodiscover.mail.go.th"};
    // The DNS checker's resolver (--workd-dns-servers; "" the system's).
    ResolverOptions resolver;
    int review_working_days = 5;    // the guide's step 2
    int handover_working_days = 1;  // the guide's step 4
    // The allocation of a fiscal year with no row in workd_budgets (sysadmins set each year's).
    int64_t default_mail_allocation = 20000;
    int64_t default_conference_allocation = 5000;
};

class WorkdService {
  public:
    WorkdService(db::Database& db, workflow::WorkflowService& workflow,
                 accounts::AccountService& accounts, jobs::JobService* jobs,
                 accounts::MailSender send_mail, const core::I18n& i18n,
                 const core::ThaiAddressBook& addresses, const core::Vault* vault,
                 WorkdConfig config);
    ~WorkdService();

    // The request types (registered with the workflow by app at start-up): workd_service (the
    // review: approve with the approved counts, reject, withdraw, suspend, reinstate),
    // workd_change (a change to an approved service) and workd_handover (step 4).
    std::vector<workflow::RequestType> Types();

    // The domain step of a workd_service approval, in its transaction: DomainService::OnApproved
    // (set by the constructor: it reserves the subdomain or records the own domain with its
    // token and DKIM key).
    // Throwing HttpError refuses the approval (409 when the name was taken meanwhile).
    std::function<void(db::Connection&, const workflow::Request&)> on_approved_domain;

    // The hand-over (step 4) of an approved workd_service request: queues the job that opens
    // its workd_handover request, in the caller's transaction (the approval of a subdomain; the
    // DNS checker once an own domain's records pass). The service row moves to provisioning.
    void OpenHandover(db::Connection& c, const std::string& service_request_id);
    // The job's work: opens the hand-over request (a child of the workd_service request, filed
    // in its applicant's name, due in handover_working_days) unless one is open or done
    // already; nullopt when the request is not approved (any more).
    std::optional<workflow::Request> CreateHandover(const std::string& service_request_id);
    // Closing a hand-over (the staff's "close", or the system's "provisioned" once provisioning
    // exists), in its transaction: the service becomes active (opened now) and the agency's
    // administrators and the request's contact e-mail are told, each in their language.
    void CloseHandover(db::Connection& c, const workflow::Request& handover);

    // Files a change to an approved service (a workd_change draft, child of the workd_service
    // request `parent`: its applicant or an admin of its agency, while it is approved; else a
    // 409 naming `parent` before anything else is said). The one path for the change page and
    // POST /api/workd/changes. `data` holds the change (field::kMembersChange,
    // kMoreMailAccounts, kMoreConferenceAccounts, kRelay, kRelayDetails: at least one), the
    // form's contact part (ChangeContactFields(); a key not given is the approved request's),
    // the effective date (kEffectiveDate, today or later) and parts 3–4 (kPdpaConsent,
    // kTermsAccepted: recorded with their time and text version), each checked as the complete
    // new-service form checks it; anything else, or a bad or missing value, is a 409 naming
    // each field, and nothing is filed. Submitting runs the same check on what is stored and
    // asks for the signed scan (kind signed_application), as for a new service.
    workflow::Request FileChange(const accounts::Principal& p, const std::string& parent,
                                 const std::string& data_json, const std::string& ip);
    // The approved workd_service request a change is filed against, with its form (sensitive
    // fields opened), for the change page: a current admin's of its agency, or its applicant's
    // when it names no agency (404 for anyone else, and for a request of another type); 409
    // workd.change.not_approved when it is not approved (any more), said to its applicant too
    // (who reads the request anyway) before whether they may file.
    std::pair<workflow::Request, RequestForm> ChangeParent(const accounts::Principal& p,
                                                           const std::string& reference);

    // The agency's service (nullopt: none yet).
    std::optional<Service> ServiceOf(const std::string& agency_id);

    // The budget: a fiscal year's allocation (set by sysadmins, else WorkdConfig's default)
    // and what its approvals committed. Reading: sysadmins and staff of workd_service or
    // workd_change (403 otherwise); setting: sysadmins (403), audited `workd.budget`; counts
    // 0..kMaxAllocation (409 naming the field), a year 2500..2800 BE (409 `year`).
    bool CanReadBudget(const accounts::Principal* p);
    static bool CanSetBudget(const accounts::Principal* p) { return p && p->sysadmin; }
    Budget BudgetOf(int fiscal_year);
    Budget ReadBudget(const accounts::Principal& p, int fiscal_year);
    // This fiscal year, the next one, and every year with an allocation or a commitment.
    std::vector<Budget> Budgets(const accounts::Principal& p);
    Budget SetBudget(const accounts::Principal& p, int fiscal_year, int64_t mail,
                     int64_t conference, const std::string& ip);
    static constexpr int64_t kMaxAllocation = 100000000;
    // The fiscal year (BE) of a moment, by its date in Bangkok.
    static int FiscalYearAt(int64_t epoch_seconds);
    int CurrentFiscalYear() const { return FiscalYearAt(now_()); }

    // What staff see beside a workD request (RequestType::facts): the budget of the fiscal year
    // against what this request would bring it to, and the agency's current service.
    std::vector<workflow::Fact> Facts(const workflow::Request& r, const std::string& locale);

    // Tests: the clock decisions are dated by (the fiscal year of a commitment).
    void SetClockForTests(std::function<int64_t()> now) { now_ = std::move(now); }

    const WorkdConfig& config() const { return config_; }
    const core::ThaiAddressBook& addresses() const { return addresses_; }
    // The domains and their DNS checks (domains.hpp).
    DomainService& domains() { return *domains_; }
    jobs::JobService* jobs() { return jobs_; }
    db::Database& db() { return db_; }
    workflow::WorkflowService& workflow() { return workflow_; }
    const core::I18n& i18n() const { return i18n_; }

  private:
    db::Database& db_;
    workflow::WorkflowService& workflow_;
    accounts::AccountService& accounts_;
    jobs::JobService* jobs_;
    accounts::MailSender send_mail_;
    const core::I18n& i18n_;
    const core::ThaiAddressBook& addresses_;
    const core::Vault* vault_;
    WorkdConfig config_;
    std::unique_ptr<DomainService> domains_;
    std::function<int64_t()> now_;

    // The effects, each in its transition's transaction.
    void Approve(db::Connection& c, const workflow::Request& r, const accounts::Principal& actor);
    // The approval mail's lines that apply to this request (workflow::RequestType::mail_vars).
    std::vector<std::pair<std::string, std::string>> ApprovalMailVars(const workflow::Request& r,
                                                                      const std::string& transition,
                                                                      const std::string& locale);
    void ApproveChange(db::Connection& c, const workflow::Request& r,
                       const accounts::Principal& actor);
    void Suspend(db::Connection& c, const workflow::Request& r, bool suspend);
    // A rejected or withdrawn request's pending agency is marked deleted, unless it has other
    // open requests.
    void DropPendingAgency(db::Connection& c, const workflow::Request& r);
    void Mail(const std::string& to, const std::string& locale, const std::string& key,
              const std::vector<std::pair<std::string, std::string>>& vars);
};

// The contact part of a change request (the guide's 1.2 without the citizen ID: the agency's
// admins file changes too, and the ID of a former colleague is not theirs to see).
const std::vector<const char*>& ChangeContactFields();

inline constexpr const char* kOpenHandoverJob = "workd.open_handover";

}  // namespace govhub::workd

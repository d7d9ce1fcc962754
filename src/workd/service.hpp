#pragma once
// workD's service (issue 18): the request types on the workflow's review process, and what an
// approval opens. See model.hpp for the vocabulary and README.md for the whole.
#include <memory>
#include <string>
#include <vector>

#include "accounts/service.hpp"
#include "core/i18n.hpp"
#include "db/database.hpp"
#include "jobs/service.hpp"
#include "workd/dns_records.hpp"
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

    // The request types (registered with the workflow by app at start-up).
    std::vector<workflow::RequestType> Types();

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
};

}  // namespace govhub::workd

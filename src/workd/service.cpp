#include "workd/service.hpp"

#include "workd/domains.hpp"
#include "workflow/review.hpp"

namespace govhub::workd {

WorkdService::WorkdService(db::Database& db, workflow::WorkflowService& workflow,
                           accounts::AccountService& accounts, jobs::JobService* jobs,
                           accounts::MailSender send_mail, const core::I18n& i18n,
                           const core::ThaiAddressBook& addresses, const core::Vault* vault,
                           WorkdConfig config)
    : db_(db),
      workflow_(workflow),
      accounts_(accounts),
      jobs_(jobs),
      send_mail_(std::move(send_mail)),
      i18n_(i18n),
      addresses_(addresses),
      vault_(vault),
      config_(std::move(config)),
      domains_(std::make_unique<DomainService>(db_, workflow_, accounts_, vault_, send_mail_, i18n_,
                                               config_)) {}

WorkdService::~WorkdService() = default;

std::vector<workflow::RequestType> WorkdService::Types() {
    std::vector<workflow::RequestType> out;
    // The new service: the guide's form (parts 1–4) and its signed scan, 5 working days.
    out.push_back(workflow::MakeReviewType({
        .id = kServiceType,
        .prefix = "WD",
        .sla_unit = core::SlaUnit::kWorkingDays,
        .sla_amount = config_.review_working_days,
        .submit_fields = {field::kContactNameTh, field::kEmail, field::kDomainKind},
        .submit_attachments = {"signed_application"},
        .decisions = {{.id = "approve", .to = "approved"}},
        .sensitive_fields = {field::kContactCitizenId},
        .hidden_fields = {field::kAgencyId},
        .personal_fields = {field::kContactNameTh, field::kContactNameEn, field::kContactCitizenId,
                            field::kOfficePhone, field::kContactPhone, field::kMobile,
                            field::kEmail, field::kBackupEmail},
    }));
    return out;
}

}  // namespace govhub::workd

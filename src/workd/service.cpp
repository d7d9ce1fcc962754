#include "workd/service.hpp"

#include "workd/domains.hpp"
#include "workd/requests.hpp"
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
        .submit_fields = {field::kContactNameTh, field::kEmail,
                          field::kDomainKind},  // + AddFormHooks
        .submit_attachments = {"signed_application"},
        .decisions = {{.id = "approve", .to = "approved"}},
        .print_path = [](const std::string& ref) { return "/workd/requests/" + ref + "/form.pdf"; },
        .sensitive_fields = {field::kContactCitizenId},
        .display_fields = {field::kAgencyNameTh, field::kAgency, field::kContactNameTh,
                           field::kContactNameEn, field::kContactPosition, field::kContactCitizenId,
                           field::kOfficePhone, field::kMobile, field::kEmail, field::kBackupEmail,
                           field::kProvince, field::kDomainKind, field::kSubdomain,
                           field::kOwnDomain, field::kMailAccounts, field::kConferenceAccounts,
                           field::kEffectiveDate, field::kPdpaConsent, field::kTermsAccepted},
        .hidden_fields = {field::kAgencyId},
        .personal_fields = {field::kContactNameTh, field::kContactNameEn, field::kContactCitizenId,
                            field::kOfficePhone, field::kContactPhone, field::kMobile,
                            field::kEmail, field::kBackupEmail},
        .texts = {.instructions = "workd.form.print_help",
                  .signatures = {"workd.form.pdf.sign_requester", "workd.form.pdf.sign_head"}},
    }));
    // The form's full check before submitting (requests.hpp).
    AddFormHooks(out.back(), workflow_, addresses_, config_.zone);
    return out;
}

}  // namespace govhub::workd

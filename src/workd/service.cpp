#include "workd/service.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "accounts/store.hpp"
#include "agencies/store.hpp"
#include "audit/audit.hpp"
#include "core/clean_text.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/i18n.hpp"
#include "core/log.hpp"
#include "core/strings.hpp"
#include "core/working_time.hpp"
#include "mail/body.hpp"
#include "workd/domains.hpp"
#include "workd/requests.hpp"
#include "workd/store.hpp"
#include "workflow/review.hpp"
#include "workflow/store.hpp"

namespace govhub::workd {
namespace {

using Json = nlohmann::json;

Json DataOf(const workflow::Request& r) {
    Json data = Json::parse(r.data_json, nullptr, false);
    return data.is_object() ? data : Json::object();
}

// A count of the request's data (an integer, or digits as text); nullopt when it is neither.
std::optional<int64_t> CountOf(const Json& data, const char* key) {
    auto it = data.find(key);
    if (it == data.end() || it->is_null()) return std::nullopt;
    if (it->is_number_integer()) return it->get<int64_t>();
    if (it->is_string()) {
        std::string text = core::Trim(it->get<std::string>());
        if (text.empty()) return std::nullopt;
        return core::ParseInt(text);
    }
    return std::nullopt;
}

std::string TextOf(const Json& data, const char* key) {
    auto it = data.find(key);
    return it != data.end() && it->is_string() ? core::Trim(it->get<std::string>()) : "";
}

// What submitting a change asks: at least one change, each well formed (the counts, the relay
// and its details).
std::vector<FieldError> ChangeErrors(const Json& data) {
    std::vector<FieldError> errors;
    for (const char* key : {field::kMoreMailAccounts, field::kMoreConferenceAccounts})
        if (data.contains(key) && !TextOf(data, key).empty()) {
            auto n = CountOf(data, key);
            if (!n || *n < 0 || *n > kMaxAccounts)
                errors.push_back({key, "workd.change.bad_count"});
        }
    std::string relay = TextOf(data, field::kRelay);
    if (!relay.empty() && relay != "open" && relay != "change")
        errors.push_back({field::kRelay, "workd.change.bad_relay"});
    if (!relay.empty() && TextOf(data, field::kRelayDetails).empty())
        errors.push_back({field::kRelayDetails, "form.required"});
    bool any = !TextOf(data, field::kMembersChange).empty() || !relay.empty() ||
               CountOf(data, field::kMoreMailAccounts).value_or(0) > 0 ||
               CountOf(data, field::kMoreConferenceAccounts).value_or(0) > 0;
    if (!any && errors.empty()) errors.push_back({field::kMembersChange, "workd.change.nothing"});
    return errors;
}

// The keys a change reads from the new-service form: the contact part, the date, consent and
// terms.
const std::vector<std::string>& ChangeFormKeys() {
    static const std::vector<std::string> keys = [] {
        std::vector<std::string> k(ChangeContactFields().begin(), ChangeContactFields().end());
        for (const char* f : {field::kEffectiveDate, field::kPdpaConsent, field::kTermsAccepted})
            k.emplace_back(f);
        return k;
    }();
    return keys;
}

// The one check of a change, for filing it (the page, the API) and for submitting it: the
// change part (at least one change, each well formed) and the form's keys as the new-service
// form checks them when complete (the contact's required fields, the date, the consent, the
// terms). `in` holds what was typed; `before` the stored form when re-checking a draft (its
// consent and terms times are kept). Fills `data` with what is stored.
std::vector<FieldError> CheckChange(const Json& in, const FormContext& ctx,
                                    const RequestForm* before, const std::string& now, Json& data) {
    auto is_form_key = [](const std::string& k) {
        const auto& keys = ChangeFormKeys();
        return std::find(keys.begin(), keys.end(), k) != keys.end();
    };
    Json form_in = Json::object();
    std::vector<FieldError> errors;
    for (auto it = in.begin(); it != in.end(); ++it) {
        const std::string& k = it.key();
        if (k == field::kMoreMailAccounts || k == field::kMoreConferenceAccounts) {
            auto n = CountOf(in, k.c_str());
            if (it->is_null() || (it->is_string() && TextOf(in, k.c_str()).empty())) continue;
            if (!n || *n < 0 || *n > kMaxAccounts)
                errors.push_back({k, "workd.change.bad_count"});
            else
                data[k] = *n;
        } else if (k == field::kMembersChange || k == field::kRelayDetails || k == field::kRelay) {
            if (!it->is_string()) {
                errors.push_back({k, "workflow.bad_data"});
                continue;
            }
            // The platform's clean-text rule (core/strings.hpp).
            auto clean = core::CleanUserText(it->get<std::string>(), true);
            std::string text =
                clean ? *clean : core::StripToCleanText(it->get<std::string>(), true);
            if (!clean && !text.empty())
                errors.push_back({k, "workflow.bad_text"});
            else if (text.size() > 4000)
                errors.push_back({k, "workflow.input_too_long"});
            else if (k == field::kRelay && !text.empty() && text != "open" && text != "change")
                errors.push_back({k, "workd.change.bad_relay"});
            else if (!text.empty())
                data[k] = text;
        } else if (is_form_key(k)) {
            form_in[k] = *it;
        } else {
            errors.push_back({k, "workflow.not_an_input"});
        }
    }
    // The form's own checks (a value of the wrong type is refused by FromJson), reporting only
    // the change's keys: the rest of the form (agency, address, service) is the parent's.
    RequestForm form;
    try {
        form = RequestForm::FromJson(form_in);
    } catch (const HttpError& e) {
        for (const auto& f : e.fields()) errors.push_back(f);
    }
    if (before) {
        for (const char* k :
             {field::kPdpaVersion, field::kPdpaAt, field::kTermsVersion, field::kTermsAt})
            for (const auto& d : RequestForm::Fields())
                if (std::string_view(d.key) == k) form.*d.member = before->*d.member;
    }
    FormCheck check = Validate(form, ctx, FormMode::kComplete, before, now);
    for (const auto& e : check.errors)
        if (is_form_key(e.field)) errors.push_back(e);
    for (auto& e : ChangeErrors(data))
        if (std::none_of(errors.begin(), errors.end(),
                         [&](const FieldError& x) { return x.field == e.field; }))
            errors.push_back(std::move(e));
    for (const auto& k : ChangeFormKeys())
        if (auto v = form.Get(k); !v.empty()) data[k] = v;
    for (const char* k :
         {field::kPdpaVersion, field::kPdpaAt, field::kTermsVersion, field::kTermsAt})
        if (auto v = form.Get(k); !v.empty()) data[k] = v;
    return errors;
}

// What staff approve of the accounts asked (`mail_key`, `conf_key`): the decision's inputs
// (prefilled with what was asked), no more than asked and not negative, and a reason the agency
// is shown when fewer (term 4.4); 409 naming each field otherwise. For a new service and a change.
std::pair<int64_t, int64_t> ApprovedCounts(const Json& data, const char* mail_key,
                                           const char* conf_key) {
    int64_t asked_mail = std::max<int64_t>(0, CountOf(data, mail_key).value_or(0));
    int64_t asked_conf = std::max<int64_t>(0, CountOf(data, conf_key).value_or(0));
    int64_t mail = CountOf(data, field::kApprovedMail).value_or(asked_mail);
    int64_t conf = CountOf(data, field::kApprovedConference).value_or(asked_conf);
    std::vector<FieldError> errors;
    if (mail < 0 || mail > asked_mail)
        errors.push_back({field::kApprovedMail, "workd.review.more_than_asked"});
    if (conf < 0 || conf > asked_conf)
        errors.push_back({field::kApprovedConference, "workd.review.more_than_asked"});
    if (errors.empty() && (mail < asked_mail || conf < asked_conf) &&
        TextOf(data, field::kReductionReason).empty())
        errors.push_back({field::kReductionReason, "workd.review.reason_required"});
    if (!errors.empty()) throw HttpError::Validation(std::move(errors));
    return {mail, conf};
}

// "20,000": digits grouped by thousands.
std::string Grouped(int64_t n) {
    std::string digits = std::to_string(n < 0 ? -n : n), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return n < 0 ? "-" + out : out;
}

// The service's domain as the approved request names it.
std::string DomainOf(const Json& data, const std::string& zone) {
    if (TextOf(data, field::kDomainKind) == "own")
        return core::ToLower(TextOf(data, field::kOwnDomain));
    std::string label = core::ToLower(TextOf(data, field::kSubdomain));
    return label.empty() ? "" : label + "." + zone;
}

// Refuses (409) an approval that would take the fiscal year's committed accounts over its
// allocation: what remains, and where a sysadmin raises it.
void CheckWithinBudget(db::Connection& c, int year, int64_t default_mail, int64_t default_conf,
                       int64_t mail, int64_t conf) {
    auto set = store::FindBudget(c, year);
    int64_t mail_allocation = set ? set->mail_allocation : default_mail;
    int64_t conf_allocation = set ? set->conference_allocation : default_conf;
    auto [mail_committed, conf_committed] = store::Committed(c, year);
    auto refuse = [&](const char* kind, int64_t allocation, int64_t committed, int64_t asked) {
        throw HttpError(
            409, "conflict",
            core::Message("workd.review.over_budget",
                          {{"kind", std::string("@workd.review.over_budget_") + kind},
                           {"year", std::to_string(year)},
                           {"asked", Grouped(asked)},
                           {"allocation", Grouped(allocation)},
                           {"remaining", Grouped(std::max<int64_t>(0, allocation - committed))}}));
    };
    if (mail > 0 && mail_committed + mail > mail_allocation)
        refuse("mail", mail_allocation, mail_committed, mail);
    if (conf > 0 && conf_committed + conf > conf_allocation)
        refuse("conference", conf_allocation, conf_committed, conf);
}

}  // namespace

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
                                               config_)),
      now_([] { return core::NowEpochSeconds(); }) {
    // The domain step of an approval (DomainService reserves the subdomain or records the own
    // domain), and the hand-over of an own domain once its DNS records pass (a subdomain's
    // opens with its approval, Approve).
    on_approved_domain = [this](db::Connection& c, const workflow::Request& r) {
        domains_->OnApproved(c, r);
    };
    domains_->SetOnVerified([this](db::Connection& c, const Domain& d) {
        if (d.kind == "own") OpenHandover(c, d.request_id);
    });
}

WorkdService::~WorkdService() = default;

std::vector<workflow::RequestType> WorkdService::Types() {
    std::vector<workflow::RequestType> out;
    auto facts = [this](const workflow::Request& r, const std::string& locale) {
        return Facts(r, locale);
    };
    // The new service: the guide's form (parts 1–4) and its signed scan, 5 working days. The
    // approval may lower the counts asked (term 4.4), with a reason the agency is shown.
    workflow::RequestType wd = workflow::MakeReviewType({
        .id = kServiceType,
        .prefix = "WD",
        .sla_unit = core::SlaUnit::kWorkingDays,
        .sla_amount = config_.review_working_days,
        .submit_fields = {field::kContactNameTh, field::kEmail,
                          field::kDomainKind},  // + AddFormHooks
        .submit_attachments = {"signed_application"},
        .decisions = {{.id = "approve",
                       .to = "approved",
                       .inputs = {{.field = field::kApprovedMail,
                                   .prefill_from = field::kMailAccounts,
                                   .max = kMaxAllocation},
                                  {.field = field::kApprovedConference,
                                   .prefill_from = field::kConferenceAccounts,
                                   .max = kMaxAllocation},
                                  {.field = field::kReductionReason,
                                   .kind = "text",
                                   .help_key = "workd.review.reduction_reason_help",
                                   .max = 2000}},
                       .effect = [this](
                                     db::Connection& c, const workflow::Request& r,
                                     const accounts::Principal& actor) { Approve(c, r, actor); }}},
        .withdraw_from = {"draft", "submitted", "needs_info"},
        .print_path = [](const std::string& ref) { return "/workd/requests/" + ref + "/form.pdf"; },
        .sensitive_fields = {field::kContactCitizenId},
        // The decision first (approved counts, the reason for fewer), then the form's order
        // (parts 1–4), then the times and versions recorded.
        .display_fields = {field::kApprovedMail,
                           field::kApprovedConference,
                           field::kReductionReason,
                           field::kAgencyChoice,
                           field::kAgency,
                           field::kAgencyNameTh,
                           field::kAgencyNameEn,
                           field::kMinistry,
                           field::kMinistryOtherTh,
                           field::kMinistryOtherEn,
                           field::kContactNameTh,
                           field::kContactNameEn,
                           field::kContactPosition,
                           field::kContactCitizenId,
                           field::kOfficePhone,
                           field::kContactPhone,
                           field::kMobile,
                           field::kEmail,
                           field::kBackupEmail,
                           field::kAddressNumber,
                           field::kAddressMoo,
                           field::kAddressSoi,
                           field::kAddressRoad,
                           field::kTambon,
                           field::kAmphoe,
                           field::kProvince,
                           field::kPostcode,
                           field::kPostcodeNote,
                           field::kDomainKind,
                           field::kSubdomain,
                           field::kOwnDomain,
                           field::kMailAccounts,
                           field::kConferenceAccounts,
                           field::kEffectiveDate,
                           field::kPdpaConsent,
                           field::kPdpaAt,
                           field::kPdpaVersion,
                           field::kTermsAccepted,
                           field::kTermsAt,
                           field::kTermsVersion},
        .hidden_fields = {field::kAgencyId},
        .personal_fields = {field::kContactNameTh, field::kContactNameEn, field::kContactCitizenId,
                            field::kOfficePhone, field::kContactPhone, field::kMobile,
                            field::kEmail, field::kBackupEmail},
        .texts = {.instructions = "workd.form.print_help",
                  .signatures = {"workd.form.pdf.sign_requester", "workd.form.pdf.sign_head"}},
        .facts = facts,
    });
    // Once approval gave the request a domain: its DNS page (records, checks, check now).
    wd.next_steps = [this, before = wd.next_steps](const workflow::Request& r) {
        auto steps = before ? before(r) : std::vector<workflow::NextStep>{};
        for (auto& s : domains_->NextSteps(r)) steps.push_back(std::move(s));
        return steps;
    };
    // A pending agency that asked in vain leaves the directory (unless it asks otherwise too).
    for (auto& d : wd.transitions)
        if (d.id == "reject" || d.id == "withdraw")
            d.effect = [this](db::Connection& c, const workflow::Request& r,
                              const accounts::Principal&) { DropPendingAgency(c, r); };
    // Term 4.5: an approved service may be suspended, and reinstated (a reason each time).
    wd.states.push_back({"suspended", workflow::Clock::kStopped, true});
    wd.transitions.push_back(
        {.id = "suspend",
         .from = {"approved"},
         .to = "suspended",
         .actor = workflow::Actor::kReviewer,
         .note_required = true,
         .effect = [this](db::Connection& c, const workflow::Request& r,
                          const accounts::Principal&) { Suspend(c, r, true); }});
    wd.transitions.push_back(
        {.id = "reinstate",
         .from = {"suspended"},
         .to = "approved",
         .actor = workflow::Actor::kReviewer,
         .note_required = true,
         .effect = [this](db::Connection& c, const workflow::Request& r,
                          const accounts::Principal&) { Suspend(c, r, false); }});
    wd.staff_links = {{.label_key = "workd.budget.title", .href = "/staff/workd/budget"}};
    // The approval's mail says what applies to this request only: why fewer accounts (when
    // fewer were approved), and the next step for its kind of domain (DNS records for an own
    // domain; nothing to do for a subdomain under the zone), as one block before the signature.
    wd.mail_vars = [this](const workflow::Request& r, const std::string& transition,
                          const std::string& locale) {
        return ApprovalMailVars(r, transition, locale);
    };
    // The form's full check before submitting (requests.hpp).
    AddFormHooks(wd, workflow_, addresses_, config_.zone);
    out.push_back(std::move(wd));

    // A change to an approved service: member list, more accounts, Mail Relay.
    workflow::RequestType wc = workflow::MakeReviewType({
        .id = kChangeType,
        .prefix = "WC",
        .sla_unit = core::SlaUnit::kWorkingDays,
        .sla_amount = config_.review_working_days,
        // Signed by the head of the agency, as the new service's form is.
        .submit_attachments = {"signed_application"},
        // Staff may approve fewer accounts than the change asks (term 4.4), with a reason.
        .decisions =
            {{.id = "approve",
              .to = "approved",
              .inputs = {{.field = field::kApprovedMail,
                          .prefill_from = field::kMoreMailAccounts,
                          .max = kMaxAccounts},
                         {.field = field::kApprovedConference,
                          .prefill_from = field::kMoreConferenceAccounts,
                          .max = kMaxAccounts},
                         {.field = field::kReductionReason,
                          .kind = "text",
                          .help_key = "workd.review.reduction_reason_help",
                          .max = 2000}},
              .effect = [this](db::Connection& c, const workflow::Request& r,
                               const accounts::Principal& actor) { ApproveChange(c, r, actor); }}},
        .withdraw_from = {"draft", "submitted", "needs_info"},
        .print_path = [](const std::string& ref) { return "/workd/changes/" + ref + "/form.pdf"; },
        // The service request it changes is the request's parent, shown as such.
        .display_fields = {field::kApprovedMail, field::kApprovedConference,
                           field::kReductionReason, field::kMembersChange, field::kMoreMailAccounts,
                           field::kMoreConferenceAccounts, field::kRelay, field::kRelayDetails,
                           field::kEffectiveDate, field::kContactNameTh, field::kContactPosition,
                           field::kEmail, field::kMobile},
        .personal_fields = {field::kContactNameTh, field::kContactNameEn, field::kOfficePhone,
                            field::kContactPhone, field::kMobile, field::kEmail,
                            field::kBackupEmail},
        .parents = {{.type = kServiceType, .states = {"approved"}}},
        .texts = {.instructions = "workd.change.print_help",
                  .signatures = {"workd.form.pdf.sign_requester", "workd.form.pdf.sign_head"}},
        .facts = facts,
    });
    // Submitting asks for at least one change, each well formed.
    for (auto& d : wc.transitions)
        if (d.id == "submit" || d.id == "resubmit")
            d.effect = [this](db::Connection& c, const workflow::Request& r,
                              const accounts::Principal&) {
                // The filing check again, on what is stored (the consent and terms as given).
                Json stored = workflow_.OpenData(r);
                if (!stored.is_object()) stored = Json::object();
                RequestForm before = RequestForm::FromData(stored);
                Json in = Json::object(), data = Json::object();
                for (const char* k :
                     {field::kMembersChange, field::kMoreMailAccounts,
                      field::kMoreConferenceAccounts, field::kRelay, field::kRelayDetails})
                    if (stored.contains(k)) in[k] = stored[k];
                for (const auto& k : ChangeFormKeys())
                    if (stored.contains(k)) in[k] = stored[k];
                auto errors = CheckChange(in, MakeFormContext(c, addresses_, config_.zone), &before,
                                          before.pdpa_at, data);
                if (!errors.empty())
                    throw HttpError::Validation(std::move(errors), "workd.form.error.incomplete");
            };
    // The approval's mail says why fewer accounts, when staff approved fewer.
    wc.mail_vars = [this](const workflow::Request& r, const std::string& transition,
                          const std::string& locale) {
        return ApprovalMailVars(r, transition, locale);
    };
    out.push_back(std::move(wc));

    // The hand-over (step 4): opened by the system once the service may be provisioned, due in
    // one working day, closed by staff recording what was done (or, later, by provisioning).
    workflow::RequestType wh;
    wh.id = kHandoverType;
    wh.prefix = "WH";
    wh.sla_unit = core::SlaUnit::kWorkingDays;
    wh.sla_amount = config_.handover_working_days;
    wh.initial_state = "open";
    wh.states = {{"open", workflow::Clock::kRuns}, {"done", workflow::Clock::kStopped, true}};
    auto close = [this](db::Connection& c, const workflow::Request& r, const accounts::Principal&) {
        CloseHandover(c, r);
    };
    wh.transitions.push_back({.id = "close",
                              .from = {"open"},
                              .to = "done",
                              .actor = workflow::Actor::kReviewer,
                              .note_required = true,
                              .note_label_key = "workd.handover.note",
                              .note_error_key = "workd.handover.note_required",
                              .notify_applicant = false,
                              .effect = close});
    wh.transitions.push_back({.id = "provisioned",
                              .from = {"open"},
                              .to = "done",
                              .actor = workflow::Actor::kSystem,
                              .notify_applicant = false,
                              .effect = close});
    wh.applicant_path = [](const std::string& ref) { return "/requests/" + ref; };
    wh.staff_path = [](const std::string& ref) { return "/staff/requests/" + ref; };
    wh.display_fields = {"domain",
                         field::kApprovedMail,
                         field::kApprovedConference,
                         field::kEffectiveDate,
                         field::kContactNameTh,
                         field::kContactPosition,
                         field::kOfficePhone,
                         field::kMobile,
                         field::kEmail};
    wh.personal_fields = {field::kContactNameTh, field::kOfficePhone, field::kMobile,
                          field::kEmail};
    wh.parents = {{.type = kServiceType, .states = {"approved"}}};
    wh.remind_before_hours = 4;
    wh.facts = facts;
    out.push_back(std::move(wh));
    return out;
}

std::vector<std::pair<std::string, std::string>> WorkdService::ApprovalMailVars(
    const workflow::Request& r, const std::string& transition, const std::string& locale) {
    if (transition != "approve") return {};
    Json data = DataOf(r);
    bool change = r.type == kChangeType;
    int64_t asked_mail =
        CountOf(data, change ? field::kMoreMailAccounts : field::kMailAccounts).value_or(0);
    int64_t asked_conf =
        CountOf(data, change ? field::kMoreConferenceAccounts : field::kConferenceAccounts)
            .value_or(0);
    bool reduced = CountOf(data, field::kApprovedMail).value_or(asked_mail) < asked_mail ||
                   CountOf(data, field::kApprovedConference).value_or(asked_conf) < asked_conf;
    std::string reduction;
    if (reduced)
        reduction = i18n_.Localize(
            locale, core::Message("workd.mail.approve.reduction_line",
                                  {{"reason", TextOf(data, field::kReductionReason)}}));
    if (change) return {{"mail_reduction_line", reduction}};
    auto s = db_.Read([&](db::Connection& c) { return store::ServiceOfRequest(c, r.id); });
    const std::string domain = s ? s->domain : "";
    std::string next;
    if (TextOf(data, field::kDomainKind) == "own") {
        next = i18n_.Localize(locale,
                              core::Message("workd.mail.approve.next_own", {{"domain", domain}})) +
               "\n- " + i18n_.Get(locale, "workd.domain.next_step") + ": " + config_.site_url +
               "/workd/requests/" + r.reference + "/dns\n";
    } else {
        next = i18n_.Localize(locale, core::Message("workd.mail.approve.next_subdomain",
                                                    {{"domain", domain}})) +
               "\n";
    }
    return {{"mail_reduction_line", reduction}, {"next_steps", next}};
}

void WorkdService::Approve(db::Connection& c, const workflow::Request& r,
                           const accounts::Principal& actor) {
    Json data = DataOf(r);
    auto [mail, conf] = ApprovedCounts(data, field::kMailAccounts, field::kConferenceAccounts);

    auto agency =
        r.organization_id.empty() ? std::nullopt : agencies::store::Find(c, r.organization_id);
    if (!agency || agency->state == agencies::AgencyState::kDeleted)
        throw HttpError(409, "conflict", "workd.review.no_agency");
    if (store::FindService(c, agency->id))
        throw HttpError(409, "conflict", "workd.review.service_exists");
    std::string now = core::IsoUtc(now_() * 1000000);
    // A new agency joins the directory with its approval; its filer administers it. So does the
    // filer of a directory agency they were no member of (the signed form names them as the
    // agency's contact; the facts warned the reviewer): said in the request's audit trail.
    if (agency->state == agencies::AgencyState::kPending) {
        agency->state = agencies::AgencyState::kActive;
        agency->modified = now;
        agencies::store::Update(c, *agency);
    }
    if (!agencies::store::RoleOf(c, r.applicant_id, agency->id)) {
        agencies::store::SetMember(c, agency->id,
                                   {.user_id = r.applicant_id, .role = agencies::Role::kAdmin});
        Json details{{"reference", r.reference},
                     {"agency", agency->name},
                     {"user_id", r.applicant_id},
                     {"role", "admin"}};
        audit::Record(c, {actor.user_id, ""}, "workd.filer_made_admin", "workflow_request", r.id,
                      details);
        audit::Record(c, {actor.user_id, ""}, "workd.filer_made_admin", "organization", agency->id,
                      details);
    }
    CheckWithinBudget(c, FiscalYearAt(now_()), config_.default_mail_allocation,
                      config_.default_conference_allocation, mail, conf);
    bool own = TextOf(data, field::kDomainKind) == "own";
    Service s{.agency_id = agency->id,
              .request_id = r.id,
              .state = own ? kServiceAwaitingDns : kServiceProvisioning,
              .domain = DomainOf(data, config_.zone),
              .mail_accounts = mail,
              .conference_accounts = conf,
              .created = now,
              .updated = now};
    store::InsertService(c, s);
    store::InsertCommitment(c, {.request_id = r.id,
                                .agency_id = agency->id,
                                .fiscal_year = FiscalYearAt(now_()),
                                .mail_accounts = mail,
                                .conference_accounts = conf,
                                .decided = now,
                                .decided_by = actor.user_id});
    if (on_approved_domain) on_approved_domain(c, r);
    // A subdomain is ready at once: the hand-over opens.
    if (!own) OpenHandover(c, r.id);
}

void WorkdService::ApproveChange(db::Connection& c, const workflow::Request& r,
                                 const accounts::Principal& actor) {
    Json data = DataOf(r);
    auto s = r.organization_id.empty() ? std::nullopt : store::FindService(c, r.organization_id);
    if (!s) throw HttpError(409, "conflict", "workd.review.no_service");
    // A change applies to a running service: not to a suspended one (reinstate it first).
    auto parent = r.parent_id.empty() ? std::nullopt : workflow::store::FindRequest(c, r.parent_id);
    if ((parent && parent->state != "approved") || s->state == kServiceSuspended)
        throw HttpError(409, "conflict", "workd.review.service_suspended");
    int64_t asked_mail = std::max<int64_t>(0, CountOf(data, field::kMoreMailAccounts).value_or(0));
    int64_t asked_conf =
        std::max<int64_t>(0, CountOf(data, field::kMoreConferenceAccounts).value_or(0));
    if (asked_mail > kMaxAccounts || asked_conf > kMaxAccounts)
        throw HttpError::Validation(
            {{asked_mail > kMaxAccounts ? field::kMoreMailAccounts : field::kMoreConferenceAccounts,
              "workd.change.bad_count"}});
    // Staff may approve fewer than asked, with a reason, as for a new service.
    auto [more_mail, more_conf] =
        ApprovedCounts(data, field::kMoreMailAccounts, field::kMoreConferenceAccounts);
    CheckWithinBudget(c, FiscalYearAt(now_()), config_.default_mail_allocation,
                      config_.default_conference_allocation, more_mail, more_conf);
    std::string now = core::IsoUtc(now_() * 1000000);
    s->mail_accounts += more_mail;
    s->conference_accounts += more_conf;
    std::string relay = TextOf(data, field::kRelay);
    if (relay == "open" || relay == "change") s->relay = "open";
    s->updated = now;
    store::UpdateService(c, *s);
    if (more_mail > 0 || more_conf > 0)
        store::InsertCommitment(c, {.request_id = r.id,
                                    .agency_id = s->agency_id,
                                    .fiscal_year = FiscalYearAt(now_()),
                                    .mail_accounts = more_mail,
                                    .conference_accounts = more_conf,
                                    .decided = now,
                                    .decided_by = actor.user_id});
}

void WorkdService::Suspend(db::Connection& c, const workflow::Request& r, bool suspend) {
    auto s = store::ServiceOfRequest(c, r.id);
    if (!s) throw HttpError(409, "conflict", "workd.review.no_service");
    if (suspend) {
        s->state = kServiceSuspended;
    } else if (!s->opened.empty()) {
        s->state = kServiceActive;
    } else {
        // Back to where it waited: its hand-over if one is open, else the agency's DNS (an own
        // domain) or the hand-over still to open.
        bool handover_open = false;
        for (const auto& child : workflow::store::ChildrenOf(c, r.id))
            if (child.type == kHandoverType && child.closed.empty()) handover_open = true;
        bool own = TextOf(DataOf(r), field::kDomainKind) == "own";
        s->state = handover_open || !own ? kServiceProvisioning : kServiceAwaitingDns;
    }
    s->updated = core::IsoUtc(now_() * 1000000);
    store::UpdateService(c, *s);
}

void WorkdService::DropPendingAgency(db::Connection& c, const workflow::Request& r) {
    if (r.organization_id.empty()) return;
    auto agency = agencies::store::Find(c, r.organization_id);
    if (!agency || agency->state != agencies::AgencyState::kPending) return;
    if (workflow::store::OpenRequestsOfAgency(c, agency->id, r.id) > 0) return;
    agency->state = agencies::AgencyState::kDeleted;
    agency->modified = core::IsoUtc(now_() * 1000000);
    agencies::store::Update(c, *agency);
}

void WorkdService::OpenHandover(db::Connection& c, const std::string& service_request_id) {
    if (auto s = store::ServiceOfRequest(c, service_request_id);
        s && s->state != kServiceProvisioning && s->opened.empty()) {
        s->state = kServiceProvisioning;
        s->updated = core::IsoUtc(now_() * 1000000);
        store::UpdateService(c, *s);
    }
    // Queued in the caller's transaction: the hand-over opens only if the step committed.
    if (jobs_)
        jobs_->Enqueue(kOpenHandoverJob, Json{{"request_id", service_request_id}}.dump(),
                       {.max_attempts = 5, .subject = "workd:handover:" + service_request_id});
}

std::optional<workflow::Request> WorkdService::CreateHandover(
    const std::string& service_request_id) {
    auto wd = db_.Read(
        [&](db::Connection& c) { return workflow::store::FindRequest(c, service_request_id); });
    if (!wd || wd->type != kServiceType || wd->state != "approved") return std::nullopt;
    auto children =
        db_.Read([&](db::Connection& c) { return workflow::store::ChildrenOf(c, wd->id); });
    for (const auto& child : children)
        if (child.type == kHandoverType) return child;  // opened already (a job run twice)
    auto s = db_.Read([&](db::Connection& c) { return store::ServiceOfRequest(c, wd->id); });
    Json data = {{"domain", s ? s->domain : ""},
                 {field::kApprovedMail, s ? s->mail_accounts : 0},
                 {field::kApprovedConference, s ? s->conference_accounts : 0}};
    // Whom staff hand the accounts to, and from when the agency asked for the service.
    Json asked = workflow_.OpenData(*wd);
    for (const char* k : {field::kEffectiveDate, field::kContactNameTh, field::kContactPosition,
                          field::kOfficePhone, field::kMobile, field::kEmail})
        if (asked.contains(k) && asked[k].is_string()) data[k] = asked[k];
    accounts::Principal applicant;
    applicant.user_id = wd->applicant_id;
    return workflow_.Create(applicant,
                            {.type = kHandoverType,
                             .organization_id = wd->organization_id,
                             .parent = wd->id,
                             .subject = wd->subject,
                             .data_json = data.dump(),
                             .by_system = true},
                            "");
}

void WorkdService::CloseHandover(db::Connection& c, const workflow::Request& handover) {
    auto wd = workflow::store::FindRequest(c, handover.parent_id);
    if (!wd) throw HttpError(409, "conflict", "workd.review.no_service");
    auto s = store::ServiceOfRequest(c, wd->id);
    if (!s) throw HttpError(409, "conflict", "workd.review.no_service");
    // A suspended service is not opened (nor announced as open): reinstate it first.
    if (wd->state != "approved" || s->state == kServiceSuspended)
        throw HttpError(409, "conflict", "workd.review.service_suspended");
    std::string now = core::IsoUtc(now_() * 1000000);
    s->state = kServiceActive;
    s->opened = now;
    s->updated = now;
    store::UpdateService(c, *s);
    // Who is told: the agency's administrators, and the contact e-mail the request gave.
    std::vector<std::pair<std::string, std::string>> to;  // address, locale
    auto add = [&to](const std::string& email, const std::string& locale) {
        std::string lower = core::ToLower(core::Trim(email));
        if (lower.empty()) return;
        for (const auto& [e, l] : to)
            if (e == lower) return;
        to.emplace_back(lower, locale == "en" ? "en" : "th");
    };
    std::string applicant_locale = "th";
    if (auto u = accounts::store::FindUserById(c, wd->applicant_id)) applicant_locale = u->locale;
    for (const auto& m : agencies::store::Members(c, s->agency_id))
        if (m.role == agencies::Role::kAdmin)
            if (auto u = accounts::store::FindUserById(c, m.user_id);
                u && u->state == accounts::UserState::kActive)
                add(u->email, u->locale);
    add(TextOf(DataOf(*wd), field::kEmail), applicant_locale);
    auto agency = agencies::store::Find(c, s->agency_id);
    for (const auto& [email, locale] : to)
        Mail(email, locale, "workd.mail.service_open",
             {{"reference", wd->reference},
              {"agency", agency ? agency->Title(locale) : ""},
              {"domain", s->domain},
              {"mail", Grouped(s->mail_accounts)},
              {"conference", Grouped(s->conference_accounts)},
              // What staff did, when they said (provisioning by the system says nothing).
              {"note_line",
               handover.step_note.empty()
                   ? std::string()
                   : core::Message("workd.mail.note_line", {{"note", handover.step_note}})},
              {"link", config_.site_url + "/workd"},
              {"site", workflow_.SiteTitle(locale)}});
}

void WorkdService::Mail(const std::string& to, const std::string& locale, const std::string& key,
                        const std::vector<std::pair<std::string, std::string>>& vars) {
    mail::Message m;
    m.to = to;
    m.subject = i18n_.Localize(locale, core::Message(key + ".subject", vars));
    m.text = mail::TidyBlankLines(i18n_.Localize(locale, core::Message(key + ".body", vars)));
    try {
        send_mail_(m);
    } catch (const std::exception& e) {
        core::LogWarn("workd.mail", std::string("could not send: ") + e.what());
    }
}

const std::vector<const char*>& ChangeContactFields() {
    static const std::vector<const char*> keys = {
        field::kContactNameTh, field::kContactNameEn, field::kContactPosition, field::kOfficePhone,
        field::kContactPhone,  field::kMobile,        field::kEmail,           field::kBackupEmail};
    return keys;
}

workflow::Request WorkdService::FileChange(const accounts::Principal& p, const std::string& parent,
                                           const std::string& data_json, const std::string& ip) {
    Json in = Json::parse(data_json, nullptr, false);
    if (!in.is_object()) throw HttpError::Validation({{"data", "workflow.bad_data"}});
    // Who first: a current admin of the parent's agency (its applicant only when it names no
    // agency), while it is approved (409
    // naming `parent` otherwise, before anything about the fields is said).
    workflow::Request parent_request = workflow_.ParentFor(p, workflow_.Type(kChangeType), parent);
    // The contact part not given (the API) is the approved request's, as the page prefills it.
    RequestForm parent_form = RequestForm::FromData(workflow_.OpenData(parent_request));
    for (const char* k : ChangeContactFields())
        if (!in.contains(k))
            if (auto v = parent_form.Get(k); !v.empty()) in[k] = v;
    Json data = Json::object();
    auto errors = db_.Read([&](db::Connection& c) {
        return CheckChange(in, MakeFormContext(c, addresses_, config_.zone), nullptr,
                           core::IsoUtc(now_() * 1000000), data);
    });
    if (!errors.empty()) throw HttpError::Validation(std::move(errors));
    // The change is about what its parent is about (Create checks who may file it again).
    data[field::kServiceRequest] = parent_request.reference;
    return workflow_.Create(p,
                            {.type = kChangeType,
                             .parent = parent_request.reference,
                             .subject = parent_request.subject,
                             .data_json = data.dump()},
                            ip);
}

std::pair<workflow::Request, RequestForm> WorkdService::ChangeParent(const accounts::Principal& p,
                                                                     const std::string& reference) {
    bool may_file = false;
    auto found = db_.Read([&](db::Connection& c) -> std::optional<workflow::Request> {
        auto r = workflow::store::FindRequest(c, reference);
        if (!r)
            r = workflow::store::FindRequest(
                c, workflow::WorkflowService::NormalizeReference(reference));
        if (!r || r->type != kServiceType) return std::nullopt;
        // As WorkflowService::ParentFor: a current admin of its agency; its applicant only
        // when it names no agency (one removed from the agency keeps no right to change it).
        may_file = r->organization_id.empty()
                       ? r->applicant_id == p.user_id
                       : agencies::store::RoleOf(c, p.user_id, r->organization_id) ==
                             agencies::Role::kAdmin;
        // Its applicant, who reads the request anyway, is told when it is not approved yet.
        if (may_file || r->applicant_id == p.user_id) return r;
        return std::nullopt;
    });
    if (!found) throw HttpError::NotFound("workflow.not_found");
    if (found->state != "approved")
        throw HttpError(
            409, "conflict",
            core::Message("workd.change.not_approved", {{"reference", found->reference}}));
    if (!may_file) throw HttpError::NotFound("workflow.not_found");
    return {*found, RequestForm::FromData(workflow_.OpenData(*found))};
}

std::optional<Service> WorkdService::ServiceOf(const std::string& agency_id) {
    return db_.Read([&](db::Connection& c) { return store::FindService(c, agency_id); });
}

int WorkdService::FiscalYearAt(int64_t epoch_seconds) {
    return FiscalYearBE(core::IsoDay(core::BangkokDay(epoch_seconds)));
}

bool WorkdService::CanReadBudget(const accounts::Principal* p) {
    return p && (p->sysadmin || workflow_.IsReviewer(p, kServiceType) ||
                 workflow_.IsReviewer(p, kChangeType));
}

Budget WorkdService::BudgetOf(int fiscal_year) {
    return db_.Read([&](db::Connection& c) {
        Budget b =
            store::FindBudget(c, fiscal_year)
                .value_or(Budget{.fiscal_year = fiscal_year,
                                 .mail_allocation = config_.default_mail_allocation,
                                 .conference_allocation = config_.default_conference_allocation});
        auto [mail, conf] = store::Committed(c, fiscal_year);
        b.mail_committed = mail;
        b.conference_committed = conf;
        return b;
    });
}

Budget WorkdService::ReadBudget(const accounts::Principal& p, int fiscal_year) {
    if (!CanReadBudget(&p)) throw HttpError::Forbidden("workd.budget.staff_only");
    if (fiscal_year < 2500 || fiscal_year > 2800)
        throw HttpError::Validation({{"year", "workd.budget.bad_year"}});
    return BudgetOf(fiscal_year);
}

std::vector<Budget> WorkdService::Budgets(const accounts::Principal& p) {
    if (!CanReadBudget(&p)) throw HttpError::Forbidden("workd.budget.staff_only");
    int current = CurrentFiscalYear();
    std::vector<int> years = db_.Read([](db::Connection& c) { return store::BudgetYears(c); });
    years.push_back(current);
    years.push_back(current + 1);
    std::sort(years.begin(), years.end(), std::greater<int>());
    years.erase(std::unique(years.begin(), years.end()), years.end());
    std::vector<Budget> out;
    for (int y : years) out.push_back(BudgetOf(y));
    return out;
}

Budget WorkdService::SetBudget(const accounts::Principal& p, int fiscal_year, int64_t mail,
                               int64_t conference, const std::string& ip) {
    if (!CanSetBudget(&p)) throw HttpError::Forbidden("workd.budget.sysadmin_only");
    std::vector<FieldError> errors;
    if (fiscal_year < 2500 || fiscal_year > 2800)
        errors.push_back({"year", "workd.budget.bad_year"});
    if (mail < 0 || mail > kMaxAllocation)
        errors.push_back({"mail_accounts", "workd.budget.bad_count"});
    if (conference < 0 || conference > kMaxAllocation)
        errors.push_back({"conference_accounts", "workd.budget.bad_count"});
    if (!errors.empty()) throw HttpError::Validation(std::move(errors));
    db_.Write([&](db::Connection& c) {
        // An allocation below what approvals already committed would be broken at once.
        auto [mail_committed, conf_committed] = store::Committed(c, fiscal_year);
        std::vector<FieldError> below;
        if (mail < mail_committed)
            below.push_back(
                {"mail_accounts", core::Message("workd.budget.below_committed",
                                                {{"committed", Grouped(mail_committed)}})});
        if (conference < conf_committed)
            below.push_back(
                {"conference_accounts", core::Message("workd.budget.below_committed",
                                                      {{"committed", Grouped(conf_committed)}})});
        if (!below.empty()) throw HttpError::Validation(std::move(below));
        auto before = store::FindBudget(c, fiscal_year);
        store::SaveBudget(c, {.fiscal_year = fiscal_year,
                              .mail_allocation = mail,
                              .conference_allocation = conference,
                              .set = true,
                              .updated = core::NowIso(),
                              .updated_by = p.user_id});
        Json details = {{"fiscal_year", fiscal_year},
                        {"mail_accounts", mail},
                        {"conference_accounts", conference}};
        if (before)
            details["before"] = {{"mail_accounts", before->mail_allocation},
                                 {"conference_accounts", before->conference_allocation}};
        audit::Record(c, {p.user_id, ip}, "workd.budget", "workd_budget",
                      std::to_string(fiscal_year), details);
    });
    return BudgetOf(fiscal_year);
}

std::vector<workflow::Fact> WorkdService::Facts(const workflow::Request& r,
                                                const std::string& locale) {
    std::vector<workflow::Fact> out;
    Json data = DataOf(r);
    auto T = [&](const std::string& key,
                 const std::vector<std::pair<std::string, std::string>>& vars = {}) {
        return i18n_.Localize(locale, core::Message(key, vars));
    };
    if (r.type == kServiceType || r.type == kChangeType) {
        auto commitment =
            db_.Read([&](db::Connection& c) { return store::FindCommitment(c, r.id); });
        int year = commitment ? commitment->fiscal_year : CurrentFiscalYear();
        Budget b = BudgetOf(year);
        int64_t this_mail = 0, this_conf = 0;
        if (r.type == kServiceType) {
            this_mail = CountOf(data, field::kApprovedMail)
                            .value_or(CountOf(data, field::kMailAccounts).value_or(0));
            this_conf = CountOf(data, field::kApprovedConference)
                            .value_or(CountOf(data, field::kConferenceAccounts).value_or(0));
        } else {
            this_mail = CountOf(data, field::kMoreMailAccounts).value_or(0);
            this_conf = CountOf(data, field::kMoreConferenceAccounts).value_or(0);
        }
        auto row = [&](const char* label, int64_t committed, int64_t allocation, int64_t mine,
                       int64_t committed_here) {
            workflow::Fact f;
            f.label = T(label, {{"year", std::to_string(year)}});
            f.href = "/staff/workd/budget";
            if (commitment) {
                f.value =
                    T("workd.review.fact_committed_by_this", {{"committed", Grouped(committed)},
                                                              {"allocation", Grouped(allocation)},
                                                              {"this", Grouped(committed_here)}});
                f.warning = committed > allocation;
            } else {
                int64_t after = committed + std::max<int64_t>(0, mine);
                f.value = T("workd.review.fact_would_bring", {{"committed", Grouped(committed)},
                                                              {"allocation", Grouped(allocation)},
                                                              {"after", Grouped(after)}});
                f.warning = after > allocation;
            }
            out.push_back(std::move(f));
        };
        row("workd.review.fact_mail", b.mail_committed, b.mail_allocation, this_mail,
            commitment ? commitment->mail_accounts : 0);
        row("workd.review.fact_conference", b.conference_committed, b.conference_allocation,
            this_conf, commitment ? commitment->conference_accounts : 0);
    }
    // A filer who is no member of the directory agency they chose: the signed form must show
    // the agency asks (the approval makes the filer its admin).
    if (r.type == kServiceType && !r.organization_id.empty()) {
        bool stranger = db_.Read([&](db::Connection& c) {
            auto a = agencies::store::Find(c, r.organization_id);
            return a && a->state == agencies::AgencyState::kActive &&
                   !agencies::store::RoleOf(c, r.applicant_id, a->id);
        });
        if (stranger)
            out.push_back({.label = T("workd.review.fact_filer"),
                           .value = T("workd.review.fact_filer_not_member"),
                           .warning = true});
    }
    workflow::Fact service{.label = T("workd.review.fact_service")};
    auto s = r.organization_id.empty() ? std::nullopt : ServiceOf(r.organization_id);
    if (s) {
        service.value = T("workd.review.fact_service_value",
                          {{"state", "@workd.service_state." + s->state},
                           {"domain", s->domain.empty() ? "-" : s->domain},
                           {"mail", Grouped(s->mail_accounts)},
                           {"conference", Grouped(s->conference_accounts)},
                           {"relay", s->relay == "open" ? "@workd.review.relay_open"
                                                        : "@workd.review.relay_none"}});
    } else {
        service.value = T("workd.review.fact_no_service");
    }
    out.push_back(std::move(service));
    return out;
}

}  // namespace govhub::workd

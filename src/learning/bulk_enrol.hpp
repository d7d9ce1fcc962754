#pragma once
// Bulk enrolment (issue 17): a CSV of people (citizen ID or e-mail per row, enrolment_csv.hpp)
// enrolled in one course by a background job (kind `learning.bulk_enrol`) that writes a
// per-row report as its result.
//
// Who may (decided here, so the page and the JSON agree):
//   - whoever authors the course (LearningService's rule: a sysadmin, the creator, the agency's
//     editors and admins, the course staff): anyone with an account, draft or published;
//   - an agency's administrator (agencies Role::kAdmin): only their agency's staff — members of
//     the agency in the directory, or learners whose profile names the agency — and only into a
//     published course open to self-enrolment (no key), as they could enrol themselves.
// Anyone else: 403 learning.bulk.may_not (an unknown course, or a draft they may not see: 404).
//
// Per row (`BulkOutcome`): enrolled, already enrolled, invited (an e-mail of no account: an
// invitation e-mail, Thai with English below, and a learning_invitations row), already invited,
// identity needed (an account without a verified identity: invited to add it, enrolled when it
// does), no account (a citizen ID: nobody can be invited by ID), not staff (an agency
// administrator's row naming someone outside the agency; for a citizen ID it also covers "no
// account", so an administrator learns nothing about people outside the agency), not active
// (a suspended or closed account), invalid, duplicate.
//
// Citizen IDs never reach the job's payload or report in clear: the payload carries them sealed
// by the vault (purpose learning.bulk.cid), the report masked ("1-1011-XXXXX-XX-9").
// Audit: one `learning.enrol` per enrolment (actor: who started the job; details: the learner
// and the job), one `learning.bulk_enrol` per job with the counts, and `learning.invite` per
// invitation sent.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "accounts/service.hpp"
#include "api/principal.hpp"
#include "core/i18n.hpp"
#include "core/vault.hpp"
#include "jobs/runner.hpp"
#include "jobs/service.hpp"
#include "learning/service.hpp"

namespace govhub::learning {

enum class BulkOutcome {
    kEnrolled,
    kAlreadyEnrolled,
    kInvited,
    kAlreadyInvited,
    kIdentityNeeded,
    kNoAccount,
    kNotStaff,
    kNotActive,
    kInvalid,
    kDuplicate,
};
inline constexpr auto kBulkOutcomeText = core::MakeEnumText<BulkOutcome>({
    {BulkOutcome::kEnrolled, "enrolled"},
    {BulkOutcome::kAlreadyEnrolled, "already_enrolled"},
    {BulkOutcome::kInvited, "invited"},
    {BulkOutcome::kAlreadyInvited, "already_invited"},
    {BulkOutcome::kIdentityNeeded, "identity_needed"},
    {BulkOutcome::kNoAccount, "no_account"},
    {BulkOutcome::kNotStaff, "not_staff"},
    {BulkOutcome::kNotActive, "not_active"},
    {BulkOutcome::kInvalid, "invalid"},
    {BulkOutcome::kDuplicate, "duplicate"},
});

struct BulkConfig {
    std::string site_url;    // the invitation's links
    std::string site_title;  // "" = the i18n default
};

// What the caller may do on a course's bulk enrolment page.
struct BulkAccess {
    Course course;
    bool any_person = false;  // a course author: anyone; else only the chosen agency's staff
    // The agencies the caller administers (id, title in the reader's language), by title.
    std::vector<std::pair<std::string, std::string>> agencies;
};

class BulkEnrolService {
  public:
    static constexpr const char* kJobKind = "learning.bulk_enrol";

    BulkEnrolService(LearningService& learning, jobs::JobService& jobs, const core::Vault* vault,
                     accounts::MailSender send_mail, const core::I18n& i18n, BulkConfig config);

    // 404 learning.course_not_found, 403 learning.bulk.may_not.
    BulkAccess Access(const std::string& course_name, const api::Principal* p,
                      const std::string& locale);
    // Reads the file (ParseEnrolmentCsv: a refused file is a 409 on `file` with its
    // learning.bulk.* key, 413 for file_too_large) and queues the job, owned by the caller.
    // `agency_id`: the agency an administrator enrols for ("" when they administer one, or
    // when the caller authors the course). Returns the job's id.
    std::string Start(const std::string& course_name, std::string_view csv,
                      const std::string& agency_id, const api::Caller& caller);
    // The job's handler: returns the report (JSON text).
    std::string Run(jobs::JobContext& ctx);
    // A bulk enrolment job its owner or a sysadmin may see (nullopt otherwise, and for a job of
    // another kind).
    std::optional<jobs::Job> Find(const std::string& job_id, const api::Principal* p);
    // The pending invitations of the account's e-mail address: each enrols the account (which
    // now has a verified identity: called after the learning sign-up and after adding the
    // identity), is marked accepted and audited. Returns how many enrolled.
    int AcceptInvitations(const std::string& user_id);

  private:
    LearningService& learning_;
    jobs::JobService& jobs_;
    const core::Vault* vault_;
    accounts::MailSender send_mail_;
    const core::I18n& i18n_;
    BulkConfig config_;
};

void RegisterBulkEnrolJob(jobs::JobRunner& runner, BulkEnrolService& bulk);

// The report as CSV (line, row as shown, outcome, message), UTF-8 with a BOM so Excel reads
// Thai; `t` puts an i18n key in the reader's words.
std::string BulkReportCsv(const nlohmann::json& report,
                          const std::function<std::string(const std::string&)>& t);

}  // namespace govhub::learning

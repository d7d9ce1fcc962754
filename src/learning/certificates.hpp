#pragma once
// Certificates (issue 17, steps 5–6): a learner who completed a course requests its certificate
// as a workflow review (`learning_certificate`, LC, on the course's agency, decided within the
// configured working days), or gets it at once where the course is marked auto-approve. Issuing
// (one function for both) freezes a snapshot, picks a code and a status-list bit, and signs an
// Open Badges 3.0 credential, in the deciding transaction, which also queues the PDF's render
// (job learning.render_certificate): the PDF is drawn from the snapshot outside the transaction,
// once, moments after the issue (or on the first download if that comes first), and kept. Staff
// annul a completion; an issued certificate is revoked.
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "accounts/service.hpp"
#include "jobs/service.hpp"
#include "learning/credential.hpp"
#include "learning/service.hpp"
#include "workflow/service.hpp"

namespace govhub::learning {

inline constexpr const char* kCertificateType = "learning_certificate";
// The job that renders an issued certificate's PDF ({"code": ...}).
inline constexpr const char* kRenderCertificateJob = "learning.render_certificate";

struct CertificateConfig {
    std::string data_dir;  // PDFs under <data_dir>/learning/certificates, designs under branding/
    std::string site_url;
    std::string tmp_dir;
    int sla_working_days = 2;  // --learning-certificate-sla-days
};

// A learner's certificate standing in one course, for the course page and the JSON.
struct CertificateStanding {
    // none (not enrolled), not_completed, annulled, can_request, pending, needs_info,
    // rejected (may request again), issued, revoked
    std::string state = "none";
    std::string reference;  // the open or last request
    std::string due;        // ISO, while pending
    std::string note;       // the rejection's or the question's text
    std::optional<Completion> completion;
    std::optional<Certificate> certificate;
};

class CertificateService {
  public:
    CertificateService(LearningService& learning, workflow::WorkflowService& workflow,
                       accounts::AccountService& accounts, jobs::JobService* jobs,
                       const SigningKey& key, accounts::MailSender send_mail,
                       const core::I18n& i18n, CertificateConfig config);

    // The review type (registered by app at start-up).
    workflow::RequestType ReviewType();
    int sla_days() const { return config_.sla_working_days; }

    // The learner asks for the course's certificate: 409 learning.cert.not_completed /
    // .annulled / .already_requested / .already_issued. Auto-approve courses issue at once.
    struct Requested {
        std::string reference;                   // the review (empty when auto-approved)
        std::optional<Certificate> certificate;  // when issued at once
    };
    Requested Request(const std::string& course_key, const api::Caller& caller);
    CertificateStanding StandingOf(const Course& course, const std::string& user_id);
    // The course as `p` may see it (404 otherwise).
    Course CourseFor(const std::string& key, const api::Principal* p);

    // Issues in the caller's transaction (the approval's effect, or an auto-approval).
    Certificate Issue(db::Connection& c, const Course& course, const std::string& user_id,
                      const std::string& request_id, const std::string& actor_id);

    std::optional<Certificate> Find(const std::string& code);
    // The learner, sysadmins, the agency's admins and reviewers who may review its agency.
    bool MaySee(const api::Principal* p, const Certificate& cert);
    // The PDF's path, rendered and stored on first use; never rendered again. A render that
    // failed is remembered (in memory, per code, kRenderFailureSeconds): until then the PDF
    // answers 503 learning.cert.render_failed at once, without rendering again.
    std::string PdfPath(const Certificate& cert);
    // The render job's work: the PDF of the payload's certificate, if not stored yet.
    std::string RunRenderJob(const std::string& payload_json);

    // Revocation: sysadmins, the agency's admins, reviewers of the agency (403 otherwise);
    // 409 learning.cert.reason_required / .already_revoked. Mails the learner.
    Certificate Revoke(const std::string& code, const std::string& reason,
                       const api::Caller& caller);
    // Annulment of a completion: the course's staff managers (LearningService::CanManageStaff:
    // sysadmins, the course's creator, its agency's admins). Open requests show it. The
    // learner's live certificate of the course is revoked with it (same reason, mailed).
    Completion Annul(const std::string& course_key, const std::string& user_key,
                     const std::string& reason, const api::Caller& caller);
    bool MayAnnul(const Course& course, const api::Principal* p);
    std::vector<Completion> Completions(const Course& course, const api::Principal* p);
    // Auto-approve on the course form (authors).
    void SetAutoApprove(const std::string& course_id, bool on, const api::Caller& caller);
    bool AutoApprove(const std::string& course_id);

    std::string VerifyUrl(const std::string& code) const;

  private:
    Course CourseOf(db::Connection& c, const std::string& key);
    void CheckIssuable(db::Connection& c, const Course& course, const std::string& user_id);
    void RenderPdf(const Certificate& cert, const std::string& path);
    // Tells the learner their certificate was revoked (after the transaction).
    void MailRevoked(const Certificate& cert);
    // Throws 503 (with Retry-After) while `code`'s last render failure is remembered.
    void CheckRenderFailure(const std::string& code);
    void RememberRenderFailure(const std::string& code);
    static constexpr int64_t kRenderFailureSeconds = 300;
    static constexpr size_t kMaxRememberedFailures = 10000;

    LearningService& learning_;
    workflow::WorkflowService& workflow_;
    accounts::AccountService& accounts_;
    jobs::JobService* jobs_;  // null: PDFs are rendered on first download only
    const SigningKey& key_;   // BrandingService's, which the JWKS publishes
    accounts::MailSender send_mail_;
    const core::I18n& i18n_;
    CertificateConfig config_;
    std::mutex render_mu_, failed_mu_;
    std::unordered_map<std::string, int64_t> failed_renders_;  // code -> until (epoch seconds)
};

}  // namespace govhub::learning

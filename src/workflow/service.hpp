#pragma once
// The workflow engine: request types registered by the services that use them, transitions
// checked against their declaration (who, from where, with which fields and attachments),
// the SLA clock (clock hours or Thai working days, paused while waiting on the applicant),
// the history in the audit log, a Thai/English e-mail to the people concerned, and the staff
// queue. Staff of a request type hold a membership on ("workflow", <type id>): editor =
// reviewer, admin = administrator; sysadmins are both everywhere.
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "accounts/service.hpp"
#include "audit/audit.hpp"
#include "core/vault.hpp"
#include "core/working_time.hpp"
#include "db/database.hpp"
#include "workflow/model.hpp"

namespace govhub::core {
class I18n;
}

namespace govhub::workflow {

inline constexpr const char* kStaffObjectType = "workflow";
// The kind of a further document the applicant uploads while more information is asked.
inline constexpr const char* kMoreInfoKind = "more_info";

struct WorkflowConfig {
    std::string site_url = "http://localhost:8080";
    std::string site_title;  // empty: the site's default title (site.title), per language
    std::string files_dir = "var/workflow";  // attachments
    int64_t max_attachment_bytes = 10 << 20;
    // Seals every sensitive field (RequestType::sensitive_fields) before a request is stored,
    // so the database never holds them in clear (core/vault.hpp). Null only in tests.
    const core::Vault* vault = nullptr;
};

struct NewRequest {
    std::string type;
    std::string organization_id;  // empty: the parent's, for a child request
    std::string parent;           // a child request: the request it changes (id or reference)
    std::string subject;
    std::string data_json = "{}";
    // Opened by the system in the applicant's name (workD's hand-over): the history records
    // no person as its author.
    bool by_system = false;
};

struct TransitionInput {
    std::string transition;
    std::string note;
    std::string data_json;  // fields to merge into the request's data (a JSON object), optional
    std::string ip;
};

// What became of one request of a bulk decision.
struct BulkOutcome {
    std::string request;    // the id or reference as given
    std::string reference;  // the request's reference when it was found
    bool ok = false;
    std::string state;  // its state after the decision (when ok)
    int status = 0;     // when refused: the HTTP status of the error (403, 404, 409)
    std::string error;  // and its i18n key ("workflow.not_from_this_state")
};

// The most requests one bulk decision may name.
inline constexpr size_t kMaxBulkDecision = 200;
// The most agencies one reviewer's scope for a type may name.
inline constexpr size_t kMaxReviewerAgencies = 200;
// The most documents one request may hold, of every kind together (409 `document` beyond).
inline constexpr size_t kMaxDocumentsPerRequest = 20;

// An agency as a reviewer's scope names it.
struct ScopeAgency {
    std::string id;
    std::string name;  // the short name (slug)
    std::string title;
    std::string title_en;
};

// What a person reviews for one type: their role ("reviewer" or "administrator") and the
// agencies they are scoped to (empty: every agency).
struct ReviewerScope {
    std::string type;
    std::string role;
    std::vector<ScopeAgency> agencies;
};

// A person's scopes, one per type they are staff of.
struct StaffScopes {
    std::string user_id;
    std::string user_name;
    std::vector<ReviewerScope> types;
};

// A past transition, read back from the audit log.
struct HistoryEntry {
    std::string at;
    std::string actor_id;
    std::string transition;
    std::string from;
    std::string to;
    std::string note;
};

class WorkflowService {
  public:
    WorkflowService(db::Database& db, accounts::AccountService& accounts,
                    accounts::MailSender send_mail, const core::I18n& i18n, WorkflowConfig config);

    // At start-up, by each service that files requests.
    void Register(RequestType type);
    const RequestType& Type(const std::string& id) const;
    std::vector<std::string> TypeIds() const;

    Request Create(const accounts::Principal& applicant, const NewRequest& in,
                   const std::string& ip);
    // The applicant changes their request's data while it is theirs to change: a draft (the
    // type's initial state) or a request waiting on them (a paused clock: needs_info). The data
    // is replaced (sensitive fields sealed), and the agency and subject when given; `effect`
    // runs in the same transaction (e.g. the directory entry the form names). Audited
    // (workflow.update). 404 when `applicant` did not file it; 409 workflow.not_editable.
    struct DraftUpdate {
        std::string data_json;
        std::optional<std::string> organization_id;
        std::optional<std::string> subject;
        // May change the request (its agency) and the data (unsealed) before they are stored.
        std::function<void(db::Connection&, Request&, nlohmann::json& data)> effect;
    };
    Request UpdateDraft(const accounts::Principal& applicant, const std::string& id_or_reference,
                        const DraftUpdate& in, const std::string& ip);
    // Takes a transition; throws HttpError 403 (not this actor), 409 (not from this state, or
    // missing fields / attachments / note, as field errors).
    Request Transition(const accounts::Principal& actor, const std::string& request_id,
                       const TransitionInput& in);
    // The system's own transitions (a job, a timer), recorded without a person.
    Request TransitionAsSystem(const std::string& request_id, const TransitionInput& in);
    // A bulk decision: the same staff transition (with the same note) on each request named,
    // each its own step (own transaction, audit record and mails), in the order given. A
    // request `actor` may not see is reported as not found; one refused does not stop the
    // others. Throws 403 when `actor` reviews no type at all; 409 for an empty or too long
    // list (kMaxBulkDecision), or no transition.
    std::vector<BulkOutcome> Decide(const accounts::Principal& actor,
                                    const std::vector<std::string>& requests,
                                    const TransitionInput& in);
    // Transitions `p` may take now.
    std::vector<const TransitionDef*> Available(const accounts::Principal* p, const Request& r);

    // The request if `p` is its applicant or staff of its type; nullopt otherwise.
    std::optional<Request> Find(const accounts::Principal* p, const std::string& id_or_reference);
    std::vector<Request> Mine(const accounts::Principal& p, const std::string& type);
    QueuePage Queue(const accounts::Principal& staff, const QueueFilter& f);
    std::vector<HistoryEntry> History(const Request& r);

    SlaStatus Sla(const Request& r, int64_t now_epoch_seconds) const;
    SlaStatus Sla(const Request& r) const;

    // Stores an uploaded file as an attachment: PDF, JPEG or PNG only (by content), size-capped.
    Attachment Attach(const accounts::Principal& p, const std::string& request_id,
                      const std::string& kind, const std::string& temp_path,
                      const std::string& filename);
    std::vector<Attachment> Attachments(const accounts::Principal* p, const Request& r);
    // The attachment if `p` may read it.
    std::optional<Attachment> FindAttachment(const accounts::Principal* p,
                                             const std::string& attachment_id);

    // Document retention: how long a closed request's files stay (sysadmins set it per type;
    // audited), and the purge job's work, which removes the files whose time has come and
    // keeps their records (name, size, SHA-256, when purged).
    TypeSettings Settings(const std::string& type);
    TypeSettings Settings(db::Connection& c, const std::string& type) const;  // in a transaction
    void SetRetention(const accounts::Principal& p, const std::string& type,
                      std::optional<int> days, const std::string& ip);
    int PurgeDueDocuments(int limit = 500);
    // Inside an account's cancellation: erases the applicant's personal fields and name from
    // their requests, and brings the purge of their files forward to `purge_by` at the latest
    // (nullopt: their files keep their own periods).
    void ForgetApplicant(db::Connection& c, const std::string& user_id,
                         const std::string& pseudonym, std::optional<std::string> purge_by);
    // Every request a person filed, for their personal-data download (sensitive fields opened:
    // they are the person's own).
    std::vector<Request> AllRequestsOf(const accounts::Principal& p);

    // Records that `p` was shown the request's sensitive fields in full.
    void RecordSensitiveView(const accounts::Principal& p, const Request& r, const std::string& ip);

    // Sensitive fields are stored sealed with the vault, under the purpose
    // "workflow.<type>.<field>" (a value copied to another type or field does not open).
    // Request::data_json as read from the database holds them sealed; this opens them, for the
    // pages that show them: in full to the type's staff (audited: RecordSensitiveView), on the
    // applicant's own printed form and personal-data download, masked (MaskSensitive) elsewhere.
    // A value no key opens reads as "" (and is logged).
    nlohmann::json OpenData(const Request& r) const;
    // "1-1011-XXXXX-XX-9" for a citizen ID, else an X per byte.
    static std::string MaskSensitive(const std::string& plain);
    static std::string SensitivePurpose(const std::string& type, const std::string& field);
    // Seals what is still plain (requests stored before the vault: run at every start, it finds
    // nothing the second time) and re-seals what an older key version sealed (the vault's
    // rotation job), `batch` requests per transaction.
    accounts::ResealCounts SealSensitiveFields(int batch = 200);

    // The site's name as a mail or printed form says it to a reader of `locale` (never the
    // product's own name): the configured title, or site.title in that language.
    std::string SiteTitle(const std::string& locale) const;

    // A person's name as a page shows it (applicants, reviewers in the history).
    std::optional<std::string> ApplicantName(const std::string& user_id, const std::string& locale);
    // The title of the agency a request concerns in the reader's language (English when it has
    // one), for the request's "organization" field; nullopt when there is no such agency.
    std::optional<std::string> AgencyTitle(const std::string& agency_id, const std::string& locale);

    // The staff of a type (reviewers: Capacity::kEditor and up; administrators: kAdmin), and
    // granting or removing a role there (sysadmins; `capacity` empty removes it).
    std::vector<accounts::User> Staff(const std::string& type, accounts::Capacity min);
    void SetStaff(const accounts::Principal& admin, const std::string& user_key,
                  const std::string& type, std::optional<accounts::Capacity> capacity,
                  const accounts::Caller& caller);

    // Staff of the type (any agency)?
    bool IsReviewer(const accounts::Principal* p, const std::string& type);
    // May `p` review this request: a reviewer of its type whose agency scope, if any, holds the
    // request's agency (sysadmins: always)?
    bool CanReview(const accounts::Principal* p, const Request& r);
    // Reviewer scopes: the agencies a reviewer of a type reviews (empty: every agency). Setting
    // them is for sysadmins (403), audited; each agency key (id or name) must exist (409), and
    // the person must be staff of the type (409).
    std::vector<std::string> ReviewerAgencies(const std::string& user_id, const std::string& type);
    std::vector<std::string> ReviewerAgencyNames(const std::string& user_id,
                                                 const std::string& type);  // for pages
    // (At most kMaxReviewerAgencies agencies: 409 `agencies` otherwise.)
    void SetReviewerAgencies(const accounts::Principal& admin, const std::string& user_key,
                             const std::string& type, const std::vector<std::string>& agencies,
                             const accounts::Caller& caller);
    // Refuses (409 `agencies`, naming the first unknown one) a scope SetReviewerAgencies would
    // refuse, before anything is granted: the roles page checks it before SetStaff.
    void CheckAgencies(const std::vector<std::string>& keys);
    // May `p` read the reviewer scopes of the person `user_id`: sysadmins anyone's, a person
    // their own. Setting them: sysadmins.
    static bool CanReadScopes(const accounts::Principal* p, const std::string& user_id);
    static bool CanSetScopes(const accounts::Principal* p);
    // A person's scopes (user_key: id or name), for `reader` (CanReadScopes: 403 otherwise; a
    // person who does not exist is a 404 for sysadmins, a 403 for everyone else).
    StaffScopes ScopesOf(const accounts::Principal& reader, const std::string& user_key);
    // The agencies `p` is scoped to over every type, for the queue's agency filter (empty for
    // sysadmins and reviewers of every agency).
    std::vector<ScopeAgency> AgenciesReviewed(const accounts::Principal& p);

    // The child requests filed as changes to `r`, those `p` may see.
    std::vector<Request> Children(const accounts::Principal* p, const Request& r);

    // Reminders: e-mails each reviewer (in scope) of each type with `remind_before_hours` about
    // the running requests due within that many hours, once per due time; the count of requests
    // reminded. The reminder job (reminder_job.hpp) calls it every hour.
    int RemindReviewers(int64_t now_epoch_seconds);
    bool IsAdministrator(const accounts::Principal* p, const std::string& type);

    // The holiday table (sysadmins edit it); every edit is audited and moves the due time of
    // every running working-day clock.
    std::vector<Holiday> Holidays(int year = 0);
    void SaveHoliday(const accounts::Principal& p, Holiday h, const std::string& ip);
    void DeleteHoliday(const accounts::Principal& p, const std::string& day, const std::string& ip);
    core::WorkingCalendar Calendar() const;

    // A reference number: prefix, Buddhist-era year, six characters of Crockford's base32
    // (no I, L, O or U). NormalizeReference reads what a person typed ("om 2569 7kq4px",
    // o for 0, i or l for 1) back into that form.
    static std::string NewReference(const std::string& prefix, int64_t epoch_seconds);
    static std::string NormalizeReference(const std::string& typed);
    // The request a child request of type `t` changes (by reference or id), when `applicant`
    // may file one on it: a current admin of the parent's agency, or its applicant when the
    // parent names no agency (a former member keeps no right to it), the parent
    // in a state `t.parents` allows. 409 naming `parent` otherwise (workflow.no_such_parent,
    // workflow.parent_not_changeable).
    Request ParentFor(const accounts::Principal& applicant, const RequestType& t,
                      const std::string& key);

  private:
    // ParentFor for `filer`; null: the system (by_system), which any parent of a right type
    // and state takes.
    Request ParentOf(const accounts::Principal* filer, const RequestType& t,
                     const std::string& key);
    // The ids of live agencies named by id or name, each once; 409 for an unknown one.
    static std::vector<std::string> AgencyIdsOf(db::Connection& c,
                                                const std::vector<std::string>& keys);
    // Points `a.path` into files_dir (the directory stored with it may be another machine's).
    void Locate(Attachment& a) const;
    Request Apply(const accounts::Principal* actor, const std::string& request_id,
                  const TransitionInput& in);
    // Whether `actor` (null: the system) is who `d` names, for this request.
    bool MayTake(const accounts::Principal* actor, const TransitionDef& d, const Request& r);
    // Is the agency in the reviewer's scope for the type (no scope: every agency)?
    static bool ReviewsAgency(db::Connection& c, const std::string& user_id,
                              const std::string& type, const std::string& organization_id);
    // The reviewers of the type to whom the request's agency belongs (their scopes applied).
    std::vector<accounts::User> ReviewersOf(const RequestType& t, const Request& r);
    void Notify(const RequestType& t, const TransitionDef& d, const Request& r,
                const std::string& from, const std::string& note,
                const std::optional<accounts::User>& applicant);
    // Tells the reviewers that the applicant uploaded a further document (more information).
    void NotifyDocument(const RequestType& t, const Request& r, const Attachment& a);
    std::string SearchText(const Request& r) const;
    // Seals the type's sensitive fields present in `data` (new input: every value is plain).
    void SealFields(const RequestType& t, nlohmann::json& data) const;
    void RefreshDueTimes();
    void RequireHolidayEditor(const accounts::Principal& p);

    db::Database& db_;
    accounts::AccountService& accounts_;
    accounts::MailSender send_mail_;
    const core::I18n& i18n_;
    WorkflowConfig config_;
    std::map<std::string, RequestType> types_;

    mutable std::mutex calendar_mu_;
    mutable std::optional<core::WorkingCalendar> calendar_;
    mutable int64_t calendar_loaded_ = 0;
};

const char* ToString(Clock c);

}  // namespace govhub::workflow

#pragma once
// Requests that people file and staff decide (officer membership, account cancellation, a
// certificate, a workD service request), declared as state machines with an SLA clock.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/working_time.hpp"

namespace govhub::db {
class Connection;
}
namespace govhub::api {
struct Principal;
}
namespace govhub::accounts {
using Principal = api::Principal;
}

namespace govhub::workflow {

// What the SLA clock does while a request is in a state: it runs while staff owe the next step,
// pauses while the request waits on the applicant, and stops in a final state.
enum class Clock { kStopped, kRuns, kPaused };

struct StateDef {
    std::string id;  // "submitted"; its label is the i18n key workflow.<type>.state.<id>
    Clock clock = Clock::kStopped;
    bool final = false;
};

// Who may take a transition.
enum class Actor { kApplicant, kReviewer, kAdministrator, kSystem };

struct Request;

// A link an applicant is offered once their request is decided ("your agency's page", "add a
// dataset"): the i18n key of its label and the site-relative URL.
struct NextStep {
    std::string label_key;
    std::string href;
};

// The texts a process words for itself, where the generic ones would say something untrue of
// it (a citizen closing their account has no supervisor to sign with).
struct ProcessTexts {
    // i18n key of the request page's instructions beside the printed form ("print it, sign it
    // with your supervisor, upload the scan"); empty: workflow.print_help.
    std::string instructions;
    // i18n keys of the printed form's signature lines, in order (one or two); only people
    // who can sign it.
    std::vector<std::string> signatures;
};

// A value staff give with a step, declared by the process (the approved account counts of a workD
// approval): the staff page renders it in the step's form, the JSON API lists it with the step,
// and the step merges it into the request's data under `field`. The engine checks its kind and
// bounds (409 naming the field); what it means (never more than asked) is the effect's to check.
struct DecisionInput {
    std::string field;            // the data key it is stored under
    std::string kind = "number";  // "number" (an integer) | "text"
    std::string label_key;        // i18n key; empty: workflow.<type>.field.<field>
    std::string help_key;         // i18n key of a hint under it; empty: none
    std::string prefill_from;     // the data field it starts from (and defaults to)
    int64_t min = 0;              // number: the bounds; text: max is its length in bytes
    int64_t max = 1000000000;
    bool required = false;  // a text that must not be empty
};

// A row of facts the staff page shows beside a request (the budget committed so far, the
// agency's current service): computed by the process when the page is drawn, already in the
// reader's language. `warning` marks it (over the allocation); `href` links it.
struct Fact {
    std::string label;
    std::string value;
    bool warning = false;
    std::string href;
};

struct TransitionDef {
    std::string id;                 // "approve"; label: workflow.<type>.transition.<id>
    std::vector<std::string> from;  // states it leaves
    std::string to;
    Actor actor = Actor::kReviewer;
    bool note_required = false;  // a reason, e.g. for a rejection
    // The step's own note label and its "note missing" error (i18n keys); empty: the workflow's
    // (workflow.note, workflow.note_required). A hand-over's close asks "what was done".
    std::string note_label_key;
    std::string note_error_key;
    std::vector<std::string> required_fields;       // keys of the request's data, non-empty
    std::vector<std::string> required_attachments;  // attachment kinds that must be there
    bool notify_applicant = true;
    bool notify_reviewers = false;
    // Values staff give with the step (DecisionInput), merged into the request's data.
    std::vector<DecisionInput> inputs;
    // Work done in the same transaction as the state change (an approval grants the role).
    // Throwing HttpError refuses the transition with that error.
    std::function<void(db::Connection&, const Request&, const accounts::Principal& actor)> effect;
};

struct RequestType {
    std::string id;      // "officer_membership"
    std::string prefix;  // reference prefix: "OM"
    core::SlaUnit sla_unit = core::SlaUnit::kClockHours;
    int sla_amount = 24;
    std::string initial_state;  // where Create puts a new request
    std::vector<StateDef> states;
    std::vector<TransitionDef> transitions;
    // The applicant's page for a request, given its reference (links in e-mails).
    std::function<std::string(const std::string& reference)> applicant_path;
    std::function<std::string(const std::string& reference)> staff_path;
    // A document the applicant prints and signs (a PDF), given the reference; empty if none.
    std::function<std::string(const std::string& reference)> print_path;
    // Data fields shown masked everywhere but the reviewer's page of the request, where each
    // view is recorded in the audit log (citizen ID numbers).
    std::vector<std::string> sensitive_fields;
    // The order a request's data is shown in (others follow); a value with a label at
    // workflow.<type>.value.<field>.<value> is shown by it.
    std::vector<std::string> display_fields;
    // Data the process keeps for itself (ids, names for its links): not shown on the request pages.
    std::vector<std::string> hidden_fields;
    // Data fields whose value names an agency of the directory (its id or short name): shown by
    // the agency's title in the reader's language, as "organization" is.
    std::vector<std::string> agency_fields;
    // Data fields that identify the applicant; erased when their account is cancelled.
    std::vector<std::string> personal_fields;
    // How many days a closed request's documents are kept before the purge job removes them;
    // nullopt keeps them. The default: sysadmins set it per type on /admin/request-types.
    std::optional<int> retention_days;
    // Child requests: a request of this type may be filed as a change to a request of one of
    // these types that is in one of their states (a change to an approved workD service).
    struct ParentRule {
        std::string type;
        std::vector<std::string> states;
    };
    std::vector<ParentRule> parents;
    // Reviewers are reminded by e-mail once this many hours before a running clock is due
    // (0: no reminders).
    int remind_before_hours = 0;
    // The process's own texts (instructions, signature lines).
    ProcessTexts texts;
    // What the applicant may do next once the request reached its state (shown on an approved
    // request's page and in the decision's e-mail); null or empty: nothing.
    std::function<std::vector<NextStep>(const Request&)> next_steps;
    // Pages of the process's own for its staff (workD's budget), linked from the staff queue for
    // those who review the type: label keys and site-relative URLs.
    std::vector<NextStep> staff_links;
    // A process's own words for a step's mail to the applicant (transition id, locale): extra
    // variables for its template, e.g. a line said only when it applies. A "next_steps" variable
    // given here replaces the next steps block; a template that places {next_steps} itself gets
    // no block appended after its signature. Null: none.
    std::function<std::vector<std::pair<std::string, std::string>>(
        const Request&, const std::string& transition, const std::string& locale)>
        mail_vars;
    // Facts shown to staff beside a request (its staff page, the JSON API for staff), computed
    // when read, in the reader's language (locale "th" | "en"); null: none.
    std::function<std::vector<Fact>(const Request&, const std::string& locale)> facts;

    const StateDef* State(const std::string& id) const {
        for (const auto& s : states)
            if (s.id == id) return &s;
        return nullptr;
    }
};

struct Request {
    std::string id;
    std::string type;
    std::string reference;  // "OM-2569-7KQ4PX": prefix, Buddhist-era year, 6 unambiguous chars
    std::string state;
    std::string applicant_id;
    std::string organization_id;  // the agency it concerns, if any
    std::string subject;          // who or what it is about, for the staff queue
    std::string data_json = "{}";
    std::string created, updated, submitted, closed;  // ISO-8601 UTC
    int64_t sla_used = 0;     // seconds of service time used before clock_since
    std::string clock_since;  // when the clock last started; empty while paused or stopped
    std::string due;          // when it is due if the clock keeps running; empty otherwise
    std::string parent_id;    // the request this one changes (a child request); empty: none
    // The note of the step being taken, for that step's effect (a hand-over's "what was done");
    // not stored with the request (the step's audit record keeps it).
    std::string step_note;
};

struct Attachment {
    std::string id;
    std::string request_id;
    std::string kind;  // "signed_application"
    std::string filename;
    std::string content_type;
    int64_t size = 0;
    std::string sha256;
    std::string path;  // under the data dir (read back under the current files_dir)
    std::string uploaded_by;
    std::string uploaded;
    std::string purge_after;  // when the purge job removes the file; empty: kept
    std::string purged;       // when it was removed (the record stays)
};

// The longest retention period a sysadmin may set (a hundred years).
inline constexpr int kMaxRetentionDays = 36500;

// A request type's settings that sysadmins change (the rest is declared in code).
struct TypeSettings {
    std::optional<int> retention_days;
    std::string updated, updated_by;
};

// The clock as a person reads it.
struct SlaStatus {
    Clock clock = Clock::kStopped;
    int64_t budget_seconds = 0;
    int64_t used_seconds = 0;
    int64_t remaining_seconds = 0;     // negative when late
    std::optional<int64_t> due_epoch;  // while the clock runs
    bool overdue = false;
};

struct Holiday {
    std::string day;  // "2026-04-13"
    std::string name_th;
    std::string name_en;
    std::string kind = "fixed";  // fixed | lunar | substitution | special
    bool confirmed = true;       // lunar and substitution days wait for the Cabinet's dates
    std::string updated;
    std::string updated_by;
};

struct QueueFilter {
    std::string type;          // empty: every type the caller reviews
    std::string state;         // empty: every open state
    std::string q;             // reference, name or organization
    std::string organization;  // an agency's id: its requests only (empty: every agency)
    bool overdue_only = false;
    bool include_closed = false;
    int limit = 50;
    int offset = 0;
};

struct QueuePage {
    std::vector<Request> items;
    int64_t total = 0;
};

}  // namespace govhub::workflow

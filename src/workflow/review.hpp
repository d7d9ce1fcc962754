#pragma once
// The service guide's common review process, declared once: a request is filed as a draft,
// submitted with its fields and signed scans, reviewed on an SLA clock (clock hours or Thai
// working days) that pauses while the reviewer waits for more information, and closed by one
// of the decisions the process offers, a rejection, or the applicant's withdrawal.
//
//   draft → submitted ⇄ needs_info → <decision> / rejected / withdrawn
//
// Officer membership, account closure and the workD requests are declared with it; a process
// with another shape declares its `RequestType` by hand.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "workflow/model.hpp"

namespace govhub::workflow {

// One way a reviewer may close the request: a transition from "submitted" to its own final
// state ("approve" → "approved", "execute" → "done", "suspend" → "suspended").
struct ReviewDecision {
    std::string id;  // the transition; label: workflow.<type>.transition.<id>
    std::string to;  // the final state it reaches; label: workflow.<type>.state.<to>
    Actor actor = Actor::kReviewer;  // kAdministrator: only the type's administrators
    bool note_required = false;      // the decision's reason rule
    // Fields of the request's data the decision needs (e.g. the chosen period).
    std::vector<std::string> required_fields;
    // Values the reviewer gives with the decision (the approved counts), merged into the data.
    std::vector<DecisionInput> inputs;
    // Work done in the decision's transaction (grant the role, close the account).
    std::function<void(db::Connection&, const Request&, const accounts::Principal& actor)> effect;
};

struct ReviewOptions {
    std::string id;      // the type: "officer_membership"; its texts are workflow.<id>.*
    std::string prefix;  // reference prefix: "OM"
    core::SlaUnit sla_unit = core::SlaUnit::kClockHours;
    int sla_amount = 24;  // the guide's 24 hours; or e.g. 5 working days

    // What submitting needs: the request's data fields and the signed scans (attachment kinds).
    std::vector<std::string> submit_fields;
    std::vector<std::string> submit_attachments;

    // The decisions offered, in the order the reviewer's page shows them.
    std::vector<ReviewDecision> decisions = {{.id = "approve", .to = "approved"}};
    // A rejection ("reject" → "rejected"), from submitted or needs_info; its reason rule.
    bool reject = true;
    bool reject_note_required = true;
    // The states the applicant may withdraw from ("withdraw" → "withdrawn"); empty: never.
    std::vector<std::string> withdraw_from = {"draft", "needs_info"};
    // Asking for more information ("ask_info" → "needs_info" → "resubmit"); its note rule.
    bool ask_info_note_required = true;

    // The printed form to sign, given the reference; empty: none.
    std::function<std::string(const std::string& reference)> print_path;
    // Pages: by default the workflow's own /requests/{reference} and /staff/requests/{reference}.
    std::function<std::string(const std::string& reference)> applicant_path;
    std::function<std::string(const std::string& reference)> staff_path;

    // Personal data: masked fields (each full view audited), the order fields are shown in,
    // fields the process keeps for itself and never shows, fields erased when the applicant's
    // account is cancelled, and how long a closed request's documents are kept (nullopt: kept).
    std::vector<std::string> sensitive_fields;
    std::vector<std::string> display_fields;
    std::vector<std::string> hidden_fields;
    std::vector<std::string> personal_fields;
    std::optional<int> retention_days;

    // Child requests: this process may be filed as a change to a request of these types in these
    // states (RequestType::parents).
    std::vector<RequestType::ParentRule> parents;
    // Reviewers' reminder before the due time, in hours; nullopt: by the SLA (a sixth of a
    // clock-hour SLA, at least one hour; a day before a working-day one); 0: none.
    std::optional<int> remind_before_hours;

    // The process's own texts: the request page's instructions and the printed form's
    // signature lines (RequestType::texts).
    ProcessTexts texts;
    // The links offered once a request is decided, computed from it (RequestType::next_steps):
    // e.g. the agency's page and "add dataset" after an officer's approval.
    std::function<std::vector<NextStep>(const Request&)> next_steps;
    // Facts shown to staff beside a request (RequestType::facts).
    std::function<std::vector<Fact>(const Request&, const std::string& locale)> facts;
};

// The request type of a review process; throws std::invalid_argument on a declaration that
// cannot work (no id or prefix, no decision, a decision reaching a state the process already
// uses, a non-positive SLA, a negative reminder, a parent rule without a type or states).
RequestType MakeReviewType(ReviewOptions o);

}  // namespace govhub::workflow

#include "workflow/review.hpp"

#include <algorithm>
#include <stdexcept>

namespace govhub::workflow {

RequestType MakeReviewType(ReviewOptions o) {
    if (o.id.empty() || o.prefix.empty())
        throw std::invalid_argument("review process: an id and a reference prefix are needed");
    if (o.sla_amount <= 0) throw std::invalid_argument("review process " + o.id + ": SLA <= 0");
    if (o.decisions.empty())
        throw std::invalid_argument("review process " + o.id + ": no decision");
    if (o.remind_before_hours && *o.remind_before_hours < 0)
        throw std::invalid_argument("review process " + o.id + ": negative reminder");
    for (const auto& rule : o.parents)
        if (rule.type.empty() || rule.states.empty())
            throw std::invalid_argument("review process " + o.id +
                                        ": a parent rule needs a type and states");

    RequestType t;
    t.id = o.id;
    t.prefix = o.prefix;
    t.sla_unit = o.sla_unit;
    t.sla_amount = o.sla_amount;
    t.initial_state = "draft";
    t.states = {
        {"draft", Clock::kStopped}, {"submitted", Clock::kRuns}, {"needs_info", Clock::kPaused}};
    auto add_final = [&](const std::string& id) {
        if (t.State(id))
            throw std::invalid_argument("review process " + o.id + ": state " + id + " twice");
        t.states.push_back({id, Clock::kStopped, true});
    };
    for (const auto& d : o.decisions) {
        if (d.id.empty() || d.to.empty())
            throw std::invalid_argument("review process " + o.id + ": a decision without id");
        add_final(d.to);
    }
    if (o.reject) add_final("rejected");
    if (!o.withdraw_from.empty()) add_final("withdrawn");

    t.transitions.push_back({.id = "submit",
                             .from = {"draft"},
                             .to = "submitted",
                             .actor = Actor::kApplicant,
                             .required_fields = o.submit_fields,
                             .required_attachments = o.submit_attachments,
                             .notify_reviewers = true});
    t.transitions.push_back({.id = "ask_info",
                             .from = {"submitted"},
                             .to = "needs_info",
                             .actor = Actor::kReviewer,
                             .note_required = o.ask_info_note_required});
    t.transitions.push_back({.id = "resubmit",
                             .from = {"needs_info"},
                             .to = "submitted",
                             .actor = Actor::kApplicant,
                             .notify_reviewers = true});
    for (auto& d : o.decisions)
        t.transitions.push_back({.id = d.id,
                                 .from = {"submitted"},
                                 .to = d.to,
                                 .actor = d.actor,
                                 .note_required = d.note_required,
                                 .required_fields = d.required_fields,
                                 .inputs = d.inputs,
                                 .effect = std::move(d.effect)});
    if (o.reject)
        t.transitions.push_back({.id = "reject",
                                 .from = {"submitted", "needs_info"},
                                 .to = "rejected",
                                 .actor = Actor::kReviewer,
                                 .note_required = o.reject_note_required});
    if (!o.withdraw_from.empty())
        t.transitions.push_back({.id = "withdraw",
                                 .from = o.withdraw_from,
                                 .to = "withdrawn",
                                 .actor = Actor::kApplicant,
                                 .notify_applicant = false});

    t.applicant_path = o.applicant_path ? std::move(o.applicant_path)
                                        : [](const std::string& ref) { return "/requests/" + ref; };
    t.staff_path = o.staff_path ? std::move(o.staff_path)
                                : [](const std::string& ref) { return "/staff/requests/" + ref; };
    t.print_path = std::move(o.print_path);
    t.sensitive_fields = std::move(o.sensitive_fields);
    t.display_fields = std::move(o.display_fields);
    t.hidden_fields = std::move(o.hidden_fields);
    t.personal_fields = std::move(o.personal_fields);
    t.retention_days = o.retention_days;
    t.parents = std::move(o.parents);
    if (o.texts.signatures.size() > 2)
        throw std::invalid_argument("review process " + o.id + ": more than two signatures");
    t.texts = std::move(o.texts);
    t.next_steps = std::move(o.next_steps);
    t.facts = std::move(o.facts);
    t.remind_before_hours =
        o.remind_before_hours
            ? *o.remind_before_hours
            : (o.sla_unit == core::SlaUnit::kClockHours ? std::max(1, o.sla_amount / 6) : 24);
    return t;
}

}  // namespace govhub::workflow

// The workflow's pages, shared by every request type: RegisterRoutes, and what the route files
// share (pages_internal.hpp): a request as staff and as its applicant see it, its row in a list
// and its SLA clock. The routes are in pages_admin.cpp (the holiday table), api_routes.cpp,
// pages_staff.cpp (roles, the staff queue) and pages_requests.cpp (the applicant's pages).
#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "accounts/middleware.hpp"
#include "core/citizen_id.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/i18n.hpp"
#include "core/strings.hpp"
#include "core/thai_date.hpp"
#include "http/response.hpp"
#include "workflow/pages_internal.hpp"
#include "workflow/routes.hpp"

namespace govhub::workflow {
namespace {

using http::Response;
using render::View;
using Json = nlohmann::json;

// "{n} working days" as `n` reads: the key's `_one` form for 1 ("1 working day"; Thai has no
// plural, its two forms read alike).
std::string Count(const render::PageRenderer& pages, const std::string& locale,
                  const std::string& key, int64_t n) {
    return pages.T(locale, core::Message(n == 1 ? key + "_one" : key, {{"n", std::to_string(n)}}));
}

// "2 วันทำการ 3 ชั่วโมง" / "2 working days 3 hours"; clock hours as hours and minutes.
std::string Duration(int64_t seconds, core::SlaUnit unit, const render::PageRenderer& pages,
                     const std::string& locale) {
    seconds = std::abs(seconds);
    int64_t days = seconds / 86400, hours = seconds % 86400 / 3600, minutes = seconds % 3600 / 60;
    std::string out;
    auto part = [&](int64_t n, const char* key) {
        if (n == 0) return;
        out += (out.empty() ? "" : " ") + Count(pages, locale, key, n);
    };
    if (unit == core::SlaUnit::kWorkingDays) {
        part(days, "workflow.working_days");
        part(hours, "workflow.hours");
    } else {
        part(days * 24 + hours, "workflow.hours");
        part(minutes, "workflow.minutes");
    }
    return out.empty() ? Count(pages, locale, "workflow.minutes", 0) : out;
}

View SlaView(const WorkflowService& service, const Request& r, const render::PageRenderer& pages,
             const std::string& locale) {
    const RequestType& t = service.Type(r.type);
    SlaStatus s = service.Sla(r);
    View v;
    // A stopped clock is "finished" only in a final state; a draft has not started yet.
    const StateDef* state = t.State(r.state);
    std::string clock_key = std::string("workflow.clock_") + ToString(s.clock);
    if (s.clock == Clock::kStopped && !(state && state->final)) clock_key = "workflow.clock_draft";
    v.Set("clock", ToString(s.clock))
        .Set("clock_label", pages.T(locale, clock_key))
        .Set("overdue", s.overdue)
        .Set("running", s.clock == Clock::kRuns)
        .Set("stopped", s.clock == Clock::kStopped)
        .Set("budget", Count(pages, locale,
                             t.sla_unit == core::SlaUnit::kWorkingDays ? "workflow.working_days"
                                                                       : "workflow.hours",
                             t.sla_amount))
        .Set("remaining", Duration(s.remaining_seconds, t.sla_unit, pages, locale))
        .Set("late", s.remaining_seconds < 0);
    if (s.due_epoch) v.Set("due", core::FormatDeadline(*s.due_epoch * 1000000, locale));
    v.Set("has_due", s.due_epoch.has_value());
    return v;
}

}  // namespace

namespace internal {

std::string Label(const render::PageRenderer& pages, const std::string& locale,
                  const std::string& type, const std::string& what, const std::string& id) {
    std::string label = pages.T(locale, "workflow." + type + "." + what + "." + id);
    // A state is a label: "Approved", not "approved" (Thai has no capitals).
    if (what == "state" && !label.empty() && label[0] >= 'a' && label[0] <= 'z')
        label[0] = static_cast<char>(label[0] - 'a' + 'A');
    return label;
}

std::string ShownValue(const std::string& value, const std::string& locale) {
    auto digits = [&](size_t from, size_t n) {
        for (size_t i = from; i < from + n; ++i)
            if (value[i] < '0' || value[i] > '9') return false;
        return true;
    };
    bool iso_day = value.size() >= 10 && digits(0, 4) && value[4] == '-' && digits(5, 2) &&
                   value[7] == '-' && digits(8, 2);
    if (!iso_day) return value;
    if (value.size() == 10)
        return core::FormatIsoDate(value + "T05:00:00Z", locale);  // noon in Bangkok
    if (value[10] == 'T' || value[10] == ' ') return core::FormatIsoDate(value, locale, true);
    return value;
}

std::string DocumentLabel(const render::PageRenderer& pages, const std::string& locale,
                          const std::string& type, const std::string& kind) {
    std::string key = "workflow." + type + ".document." + kind;
    std::string label = pages.T(locale, key);
    if (label == key) label = pages.T(locale, "workflow.document." + kind);
    return label;
}

View RowView(const WorkflowService& service, const Request& r, const render::PageRenderer& pages,
             const std::string& locale) {
    View v;
    v.Set("reference", r.reference)
        .Set("type", pages.T(locale, "workflow." + r.type + ".title"))
        .Set("subject", r.subject)
        .Set("state", r.state)
        .Set("state_label", Label(pages, locale, r.type, "state", r.state))
        .Set("created", core::FormatIsoDate(r.created, locale, true))
        .Set("draft", r.submitted.empty())
        .Set("filed", core::FormatIsoDate(r.submitted, locale, true))
        .Set("sla", SlaView(service, r, pages, locale));
    return v;
}

// A request's page; `staff` chooses the reviewer's view (every field, the steps staff take).
Response RequestPage(WorkflowService& service, const render::PageRenderer& pages,
                     http::Request& req, const Request& r, bool staff,
                     std::vector<FieldError> errors, const std::string& typed_note,
                     const std::map<std::string, std::string>& typed_inputs) {
    const accounts::Principal* p = accounts::CurrentUser(req);
    const std::string& locale = req.locale;
    View v = RowView(service, r, pages, locale);
    v.Set("staff", staff);
    // A draft is not filed yet: when it was started; otherwise when it was filed.
    v.Set("filed_label",
          pages.T(locale, r.submitted.empty() ? "workflow.started" : "workflow.filed"))
        .Set("filed_on",
             core::FormatIsoDate(r.submitted.empty() ? r.created : r.submitted, locale, true));
    std::string base = (staff ? "/staff/requests/" : "/requests/") + r.reference;
    v.Set("base", base);
    if (auto applicant = service.ApplicantName(r.applicant_id, locale))
        v.Set("applicant", *applicant);
    // A change request links to what it changes; a request lists the changes asked of it.
    if (!r.parent_id.empty())
        if (auto parent = service.Find(p, r.parent_id))
            v.Set("parent_reference", parent->reference)
                .Set("parent_href",
                     (staff && service.CanReview(p, *parent) ? "/staff/requests/" : "/requests/") +
                         parent->reference);
    View children = View::List();
    for (const auto& child : service.Children(p, r)) {
        View c = RowView(service, child, pages, locale);
        c.Set("href", (staff && service.CanReview(p, child) ? "/staff/requests/" : "/requests/") +
                          child.reference);
        children.Push(std::move(c));
    }
    v.Set("has_children", !children.items().empty()).Set("children", std::move(children));
    // The request's data, in the order it was given, labelled by the type.
    View fields = View::List();
    // Sensitive fields opened (they are sealed in the database), then shown or masked below.
    Json data = service.OpenData(r);
    const RequestType& type = service.Type(r.type);
    bool shown_in_full = false;
    std::vector<std::string> keys = type.display_fields;
    const auto& hidden = type.hidden_fields;
    if (data.is_object())
        for (auto it = data.begin(); it != data.end(); ++it)
            if (std::find(keys.begin(), keys.end(), it.key()) == keys.end() &&
                std::find(hidden.begin(), hidden.end(), it.key()) == hidden.end())
                keys.push_back(it.key());
    if (data.is_object())
        for (const auto& key : keys) {
            auto it = data.find(key);
            if (it == data.end()) continue;
            View f;
            // Nothing given: no row (an empty line says nothing to the reader).
            if (it->is_null() || (it->is_string() && core::Trim(it->get<std::string>()).empty()))
                continue;
            std::string value = it->is_string() ? it->get<std::string>() : it->dump();
            std::string value_key = "workflow." + r.type + ".value." + key + "." + value;
            if (std::string shown = pages.T(locale, value_key); shown != value_key) value = shown;
            // The agency it concerns, by the title it has now in the reader's language (the
            // data keeps the title it had when filed).
            if (key == "organization")
                value = service.AgencyTitle(r.organization_id, locale).value_or(value);
            else if (std::find(type.agency_fields.begin(), type.agency_fields.end(), key) !=
                         type.agency_fields.end() &&
                     it->is_string())
                value = service.AgencyTitle(it->get<std::string>(), locale).value_or(value);
            const auto& sensitive = type.sensitive_fields;
            if (std::find(sensitive.begin(), sensitive.end(), key) != sensitive.end()) {
                // In full for the reviewer, recorded; masked for everyone else.
                bool digits = core::ParseCitizenId(value).has_value();
                if (staff) {
                    shown_in_full = true;
                    if (digits) value = core::FormatCitizenId(value);
                } else {
                    value = WorkflowService::MaskSensitive(value);
                }
                f.Set("sensitive", true);
            }
            f.Set("label", Label(pages, locale, r.type, "field", key));
            // ISO dates and times in the reader's form (Buddhist era, Bangkok time in Thai).
            f.Set("value", ShownValue(value, locale));
            fields.Push(std::move(f));
        }
    if (shown_in_full && p) service.RecordSensitiveView(*p, r, req.client_ip);
    // The process's facts beside the request (staff only: budgets, the agency's service).
    View facts = View::List();
    if (staff && type.facts)
        for (const auto& fact : type.facts(r, locale)) {
            View f;
            f.Set("label", fact.label)
                .Set("value", fact.value)
                .Set("warning", fact.warning)
                .Set("href", fact.href)
                .Set("has_href", !fact.href.empty());
            facts.Push(std::move(f));
        }
    v.Set("has_facts", !facts.items().empty()).Set("facts", std::move(facts));
    v.Set("has_fields", !fields.items().empty()).Set("fields", std::move(fields));
    View docs = View::List();
    for (const auto& a : service.Attachments(p, r)) {
        View d;
        d.Set("id", a.id)
            .Set("filename", a.filename)
            .Set("kind", DocumentLabel(pages, locale, r.type, a.kind))
            .Set("uploaded", core::FormatIsoDate(a.uploaded, locale, true))
            .Set("uploader", a.uploaded_by.empty()
                                 ? std::string("-")
                                 : service.ApplicantName(a.uploaded_by, locale).value_or("-"))
            .Set("size_kib", std::to_string((a.size + 1023) / 1024))
            .Set("href", "/requests/" + r.reference + "/documents/" + a.id)
            .Set("purged", !a.purged.empty())
            .Set("purged_on", core::FormatIsoDate(a.purged, locale, true))
            .Set("kept_until", core::FormatIsoDate(a.purge_after, locale, true))
            .Set("has_kept_until", !a.purge_after.empty())
            .Set("image", a.purged.empty() && a.content_type.rfind("image/", 0) == 0)
            .Set("pdf", a.purged.empty() && a.content_type == "application/pdf");
        docs.Push(std::move(d));
    }
    v.Set("has_documents", !docs.items().empty()).Set("documents", std::move(docs));
    View history = View::List();
    auto entries = service.History(r);
    // What staff last said about the state the request is in (the question the applicant
    // answers while it waits on them; the decision's reason once decided), shown at the top.
    {
        const StateDef* now = type.State(r.state);
        bool waits = now && now->clock == Clock::kPaused;
        bool decided = now && now->final;
        if (waits || decided)
            for (auto h = entries.rbegin(); h != entries.rend(); ++h) {
                if (h->to != r.state) continue;
                if (!h->note.empty() && h->actor_id != r.applicant_id)
                    v.Set("latest_note", h->note)
                        .Set("latest_note_at", core::FormatIsoDate(h->at, locale, true))
                        .Set("latest_note_label",
                             pages.T(locale, waits ? "workflow.staff_question"
                                                   : "workflow.decision_reason"))
                        .Set("has_latest_note", true);
                break;
            }
    }
    for (const auto& h : entries) {
        View e;
        e.Set("at", core::FormatIsoDate(h.at, locale, true))
            .Set("who", h.actor_id.empty()
                            ? pages.T(locale, "workflow.system")
                            : service.ApplicantName(h.actor_id, locale).value_or("-"))
            .Set("to", Label(pages, locale, r.type, "state", h.to))
            .Set("has_from", !h.from.empty())
            .Set("from", h.from.empty() ? "" : Label(pages, locale, r.type, "state", h.from))
            .Set("note", h.note)
            .Set("has_note", !h.note.empty());
        history.Push(std::move(e));
    }
    v.Set("history", std::move(history));
    View uploads = View::List();
    std::set<std::string> kinds;
    if (!staff && r.closed.empty())
        for (const TransitionDef* d : service.Available(p, r))
            if (d->actor == Actor::kApplicant)
                for (const auto& kind : d->required_attachments)
                    if (kinds.insert(kind).second) {
                        View u;
                        u.Set("kind", kind)
                            .Set("label", Label(pages, locale, r.type, "document", kind));
                        u.Set("help",
                              pages.T(locale, "workflow." + r.type + ".document_help." + kind));
                        uploads.Push(std::move(u));
                    }
    // While the reviewer waits on the applicant, further documents (kMoreInfoKind).
    const StateDef* state = type.State(r.state);
    bool waiting = !staff && r.closed.empty() && state && state->clock == Clock::kPaused;
    if (waiting) {
        View u;
        u.Set("kind", kMoreInfoKind)
            .Set("label", DocumentLabel(pages, locale, r.type, kMoreInfoKind))
            .Set("help", pages.T(locale, "workflow.more_info_help"));
        uploads.Push(std::move(u));
    }
    v.Set("more_info", waiting);
    bool has_uploads = !uploads.items().empty();
    v.Set("has_uploads", has_uploads).Set("uploads", std::move(uploads));
    // The process's own instructions beside its printed form.
    v.Set("print_help",
          pages.T(locale, type.texts.instructions.empty() ? std::string("workflow.print_help")
                                                          : type.texts.instructions));
    // What the applicant does next (the process's next steps; not the reviewer's page): once
    // decided, or before (a process may offer editing its draft).
    View next = View::List();
    if (!staff && state && type.next_steps)
        for (const auto& step : type.next_steps(r)) {
            View n;
            n.Set("label", pages.T(locale, step.label_key)).Set("href", step.href);
            next.Push(std::move(n));
        }
    v.Set("has_next_steps", !next.items().empty()).Set("next_steps", std::move(next));
    if (type.print_path) {
        // A type may name its printed form ("the application", "the request"); once nothing is
        // left to sign and upload (decided, or read by staff) it is a copy of what was filed.
        bool to_sign = has_uploads && !waiting;
        std::string label = to_sign ? "workflow." + r.type + ".print" : "workflow.print_copy";
        if (pages.T(locale, label) == label) label = "workflow.print";
        v.Set("print_href", type.print_path(r.reference)).Set("has_print", true);
        v.Set("print_label", pages.T(locale, label));
    }
    View steps = View::List();
    View step_inputs = View::List();
    for (const TransitionDef* d : service.Available(p, r)) {
        if (staff == (d->actor == Actor::kApplicant)) continue;
        View s;
        // The applicant's step that ends the request (withdrawing) does not look like sending it.
        const StateDef* to = type.State(d->to);
        s.Set("id", d->id)
            .Set("label", Label(pages, locale, r.type, "transition", d->id))
            .Set("note_required", d->note_required)
            .Set("ends", !staff && to && to->final);
        steps.Push(std::move(s));
        // The values staff give with this step (its declared inputs), in its own fieldset.
        if (d->inputs.empty()) continue;
        View group;
        View inputs = View::List();
        for (const auto& in : d->inputs) {
            View f;
            std::string value;
            if (auto typed = typed_inputs.find(in.field); typed != typed_inputs.end()) {
                value = typed->second;
            } else {
                auto it = data.find(in.field);
                if ((it == data.end() || it->is_null()) && !in.prefill_from.empty())
                    it = data.find(in.prefill_from);
                if (it != data.end() && !it->is_null())
                    value = it->is_string() ? it->get<std::string>() : it->dump();
            }
            std::string error;
            for (const auto& e : errors)
                if (e.field == in.field) error = pages.T(locale, e.message);
            f.Set("field", in.field)
                .Set("id", "input-" + in.field)
                .Set("label", pages.T(locale, in.label_key.empty()
                                                  ? "workflow." + r.type + ".field." + in.field
                                                  : in.label_key))
                .Set("help", in.help_key.empty() ? std::string() : pages.T(locale, in.help_key))
                .Set("has_help", !in.help_key.empty())
                .Set("number", in.kind == "number")
                .Set("min", std::to_string(in.min))
                .Set("max", std::to_string(in.max))
                .Set("required", in.required)
                .Set("value", value)
                .Set("error", error)
                .Set("has_error", !error.empty());
            inputs.Push(std::move(f));
        }
        group
            .Set("legend",
                 pages.T(locale,
                         core::Message("workflow.inputs_for",
                                       {{"step", "@workflow." + r.type + ".transition." + d->id}})))
            .Set("inputs", std::move(inputs));
        step_inputs.Push(std::move(group));
    }
    v.Set("has_step_inputs", !step_inputs.items().empty())
        .Set("step_inputs", std::move(step_inputs));
    v.Set("has_steps", !steps.items().empty()).Set("steps", std::move(steps));
    // The note's label: the reviewer's says when a reason is needed; the applicant's is a message.
    // A step may name its own note ("what was done"): used when every step offered here does.
    std::string note_key = staff ? "workflow.note" : "workflow.applicant_note";
    {
        std::set<std::string> own;
        bool all = true;
        for (const TransitionDef* d : service.Available(p, r)) {
            if (staff == (d->actor == Actor::kApplicant)) continue;
            if (d->note_label_key.empty()) all = false;
            own.insert(d->note_label_key);
        }
        if (all && own.size() == 1) note_key = *own.begin();
    }
    v.Set("note_label", pages.T(locale, note_key));
    v.Set("note", typed_note);
    if (!errors.empty()) pages.AddErrors(v, errors, locale);
    int status = errors.empty() ? 200 : 409;
    return Response::Html(
        pages.Render("workflow/request", std::move(v), accounts::PageContextOf(req), r.reference),
        status);
}

std::map<std::string, std::string> StepInputs(
    const TransitionDef& d, const std::function<std::string(const std::string&)>& value_of) {
    std::map<std::string, std::string> out;
    for (const auto& in : d.inputs) {
        std::string value = value_of(in.field);
        // A number left empty starts from its prefill field (the engine fills it).
        if (value.empty() && in.kind == "number") continue;
        out[in.field] = value.substr(0, 4096);
    }
    return out;
}

const accounts::Principal& SignedIn(http::Request& req) {
    return api::RequireUser(api::CurrentUser(req));
}

int ThisYear() {
    return std::stoi(core::IsoDay(core::BangkokDay(core::NowEpochSeconds())).substr(0, 4));
}

int YearParam(const api::Params& args, int fallback) {
    if (!args.Has("year")) return fallback;
    int64_t n = args.Int("year", fallback, std::numeric_limits<int64_t>::min(),
                         std::numeric_limits<int64_t>::max());
    if (n >= 1970 && n <= 2200) return static_cast<int>(n);
    if (n >= 2513 && n <= 2743) return static_cast<int>(n - 543);  // a Buddhist-era year
    return args.Refuse("year", "workflow.bad_year", fallback);
}

Response TakeStep(WorkflowService& service, const render::PageRenderer& pages, http::Request& req,
                  bool staff) {
    const auto& p = SignedIn(req);
    auto r = service.Find(&p, std::string(req.PathParam("reference")));
    if (!r || (staff && !service.CanReview(&p, *r)) || (!staff && r->applicant_id != p.user_id))
        throw HttpError::NotFound("workflow.not_found");
    // The step's declared inputs, from the form; nothing else of the request's data.
    std::string transition = req.FormValue("transition");
    std::map<std::string, std::string> typed;
    for (const auto& d : service.Type(r->type).transitions)
        if (d.id == transition)
            typed = StepInputs(d, [&req](const std::string& f) { return req.FormValue(f); });
    Json patch = Json::object();
    for (const auto& [k, val] : typed) patch[k] = val;
    try {
        service.Transition(p, r->id,
                           {.transition = transition,
                            .note = req.FormValue("note"),
                            .data_json = typed.empty() ? std::string() : patch.dump(),
                            .ip = req.client_ip});
    } catch (const HttpError& e) {
        if (e.fields().empty()) throw;
        return RequestPage(service, pages, req, *r, staff, e.fields(), req.FormValue("note"),
                           typed);
    }
    return Response::Redirect((staff ? "/staff/requests/" : "/requests/") + r->reference);
}

}  // namespace internal

void RegisterRoutes(http::Router& router, WorkflowService& service,
                    const render::PageRenderer& pages) {
    internal::RegisterAdminPages(router, service, pages);
    internal::RegisterApiRoutes(router, service);
    internal::RegisterStaffPages(router, service, pages);
    internal::RegisterRequestPages(router, service, pages);
}

}  // namespace govhub::workflow

// The staff's pages: /staff/roles (who reviews and administers each type, and how long its
// documents are kept), the queue at /staff/requests with its bulk decision, and a request as
// its reviewer sees it.
#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>

#include "accounts/middleware.hpp"
#include "core/error.hpp"
#include "core/i18n.hpp"
#include "core/strings.hpp"
#include "http/response.hpp"
#include "workflow/pages_internal.hpp"

namespace govhub::workflow {
namespace {

using http::Response;
using render::View;
using Json = nlohmann::json;
using internal::Label;
using internal::RowView;

constexpr int kQueuePageRows = 50;

// The queue's filters from a query string, or from the bulk form's copy of them (leniently).
QueueFilter QueueFilterOf(const api::Params& args) {
    return {.type = args.String("type"),
            .state = args.String("state"),
            .q = args.String("q"),
            .organization = args.String("agency"),
            .overdue_only = args.Bool("overdue", false),
            .include_closed = args.Bool("closed", false),
            .limit = kQueuePageRows};
}

int PageOf(const api::Params& args) {
    return static_cast<int>(args.Int("page", 1, 1, 100000));
}

// The query string ("?type=...&page=2", or "") that shows the queue so filtered.
std::string QueueQuery(const QueueFilter& f, int page) {
    std::string out;
    auto add = [&out](const char* key, const std::string& value) {
        if (value.empty()) return;
        out += (out.empty() ? "?" : "&") + std::string(key) + "=" + core::UrlEncode(value);
    };
    add("type", f.type);
    add("state", f.state);
    add("q", f.q);
    add("agency", f.organization);
    add("overdue", f.overdue_only ? "1" : "");
    add("closed", f.include_closed ? "1" : "");
    add("page", page > 1 ? std::to_string(page) : "");
    return out;
}

// What the summary after a bulk decision says about one refusal ("<reference> <i18n key>"):
// the reference as typed and the reason, when it is one of the workflow's own messages (the
// link could have been typed by anyone, so nothing else is shown).
std::optional<View> RefusalView(const std::string& item, const render::PageRenderer& pages,
                                const std::string& locale) {
    auto space = item.find(' ');
    if (space == std::string::npos || space == 0 || space > 40) return std::nullopt;
    std::string ref = item.substr(0, space), key = item.substr(space + 1);
    if (!std::all_of(ref.begin(), ref.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
        }))
        return std::nullopt;
    bool known = (key.rfind("workflow.", 0) == 0 || key.rfind("form.", 0) == 0) &&
                 key.size() < 80 && pages.T(locale, key) != key;
    View v;
    v.Set("reference", ref).Set("why", pages.T(locale, known ? key : "workflow.bulk_refused"));
    return v;
}

// The staff queue: filters, the requests (a checkbox on each one `p` may decide), the bulk
// decision form, and the summary of the last bulk decision when the query carries one.
Response QueueResponse(WorkflowService& service, const render::PageRenderer& pages,
                       http::Request& req, const accounts::Principal& p, const api::Params& args,
                       const std::vector<FieldError>& errors = {}) {
    const std::string& locale = req.locale;
    QueueFilter f = QueueFilterOf(args);
    int page = PageOf(args);
    f.offset = (page - 1) * f.limit;
    QueuePage q = service.Queue(p, f);
    // What the form was sent with, when it comes back with errors.
    std::vector<std::string> checked = args.List("requests", api::ListSplit::kWhole);
    std::string typed_step = errors.empty() ? "" : args.String("transition");
    View v;
    View rows = View::List();
    View steps = View::List();
    std::vector<std::string> step_ids;
    int checkable = 0;
    for (const auto& r : q.items) {
        View row = RowView(service, r, pages, locale);
        bool decidable = false;
        for (const TransitionDef* d : service.Available(&p, r)) {
            if (d->actor != Actor::kReviewer && d->actor != Actor::kAdministrator) continue;
            decidable = true;
            if (std::find(step_ids.begin(), step_ids.end(), d->id) != step_ids.end()) continue;
            step_ids.push_back(d->id);
            View s;
            s.Set("id", d->id)
                .Set("label", Label(pages, locale, r.type, "transition", d->id))
                .Set("note_required", d->note_required)
                .Set("current", d->id == typed_step);
            steps.Push(std::move(s));
        }
        checkable += decidable;
        row.Set("decidable", decidable)
            .Set("checked",
                 std::find(checked.begin(), checked.end(), r.reference) != checked.end());
        rows.Push(std::move(row));
    }
    v.Set("has_requests", !rows.items().empty()).Set("requests", std::move(rows));
    v.Set("can_decide", checkable > 0 && !step_ids.empty()).Set("steps", std::move(steps));
    v.Set("typed_note", errors.empty() ? "" : args.String("note"));
    v.Set("total", q.total).Set("q", f.q).Set("overdue_only", f.overdue_only);
    v.Set("include_closed", f.include_closed).Set("page", page);
    View types = View::List();
    // Each state once: the chosen type's states, or those of every type reviewed (a state
    // several types share, like "submitted", is one filter), labelled by the first type.
    View states = View::List();
    std::vector<std::string> state_ids;
    for (const auto& id : service.TypeIds()) {
        if (!service.IsReviewer(&p, id)) continue;
        View t;
        t.Set("id", id).Set("label", pages.T(locale, "workflow." + id + ".title"));
        t.Set("current", id == f.type);
        types.Push(std::move(t));
        if (!f.type.empty() && id != f.type) continue;
        for (const auto& st : service.Type(id).states) {
            if (std::find(state_ids.begin(), state_ids.end(), st.id) != state_ids.end()) continue;
            state_ids.push_back(st.id);
            View sv;
            // Types that name a shared state differently ("approved, certificate issued") share
            // the workflow's word for it (workflow.state_shared.<id>) when it has one.
            std::string label = Label(pages, locale, id, "state", st.id);
            if (f.type.empty()) {
                std::string shared = "workflow.state_shared." + st.id;
                for (const auto& other : service.TypeIds())
                    if (other != id && service.IsReviewer(&p, other) &&
                        service.Type(other).State(st.id) &&
                        Label(pages, locale, other, "state", st.id) != label &&
                        pages.T(locale, shared) != shared) {
                        label = pages.T(locale, shared);
                        break;
                    }
            }
            sv.Set("id", st.id).Set("label", label);
            sv.Set("current", st.id == f.state);
            states.Push(std::move(sv));
        }
    }
    v.Set("types", std::move(types)).Set("states", std::move(states));
    v.Set("type", f.type).Set("state", f.state);
    // The agency filter, for a reviewer scoped to several agencies.
    auto agencies = service.AgenciesReviewed(p);
    View agency_options = View::List();
    for (const auto& a : agencies) {
        View o;
        o.Set("id", a.id)
            .Set("label", locale == "en" && !a.title_en.empty() ? a.title_en : a.title)
            .Set("current", a.id == f.organization);
        agency_options.Push(std::move(o));
    }
    v.Set("has_agencies", agencies.size() > 1).Set("agencies", std::move(agency_options));
    v.Set("agency", f.organization);
    v.Set("has_prev", page > 1).Set("prev_href", "/staff/requests" + QueueQuery(f, page - 1));
    v.Set("has_next", static_cast<int64_t>(page) * f.limit < q.total)
        .Set("next_href", "/staff/requests" + QueueQuery(f, page + 1));
    // The summary of the bulk decision just made (the redirect's query).
    if (errors.empty() && args.Has("decided")) {
        int64_t decided = args.Int("decided", 0, 0, kMaxBulkDecision);
        int64_t failed = args.Int("failed", 0, 0, kMaxBulkDecision);
        View summary;
        summary.Set("decided", pages.T(locale, core::Message("workflow.bulk_decided",
                                                             {{"n", std::to_string(decided)}})));
        std::string step = args.String("step");
        for (const auto& id : service.TypeIds())
            for (const auto& d : service.Type(id).transitions)
                if (d.id == step && !summary.Find("step"))
                    summary.Set("step", Label(pages, locale, id, "transition", step))
                        .Set("has_step", true);
        View refused = View::List();
        for (const auto& item : args.List("refused", api::ListSplit::kWhole))
            if (auto one = RefusalView(item, pages, locale)) refused.Push(std::move(*one));
        summary.Set("has_failed", failed > 0)
            .Set("failed", pages.T(locale, core::Message("workflow.bulk_failed",
                                                         {{"n", std::to_string(failed)}})))
            .Set("refused", std::move(refused));
        v.Set("summary", std::move(summary)).Set("has_summary", true);
    }
    // The staff pages of the processes the caller reviews (RequestType::staff_links).
    View links = View::List();
    for (const auto& id : service.TypeIds()) {
        const RequestType& t = service.Type(id);
        if (t.staff_links.empty() || !service.IsReviewer(&p, id)) continue;
        for (const auto& l : t.staff_links) {
            View one;
            one.Set("label", pages.T(locale, l.label_key)).Set("href", l.href);
            links.Push(std::move(one));
        }
    }
    v.Set("has_staff_links", !links.items().empty()).Set("staff_links", std::move(links));
    if (!errors.empty()) pages.AddErrors(v, errors, locale);
    return Response::Html(pages.Render("workflow/queue", std::move(v), accounts::PageContextOf(req),
                                       "workflow.queue_title"),
                          errors.empty() ? 200 : 409);
}

}  // namespace

namespace internal {

void RegisterStaffPages(http::Router& router, WorkflowService& service,
                        const render::PageRenderer& pages) {
    // Who reviews and administers each kind of request (sysadmins grant it).
    auto roles_page = [&service, &pages](http::Request& req, const std::vector<FieldError>& errors,
                                         const std::string& typed_user) {
        View v;
        View types = View::List();
        for (const auto& id : service.TypeIds()) {
            View t;
            t.Set("id", id).Set("label", pages.T(req.locale, "workflow." + id + ".title"));
            t.Set("selected", !errors.empty() && req.FormValue("type") == id);
            View staff = View::List();
            auto admins = service.Staff(id, accounts::Capacity::kAdmin);
            for (const auto& u : service.Staff(id, accounts::Capacity::kEditor)) {
                bool admin = std::any_of(admins.begin(), admins.end(),
                                         [&](const accounts::User& a) { return a.id == u.id; });
                View s;
                s.Set("name", u.name).Set("display", u.DisplayName(req.locale));
                std::string scope;
                for (const auto& name : service.ReviewerAgencyNames(u.id, id))
                    scope += (scope.empty() ? "" : ", ") + name;
                s.Set("agencies",
                      scope.empty() ? pages.T(req.locale, "workflow.all_agencies") : scope);
                s.Set("role", pages.T(req.locale, admin ? "workflow.role_administrator"
                                                        : "workflow.role_reviewer"));
                staff.Push(std::move(s));
            }
            t.Set("has_staff", !staff.items().empty()).Set("staff", std::move(staff));
            TypeSettings settings = service.Settings(id);
            t.Set("retention_days", settings.retention_days
                                        ? std::to_string(*settings.retention_days)
                                        : std::string());
            t.Set("retention_label",
                  settings.retention_days
                      ? pages.T(req.locale,
                                core::Message("workflow.retention_days",
                                              {{"n", std::to_string(*settings.retention_days)}}))
                      : pages.T(req.locale, "workflow.retention_forever"));
            types.Push(std::move(t));
        }
        v.Set("types", std::move(types)).Set("typed_user", typed_user);
        // What was typed comes back with the errors.
        if (!errors.empty()) {
            v.Set("typed_agencies", req.FormValue("agencies"));
            std::string role = req.FormValue("role");
            v.Set("role_reviewer", role == "reviewer")
                .Set("role_administrator", role == "administrator");
            v.Set("role_none", role == "none");
        }
        if (!errors.empty()) pages.AddErrors(v, errors, req.locale);
        return Response::Html(pages.Render("workflow/roles", std::move(v),
                                           accounts::PageContextOf(req), "workflow.roles_title"),
                              errors.empty() ? 200 : 409);
    };
    router.Get("/staff/roles", [roles_page](http::Request& req) {
        const accounts::Principal* p = accounts::CurrentUser(req);
        api::RequireUser(p);
        if (!p->sysadmin) throw HttpError::Forbidden("admin.sysadmin_only");
        return roles_page(req, {}, "");
    });
    router.Post("/staff/roles", [&service, roles_page](http::Request& req) {
        const auto& p = SignedIn(req);
        std::string user = core::Trim(req.FormValue("user"));
        std::string role = req.FormValue("role");
        std::optional<accounts::Capacity> capacity;
        if (role == "reviewer") capacity = accounts::Capacity::kEditor;
        if (role == "administrator") capacity = accounts::Capacity::kAdmin;
        try {
            if (role != "none" && !capacity)
                throw HttpError::Validation({{"role", "workflow.choose_role"}});
            accounts::Caller caller{.principal = &p, .ip = req.client_ip, .locale = req.locale};
            // The agencies this person reviews for the type (none typed: every agency), checked
            // before the role is granted, so a refused scope grants nothing.
            std::vector<std::string> agencies;
            for (auto& name : core::Split(req.FormValue("agencies"), ','))
                if (!core::Trim(name).empty()) agencies.push_back(core::Trim(name));
            if (capacity) service.CheckAgencies(agencies);
            service.SetStaff(p, user, req.FormValue("type"), capacity, caller);
            if (capacity)
                service.SetReviewerAgencies(p, user, req.FormValue("type"), agencies, caller);
        } catch (const HttpError& e) {
            if (e.fields().empty()) throw;
            return roles_page(req, e.fields(), user);
        }
        return Response::Redirect("/staff/roles");
    });

    router.Post("/staff/roles/retention", [&service, roles_page](http::Request& req) {
        const auto& p = SignedIn(req);
        std::string typed = core::Trim(req.FormValue("retention_days"));
        try {
            std::optional<int> days;
            if (!typed.empty()) {
                auto n = core::ParseInt(typed);
                if (!n || *n < 0 || *n > kMaxRetentionDays)
                    throw HttpError::Validation({{"retention_days", "workflow.bad_retention"}});
                days = static_cast<int>(*n);
            }
            service.SetRetention(p, req.FormValue("type"), days, req.client_ip);
        } catch (const HttpError& e) {
            if (e.fields().empty()) throw;
            return roles_page(req, e.fields(), "");
        }
        return Response::Redirect("/staff/roles");
    });

    router.Get("/staff/requests", [&service, &pages](http::Request& req) {
        const accounts::Principal* p = accounts::CurrentUser(req);
        api::RequireUser(p);
        Json query = api::QueryJson(req);
        return QueueResponse(service, pages, req, *p,
                             api::Params(query, api::ParamErrors::kFallback));
    });
    // The bulk decision from the queue: the checked requests, one staff step and its note, by
    // the same service call as POST /api/requests/decide; back to the queue with a summary.
    router.Post("/staff/requests/decide", [&service, &pages](http::Request& req) {
        const auto& p = SignedIn(req);
        Json form = api::FormJson(req);
        api::Params args(form, api::ParamErrors::kFallback);
        TransitionInput in{.transition = args.String("transition"),
                           .note = core::Trim(args.String("note")),
                           .ip = req.client_ip};
        std::vector<std::string> refs = args.List("requests", api::ListSplit::kWhole);
        std::vector<BulkOutcome> outcomes;
        try {
            // Nothing ticked or no step chosen: the form again, saying so.
            std::vector<FieldError> missing;
            if (refs.empty()) missing.push_back({"requests", "workflow.bulk_choose"});
            if (in.transition.empty())
                missing.push_back({"transition", "workflow.bulk_choose_step"});
            if (!missing.empty()) throw HttpError::Validation(std::move(missing));
            // A step that needs a reason needs one here too: asked once, not refused per request.
            if (in.note.empty() && !in.transition.empty() && !refs.empty())
                for (const auto& id : service.TypeIds())
                    for (const auto& d : service.Type(id).transitions)
                        if (d.id == in.transition && d.note_required &&
                            d.actor != Actor::kApplicant && service.IsReviewer(&p, id))
                            throw HttpError::Validation({{"note", "workflow.note_required"}});
            outcomes = service.Decide(p, refs, in);
        } catch (const HttpError& e) {
            if (e.fields().empty()) throw;
            return QueueResponse(service, pages, req, p, args, e.fields());
        }
        QueueFilter f = QueueFilterOf(args);
        std::string back = QueueQuery(f, PageOf(args));
        int decided = 0, failed = 0;
        std::string refused;
        for (const auto& o : outcomes) {
            if (o.ok) {
                ++decided;
                continue;
            }
            // The summary names at most a page's worth of refusals (a page lists 50).
            if (++failed > 50) continue;
            const std::string& ref = o.reference.empty() ? o.request : o.reference;
            refused += "&refused=" + core::UrlEncode(ref + " " + o.error);
        }
        back += std::string(back.empty() ? "?" : "&") + "decided=" + std::to_string(decided) +
                "&failed=" + std::to_string(failed) + "&step=" + core::UrlEncode(in.transition) +
                refused;
        return Response::Redirect("/staff/requests" + back + "#queue-summary");
    });
    router.Get("/staff/requests/{reference}", [&service, &pages](http::Request& req) {
        const accounts::Principal* p = accounts::CurrentUser(req);
        api::RequireUser(p);
        auto r = service.Find(p, std::string(req.PathParam("reference")));
        if (!r || !service.CanReview(p, *r)) throw HttpError::NotFound("workflow.not_found");
        return RequestPage(service, pages, req, *r, true);
    });
    router.Post("/staff/requests/{reference}", [&service, &pages](http::Request& req) {
        return TakeStep(service, pages, req, true);
    });
}

}  // namespace internal

}  // namespace govhub::workflow

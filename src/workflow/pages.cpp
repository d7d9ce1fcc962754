// The workflow's pages, shared by every request type: the holiday table, the staff queue, a
// request as staff and as its applicant see it.
#include <algorithm>
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
#include "workflow/routes.hpp"

namespace govhub::workflow {
namespace {

using http::Response;
using render::View;
using Json = nlohmann::json;

// "2 วันทำการ 3 ชั่วโมง" / "2 working days 3 hours"; clock hours as hours and minutes.
std::string Duration(int64_t seconds, core::SlaUnit unit, const render::PageRenderer& pages,
                     const std::string& locale) {
    seconds = std::abs(seconds);
    int64_t days = seconds / 86400, hours = seconds % 86400 / 3600, minutes = seconds % 3600 / 60;
    std::string out;
    auto part = [&](int64_t n, const char* key) {
        if (n == 0) return;
        out += (out.empty() ? "" : " ") +
               pages.T(locale, core::Message(key, {{"n", std::to_string(n)}}));
    };
    if (unit == core::SlaUnit::kWorkingDays) {
        part(days, "workflow.working_days");
        part(hours, "workflow.hours");
    } else {
        part(days * 24 + hours, "workflow.hours");
        part(minutes, "workflow.minutes");
    }
    return out.empty() ? pages.T(locale, core::Message("workflow.minutes", {{"n", "0"}})) : out;
}

View SlaView(const WorkflowService& service, const Request& r, const render::PageRenderer& pages,
             const std::string& locale) {
    const RequestType& t = service.Type(r.type);
    SlaStatus s = service.Sla(r);
    View v;
    v.Set("clock", ToString(s.clock))
        .Set("clock_label", pages.T(locale, std::string("workflow.clock_") + ToString(s.clock)))
        .Set("overdue", s.overdue)
        .Set("running", s.clock == Clock::kRuns)
        .Set("stopped", s.clock == Clock::kStopped)
        .Set("budget", pages.T(locale, core::Message(t.sla_unit == core::SlaUnit::kWorkingDays
                                                         ? "workflow.working_days"
                                                         : "workflow.hours",
                                                     {{"n", std::to_string(t.sla_amount)}})))
        .Set("remaining", Duration(s.remaining_seconds, t.sla_unit, pages, locale))
        .Set("late", s.remaining_seconds < 0);
    if (s.due_epoch) v.Set("due", core::FormatDate(*s.due_epoch * 1000000, locale, true));
    v.Set("has_due", s.due_epoch.has_value());
    return v;
}

std::string Label(const render::PageRenderer& pages, const std::string& locale,
                  const std::string& type, const std::string& what, const std::string& id) {
    return pages.T(locale, "workflow." + type + "." + what + "." + id);
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
        .Set("sla", SlaView(service, r, pages, locale));
    return v;
}

// A request's page; `staff` chooses the reviewer's view (every field, the steps staff take).
Response RequestPage(WorkflowService& service, const render::PageRenderer& pages,
                     http::Request& req, const Request& r, bool staff,
                     std::vector<FieldError> errors = {}, const std::string& typed_note = {}) {
    const accounts::Principal* p = accounts::CurrentUser(req);
    const std::string& locale = req.locale;
    View v = RowView(service, r, pages, locale);
    v.Set("staff", staff);
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
    Json data = Json::parse(r.data_json, nullptr, false);
    const RequestType& type = service.Type(r.type);
    bool shown_in_full = false;
    std::vector<std::string> keys = type.display_fields;
    if (data.is_object())
        for (auto it = data.begin(); it != data.end(); ++it)
            if (std::find(keys.begin(), keys.end(), it.key()) == keys.end())
                keys.push_back(it.key());
    if (data.is_object())
        for (const auto& key : keys) {
            auto it = data.find(key);
            if (it == data.end()) continue;
            View f;
            std::string value = it->is_string() ? it->get<std::string>() : it->dump();
            std::string value_key = "workflow." + r.type + ".value." + key + "." + value;
            if (std::string shown = pages.T(locale, value_key); shown != value_key) value = shown;
            const auto& sensitive = type.sensitive_fields;
            if (std::find(sensitive.begin(), sensitive.end(), key) != sensitive.end()) {
                // In full for the reviewer, recorded; masked for everyone else.
                bool digits = core::ParseCitizenId(value).has_value();
                if (staff) {
                    shown_in_full = true;
                    if (digits) value = core::FormatCitizenId(value);
                } else {
                    value = digits ? core::MaskCitizenId(value) : std::string(value.size(), 'X');
                }
                f.Set("sensitive", true);
            }
            f.Set("label", Label(pages, locale, r.type, "field", key));
            f.Set("value", value);
            fields.Push(std::move(f));
        }
    if (shown_in_full && p) service.RecordSensitiveView(*p, r, req.client_ip);
    v.Set("has_fields", !fields.items().empty()).Set("fields", std::move(fields));
    View docs = View::List();
    for (const auto& a : service.Attachments(p, r)) {
        View d;
        d.Set("id", a.id)
            .Set("filename", a.filename)
            .Set("kind", Label(pages, locale, r.type, "document", a.kind))
            .Set("uploaded", core::FormatIsoDate(a.uploaded, locale, true))
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
    for (const auto& h : service.History(r)) {
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
    v.Set("has_uploads", !uploads.items().empty()).Set("uploads", std::move(uploads));
    if (type.print_path) {
        // A type may name its printed form ("the application", "the request").
        std::string label = "workflow." + r.type + ".print";
        if (pages.T(locale, label) == label) label = "workflow.print";
        v.Set("print_href", type.print_path(r.reference)).Set("has_print", true);
        v.Set("print_label", pages.T(locale, label));
    }
    View steps = View::List();
    for (const TransitionDef* d : service.Available(p, r)) {
        if (staff == (d->actor == Actor::kApplicant)) continue;
        View s;
        s.Set("id", d->id)
            .Set("label", Label(pages, locale, r.type, "transition", d->id))
            .Set("note_required", d->note_required);
        steps.Push(std::move(s));
    }
    v.Set("has_steps", !steps.items().empty()).Set("steps", std::move(steps));
    v.Set("note", typed_note);
    if (!errors.empty()) pages.AddErrors(v, errors, locale);
    int status = errors.empty() ? 200 : 409;
    return Response::Html(
        pages.Render("workflow/request", std::move(v), accounts::PageContextOf(req), r.reference),
        status);
}

const accounts::Principal& SignedIn(http::Request& req) {
    return api::RequireUser(api::CurrentUser(req));
}

int PageParam(const std::string& v) {
    auto n = core::ParseInt(v);
    return n && *n >= 1 && *n <= 100000 ? static_cast<int>(*n) : 1;
}

Holiday HolidayFrom(const http::Request& req) {
    return {.day = core::Trim(req.FormValue("day")),
            .name_th = req.FormValue("name_th"),
            .name_en = req.FormValue("name_en"),
            .kind = req.FormValue("kind", "fixed"),
            .confirmed = req.FormValue("confirmed") == "1"};
}

Response HolidaysPage(WorkflowService& service, const render::PageRenderer& pages,
                      http::Request& req, int year, const std::vector<FieldError>& errors = {},
                      const Holiday& typed = {}) {
    const std::string& locale = req.locale;
    View v;
    v.Set("year", year).Set("year_be", core::BuddhistYear(year));
    v.Set("prev", year - 1).Set("next", year + 1);
    v.Set("prev_be", core::BuddhistYear(year - 1)).Set("next_be", core::BuddhistYear(year + 1));
    View rows = View::List();
    int pending = 0;
    for (const auto& h : service.Holidays(year)) {
        int64_t day = core::DayFromIso(h.day);
        View r;
        r.Set("day", h.day)
            .Set("date", core::FormatDate(core::BangkokDayStart(day) * 1000000, locale))
            .Set("weekday",
                 pages.T(locale, "workflow.weekday_" + std::to_string(core::WeekdayOf(day))))
            .Set("name_th", h.name_th)
            .Set("name_en", h.name_en)
            .Set("name", locale == "en" && !h.name_en.empty() ? h.name_en : h.name_th)
            .Set("kind", h.kind)
            .Set("kind_label", pages.T(locale, "workflow.holiday_kind_" + h.kind))
            .Set("confirmed", h.confirmed);
        for (const char* k : {"fixed", "lunar", "substitution", "special"})
            r.Set(std::string("is_") + k, h.kind == k);
        pending += !h.confirmed;
        rows.Push(std::move(r));
    }
    v.Set("has_holidays", !rows.items().empty()).Set("holidays", std::move(rows));
    v.Set("pending", pending).Set("has_pending", pending > 0);
    v.Set("typed_day", typed.day).Set("typed_name_th", typed.name_th);
    v.Set("typed_name_en", typed.name_en)
        .Set("typed_confirmed", typed.confirmed || typed.day.empty());
    for (const char* k : {"fixed", "lunar", "substitution", "special"})
        v.Set(std::string("typed_is_") + k, typed.kind == k);
    if (!errors.empty()) pages.AddErrors(v, errors, locale);
    return Response::Html(pages.Render("workflow/holidays", std::move(v),
                                       accounts::PageContextOf(req), "workflow.holidays_title"),
                          errors.empty() ? 200 : 409);
}

int YearParam(const std::string& v) {
    auto n = core::ParseInt(v);
    if (n && *n >= 1970 && *n <= 2200) return static_cast<int>(*n);
    if (n && *n >= 2513 && *n <= 2743) return static_cast<int>(*n - 543);  // a Buddhist-era year
    return std::stoi(core::IsoDay(core::BangkokDay(core::NowEpochSeconds())).substr(0, 4));
}

}  // namespace

void RegisterRoutes(http::Router& router, WorkflowService& service,
                    const render::PageRenderer& pages) {
    router.Get("/admin/holidays", [&service, &pages](http::Request& req) {
        const accounts::Principal* p = accounts::CurrentUser(req);
        api::RequireUser(p);
        if (!p->sysadmin) throw HttpError::Forbidden("workflow.holidays_sysadmin");
        return HolidaysPage(service, pages, req, YearParam(req.Query("year")));
    });
    router.Post("/admin/holidays", [&service, &pages](http::Request& req) {
        const auto& p = SignedIn(req);
        Holiday h = HolidayFrom(req);
        int year = YearParam(h.day.substr(0, 4));
        try {
            if (req.FormValue("action") == "delete")
                service.DeleteHoliday(p, h.day, req.client_ip);
            else
                service.SaveHoliday(p, h, req.client_ip);
        } catch (const HttpError& e) {
            if (e.fields().empty()) throw;
            return HolidaysPage(service, pages, req, year, e.fields(), h);
        }
        return Response::Redirect("/admin/holidays?year=" + std::to_string(year));
    });
    // The bulk decision (reviewers): {"requests": [ids or references], "transition", "note"};
    // each request its own audited step, the outcome of each in "results".
    router.Post("/api/requests/decide", [&service](http::Request& req) {
        const auto& p = SignedIn(req);
        Json body = Json::parse(req.body, nullptr, false);
        if (!body.is_object() || !body.contains("requests") || !body["requests"].is_array())
            throw HttpError::Validation({{"requests", "form.required"}});
        std::vector<std::string> ids;
        for (const auto& x : body["requests"]) {
            if (!x.is_string()) throw HttpError::Validation({{"requests", "workflow.bad_data"}});
            ids.push_back(x.get<std::string>());
        }
        auto text = [&](const char* key) {
            return body.contains(key) && body[key].is_string() ? body[key].get<std::string>()
                                                               : std::string();
        };
        auto outcomes = service.Decide(
            p, ids, {.transition = text("transition"), .note = text("note"), .ip = req.client_ip});
        Json results = Json::array();
        int failed = 0;
        for (const auto& o : outcomes) {
            Json one = {{"request", o.request}, {"ok", o.ok}};
            if (!o.reference.empty()) one["reference"] = o.reference;
            if (o.ok) {
                one["state"] = o.state;
            } else {
                ++failed;
                one["status"] = o.status;
                one["error"] = o.error;
            }
            results.push_back(std::move(one));
        }
        return Response::Json(
            Json{{"results", results}, {"failed", failed}, {"decided", outcomes.size() - failed}}
                .dump());
    });
    router.Get("/api/holidays", [&service](http::Request& req) {
        Json out = Json::array();
        int year = req.Query("year").empty() ? 0 : YearParam(req.Query("year"));
        for (const auto& h : service.Holidays(year))
            out.push_back({{"date", h.day},
                           {"name_th", h.name_th},
                           {"name_en", h.name_en},
                           {"kind", h.kind},
                           {"confirmed", h.confirmed}});
        return Response::Json(Json{{"holidays", out}}.dump());
    });

    // Who reviews and administers each kind of request (sysadmins grant it).
    auto roles_page = [&service, &pages](http::Request& req, const std::vector<FieldError>& errors,
                                         const std::string& typed_user) {
        View v;
        View types = View::List();
        for (const auto& id : service.TypeIds()) {
            View t;
            t.Set("id", id).Set("label", pages.T(req.locale, "workflow." + id + ".title"));
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
            service.SetStaff(p, user, req.FormValue("type"), capacity, caller);
            // The agencies this person reviews for the type (none typed: every agency).
            if (capacity) {
                std::vector<std::string> agencies;
                for (auto& name : core::Split(req.FormValue("agencies"), ','))
                    if (!core::Trim(name).empty()) agencies.push_back(core::Trim(name));
                if (agencies.size() > 200)
                    throw HttpError::Validation({{"agencies", "workflow.too_many_agencies"}});
                service.SetReviewerAgencies(p, user, req.FormValue("type"), agencies, caller);
            }
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
        QueueFilter f{.type = req.Query("type"),
                      .state = req.Query("state"),
                      .q = req.Query("q"),
                      .overdue_only = req.Query("overdue") == "1",
                      .include_closed = req.Query("closed") == "1",
                      .limit = 50};
        int page = PageParam(req.Query("page"));
        f.offset = (page - 1) * f.limit;
        QueuePage q = service.Queue(*p, f);
        View v;
        View rows = View::List();
        for (const auto& r : q.items) rows.Push(RowView(service, r, pages, req.locale));
        v.Set("has_requests", !rows.items().empty()).Set("requests", std::move(rows));
        v.Set("total", q.total).Set("q", f.q).Set("overdue_only", f.overdue_only);
        v.Set("include_closed", f.include_closed);
        View types = View::List();
        for (const auto& id : service.TypeIds()) {
            if (!service.IsReviewer(p, id)) continue;
            View t;
            t.Set("id", id).Set("label", pages.T(req.locale, "workflow." + id + ".title"));
            t.Set("current", id == f.type);
            View states = View::List();
            for (const auto& s : service.Type(id).states) {
                View st;
                st.Set("id", s.id).Set("label", Label(pages, req.locale, id, "state", s.id));
                st.Set("current", s.id == f.state);
                states.Push(std::move(st));
            }
            t.Set("states", std::move(states));
            types.Push(std::move(t));
        }
        v.Set("types", std::move(types)).Set("type", f.type).Set("state", f.state);
        v.Set("has_prev", page > 1).Set("prev", page - 1);
        v.Set("has_next", static_cast<int64_t>(page) * f.limit < q.total).Set("next", page + 1);
        return Response::Html(pages.Render("workflow/queue", std::move(v),
                                           accounts::PageContextOf(req), "workflow.queue_title"));
    });
    router.Get("/staff/requests/{reference}", [&service, &pages](http::Request& req) {
        const accounts::Principal* p = accounts::CurrentUser(req);
        api::RequireUser(p);
        auto r = service.Find(p, std::string(req.PathParam("reference")));
        if (!r || !service.CanReview(p, *r)) throw HttpError::NotFound("workflow.not_found");
        return RequestPage(service, pages, req, *r, true);
    });
    auto step = [&service, &pages](http::Request& req, bool staff) {
        const auto& p = SignedIn(req);
        auto r = service.Find(&p, std::string(req.PathParam("reference")));
        if (!r || (staff && !service.CanReview(&p, *r)) || (!staff && r->applicant_id != p.user_id))
            throw HttpError::NotFound("workflow.not_found");
        try {
            service.Transition(p, r->id,
                               {.transition = req.FormValue("transition"),
                                .note = req.FormValue("note"),
                                .ip = req.client_ip});
        } catch (const HttpError& e) {
            if (e.fields().empty()) throw;
            return RequestPage(service, pages, req, *r, staff, e.fields(), req.FormValue("note"));
        }
        return Response::Redirect((staff ? "/staff/requests/" : "/requests/") + r->reference);
    };
    router.Post("/staff/requests/{reference}",
                [step](http::Request& req) { return step(req, true); });
    router.Post("/requests/{reference}", [step](http::Request& req) { return step(req, false); });
    router.Get("/requests", [&service, &pages](http::Request& req) {
        const accounts::Principal* p = accounts::CurrentUser(req);
        api::RequireUser(p);
        View v;
        View rows = View::List();
        for (const auto& id : service.TypeIds())
            for (const auto& r : service.Mine(*p, id))
                rows.Push(RowView(service, r, pages, req.locale));
        v.Set("has_requests", !rows.items().empty()).Set("requests", std::move(rows));
        return Response::Html(pages.Render("workflow/mine", std::move(v),
                                           accounts::PageContextOf(req), "workflow.mine_title"));
    });
    router.Get("/requests/{reference}", [&service, &pages](http::Request& req) {
        const accounts::Principal* p = accounts::CurrentUser(req);
        api::RequireUser(p);
        auto r = service.Find(p, std::string(req.PathParam("reference")));
        if (!r || r->applicant_id != p->user_id) {
            // Staff who follow an applicant's link land on their own view of it.
            if (r && service.CanReview(p, *r))
                return Response::Redirect("/staff/requests/" + r->reference);
            throw HttpError::NotFound("workflow.not_found");
        }
        return RequestPage(service, pages, req, *r, false);
    });
    router.Post("/requests/{reference}/documents",
                [&service, &pages](http::Request& req) {
                    const auto& p = SignedIn(req);
                    auto r = service.Find(&p, std::string(req.PathParam("reference")));
                    if (!r || r->applicant_id != p.user_id)
                        throw HttpError::NotFound("workflow.not_found");
                    std::string kind = req.FormValue("kind");
                    const http::Part* part = req.FilePart("document");
                    try {
                        if (!part || !part->file || part->size == 0)
                            throw HttpError::Validation(
                                {{kind.empty() ? "document" : kind, "workflow.file_empty"}});
                        service.Attach(p, r->id, kind, part->file->path(), part->filename);
                    } catch (const HttpError& e) {
                        if (e.fields().empty()) throw;
                        return RequestPage(service, pages, req, *r, false, e.fields());
                    }
                    return Response::Redirect("/requests/" + r->reference);
                },
                {.body_limit = 12 << 20, .upload = true, .rate_limit = "form"});
    router.Get("/requests/{reference}/documents/{id}", [&service](http::Request& req) {
        const accounts::Principal* p = accounts::CurrentUser(req);
        auto a = service.FindAttachment(p, std::string(req.PathParam("id")));
        auto r = a ? service.Find(p, a->request_id) : std::nullopt;
        if (!a || !r || r->reference != req.PathParam("reference"))
            throw HttpError::NotFound("workflow.not_found");
        if (!a->purged.empty()) throw HttpError(410, "gone", "workflow.document_purged");
        return http::DocumentResponse(req, a->path, a->content_type, a->filename,
                                      req.Query("inline") == "1");
    });
}

}  // namespace govhub::workflow

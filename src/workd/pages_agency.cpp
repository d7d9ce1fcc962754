// /workd: workD's home. Everyone reads what the service is and finds "request the service";
// an agency's administrators also see their agency's service (state, clocks, account counts,
// domains with their DNS status, requests with their history) and may request a change.
#include <nlohmann/json.hpp>

#include "accounts/middleware.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"
#include "core/thai_date.hpp"
#include "http/response.hpp"
#include "workd/agency.hpp"
#include "workd/agency_routes.hpp"

namespace govhub::workd {
namespace {

using http::Response;
using render::View;

std::string Grouped(int64_t n) {
    std::string digits = std::to_string(n < 0 ? -n : n), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return n < 0 ? "-" + out : out;
}

std::string Label(const render::PageRenderer& pages, const std::string& locale,
                  const std::string& key) {
    return pages.T(locale, key);
}

View ClockView(const AgencyRequest& ar, const workflow::WorkflowService& wf,
               const render::PageRenderer& pages, const std::string& locale) {
    const auto& t = wf.Type(ar.request.type);
    View v;
    const auto& s = ar.sla;
    bool running = s.clock == workflow::Clock::kRuns;
    bool paused = s.clock == workflow::Clock::kPaused;
    v.Set("running", running)
        .Set("paused", paused)
        .Set("overdue", s.overdue)
        .Set("budget",
             pages.T(locale, core::Message(std::string(t.sla_unit == core::SlaUnit::kWorkingDays
                                                           ? "workflow.working_days"
                                                           : "workflow.hours") +
                                               (t.sla_amount == 1 ? "_one" : ""),
                                           {{"n", std::to_string(t.sla_amount)}})));
    if (s.due_epoch) v.Set("due", core::FormatDeadline(*s.due_epoch * 1000000, locale));
    v.Set("has_due", s.due_epoch.has_value());
    return v;
}

View RequestView(const AgencyRequest& ar, workflow::WorkflowService& wf,
                 const render::PageRenderer& pages, const std::string& locale) {
    const auto& r = ar.request;
    View v;
    v.Set("reference", r.reference)
        .Set("type", r.type)
        .Set("type_label", Label(pages, locale, "workflow." + r.type + ".title"))
        .Set("state", r.state)
        .Set("state_label", Label(pages, locale, "workflow." + r.type + ".state." + r.state))
        .Set("created", core::FormatIsoDate(r.created, locale))
        .Set("has_submitted", !r.submitted.empty())
        .Set("submitted", core::FormatIsoDate(r.submitted, locale))
        .Set("has_closed", !r.closed.empty())
        .Set("closed", core::FormatIsoDate(r.closed, locale))
        .Set("mine", ar.mine)
        .Set("clock", ClockView(ar, wf, pages, locale));
    View history = View::List();
    for (const auto& h : ar.history) {
        View e;
        std::string who = h.actor_id.empty() ? pages.T(locale, "workflow.system")
                                             : wf.ApplicantName(h.actor_id, locale).value_or("");
        e.Set("at", core::FormatIsoDate(h.at, locale, true))
            .Set("who", who)
            .Set("step", Label(pages, locale, "workflow." + r.type + ".transition." + h.transition))
            .Set("to", Label(pages, locale, "workflow." + r.type + ".state." + h.to))
            .Set("note", h.note)
            .Set("has_note", !h.note.empty());
        history.Push(std::move(e));
    }
    v.Set("history", std::move(history)).Set("has_history", !ar.history.empty());
    return v;
}

View AgencyView(const AgencyOverview& o, WorkdService& service, const render::PageRenderer& pages,
                const std::string& locale) {
    auto& wf = service.workflow();
    View v;
    std::string title = locale == "en" && !o.title_en.empty() ? o.title_en : o.title_th;
    v.Set("id", o.agency_name).Set("title", title).Set("pending", o.pending);
    // The service.
    v.Set("has_service", o.service.has_value());
    if (o.service) {
        const auto& s = *o.service;
        v.Set("service_state", s.state)
            .Set("service_state_label", Label(pages, locale, "workd.service_state." + s.state))
            .Set("service_domain", s.domain)
            .Set("mail_approved", Grouped(s.mail_accounts))
            .Set("conference_approved", Grouped(s.conference_accounts))
            .Set("mail_asked", Grouped(o.mail_asked))
            .Set("conference_asked", Grouped(o.conference_asked))
            .Set("mail_cut", o.mail_asked > s.mail_accounts)
            .Set("conference_cut", o.conference_asked > s.conference_accounts)
            .Set("reduction_reason", o.reduction_reason)
            .Set("has_reduction", !o.reduction_reason.empty())
            .Set("relay_open", s.relay == "open")
            .Set("has_opened", !s.opened.empty())
            .Set("opened", core::FormatIsoDate(s.opened, locale))
            .Set("awaiting_dns", s.state == kServiceAwaitingDns)
            .Set("provisioning", s.state == kServiceProvisioning)
            .Set("active", s.state == kServiceActive)
            .Set("suspended", s.state == kServiceSuspended);
    }
    // The clocks now running: the review of a WD or WC, the hand-over of a WH.
    View clocks = View::List();
    for (const auto& ar : o.requests) {
        if (ar.request.closed.size() || ar.sla.clock == workflow::Clock::kStopped) continue;
        View c = ClockView(ar, wf, pages, locale);
        c.Set("what", Label(pages, locale,
                            ar.request.type == kHandoverType ? "workd.agency.clock_handover"
                                                             : "workd.agency.clock_review"))
            .Set("reference", ar.request.reference);
        clocks.Push(std::move(c));
    }
    v.Set("has_clocks", !clocks.items().empty()).Set("clocks", std::move(clocks));
    // Domains.
    View domains = View::List();
    for (const auto& d : o.domains) {
        std::string reference;
        for (const auto& ar : o.requests)
            if (ar.request.id == d.request_id) reference = ar.request.reference;
        View dv;
        dv.Set("name", d.name)
            .Set("own", d.kind == "own")
            .Set("state", d.state)
            .Set("state_label", Label(pages, locale, "workd.domain.state." + d.state))
            .Set("has_checked", !d.last_checked.empty())
            .Set("last_checked", core::FormatIsoDate(d.last_checked, locale, true))
            .Set("reference", reference);
        domains.Push(std::move(dv));
    }
    v.Set("has_domains", !domains.items().empty()).Set("domains", std::move(domains));
    // Requests.
    View requests = View::List();
    for (const auto& ar : o.requests) requests.Push(RequestView(ar, wf, pages, locale));
    v.Set("requests", std::move(requests));
    // Request a change: the change page (pages_change.cpp), the one way to file one.
    v.Set("can_change", !o.change_parent.empty()).Set("change_parent", o.change_parent);
    return v;
}

Response Home(WorkdService& service, const render::PageRenderer& pages, http::Request& req) {
    const std::string& locale = req.locale;
    View v;
    View list = View::List();
    if (const auto* p = accounts::CurrentUser(req))
        for (const auto& o : AgencyOverviews(service, *p))
            list.Push(AgencyView(o, service, pages, locale));
    v.Set("signed_in", accounts::CurrentUser(req) != nullptr)
        .Set("has_agencies", !list.items().empty())
        .Set("agencies", std::move(list))
        .Set("filed", req.Query("filed"))
        .Set("has_filed", !req.Query("filed").empty());
    return Response::Html(pages.Render("workd/agency", std::move(v), accounts::PageContextOf(req),
                                       "services.workd.name"));
}

// The agency view as JSON (GET /api/workd/agencies): the same facts, machine-readable; times
// ISO-8601 UTC, states as their codes.
nlohmann::json OverviewJson(const AgencyOverview& o, WorkdService& service) {
    using Json = nlohmann::json;
    Json a{{"name", o.agency_name},
           {"title", o.title_th},
           {"title_en", o.title_en},
           {"pending", o.pending},
           {"service", nullptr},
           {"domains", Json::array()},
           {"requests", Json::array()},
           {"change_parent", o.change_parent.empty() ? Json(nullptr) : Json(o.change_parent)}};
    if (o.service) {
        const auto& s = *o.service;
        // "used" is null until provisioning exists: nothing is counted yet.
        a["service"] = {
            {"state", s.state},
            {"domain", s.domain},
            {"mail_accounts",
             {{"approved", s.mail_accounts}, {"asked", o.mail_asked}, {"used", nullptr}}},
            {"conference_accounts",
             {{"approved", s.conference_accounts},
              {"asked", o.conference_asked},
              {"used", nullptr}}},
            {"reduction_reason", o.reduction_reason},
            {"relay", s.relay},
            {"opened", s.opened.empty() ? Json(nullptr) : Json(s.opened)}};
    }
    for (const auto& d : o.domains) {
        std::string reference;
        for (const auto& ar : o.requests)
            if (ar.request.id == d.request_id) reference = ar.request.reference;
        a["domains"].push_back({{"name", d.name},
                                {"kind", d.kind},
                                {"state", d.state},
                                {"last_checked", d.last_checked},
                                {"request", reference},
                                {"dns", "/api/workd/requests/" + reference + "/dns"}});
    }
    for (const auto& ar : o.requests) {
        const auto& r = ar.request;
        Json history = Json::array();
        for (const auto& h : ar.history)
            history.push_back(
                {{"at", h.at}, {"transition", h.transition}, {"to", h.to}, {"note", h.note}});
        std::string clock = ar.sla.clock == workflow::Clock::kRuns     ? "running"
                            : ar.sla.clock == workflow::Clock::kPaused ? "paused"
                                                                       : "stopped";
        Json due = nullptr;
        if (ar.sla.due_epoch) due = core::IsoUtc(*ar.sla.due_epoch * 1000000);
        const auto& t = service.workflow().Type(r.type);
        a["requests"].push_back(
            {{"reference", r.reference},
             {"type", r.type},
             {"state", r.state},
             {"created", r.created},
             {"submitted", r.submitted},
             {"closed", r.closed},
             {"clock", clock},
             {"sla_working_days",
              t.sla_unit == core::SlaUnit::kWorkingDays ? Json(t.sla_amount) : Json(nullptr)},
             {"due", due},
             {"overdue", ar.sla.overdue},
             {"history", history}});
    }
    return a;
}

}  // namespace

void RegisterAgencyPages(http::Router& router, WorkdService& service,
                         const render::PageRenderer& pages) {
    router.Get("/workd",
               [&service, &pages](http::Request& req) { return Home(service, pages, req); });
    router.Get("/api/workd/agencies", [&service](http::Request& req) {
        const auto& p = api::RequireUser(api::CurrentUser(req));
        nlohmann::json list = nlohmann::json::array();
        for (const auto& o : AgencyOverviews(service, p)) list.push_back(OverviewJson(o, service));
        return Response::Json(nlohmann::json{{"agencies", list}}.dump());
    });
}

}  // namespace govhub::workd

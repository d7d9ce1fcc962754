// The workflow's JSON routes: the bulk decision (POST /api/requests/decide), reviewer scopes
// (/api/staff/roles/{user}/agencies) and /api/holidays.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "accounts/middleware.hpp"
#include "api/params.hpp"
#include "core/error.hpp"
#include "core/json_reader.hpp"
#include "core/strings.hpp"
#include "http/response.hpp"
#include "workflow/pages_internal.hpp"

namespace govhub::workflow {
namespace {

using http::Response;
using Json = nlohmann::json;

Json ScopesJson(const StaffScopes& s) {
    Json types = Json::array();
    for (const auto& t : s.types) {
        Json agencies = Json::array();
        for (const auto& a : t.agencies)
            agencies.push_back(
                {{"id", a.id}, {"name", a.name}, {"title", a.title}, {"title_en", a.title_en}});
        types.push_back({{"type", t.type},
                         {"role", t.role},
                         {"all_agencies", t.agencies.empty()},
                         {"agencies", std::move(agencies)}});
    }
    return {{"user", s.user_name}, {"user_id", s.user_id}, {"types", std::move(types)}};
}

// A JSON object body, or form fields; anything else is a 400.
Json BodyParams(const http::Request& req) {
    std::string ctype = core::ToLower(req.Header("Content-Type"));
    if (core::StartsWith(ctype, "application/x-www-form-urlencoded") ||
        core::StartsWith(ctype, "multipart/form-data"))
        return api::FormJson(req);
    Json body = core::ParseJsonBoundedOrDiscarded(req.body);
    if (!body.is_object()) throw HttpError(400, "bad_json", "error.bad_json");
    return body;
}

// One request as its applicant or a reviewer reads it: where it stands, its data (sensitive
// fields masked, the process's hidden ones left out), its clock, documents, history, links to
// its parent and children, the steps the caller may take (with their inputs) and, for staff,
// the process's facts.
Json RequestJson(WorkflowService& service, const accounts::Principal& p, const Request& r,
                 const std::string& locale) {
    const RequestType& t = service.Type(r.type);
    bool staff = service.CanReview(&p, r);
    Json data = service.OpenData(r);
    Json shown = Json::object();
    if (data.is_object())
        for (auto it = data.begin(); it != data.end(); ++it) {
            const std::string& k = it.key();
            if (std::find(t.hidden_fields.begin(), t.hidden_fields.end(), k) !=
                t.hidden_fields.end())
                continue;
            bool sensitive = std::find(t.sensitive_fields.begin(), t.sensitive_fields.end(), k) !=
                             t.sensitive_fields.end();
            shown[k] = sensitive && it->is_string()
                           ? Json(WorkflowService::MaskSensitive(it->get<std::string>()))
                           : *it;
        }
    SlaStatus sla = service.Sla(r);
    Json sla_json = {{"clock", ToString(sla.clock)},
                     {"budget_seconds", sla.budget_seconds},
                     {"used_seconds", sla.used_seconds},
                     {"remaining_seconds", sla.remaining_seconds},
                     {"overdue", sla.overdue},
                     {"unit", t.sla_unit == core::SlaUnit::kWorkingDays ? "working_days" : "hours"},
                     {"amount", t.sla_amount},
                     {"due", r.due.empty() ? Json(nullptr) : Json(r.due)}};
    Json history = Json::array();
    for (const auto& h : service.History(r))
        history.push_back({{"at", h.at},
                           {"by", h.actor_id.empty() ? Json(nullptr) : Json(h.actor_id)},
                           {"transition", h.transition},
                           {"from", h.from},
                           {"to", h.to},
                           {"note", h.note}});
    Json steps = Json::array();
    for (const TransitionDef* d : service.Available(&p, r)) {
        Json inputs = Json::array();
        for (const auto& in : d->inputs)
            inputs.push_back({{"field", in.field},
                              {"kind", in.kind},
                              {"min", in.min},
                              {"max", in.max},
                              {"required", in.required},
                              {"prefill_from", in.prefill_from}});
        steps.push_back({{"transition", d->id},
                         {"to", d->to},
                         {"note_required", d->note_required},
                         {"inputs", std::move(inputs)}});
    }
    Json documents = Json::array();
    for (const auto& a : service.Attachments(&p, r))
        documents.push_back({{"id", a.id},
                             {"kind", a.kind},
                             {"filename", a.filename},
                             {"content_type", a.content_type},
                             {"size", a.size},
                             {"sha256", a.sha256},
                             {"uploaded", a.uploaded},
                             {"purged", !a.purged.empty()},
                             {"href", "/requests/" + r.reference + "/documents/" + a.id}});
    Json children = Json::array();
    for (const auto& c : service.Children(&p, r))
        children.push_back({{"reference", c.reference}, {"type", c.type}, {"state", c.state}});
    Json out = {{"id", r.id},
                {"reference", r.reference},
                {"type", r.type},
                {"state", r.state},
                {"subject", r.subject},
                {"organization_id", r.organization_id},
                {"created", r.created},
                {"updated", r.updated},
                {"submitted", r.submitted},
                {"closed", r.closed},
                {"mine", r.applicant_id == p.user_id},
                {"data", std::move(shown)},
                {"sla", std::move(sla_json)},
                {"history", std::move(history)},
                {"steps", std::move(steps)},
                {"documents", std::move(documents)},
                {"children", std::move(children)},
                {"parent", nullptr}};
    if (!r.parent_id.empty())
        if (auto parent = service.Find(&p, r.parent_id))
            out["parent"] = {
                {"reference", parent->reference}, {"type", parent->type}, {"state", parent->state}};
    if (staff && t.facts) {
        Json facts = Json::array();
        for (const auto& f : t.facts(r, locale))
            facts.push_back({{"label", f.label}, {"value", f.value}, {"warning", f.warning}});
        out["facts"] = std::move(facts);
    }
    return out;
}

// The request the caller may see, or 404 (a stranger learns nothing).
Request Visible(WorkflowService& service, const accounts::Principal& p, http::Request& req) {
    auto r = service.Find(&p, std::string(req.PathParam("reference")));
    if (!r) throw HttpError::NotFound("workflow.not_found");
    return *r;
}

}  // namespace

namespace internal {

void RegisterApiRoutes(http::Router& router, WorkflowService& service) {
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
    // Reviewer scopes: which agencies a person reviews for each type they are staff of
    // (sysadmins read anyone's, a person their own), and setting them for one type
    // (sysadmins; audited as on /staff/roles).
    router.Get("/api/staff/roles/{user}/agencies", [&service](http::Request& req) {
        const auto& p = SignedIn(req);
        return Response::Json(
            ScopesJson(service.ScopesOf(p, std::string(req.PathParam("user")))).dump());
    });
    router.Post("/api/staff/roles/{user}/agencies", [&service](http::Request& req) {
        const auto& p = SignedIn(req);
        std::string user(req.PathParam("user"));
        // Who before what: a refused caller learns nothing about the body.
        if (!WorkflowService::CanSetScopes(&p)) throw HttpError::Forbidden("admin.sysadmin_only");
        Json body = BodyParams(req);
        api::Params in(body);
        std::string type = in.Require("type");
        if (!in.json().contains("agencies"))
            throw HttpError::Validation({{"agencies", "api.param.missing"}});
        accounts::Caller caller{.principal = &p, .ip = req.client_ip, .locale = req.locale};
        service.SetReviewerAgencies(p, user, type, in.List("agencies"), caller);
        return Response::Json(ScopesJson(service.ScopesOf(p, user)).dump());
    });
    // One request and the steps the caller may take on it (its applicant, or staff of its type
    // in scope); anyone else: 404.
    router.Get("/api/requests/{reference}", [&service](http::Request& req) {
        const auto& p = SignedIn(req);
        Request r = Visible(service, p, req);
        return Response::Json(RequestJson(service, p, r, req.locale).dump());
    });
    // A step: {"transition", "note", "data": {the step's declared inputs}}; the request after it.
    router.Post("/api/requests/{reference}/transitions", [&service](http::Request& req) {
        const auto& p = SignedIn(req);
        Request r = Visible(service, p, req);
        Json body = BodyParams(req);
        auto text = [&](const char* key) {
            return body.contains(key) && body[key].is_string() ? body[key].get<std::string>()
                                                               : std::string();
        };
        std::string transition = text("transition");
        if (transition.empty()) throw HttpError::Validation({{"transition", "form.required"}});
        const TransitionDef* d = nullptr;
        for (const auto& x : service.Type(r.type).transitions)
            if (x.id == transition) d = &x;
        if (!d) throw HttpError::Validation({{"transition", "workflow.unknown_transition"}});
        // Only the step's declared inputs may change the request's data here.
        Json patch = Json::object();
        if (body.contains("data")) {
            const Json& given = body["data"];
            if (!given.is_object()) throw HttpError::Validation({{"data", "workflow.bad_data"}});
            for (auto it = given.begin(); it != given.end(); ++it) {
                bool declared =
                    std::any_of(d->inputs.begin(), d->inputs.end(),
                                [&](const DecisionInput& in) { return in.field == it.key(); });
                if (!declared) throw HttpError::Validation({{it.key(), "workflow.not_an_input"}});
                // A number must be a whole one that fits (1e3, 1.5: "a whole number";
                // 99999999999999999999: out of range), not "the data must be an object".
                if (it->is_number_float()) {
                    double v = it->get<double>();
                    bool whole = std::isfinite(v) && v == std::floor(v);
                    throw HttpError::Validation(
                        {{it.key(), whole && std::fabs(v) >= 9.2e18 ? "workflow.input_range"
                                                                    : "workflow.input_number"}});
                }
                if (it->is_number_unsigned() &&
                    it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
                    throw HttpError::Validation({{it.key(), "workflow.input_range"}});
                if (!it->is_string() && !it->is_number_integer())
                    throw HttpError::Validation({{it.key(), "workflow.input_number"}});
                patch[it.key()] = *it;
            }
        }
        Request done = service.Transition(p, r.id,
                                          {.transition = transition,
                                           .note = text("note"),
                                           .data_json = patch.empty() ? "" : patch.dump(),
                                           .ip = req.client_ip});
        auto now = service.Find(&p, done.id);
        return Response::Json((now ? RequestJson(service, p, *now, req.locale)
                                   : Json{{"reference", done.reference}, {"state", done.state}})
                                  .dump());
    });
    // A document: multipart `kind` and `document` (its applicant, when one is owed).
    router.Post(
        "/api/requests/{reference}/documents",
        [&service](http::Request& req) {
            const auto& p = SignedIn(req);
            Request r = Visible(service, p, req);
            if (r.applicant_id != p.user_id) throw HttpError::NotFound("workflow.not_found");
            std::string kind = req.FormValue("kind");
            const http::Part* part = req.FilePart("document");
            if (!part || !part->file || part->size == 0)
                throw HttpError::Validation(
                    {{kind.empty() ? "document" : kind, "workflow.file_empty"}});
            Attachment a = service.Attach(p, r.id, kind, part->file->path(), part->filename);
            return Response::Json(Json{{"id", a.id},
                                       {"kind", a.kind},
                                       {"filename", a.filename},
                                       {"content_type", a.content_type},
                                       {"size", a.size},
                                       {"sha256", a.sha256},
                                       {"href", "/requests/" + r.reference + "/documents/" + a.id}}
                                      .dump(),
                                  201);
        },
        {.body_limit = 12 << 20, .upload = true, .rate_limit = "form"});
    router.Get("/api/holidays", [&service](http::Request& req) {
        Json out = Json::array();
        // A bad year is the API's Validation Error (409, naming "year"); none: every year.
        Json query = api::QueryJson(req);
        int year = YearParam(api::Params(query), 0);
        for (const auto& h : service.Holidays(year))
            out.push_back({{"date", h.day},
                           {"name_th", h.name_th},
                           {"name_en", h.name_en},
                           {"kind", h.kind},
                           {"confirmed", h.confirmed}});
        return Response::Json(Json{{"holidays", out}}.dump());
    });
}

}  // namespace internal

}  // namespace govhub::workflow

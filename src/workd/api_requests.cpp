// The request form's JSON API (docs/api.md, "workD"): create a draft, read it, update it.
// Per-field problems come back in the API's error shape ({"error": {..., "fields": {...}}}), in
// the reader's language; a saved draft with problems still answers 201/200 with its `errors`.
#include <nlohmann/json.hpp>

#include "accounts/middleware.hpp"
#include "api/principal.hpp"
#include "core/citizen_id.hpp"
#include "core/error.hpp"
#include "core/i18n.hpp"
#include "core/json_reader.hpp"
#include "http/response.hpp"
#include "workd/form_routes.hpp"
#include "workd/model.hpp"
#include "workflow/service.hpp"

namespace govhub::workd {
namespace {

using Json = nlohmann::json;

Json Body(const http::Request& req) {
    Json j = core::ParseJsonBounded(req.body);
    if (!j.is_object()) throw HttpError::BadRequest("workd.form.error.body");
    return j;
}

http::Response Send(const Json& body, int status) {
    return http::Response::Json(body.dump(-1, ' ', false, Json::error_handler_t::replace), status);
}

Json ErrorsJson(const std::vector<FieldError>& errors, const core::I18n& i18n,
                const std::string& locale) {
    Json out = Json::object();
    for (const auto& e : errors) out[e.field] = i18n.Localize(locale, e.message);
    return out;
}

// The request as the API shows it to its applicant: the form (citizen ID masked), its state.
Json RequestJson(const workflow::Request& r, const RequestForm& form, const FormCheck& check,
                 const core::I18n& i18n, const std::string& locale) {
    Json data = form.ToData();
    if (auto id = core::ParseCitizenId(form.contact_citizen_id))
        data[field::kContactCitizenId] = core::MaskCitizenId(*id);
    data.erase(field::kAgencyId);
    return {{"reference", r.reference},
            {"state", r.state},
            {"agency_id", r.organization_id.empty() ? Json(nullptr) : Json(r.organization_id)},
            {"url", "/requests/" + r.reference},
            {"edit_url", "/workd/requests/" + r.reference + "/edit"},
            {"form_pdf", "/workd/requests/" + r.reference + "/form.pdf"},
            {"created", r.created},
            {"updated", r.updated},
            {"form", data},
            {"complete", check.ok()},
            {"errors", ErrorsJson(check.errors, i18n, locale)}};
}

// Nothing saved: the agency has a service or an open request. Its reference (and a Location)
// only for someone who may see it.
[[noreturn]] void OpenConflict(const DeskResult& r) {
    std::string message =
        r.open_reference.empty()
            ? core::Message(r.block_message)
            : core::Message(r.block_message + "_ref", {{"reference", r.open_reference}});
    HttpError e = HttpError::Validation({{field::kAgency, message}}, r.block_message);
    if (!r.open_reference.empty())
        e.headers.push_back({"Location", "/requests/" + r.open_reference});
    throw e;
}

}  // namespace

void RegisterRequestApi(http::Router& router, RequestDesk& desk, const core::I18n& i18n) {
    http::RouteOptions small{.body_limit = 64 << 10, .rate_limit = "form"};
    router.Post(
        "/api/workd/requests",
        [&desk, &i18n](http::Request& req) {
            const accounts::Principal& p = api::RequireUser(accounts::CurrentUser(req));
            RequestForm form = RequestForm::FromJson(Body(req));
            DeskResult r = desk.Create(p, std::move(form), FormMode::kComplete, req.client_ip);
            if (!r.saved) OpenConflict(r);
            return Send(RequestJson(r.request, r.form, r.check, i18n, req.locale), 201);
        },
        small);
    router.Get("/api/workd/requests/{reference}", [&desk, &i18n](http::Request& req) {
        const accounts::Principal& p = api::RequireUser(accounts::CurrentUser(req));
        auto found = desk.Load(p, std::string(req.PathParam("reference")));
        if (!found) throw HttpError::NotFound("workflow.not_found");
        auto& [request, form] = *found;
        FormCheck check = desk.Check(form, FormMode::kComplete);
        return Send(RequestJson(request, form, check, i18n, req.locale), 200);
    });
    router.Add(
        "PUT", "/api/workd/requests/{reference}",
        [&desk, &i18n](http::Request& req) {
            const accounts::Principal& p = api::RequireUser(accounts::CurrentUser(req));
            auto found = desk.Load(p, std::string(req.PathParam("reference")));
            if (!found) throw HttpError::NotFound("workflow.not_found");
            RequestForm form = RequestForm::FromJson(Body(req), &found->second);
            DeskResult r = desk.Update(p, std::string(req.PathParam("reference")), std::move(form),
                                       FormMode::kComplete, req.client_ip);
            if (!r.saved) OpenConflict(r);
            return Send(RequestJson(r.request, r.form, r.check, i18n, req.locale), 200);
        },
        small);
}

}  // namespace govhub::workd

// The change request's page (issue 18): /workd/requests/{reference}/change, a change to an
// approved workD service in the guide's part 2 for a change (member list, more accounts, Mail
// Relay, the effective date), the contact part prefilled from the approved request, and parts
// 3–4 as the new form has them. Filing goes through WorkdService::FileChange, the function
// behind POST /api/workd/changes; the workd_change draft then goes on on its request page.
#include <nlohmann/json.hpp>

#include "accounts/middleware.hpp"
#include "api/principal.hpp"
#include "core/error.hpp"
#include "core/i18n.hpp"
#include "core/thai_date.hpp"
#include "http/response.hpp"
#include "workd/form_routes.hpp"
#include "workd/model.hpp"
#include "workd/requests.hpp"
#include "workd/service.hpp"

namespace govhub::workd {
namespace {

using render::View;
using Json = nlohmann::json;

// What the page's change part holds, as typed.
struct ChangeInput {
    std::string members_change, more_mail, more_conference, relay, relay_details;
};

// The page's typed keys beyond the contact part (what a post is read for, nothing else).
const std::vector<const char*>& ChangeKeys() {
    static const std::vector<const char*> keys = {
        field::kMembersChange, field::kMoreMailAccounts, field::kMoreConferenceAccounts,
        field::kRelay,         field::kRelayDetails,     field::kEffectiveDate,
        field::kPdpaConsent,   field::kTermsAccepted};
    return keys;
}

View Page(const render::PageRenderer& pages, http::Request& req, const workflow::Request& parent,
          const std::optional<Service>& service, const RequestForm& contact, const ChangeInput& in,
          const std::vector<FieldError>& errors) {
    const std::string& locale = req.locale;
    View v;
    v.Set("action", "/workd/requests/" + parent.reference + "/change");
    v.Set("reference", parent.reference).Set("subject", parent.subject);
    if (service) {
        v.Set("has_service", true)
            .Set("domain", service->domain)
            .Set("mail_accounts", service->mail_accounts)
            .Set("conference_accounts", service->conference_accounts)
            .Set("relay_open", service->relay == "open")
            .Set("service_state", pages.T(locale, "workd.service_state." + service->state));
    }
    FormCheck check;
    check.errors = errors;
    v.Set("contact_fields", FieldViews(ContactFieldSpecs(false), contact, check, pages, locale));
    v.Set(field::kMembersChange, in.members_change)
        .Set(field::kMoreMailAccounts, in.more_mail)
        .Set(field::kMoreConferenceAccounts, in.more_conference)
        .Set(field::kRelayDetails, in.relay_details);
    v.Set("relay_none", in.relay.empty())
        .Set("relay_open_choice", in.relay == "open")
        .Set("relay_change_choice", in.relay == "change");
    v.Set(field::kEffectiveDate, contact.effective_date);
    std::string date_text = DateText(contact.effective_date, locale);
    v.Set("effective_date_text", date_text).Set("has_date_text", !date_text.empty());
    v.Set("today", BangkokToday());
    v.Set("pdpa_yes", contact.pdpa_consent == "yes").Set("pdpa_no", contact.pdpa_consent == "no");
    v.Set("terms_yes", contact.terms_accepted == "yes");
    if (!errors.empty()) {
        pages.AddErrors(v, errors, locale);
        v.Set("error_list", ErrorList(errors, false, pages, locale, kChangeType));
    }
    return v;
}

http::Response Render(const render::PageRenderer& pages, http::Request& req, View v, int status) {
    return http::Response::Html(pages.Render("workd/change", std::move(v),
                                             accounts::PageContextOf(req), "workd.change.title"),
                                status);
}

// The parent, or the page that says why no change can be filed (404 for strangers).
std::optional<std::pair<workflow::Request, RequestForm>> ParentOr(WorkdService& service,
                                                                  const render::PageRenderer& pages,
                                                                  http::Request& req,
                                                                  const accounts::Principal& p,
                                                                  http::Response& refusal) {
    try {
        return service.ChangeParent(p, std::string(req.PathParam("reference")));
    } catch (const HttpError& e) {
        if (e.status() != 409) throw;
        View v;
        v.Set("refused", true).Set("message", pages.T(req.locale, e.message()));
        v.Set("reference", std::string(req.PathParam("reference")));
        refusal = Render(pages, req, std::move(v), 409);
        return std::nullopt;
    }
}

}  // namespace

void RegisterChangePages(http::Router& router, WorkdService& service,
                         const render::PageRenderer& pages) {
    router.Get("/workd/requests/{reference}/change", [&service, &pages](http::Request& req) {
        const accounts::Principal& p = api::RequireUser(accounts::CurrentUser(req));
        http::Response refusal = http::Response::Html("", 409);
        auto found = ParentOr(service, pages, req, p, refusal);
        if (!found) return refusal;
        auto& [parent, form] = *found;
        // The contact part as the approved request has it; consent and terms are given anew.
        RequestForm contact;
        for (const char* k : ChangeContactFields())
            for (const auto& d : RequestForm::Fields())
                if (std::string_view(d.key) == k) contact.*d.member = form.*d.member;
        auto s = parent.organization_id.empty() ? std::nullopt
                                                : service.ServiceOf(parent.organization_id);
        return Render(pages, req, Page(pages, req, parent, s, contact, {}, {}), 200);
    });
    router.Post(
        "/workd/requests/{reference}/change",
        [&service, &pages](http::Request& req) {
            const accounts::Principal& p = api::RequireUser(accounts::CurrentUser(req));
            http::Response refusal = http::Response::Html("", 409);
            auto found = ParentOr(service, pages, req, p, refusal);
            if (!found) return refusal;
            auto& parent = found->first;
            Json body = Json::object();
            for (const char* k : ChangeContactFields()) body[k] = req.FormValue(k);
            for (const char* k : ChangeKeys()) body[k] = req.FormValue(k);
            ChangeInput in{.members_change = req.FormValue(field::kMembersChange),
                           .more_mail = req.FormValue(field::kMoreMailAccounts),
                           .more_conference = req.FormValue(field::kMoreConferenceAccounts),
                           .relay = req.FormValue(field::kRelay),
                           .relay_details = req.FormValue(field::kRelayDetails)};
            try {
                workflow::Request wc =
                    service.FileChange(p, parent.reference, body.dump(), req.client_ip);
                return http::Response::Redirect("/requests/" + wc.reference);
            } catch (const HttpError& e) {
                if (e.status() != 409 || e.fields().empty()) throw;
                // What was typed, as typed, with each field's message.
                RequestForm typed =
                    RequestForm::FromValues([&](const std::string& k) { return req.FormValue(k); });
                auto s = parent.organization_id.empty() ? std::nullopt
                                                        : service.ServiceOf(parent.organization_id);
                return Render(pages, req, Page(pages, req, parent, s, typed, in, e.fields()), 409);
            }
        },
        {.body_limit = 64 << 10, .rate_limit = "form"});
}

}  // namespace govhub::workd

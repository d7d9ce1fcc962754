// The request form's pages (issue 18, step 1): /workd/requests/new and
// /workd/requests/{reference}/edit, in the guide's four parts, working without JavaScript; the
// address data for the pickers form.js adds (/workd/address-data.json).
#include <nlohmann/json.hpp>
#include <set>

#include "accounts/middleware.hpp"
#include "api/principal.hpp"
#include "core/collate.hpp"
#include "core/error.hpp"
#include "core/i18n.hpp"
#include "core/strings.hpp"
#include "core/thai_address.hpp"
#include "core/thai_date.hpp"
#include "http/response.hpp"
#include "workd/form_routes.hpp"
#include "workd/model.hpp"

namespace govhub::workd {
namespace {

using render::View;

}  // namespace

// "7 ธันวาคม 2569" / "7 December 2026" of an ISO date; "" when not one.
std::string DateText(const std::string& iso, const std::string& locale) {
    if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return "";
    auto y = core::ParseInt(iso.substr(0, 4)), m = core::ParseInt(iso.substr(5, 2)),
         d = core::ParseInt(iso.substr(8, 2));
    if (!y || !m || !d || *m < 1 || *m > 12) return "";
    int year = static_cast<int>(*y);
    return std::to_string(*d) + " " + core::MonthName(static_cast<int>(*m), locale) + " " +
           std::to_string(locale == "th" ? core::BuddhistYear(year) : year);
}

std::vector<TextField> ContactFieldSpecs(bool with_citizen_id) {
    std::vector<TextField> out = {
        {.key = field::kContactNameTh, .autocomplete = "name"},
        {.key = field::kContactNameEn},
        {.key = field::kContactPosition, .autocomplete = "organization-title"}};
    if (with_citizen_id)
        out.push_back({.key = field::kContactCitizenId,
                       .autocomplete = "off",
                       .inputmode = "numeric",
                       .help = true});
    for (TextField t :
         {TextField{
              .key = field::kOfficePhone, .type = "tel", .autocomplete = "work tel", .help = true},
          TextField{.key = field::kContactPhone, .type = "tel", .required = false},
          TextField{
              .key = field::kMobile, .type = "tel", .autocomplete = "mobile tel", .help = true},
          TextField{
              .key = field::kEmail, .type = "email", .autocomplete = "work email", .help = true},
          TextField{
              .key = field::kBackupEmail, .type = "email", .autocomplete = "email", .help = true}})
        out.push_back(t);
    return out;
}

View ErrorList(const std::vector<FieldError>& errors, bool bangkok,
               const render::PageRenderer& pages, const std::string& locale,
               const std::string& type) {
    // The summary names each field: "Mobile phone: not a valid mobile number".
    View list = View::List();
    for (const auto& e : errors) {
        std::string label_key = "workflow." + type + ".field." + e.field;
        if (bangkok && e.field == field::kAmphoe) label_key = "workd.form.khet";
        if (bangkok && e.field == field::kTambon) label_key = "workd.form.khwaeng";
        std::string label = pages.T(locale, label_key);
        View item;
        item.Set("field", e.field.empty() ? "form" : e.field)
            .Set("has_field", !e.field.empty())
            .Set("message", (e.field.empty() ? "" : label + ": ") + pages.T(locale, e.message));
        list.Push(std::move(item));
    }
    return list;
}

View FieldViews(const std::vector<TextField>& list, const RequestForm& f, const FormCheck& check,
                const render::PageRenderer& pages, const std::string& locale) {
    View out = View::List();
    for (const auto& t : list) {
        size_t max = 200;
        for (const auto& d : RequestForm::Fields())
            if (std::string_view(d.key) == t.key) max = d.max_bytes;
        std::string label_key = std::string("workflow.workd_service.field.") + t.key;
        if (check.bangkok && std::string_view(t.key) == field::kAmphoe)
            label_key = "workd.form.khet";
        if (check.bangkok && std::string_view(t.key) == field::kTambon)
            label_key = "workd.form.khwaeng";
        View v;
        v.Set("id", t.key)
            .Set("label", pages.T(locale, label_key))
            .Set("value", f.Get(t.key))
            .Set("type", t.type)
            .Set("maxlength", static_cast<int64_t>(max))
            .Set("autocomplete", t.autocomplete)
            .Set("has_autocomplete", *t.autocomplete != 0)
            .Set("inputmode", t.inputmode)
            .Set("has_inputmode", *t.inputmode != 0)
            .Set("required", t.required);
        if (t.help) v.Set("help", pages.T(locale, std::string("workd.form.help.") + t.key));
        v.Set("has_help", t.help);
        for (const auto& e : check.errors)
            if (e.field == t.key) {
                v.Set("error", pages.T(locale, e.message)).Set("has_error", true);
                break;
            }
        out.Push(std::move(v));
    }
    return out;
}

namespace {

http::Response FormPage(RequestDesk& desk, const render::PageRenderer& pages, http::Request& req,
                        const RequestForm& f, const FormCheck& check, const std::string& reference,
                        int status, bool saved = false, const std::string& open_reference = "",
                        const std::string& block_message = "") {
    const std::string& locale = req.locale;
    View v;
    v.Set("action",
          reference.empty() ? "/workd/requests/new" : "/workd/requests/" + reference + "/edit");
    v.Set("reference", reference).Set("has_reference", !reference.empty());
    v.Set("saved", saved);
    v.Set("zone", desk.zone());
    // Part 1: the agency.
    v.Set("choice_directory", f.agency_choice == "directory");
    v.Set("choice_new", f.agency_choice == "new");
    // The directory as a person looks for an agency in it: each ministry with its departments,
    // then the other agencies, each list in dictionary order.
    auto label = [&](const DirectoryAgency& a) {
        return locale == "en" && !a.title_en.empty() ? a.title_en : a.title;
    };
    auto all = desk.Agencies();
    core::SortByText(all, locale, label);
    View agencies = View::List(), ministries = View::List();
    auto option = [&](const DirectoryAgency& a, const std::string& selected) {
        View o;
        o.Set("value", a.name).Set("label", label(a)).Set("selected", a.name == selected);
        return o;
    };
    std::set<std::string> grouped;
    for (const auto& m : all) {
        if (!m.ministry) continue;
        ministries.Push(option(m, f.ministry));
        View group, options = View::List();
        options.Push(option(m, f.agency));
        grouped.insert(m.id);
        for (const auto& d : all)
            if (!d.ministry && d.parent_id == m.id) {
                options.Push(option(d, f.agency));
                grouped.insert(d.id);
            }
        group.Set("label", label(m)).Set("options", std::move(options));
        agencies.Push(std::move(group));
    }
    View others = View::List();
    for (const auto& a : all)
        if (!grouped.count(a.id)) others.Push(option(a, f.agency));
    if (!others.items().empty()) {
        View group;
        group.Set("label", pages.T(locale, "workd.form.other_agencies"))
            .Set("options", std::move(others));
        agencies.Push(std::move(group));
    }
    v.Set("agencies", std::move(agencies)).Set("ministries", std::move(ministries));
    v.Set("ministry_other", f.ministry == "other");
    for (const auto& d : RequestForm::Fields()) v.Set(d.key, f.Get(d.key));
    v.Set("new_agency_fields", FieldViews({{.key = field::kAgencyNameTh},
                                           {.key = field::kAgencyNameEn, .required = false}},
                                          f, check, pages, locale));
    v.Set("ministry_other_fields", FieldViews({{.key = field::kMinistryOtherTh, .required = false},
                                               {.key = field::kMinistryOtherEn, .required = false}},
                                              f, check, pages, locale));
    v.Set("contact_fields", FieldViews(ContactFieldSpecs(true), f, check, pages, locale));
    v.Set("address_fields",
          FieldViews(
              {{.key = field::kAddressNumber},
               {.key = field::kAddressMoo, .required = false},
               {.key = field::kAddressSoi, .required = false},
               {.key = field::kAddressRoad, .required = false},
               {.key = field::kProvince, .autocomplete = "address-level1"},
               {.key = field::kAmphoe, .autocomplete = "address-level2"},
               {.key = field::kTambon, .autocomplete = "address-level3"},
               {.key = field::kPostcode, .autocomplete = "postal-code", .inputmode = "numeric"}},
              f, check, pages, locale));
    std::string expected;
    for (const auto& p : check.expected_postcodes) expected += (expected.empty() ? "" : ", ") + p;
    v.Set("expected_postcodes", expected).Set("postcode_mismatch", !expected.empty());
    // Part 2: the service.
    v.Set("kind_subdomain", f.domain_kind == "subdomain").Set("kind_own", f.domain_kind == "own");
    v.Set("count_fields",
          FieldViews({{.key = field::kMailAccounts, .inputmode = "numeric", .help = true},
                      {.key = field::kConferenceAccounts, .inputmode = "numeric"}},
                     f, check, pages, locale));
    std::string date_text = DateText(f.effective_date, locale);
    v.Set("effective_date_text", date_text).Set("has_date_text", !date_text.empty());
    v.Set("today", BangkokToday()).Set("date_max", EffectiveDateMax(BangkokToday()));
    // Parts 3 and 4.
    v.Set("pdpa_yes", f.pdpa_consent == "yes").Set("pdpa_no", f.pdpa_consent == "no");
    v.Set("terms_yes", f.terms_accepted == "yes");
    v.Set("has_pdpa_at", !f.pdpa_at.empty()).Set("has_terms_at", !f.terms_at.empty());
    v.Set("pdpa_at_text", f.pdpa_at.empty() ? "" : core::FormatIsoDate(f.pdpa_at, locale, true));
    v.Set("terms_at_text", f.terms_at.empty() ? "" : core::FormatIsoDate(f.terms_at, locale, true));
    if (!block_message.empty())
        v.Set("block_text", pages.T(locale, block_message + "_page")).Set("has_block", true);
    if (!open_reference.empty()) v.Set("open_reference", open_reference).Set("has_open", true);
    if (!check.errors.empty()) {
        pages.AddErrors(v, check.errors, locale);
        v.Set("error_list", ErrorList(check.errors, check.bangkok, pages, locale, kServiceType));
    }
    return http::Response::Html(
        pages.Render("workd/form", std::move(v), accounts::PageContextOf(req), "workd.form.title"),
        status);
}

FormMode ModeOf(const http::Request& req) {
    return req.FormValue("action") == "continue" ? FormMode::kComplete : FormMode::kDraft;
}

// After a save: "continue" with a complete form goes on to the request page (print, sign,
// upload, submit); otherwise the form again, with what is missing.
http::Response AfterSave(RequestDesk& desk, const render::PageRenderer& pages, http::Request& req,
                         DeskResult& r, FormMode mode) {
    if (!r.saved)
        return FormPage(desk, pages, req, r.form, r.check, "", 409, false, r.open_reference,
                        r.block_message);
    if (mode == FormMode::kComplete && r.check.ok())
        return http::Response::Redirect("/requests/" + r.request.reference);
    // Saved with errors: the edit page shows them after a redirect (post/redirect/get), so a
    // reload does not post again (and make a second draft). The errors the stored form cannot
    // show again (text refused or cut) travel in the query.
    std::string url = "/workd/requests/" + r.request.reference + "/edit?saved=1";
    if (!r.check.ok() && mode == FormMode::kComplete) url += "&check=1";
    std::string bad_text, too_long;
    auto add = [](std::string& list, const std::string& name) {
        list += (list.empty() ? "" : ",") + name;
    };
    for (const auto& e : r.check.errors) {
        if (e.message == "workd.form.error.bad_text") add(bad_text, e.field);
        if (e.message == "workd.form.error.too_long") add(too_long, e.field);
    }
    if (!bad_text.empty()) url += "&bad_text=" + bad_text;
    if (!too_long.empty()) url += "&too_long=" + too_long;
    return http::Response::Redirect(url);
}

// The errors a redirect after a save carried (see AfterSave): known field names only. They
// say more than what the stored form shows now (a refused text is stored empty: "required").
void AddCarriedErrors(const http::Request& req, FormCheck& check) {
    for (const auto& [param, key] : {std::pair{"bad_text", "workd.form.error.bad_text"},
                                     std::pair{"too_long", "workd.form.error.too_long"}}) {
        for (const auto& name : core::Split(req.Query(param), ',')) {
            bool known = false;
            for (const auto& d : RequestForm::Fields()) known = known || name == d.key;
            if (!known) continue;
            std::erase_if(check.errors, [&](const FieldError& e) { return e.field == name; });
            check.errors.push_back({name, key});
        }
    }
}

}  // namespace

void RegisterFormPages(http::Router& router, RequestDesk& desk, const render::PageRenderer& pages) {
    router.Get("/workd/requests/new", [&desk, &pages](http::Request& req) {
        const accounts::Principal& p = api::RequireUser(accounts::CurrentUser(req));
        // Someone of one agency most likely asks for that one.
        RequestForm f;
        auto mine = desk.AgenciesOf(p.user_id);
        if (mine.size() == 1) {
            f.agency_choice = "directory";
            f.agency = mine.front().name;
        }
        return FormPage(desk, pages, req, f, FormCheck{}, "", 200);
    });
    router.Post("/workd/requests/new",
                [&desk, &pages](http::Request& req) {
                    const accounts::Principal& p = api::RequireUser(accounts::CurrentUser(req));
                    FormMode mode = ModeOf(req);
                    auto form = RequestForm::FromValues(
                        [&](const std::string& k) { return req.FormValue(k); });
                    DeskResult r = desk.Create(p, std::move(form), mode, req.client_ip);
                    return AfterSave(desk, pages, req, r, mode);
                },
                {.body_limit = 64 << 10, .rate_limit = "form"});
    router.Get("/workd/requests/{reference}/edit", [&desk, &pages](http::Request& req) {
        const accounts::Principal& p = api::RequireUser(accounts::CurrentUser(req));
        std::string ref(req.PathParam("reference"));
        auto found = desk.Load(p, ref);
        if (!found) throw HttpError::NotFound("workflow.not_found");
        auto& [request, form] = *found;
        if (request.state != "draft" && request.state != "needs_info")
            return http::Response::Redirect("/requests/" + request.reference);
        FormCheck check =
            desk.Check(form, req.Query("check") == "1" ? FormMode::kComplete : FormMode::kDraft);
        AddCarriedErrors(req, check);
        return FormPage(desk, pages, req, form, check, request.reference, 200,
                        req.Query("saved") == "1");
    });
    router.Post("/workd/requests/{reference}/edit",
                [&desk, &pages](http::Request& req) {
                    const accounts::Principal& p = api::RequireUser(accounts::CurrentUser(req));
                    FormMode mode = ModeOf(req);
                    auto form = RequestForm::FromValues(
                        [&](const std::string& k) { return req.FormValue(k); });
                    DeskResult r = desk.Update(p, std::string(req.PathParam("reference")),
                                               std::move(form), mode, req.client_ip);
                    if (!r.saved) {
                        auto found = desk.Load(p, std::string(req.PathParam("reference")));
                        return FormPage(desk, pages, req, r.form, r.check,
                                        found ? found->first.reference : "", 409, false,
                                        r.open_reference, r.block_message);
                    }
                    return AfterSave(desk, pages, req, r, mode);
                },
                {.body_limit = 64 << 10, .rate_limit = "form"});
    // The pickers' data: the same book the server checks with. Public and cacheable.
    router.Get("/workd/address-data.json",
               [&desk](http::Request&) {
                   http::Response r = http::Response::Json(desk.addresses().PickerJson());
                   r.headers.Set("Cache-Control", "public, max-age=86400");
                   return r;
               },
               {.run_inline = true});
}

}  // namespace govhub::workd

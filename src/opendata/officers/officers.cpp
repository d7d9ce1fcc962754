#include "opendata/officers/officers.hpp"

#include <nlohmann/json.hpp>

#include "accounts/middleware.hpp"
#include "agencies/store.hpp"
#include "core/citizen_id.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/i18n.hpp"
#include "core/strings.hpp"
#include "core/thai_date.hpp"
#include "http/response.hpp"
#include "opendata/catalog/routes.hpp"
#include "render/pdf.hpp"
#include "workflow/print.hpp"
#include "workflow/review.hpp"

namespace govhub::officers {
namespace {

using Json = nlohmann::json;
using render::View;

const char* kFields[] = {"organization", "position",   "citizen_id", "office_phone",
                         "mobile",       "work_email", "role"};

std::string Digits(const std::string& s) {
    std::string out;
    for (char c : s)
        if (c >= '0' && c <= '9') out += c;
    return out;
}

bool PhoneLike(const std::string& s, bool mobile) {
    for (char c : s)
        if (!(c >= '0' && c <= '9') && c != '-' && c != ' ' && c != '+' && c != '(' && c != ')')
            return false;
    std::string d = Digits(s);
    if (mobile) return d.size() == 10 && d[0] == '0' && (d[1] == '6' || d[1] == '8' || d[1] == '9');
    return d.size() >= 9 && d.size() <= 10 && d[0] == '0';
}

bool EmailLike(const std::string& s) {
    auto at = s.find('@');
    return s.size() <= 254 && at != std::string::npos && at > 0 && at == s.rfind('@') &&
           s.find('.', at) != std::string::npos && s.find(' ') == std::string::npos &&
           s.back() != '.';
}

Json OrganizationOf(catalog::CatalogService& catalog, const std::string& id) {
    for (const auto& o : catalog.OrganizationList(true))
        if (o.value("id", "") == id) return o;
    return nullptr;
}

http::Response Form(catalog::CatalogService& catalog, const render::PageRenderer& pages,
                    http::Request& req, const std::map<std::string, std::string>& typed,
                    const std::vector<FieldError>& errors = {}) {
    View v;
    // The agencies as the directory lists them: a group per ministry (the ministry, then its
    // departments), then the agencies under no ministry.
    Json all = catalog.OrganizationList(true);
    catalog::AgencyTree tree = catalog::AgenciesByMinistry(all, req.locale);
    auto option = [&](const Json& o) {
        View item;
        item.Set("id", o.value("id", "")).Set("title", catalog::AgencyTitle(o, req.locale));
        item.Set("selected",
                 typed.count("organization") && typed.at("organization") == o.value("id", ""));
        return item;
    };
    View groups = View::List();
    for (const auto& m : tree.ministries) {
        View g, items = View::List();
        items.Push(option(*m.agency));
        for (const Json* d : m.departments) items.Push(option(*d));
        g.Set("label", catalog::AgencyTitle(*m.agency, req.locale))
            .Set("agencies", std::move(items));
        groups.Push(std::move(g));
    }
    if (!tree.other.empty()) {
        View g, items = View::List();
        for (const Json* o : tree.other) items.Push(option(*o));
        g.Set("label", pages.T(req.locale, "opendata.directory.other"))
            .Set("agencies", std::move(items));
        groups.Push(std::move(g));
    }
    v.Set("organization_groups", std::move(groups));
    for (const auto& f : kFields) v.Set(f, typed.count(f) ? typed.at(f) : "");
    v.Set("role_admin", typed.count("role") && typed.at("role") == "admin");
    if (!errors.empty()) pages.AddErrors(v, errors, req.locale);
    return http::Response::Html(pages.Render("officers/apply", std::move(v),
                                             accounts::PageContextOf(req), "officers.title"),
                                errors.empty() ? 200 : 409);
}

// The application as the officer prints it, signs it with their supervisor and scans it.
void WriteApplication(render::PdfWriter& pdf, const workflow::Request& r,
                      const render::PageRenderer& pages, const std::string& locale) {
    Json data = Json::parse(r.data_json, nullptr, false);
    if (!data.is_object()) data = Json::object();
    auto field = [&](const char* key) { return data.value(key, std::string()); };
    auto label = [&](const char* key) {
        return pages.T(locale, std::string("workflow.officer_membership.field.") + key);
    };
    pdf.Field(label("organization"), field("organization"));
    pdf.Field(label("position"), field("position"));
    pdf.Field(label("role"),
              pages.T(locale, "workflow.officer_membership.value.role." + field("role")));
    pdf.Field(label("citizen_id"), core::FormatCitizenId(field("citizen_id")));
    pdf.Field(label("office_phone"), field("office_phone"));
    pdf.Field(label("mobile"), field("mobile"));
    pdf.Field(label("work_email"), field("work_email"));
    pdf.Space(10);
    pdf.Paragraph(pages.T(locale, "officers.pdf_applicant_statement"));
    pdf.Paragraph(pages.T(locale, "officers.pdf_supervisor_statement"));
    // The signature lines (applicant, supervisor) are the spec's (MembershipType).
}

}  // namespace

workflow::RequestType MembershipType(db::Database& db) {
    return workflow::MakeReviewType({
        .id = kType,
        .prefix = "OM",
        .sla_unit = core::SlaUnit::kClockHours,
        .sla_amount = 24,
        .submit_fields = {"organization", "position", "citizen_id", "office_phone", "mobile",
                          "work_email", "role"},
        .submit_attachments = {"signed_application"},
        .decisions = {{.id = "approve",
                       .to = "approved",
                       // The role in the agency comes with the approval, in its transaction.
                       .effect =
                           [](db::Connection& c, const workflow::Request& r,
                              const accounts::Principal&) {
                               Json data = Json::parse(r.data_json, nullptr, false);
                               std::string role =
                                   data.is_object() ? data.value("role", "editor") : "editor";
                               if (r.organization_id.empty())
                                   throw HttpError::Validation(
                                       {{"organization", "officers.no_organization"}});
                               agencies::store::SetMember(
                                   c, r.organization_id,
                                   {r.applicant_id, role == "admin" ? agencies::Role::kAdmin
                                                                    : agencies::Role::kEditor});
                           }}},
        .withdraw_from = {"draft", "needs_info"},
        .print_path =
            [](const std::string& ref) { return "/opendata/officer/" + ref + "/application.pdf"; },
        .sensitive_fields = {"citizen_id"},
        .display_fields = {"organization", "position", "role", "citizen_id", "office_phone",
                           "mobile", "work_email"},
        .personal_fields = {"citizen_id", "office_phone", "mobile", "work_email"},
        .texts = {.instructions = "officers.print_help",
                  .signatures = {"officers.pdf_applicant", "officers.pdf_supervisor"}},
        // Approved: the agency's page and publishing a dataset for it.
        .next_steps = [&db](const workflow::Request& r) -> std::vector<workflow::NextStep> {
            if (r.state != "approved") return {};
            std::vector<workflow::NextStep> steps;
            auto agency = db.Read(
                [&](db::Connection& c) { return agencies::store::Find(c, r.organization_id); });
            if (!agency) return {{"officers.next_add_dataset", "/dataset/new"}};
            steps.push_back({"officers.next_agency", "/organization/" + agency->name});
            steps.push_back(
                {"officers.next_add_dataset", "/dataset/new?owner_org=" + agency->name});
            return steps;
        },
    });
}

void RegisterRoutes(http::Router& router, workflow::WorkflowService& workflow,
                    catalog::CatalogService& catalog, const render::PageRenderer& pages,
                    const std::string& site_url, const std::string& tmp_dir) {
    workflow::AddPrintedFormRoute(
        router, "/opendata/officer/{reference}/application.pdf", workflow, pages,
        {.type = kType,
         .title_key = "officers.pdf_title",
         .subtitle_key = "officers.pdf_subtitle",
         .site_url = site_url,
         .tmp_dir = tmp_dir,
         .body = [&pages](render::PdfWriter& pdf, const workflow::Request& r,
                          const std::string& locale) { WriteApplication(pdf, r, pages, locale); }});
    router.Get("/opendata/officer", [&workflow, &catalog, &pages](http::Request& req) {
        const accounts::Principal* p = accounts::CurrentUser(req);
        api::RequireUser(p);
        // One open application at a time: the form leads to it.
        for (const auto& r : workflow.Mine(*p, kType))
            if (r.closed.empty()) return http::Response::Redirect("/requests/" + r.reference);
        return Form(catalog, pages, req, {});
    });
    router.Post("/opendata/officer",
                [&workflow, &catalog, &pages](http::Request& req) {
                    const accounts::Principal* p = accounts::CurrentUser(req);
                    if (!p) throw HttpError::Unauthorized();
                    std::map<std::string, std::string> typed;
                    for (const auto& f : kFields) typed[f] = core::Trim(req.FormValue(f));
                    std::vector<FieldError> errors;
                    Json org = OrganizationOf(catalog, typed["organization"]);
                    if (org.is_null())
                        errors.push_back({"organization", "officers.choose_organization"});
                    if (typed["position"].empty()) errors.push_back({"position", "form.required"});
                    if (typed["position"].size() > 200)
                        errors.push_back({"position", "form.too_long"});
                    auto cid = core::ParseCitizenId(typed["citizen_id"]);
                    if (!cid) errors.push_back({"citizen_id", "officers.bad_citizen_id"});
                    if (!PhoneLike(typed["office_phone"], false))
                        errors.push_back({"office_phone", "officers.bad_phone"});
                    if (!PhoneLike(typed["mobile"], true))
                        errors.push_back({"mobile", "officers.bad_mobile"});
                    if (!EmailLike(typed["work_email"]))
                        errors.push_back({"work_email", "officers.bad_email"});
                    if (typed["role"] != "editor" && typed["role"] != "admin")
                        errors.push_back({"role", "officers.choose_role"});
                    for (const auto& r : workflow.Mine(*p, kType))
                        if (r.closed.empty())
                            return http::Response::Redirect("/requests/" + r.reference);
                    if (!errors.empty()) return Form(catalog, pages, req, typed, errors);
                    Json data = {{"organization", org.value("title", org.value("name", ""))},
                                 {"position", typed["position"]},
                                 {"citizen_id", *cid},
                                 {"office_phone", typed["office_phone"]},
                                 {"mobile", Digits(typed["mobile"])},
                                 {"work_email", core::ToLower(typed["work_email"])},
                                 {"role", typed["role"]}};
                    std::string name = req.locale == "en" ? p->display_name_en : p->display_name_th;
                    auto r = workflow.Create(*p,
                                             {.type = kType,
                                              .organization_id = org.value("id", ""),
                                              .subject = (name.empty() ? p->name : name) + " / " +
                                                         org.value("title", ""),
                                              .data_json = data.dump()},
                                             req.client_ip);
                    return http::Response::Redirect("/requests/" + r.reference);
                },
                {.rate_limit = "form"});
}

}  // namespace govhub::officers

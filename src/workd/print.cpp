// The filled request form as a PDF to print, sign (the requester and the agency's head) and scan
// back (issue 18, step 1): the guide's parts 1–4 with the values, ticked boxes, the consent and
// the terms in full, dates in the Buddhist era. The head, the QR code and the signature lines are
// the workflow's (workflow/print.hpp; the signature lines from the type's texts.signatures).
#include <nlohmann/json.hpp>

#include "core/citizen_id.hpp"
#include "core/i18n.hpp"
#include "core/thai_date.hpp"
#include "render/pdf.hpp"
#include "workd/form.hpp"
#include "workd/form_routes.hpp"
#include "workd/model.hpp"
#include "workflow/print.hpp"

namespace govhub::workd {
namespace {

std::string Box(bool ticked) {
    return ticked ? "☑" : "☐";
}

std::string BeDate(const std::string& iso, const std::string& locale) {
    if (iso.size() < 10) return iso;
    auto y = std::atoi(iso.substr(0, 4).c_str()), m = std::atoi(iso.substr(5, 2).c_str()),
         d = std::atoi(iso.substr(8, 2).c_str());
    if (y <= 0 || m < 1 || m > 12 || d < 1) return iso;
    return std::to_string(d) + " " + core::MonthName(m, locale) + " " +
           std::to_string(locale == "th" ? core::BuddhistYear(y) : y);
}

// Parts 3 and 4 as filed (consent and terms, each with its time and text version), then the
// contact centre line: the same on the new service's form and on a change's.
void WriteConsentAndTerms(render::PdfWriter& pdf, const RequestForm& f,
                          const render::PageRenderer& pages, const std::string& locale) {
    auto T = [&](const std::string& key) { return pages.T(locale, key); };
    // Part 3.
    pdf.Space(6);
    pdf.Paragraph(T("workd.form.part3"), true);
    pdf.Small(T("workd.form.pdpa.text"));
    pdf.Paragraph(Box(f.pdpa_consent == "yes") + " " + T("workd.form.pdpa.yes") + "    " +
                  Box(f.pdpa_consent == "no") + " " + T("workd.form.pdpa.no"));
    if (!f.pdpa_at.empty())
        pdf.Small(T("workd.form.pdf.recorded") + " " +
                  core::FormatIsoDate(f.pdpa_at, locale, true) + " (" +
                  T("workd.form.pdf.version") + " " + f.pdpa_version + ")");
    // Part 4.
    pdf.Space(6);
    pdf.Paragraph(T("workd.form.part4"), true);
    for (const char* n : {"t1", "t2", "t3", "t4", "t5", "t6"})
        pdf.Small(T(std::string("workd.form.terms.") + n));
    pdf.Paragraph(Box(f.terms_accepted == "yes") + " " + T("workd.form.terms.accept"));
    if (!f.terms_at.empty())
        pdf.Small(T("workd.form.pdf.recorded") + " " +
                  core::FormatIsoDate(f.terms_at, locale, true) + " (" +
                  T("workd.form.pdf.version") + " " + f.terms_version + ")");
    pdf.Space(6);
    pdf.Small(T("workd.form.pdf.contact_center"));
}

void WriteForm(render::PdfWriter& pdf, RequestDesk& desk, const workflow::Request& r,
               const nlohmann::json& data, const render::PageRenderer& pages,
               const std::string& locale, const std::string& zone) {
    RequestForm f = RequestForm::FromData(data);
    auto T = [&](const std::string& key) { return pages.T(locale, key); };
    // A draft the form's full check refuses is not for signing: said first, in bold.
    if (r.state == "draft" || r.state == "needs_info") {
        RequestForm checked = f;
        if (auto errors = desk.Check(checked, FormMode::kComplete).errors; !errors.empty()) {
            pdf.Paragraph(
                pages.T(locale, core::Message("workd.form.pdf.not_ready",
                                              {{"count", std::to_string(errors.size())}})),
                true);
            pdf.Space(6);
        }
    }
    auto label = [&](const char* key) {
        return T(std::string("workflow.workd_service.field.") + key);
    };
    auto put = [&](const char* key, const std::string& value) {
        pdf.Field(label(key), value.empty() ? "-" : value);
    };
    // Part 1.
    pdf.Paragraph(T("workd.form.part1"), true);
    // The agency and its ministry by their titles, never their short names.
    auto title = [&](const std::string& name) {
        std::string t = desk.AgencyTitle(name, locale);
        return t.empty() ? name : t;
    };
    if (f.agency_choice == "new") {
        put(field::kAgencyNameTh, f.agency_name_th);
        put(field::kAgencyNameEn, f.agency_name_en);
        // The guide's "กระทรวง ___" and "อื่น ๆ ___": a ministry of the directory, or another
        // ministry (or none) as typed.
        if (f.ministry == "other") {
            std::string typed = f.ministry_other_th;
            if (!f.ministry_other_en.empty())
                typed += (typed.empty() ? "" : " / ") + f.ministry_other_en;
            pdf.Field(T("workd.form.pdf.ministry_other"), Box(true) + " " + typed);
        } else {
            put(field::kMinistry, f.ministry.empty() ? "" : Box(true) + " " + title(f.ministry));
        }
    } else {
        put(field::kAgency, title(f.agency));
    }
    put(field::kContactNameTh, f.contact_name_th);
    put(field::kContactNameEn, f.contact_name_en);
    put(field::kContactPosition, f.contact_position);
    put(field::kContactCitizenId, f.contact_citizen_id.size() == 13
                                      ? core::FormatCitizenId(f.contact_citizen_id)
                                      : f.contact_citizen_id);
    put(field::kOfficePhone, FormatThaiPhone(f.office_phone));
    put(field::kContactPhone, FormatThaiPhone(f.contact_phone));
    put(field::kMobile, FormatThaiPhone(f.mobile));
    put(field::kEmail, f.email);
    put(field::kBackupEmail, f.backup_email);
    bool bangkok = f.province == "กรุงเทพมหานคร";
    std::string address =
        T("workd.form.pdf.number") + " " + (f.address_number.empty() ? "-" : f.address_number);
    if (!f.address_moo.empty()) address += " " + T("workd.form.pdf.moo") + " " + f.address_moo;
    if (!f.address_soi.empty()) address += " " + T("workd.form.pdf.soi") + " " + f.address_soi;
    if (!f.address_road.empty()) address += " " + T("workd.form.pdf.road") + " " + f.address_road;
    pdf.Field(T("workd.form.address"), address);
    pdf.Field(T(bangkok ? "workd.form.khwaeng" : "workflow.workd_service.field.tambon"), f.tambon);
    pdf.Field(T(bangkok ? "workd.form.khet" : "workflow.workd_service.field.amphoe"), f.amphoe);
    put(field::kProvince, f.province);
    put(field::kPostcode, f.postcode);
    if (!f.postcode_note.empty()) put(field::kPostcodeNote, f.postcode_note);
    // Part 2.
    pdf.Space(6);
    pdf.Paragraph(T("workd.form.part2"), true);
    pdf.Paragraph(T("workd.form.new_service"));
    pdf.Paragraph(
        Box(f.domain_kind == "subdomain") + " " + T("workd.form.kind_subdomain") + " " +
        (f.domain_kind == "subdomain" && !f.subdomain.empty() ? f.subdomain + "." + zone : ""));
    pdf.Paragraph(Box(f.domain_kind == "own") + " " + T("workd.form.kind_own") + " " +
                  (f.domain_kind == "own" ? f.own_domain : ""));
    pdf.Paragraph(Box(f.MailAccounts() > 0) + " " + T("workd.form.pdf.mail") + " " +
                  std::to_string(f.MailAccounts()) + " " + T("workd.form.pdf.accounts"));
    pdf.Paragraph(Box(f.ConferenceAccounts() > 0) + " " + T("workd.form.pdf.conference") + " " +
                  std::to_string(f.ConferenceAccounts()) + " " + T("workd.form.pdf.accounts"));
    put(field::kEffectiveDate, BeDate(f.effective_date, locale));
    WriteConsentAndTerms(pdf, f, pages, locale);
    // The two signature blocks (the requester; the agency's head) follow: texts.signatures.
}

// A change (workd_change): the service it changes, the guide's part 2 for a change with its
// boxes ticked, the contact part as filed, parts 3 and 4.
void WriteChange(render::PdfWriter& pdf, const workflow::Request& r, const nlohmann::json& data,
                 const render::PageRenderer& pages, const std::string& locale) {
    RequestForm f = RequestForm::FromData(data);
    auto T = [&](const std::string& key) { return pages.T(locale, key); };
    auto text = [&](const char* key) {
        auto it = data.find(key);
        if (it == data.end() || it->is_null()) return std::string();
        return it->is_string() ? it->get<std::string>() : it->dump();
    };
    auto put = [&](const char* key, const std::string& value) {
        pdf.Field(T(std::string("workflow.workd_change.field.") + key),
                  value.empty() ? "-" : value);
    };
    std::string service = text(field::kServiceRequest);
    if (!service.empty() || !r.subject.empty())
        pdf.Field(T("workd.change.parent"),
                  service + (service.empty() || r.subject.empty() ? "" : " ") + r.subject);
    pdf.Paragraph(T("workd.change.part2"), true);
    std::string members = text(field::kMembersChange);
    pdf.Paragraph(Box(!members.empty()) + " " + T("workflow.workd_change.field.members_change"));
    if (!members.empty()) pdf.Small(members);
    std::string mail = text(field::kMoreMailAccounts), conf = text(field::kMoreConferenceAccounts);
    pdf.Paragraph(Box(!mail.empty() && mail != "0") + " " + T("workd.form.pdf.mail") + " " +
                  (mail.empty() ? "0" : mail) + " " + T("workd.form.pdf.accounts"));
    pdf.Paragraph(Box(!conf.empty() && conf != "0") + " " + T("workd.form.pdf.conference") + " " +
                  (conf.empty() ? "0" : conf) + " " + T("workd.form.pdf.accounts"));
    std::string relay = text(field::kRelay);
    pdf.Paragraph(Box(!relay.empty()) + " " + T("workd.change.relay") + ": " +
                  (relay.empty() ? "-" : T("workflow.workd_change.value.relay." + relay)));
    if (!relay.empty()) put(field::kRelayDetails, text(field::kRelayDetails));
    put(field::kEffectiveDate, BeDate(f.effective_date, locale));
    pdf.Space(6);
    pdf.Paragraph(T("workd.form.contact"), true);
    put(field::kContactNameTh, f.contact_name_th);
    put(field::kContactNameEn, f.contact_name_en);
    put(field::kContactPosition, f.contact_position);
    put(field::kOfficePhone, FormatThaiPhone(f.office_phone));
    put(field::kContactPhone, FormatThaiPhone(f.contact_phone));
    put(field::kMobile, FormatThaiPhone(f.mobile));
    put(field::kEmail, f.email);
    put(field::kBackupEmail, f.backup_email);
    WriteConsentAndTerms(pdf, f, pages, locale);
}

// The contact's name in the reader's language, printed under the requester's signature line.
std::vector<std::string> RequesterName(const workflow::Request& r, const std::string& locale) {
    RequestForm f = RequestForm::FromData(nlohmann::json::parse(r.data_json, nullptr, false));
    std::string name =
        locale == "en" && !f.contact_name_en.empty() ? f.contact_name_en : f.contact_name_th;
    return {name, ""};
}

}  // namespace

void RegisterPrintedForm(http::Router& router, RequestDesk& desk,
                         workflow::WorkflowService& workflow, const render::PageRenderer& pages,
                         const std::string& site_url, const std::string& tmp_dir,
                         const std::string& zone) {
    workflow::AddPrintedFormRoute(
        router, "/workd/requests/{reference}/form.pdf", workflow, pages,
        {.type = kServiceType,
         .title_key = "workd.form.pdf.title",
         .subtitle_key = "workd.form.pdf.subtitle",
         .site_url = site_url,
         .tmp_dir = tmp_dir,
         // The workflow hands the body the request with its sensitive fields opened.
         .body =
             [&desk, &pages, zone](render::PdfWriter& pdf, const workflow::Request& r,
                                   const std::string& locale) {
                 nlohmann::json data = nlohmann::json::parse(r.data_json, nullptr, false);
                 WriteForm(pdf, desk, r, data, pages, locale, zone);
             },
         // The requester's name under their line (the contact who fills the form); the head's
         // line is left to fill by hand.
         .signature_names = RequesterName});
    // A change's form (workd_change), printed and signed as the new service's is.
    workflow::AddPrintedFormRoute(router, "/workd/changes/{reference}/form.pdf", workflow, pages,
                                  {.type = kChangeType,
                                   .title_key = "workd.change.pdf.title",
                                   .subtitle_key = "workd.form.pdf.subtitle",
                                   .site_url = site_url,
                                   .tmp_dir = tmp_dir,
                                   .body =
                                       [&pages](render::PdfWriter& pdf, const workflow::Request& r,
                                                const std::string& locale) {
                                           nlohmann::json data =
                                               nlohmann::json::parse(r.data_json, nullptr, false);
                                           if (!data.is_object()) data = nlohmann::json::object();
                                           WriteChange(pdf, r, data, pages, locale);
                                       },
                                   .signature_names = RequesterName});
}

}  // namespace govhub::workd

#pragma once
// A complete, valid request form for tests of what comes after the form (the review, the
// domains, the hand-over): the submit step runs the form's full check (AddFormHooks), so a test
// that submits a workd_service request needs a form like this one in its data.
//
//   workflow.Create(p, {.type = kServiceType, .organization_id = agency_id,
//                       .data_json = SampleForm("agency-x", "dga").ToData().dump()}, "");
#include <string>

#include "workd/form.hpp"
#include "workd/model.hpp"
#include "workd/requests.hpp"

namespace govhub::workd {

// `directory_agency`: the short name of an active agency of the directory ("" files a new
// agency, "สำนักงานทดสอบ", under no ministry). `label`: the subdomain asked for under the zone
// ("" asks for `own_domain` instead). Counts 100 / 10; effective on the last day the form
// allows from today (Bangkok): two years ahead.
inline RequestForm SampleForm(const std::string& label, const std::string& directory_agency = "",
                              const std::string& own_domain = "") {
    RequestForm f;
    if (directory_agency.empty()) {
        f.agency_choice = "new";
        f.agency_name_th = "สำนักงานทดสอบ";
        f.agency_name_en = "Test Office";
        f.ministry = "other";
        f.ministry_other_th = "องค์การมหาชน";
    } else {
        f.agency_choice = "directory";
        f.agency = directory_agency;
    }
    f.contact_name_th = "สมศรี ใจดี";
    f.contact_name_en = "Somsri Jaidee";
    f.contact_position = "นักวิชาการคอมพิวเตอร์";
    f.contact_citizen_id = "1101112345679";
    f.office_phone = "026126060";
    f.mobile = "0812345678";
    f.email = "somsri@agency.go.th";
    f.backup_email = "somsri.backup@example.com";
    f.address_number = "99/1";
    f.province = "กรุงเทพมหานคร";
    f.amphoe = "หลักสี่";
    f.tambon = "ทุ่งสองห้อง";
    f.postcode = "10210";
    if (!label.empty()) {
        f.domain_kind = "subdomain";
        f.subdomain = label;
    } else {
        f.domain_kind = "own";
        f.own_domain = own_domain;
    }
    f.mail_accounts = "100";
    f.conference_accounts = "10";
    f.effective_date = EffectiveDateMax(BangkokToday());
    f.pdpa_consent = "yes";
    f.pdpa_version = kPdpaTextVersion;
    f.pdpa_at = "2026-12-01T00:00:00.000000Z";
    f.terms_accepted = "yes";
    f.terms_version = kTermsTextVersion;
    f.terms_at = "2026-12-01T00:00:00.000000Z";
    return f;
}

}  // namespace govhub::workd

// workD's demo data (demo.hpp).
#include "workd/demo.hpp"

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "agencies/store.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "workd/requests.hpp"
#include "workd/store.hpp"
#include "workflow/store.hpp"

namespace govhub::workd {
namespace {

// A one-page PDF standing in for the signed, scanned form.
constexpr const char* kScanPdf =
    "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    "trailer<</Root 1 0 R>>\n%%EOF\n";

struct DemoRequest {
    const char* agency;  // directory short name
    const char* domain_kind;
    const char* name;  // subdomain label or own domain
    int mail, conference;
    const char* contact_th;
    const char* contact_en;
    const char* citizen_id;
    const char* email;
};

RequestForm FormOf(const DemoRequest& d, const std::string& effective) {
    RequestForm f;
    f.agency_choice = "directory";
    f.agency = d.agency;
    f.contact_name_th = d.contact_th;
    f.contact_name_en = d.contact_en;
    f.contact_position = "นักวิชาการคอมพิวเตอร์ชำนาญการ";
    f.contact_citizen_id = d.citizen_id;
    f.office_phone = "02 612 6060 ต่อ 123";
    f.mobile = "0812345678";
    f.email = d.email;
    f.backup_email = "it-backup@example.com";
    f.address_number = "99/1";
    f.address_road = "แจ้งวัฒนะ";
    f.province = "กรุงเทพมหานคร";
    f.amphoe = "หลักสี่";
    f.tambon = "ทุ่งสองห้อง";
    f.domain_kind = d.domain_kind;
    if (std::string(d.domain_kind) == "own")
        f.own_domain = d.name;
    else
        f.subdomain = d.name;
    f.mail_accounts = std::to_string(d.mail);
    f.conference_accounts = std::to_string(d.conference);
    f.effective_date = effective;
    f.pdpa_consent = "yes";
    f.terms_accepted = "yes";
    return f;
}

}  // namespace

int SeedDemo(WorkdService& service, const accounts::Principal& officer,
             const accounts::Principal& reviewer, const std::string& tmp_dir) {
    auto& wf = service.workflow();
    RequestDesk desk(service.db(), wf, service.addresses(), service.config().zone);
    // The effective date: a week from today (the form refuses a past date).
    std::string today = BangkokToday();
    std::tm tm{};
    std::istringstream(today) >> std::get_time(&tm, "%Y-%m-%d");
    tm.tm_mday += 7;
    std::mktime(&tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    const std::string effective = buf;

    const DemoRequest demos[] = {
        {"tmd", "subdomain", "tmd", 300, 40, "สมชาย ใจดี", "Somchai Jaidee", "1-1011-12345-67-9",
         "somchai@tmd.go.th"},
        {"nso", "subdomain", "nso", 500, 50, "สมชาย ใจดี", "Somchai Jaidee", "1-1011-12345-67-9",
         "somchai@nso.go.th"},
        {"cgd", "own", "cgd-demo.go.th", 1200, 100, "สมชาย ใจดี", "Somchai Jaidee",
         "1-1011-12345-67-9", "somchai@cgd-demo.go.th"},
    };
    std::filesystem::path scan =
        std::filesystem::path(tmp_dir.empty() ? std::filesystem::temp_directory_path().string()
                                              : tmp_dir) /
        ("workd-demo-scan-" + core::NewUuid() + ".pdf");
    int filed = 0;
    for (size_t i = 0; i < std::size(demos); ++i) {
        const auto& d = demos[i];
        // Idempotent: skip an agency that is missing or has a workD request already.
        // The officer is the agency's administrator (its IT contact), so /workd shows them its
        // service and requests.
        bool skip = service.db().Write([&](db::Connection& c) {
            auto a = agencies::store::Find(c, d.agency);
            if (!a || !store::RequestIdsOfAgency(c, a->id, 1).empty()) return true;
            agencies::store::SetMember(c, a->id, {officer.user_id, agencies::Role::kAdmin});
            return false;
        });
        if (skip) continue;
        try {
            DeskResult saved =
                desk.Create(officer, FormOf(d, effective), FormMode::kComplete, "127.0.0.1");
            if (!saved.saved || !saved.check.ok()) {
                std::cerr << "workd demo: the form for " << d.agency << " did not pass: "
                          << (saved.check.errors.empty() ? saved.open_reference
                                                         : saved.check.errors.front().field + " " +
                                                               saved.check.errors.front().message)
                          << "\n";
                continue;
            }
            const auto& r = saved.request;
            std::ofstream(scan, std::ios::binary) << kScanPdf;
            wf.Attach(officer, r.id, "signed_application", scan.string(),
                      std::string("signed-form-") + d.agency + ".pdf");
            std::filesystem::remove(scan);
            wf.Transition(officer, r.id, {.transition = "submit", .ip = "127.0.0.1"});
            ++filed;
            if (i == 1) continue;  // nso: waits for review
            nlohmann::json inputs = {{field::kApprovedMail, d.mail},
                                     {field::kApprovedConference, d.conference}};
            if (i == 0) {
                // tmd: approved with fewer Conference accounts (term 4.4), then handed over.
                inputs[field::kApprovedConference] = 20;
                inputs[field::kReductionReason] = "งบประมาณปีนี้จัดสรรบัญชี Conference ได้ 20 บัญชี";
            }
            wf.Transition(reviewer, r.id,
                          {.transition = "approve",
                           .note = "ข้อมูลครบถ้วน",
                           .data_json = inputs.dump(),
                           .ip = "127.0.0.1"});
            if (i == 0) {
                if (auto wh = service.CreateHandover(r.id))
                    wf.Transition(reviewer, wh->id,
                                  {.transition = "close",
                                   .note = "สร้างบัญชีผู้ดูแลระบบและส่งรหัสผ่านให้หน่วยงานแล้ว",
                                   .ip = "127.0.0.1"});
            }
        } catch (const HttpError& e) {
            std::cerr << "workd demo: " << d.agency << ": " << e.what() << "\n";
        }
    }
    std::error_code ec;
    std::filesystem::remove(scan, ec);
    return filed;
}

}  // namespace govhub::workd

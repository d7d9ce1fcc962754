#include "workd/form.hpp"
#include "workd/requests.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/thai_address.hpp"
#include "workd/form_sample.hpp"
#include "workd/model.hpp"

namespace govhub::workd {
namespace {

using Json = nlohmann::json;

const core::ThaiAddressBook& Book() {
    static const core::ThaiAddressBook book = core::ThaiAddressBook::Load(
        core::ThaiAddressDataPath(std::string(GOVHUB_SOURCE_DIR) + "/web"));
    return book;
}

FormContext Ctx() {
    FormContext c;
    c.find_agency = [](const std::string& name) -> std::optional<DirectoryAgency> {
        if (name == "mdes") return DirectoryAgency{"m1", "mdes", "กระทรวงดิจิทัล", "MDES", true};
        if (name == "dga") return DirectoryAgency{"a1", "dga", "สพร.", "DGA", false};
        return std::nullopt;
    };
    c.domain_taken = [](const std::string& fqdn) {
        return fqdn == "taken.mail.go.th" || fqdn == "taken.go.th";
    };
    c.addresses = &Book();
    c.zone = "mail.go.th";
    c.today = "2026-12-07";
    return c;
}

RequestForm Good() {
    RequestForm f;
    f.agency_choice = "directory";
    f.agency = "dga";
    f.contact_name_th = "สมศรี ใจดี";
    f.contact_name_en = "Somsri Jaidee";
    f.contact_position = "นักวิชาการ";
    f.contact_citizen_id = "1-1011-12345-67-9";
    f.office_phone = "02 612 6060";
    f.mobile = "0812345678";
    f.email = "somsri@dga.or.th";
    f.backup_email = "backup@example.com";
    f.address_number = "99/1";
    f.province = "กรุงเทพมหานคร";
    f.amphoe = "หลักสี่";
    f.tambon = "ทุ่งสองห้อง";
    f.domain_kind = "subdomain";
    f.subdomain = "dga";
    f.mail_accounts = "100";
    f.conference_accounts = "0";
    f.effective_date = "2026-12-08";
    f.pdpa_consent = "yes";
    f.terms_accepted = "yes";
    return f;
}

// The error key of `field` when the good form is changed by `change` (complete mode).
std::string ErrorOf(const char* field, const std::function<void(RequestForm&)>& change) {
    RequestForm f = Good();
    change(f);
    FormCheck c = Validate(f, Ctx(), FormMode::kComplete, nullptr, "2026-12-07T03:00:00Z");
    for (const auto& e : c.errors)
        if (e.field == field) return e.message;
    return "";
}

TEST(WorkdForm, TheGoodFormPassesAndIsNormalised) {
    RequestForm f = Good();
    FormCheck c = Validate(f, Ctx(), FormMode::kComplete, nullptr, "2026-12-07T03:00:00Z");
    EXPECT_TRUE(c.ok()) << c.errors.front().field << " " << c.errors.front().message;
    EXPECT_EQ(c.directory_agency_id, "a1");
    EXPECT_TRUE(c.bangkok);
    EXPECT_EQ(f.postcode, "10210");  // filled in
    EXPECT_EQ(f.contact_citizen_id, "1101112345679");
    EXPECT_EQ(f.office_phone, "026126060");
    EXPECT_EQ(f.pdpa_at, "2026-12-07T03:00:00Z");
    EXPECT_EQ(f.pdpa_version, kPdpaTextVersion);
    EXPECT_EQ(f.terms_version, kTermsTextVersion);
}

TEST(WorkdForm, Phones) {
    EXPECT_EQ(ParseThaiPhone("02-612-6060", false), "026126060");
    EXPECT_EQ(ParseThaiPhone("02 612 6060 ต่อ 123", false), "026126060 ต่อ 123");
    EXPECT_EQ(ParseThaiPhone("053-123456 ext. 45", false), "053123456 ต่อ 45");
    EXPECT_EQ(ParseThaiPhone("(053) 123456 x9", false), "053123456 ต่อ 9");
    EXPECT_EQ(ParseThaiPhone("+66 81 234 5678", true), "0812345678");
    EXPECT_EQ(ParseThaiPhone("๐๘๑๒๓๔๕๖๗๘", true), "0812345678");
    EXPECT_EQ(ParseThaiPhone("0812345678", false), "0812345678");  // an office may give a mobile
    EXPECT_FALSE(ParseThaiPhone("02-612-6060", true));             // not a mobile
    EXPECT_FALSE(ParseThaiPhone("0812345678 ต่อ 1", true));
    EXPECT_FALSE(ParseThaiPhone("12345", false));
    EXPECT_FALSE(ParseThaiPhone("0712345678", true));  // 07 is not mobile
    EXPECT_FALSE(ParseThaiPhone("02612606", false));   // 8 digits
    EXPECT_FALSE(ParseThaiPhone("02 612 6060 ต่อ", false));
    EXPECT_FALSE(ParseThaiPhone("02 612 6060 ต่อ 1234567", false));
    EXPECT_FALSE(ParseThaiPhone("02-612-6060; DROP", false));
    EXPECT_FALSE(ParseThaiPhone("+1 202 555 0100", false));
    EXPECT_FALSE(ParseThaiPhone(std::string(100, '0'), false));
    EXPECT_EQ(FormatThaiPhone("026126060 ต่อ 123"), "02-612-6060 ต่อ 123");
    EXPECT_EQ(FormatThaiPhone("053123456"), "053-123-456");
    EXPECT_EQ(FormatThaiPhone("0812345678"), "081-234-5678");
    EXPECT_EQ(FormatThaiPhone("junk"), "junk");
    EXPECT_EQ(ErrorOf(field::kMobile, [](auto& f) { f.mobile = "021234567"; }),
              "workd.form.error.mobile");
    EXPECT_EQ(ErrorOf(field::kOfficePhone, [](auto& f) { f.office_phone = "abc"; }),
              "workd.form.error.phone");
    EXPECT_EQ(ErrorOf(field::kContactPhone, [](auto& f) { f.contact_phone = "1"; }),
              "workd.form.error.phone");
    EXPECT_EQ(ErrorOf(field::kContactPhone, [](auto& f) { f.contact_phone = ""; }), "");
}

TEST(WorkdForm, Emails) {
    EXPECT_EQ(ParseEmail(" Somsri@Agency.GO.TH "), "Somsri@agency.go.th");
    EXPECT_EQ(ParseEmail("a.b+c@xn--12c1fe0br.xn--o3cw4h"), "a.b+c@xn--12c1fe0br.xn--o3cw4h");
    for (const char* bad :
         {"", "a", "a@", "@b.c", "a@b", "a@@b.co", "a b@c.co", "a@b..co", ".a@b.co", "a..b@c.co",
          "a@-b.co", "a@b.c", "a@b.12", "<a>@b.co", "a@ข.co"})
        EXPECT_FALSE(ParseEmail(bad)) << bad;
    EXPECT_FALSE(ParseEmail(std::string(250, 'a') + "@b.co"));
    EXPECT_EQ(ErrorOf(field::kEmail, [](auto& f) { f.email = "x"; }), "workd.form.error.email");
    EXPECT_EQ(ErrorOf(field::kBackupEmail, [](auto& f) { f.backup_email = "SOMSRI@DGA.or.th"; }),
              "workd.form.error.backup_same");
    EXPECT_EQ(ErrorOf(field::kBackupEmail, [](auto& f) { f.backup_email = ""; }),
              "workd.form.error.required");
}

TEST(WorkdForm, TheAgency) {
    EXPECT_EQ(ErrorOf(field::kAgency, [](auto& f) { f.agency = "nope"; }),
              "workd.form.error.agency_unknown");
    EXPECT_EQ(ErrorOf(field::kAgencyChoice, [](auto& f) { f.agency_choice = "x"; }),
              "workd.form.error.agency_choice");
    auto fresh = [](RequestForm& f) {
        f.agency_choice = "new";
        f.agency_name_th = "สำนักงานใหม่";
        f.ministry = "mdes";
    };
    EXPECT_EQ(ErrorOf(field::kMinistry, fresh), "");
    EXPECT_EQ(ErrorOf(field::kMinistry,
                      [&](auto& f) {
                          fresh(f);
                          f.ministry = "dga";  // not a ministry
                      }),
              "workd.form.error.ministry_unknown");
    EXPECT_EQ(ErrorOf(field::kMinistryOtherTh,
                      [&](auto& f) {
                          fresh(f);
                          f.ministry = "other";
                      }),
              "workd.form.error.required");
    EXPECT_EQ(ErrorOf(field::kAgencyNameTh,
                      [&](auto& f) {
                          fresh(f);
                          f.agency_name_th = "";
                      }),
              "workd.form.error.required");
}

TEST(WorkdForm, CitizenIdAndNames) {
    EXPECT_EQ(
        ErrorOf(field::kContactCitizenId, [](auto& f) { f.contact_citizen_id = "1101112345678"; }),
        "workd.form.error.citizen_id");
    EXPECT_EQ(ErrorOf(field::kContactNameTh, [](auto& f) { f.contact_name_th = ""; }),
              "workd.form.error.required");
    EXPECT_EQ(ErrorOf(field::kContactNameTh,
                      [](auto& f) {
                          f.contact_name_th =
                              "a\x01"
                              "b";
                      }),
              "workd.form.error.bad_text");
    EXPECT_EQ(ErrorOf(field::kContactNameTh, [](auto& f) { f.contact_name_th = "\xff\xfe"; }),
              "workd.form.error.bad_text");
    EXPECT_EQ(ErrorOf(field::kContactNameTh,
                      [](auto& f) {
                          f.contact_name_th =
                              "a\xe2\x80\xae"
                              "b";
                      }),  // RLO
              "workd.form.error.bad_text");
    EXPECT_EQ(ErrorOf(field::kContactPosition,
                      [](auto& f) { f.contact_position = std::string(201, 'a'); }),
              "workd.form.error.too_long");
    EXPECT_EQ(ErrorOf(field::kContactNameEn, [](auto& f) { f.contact_name_en = "<b>x</b>"; }), "");
    EXPECT_EQ(CleanText("  a \t  b  "), "a b");
    EXPECT_EQ(CleanText("a\r\n b", true), "a\nb");
}

TEST(WorkdForm, TheAddress) {
    EXPECT_EQ(ErrorOf(field::kProvince, [](auto& f) { f.province = "ไม่มี"; }),
              "workd.form.error.province");
    EXPECT_EQ(ErrorOf(field::kAmphoe, [](auto& f) { f.amphoe = "เมืองเชียงใหม่"; }),
              "workd.form.error.khet");
    EXPECT_EQ(ErrorOf(field::kTambon, [](auto& f) { f.tambon = "ไม่มี"; }),
              "workd.form.error.khwaeng");
    EXPECT_EQ(ErrorOf(field::kPostcode, [](auto& f) { f.postcode = "123"; }),
              "workd.form.error.postcode");
    // A postcode off its tambon names the expected one; a note keeps it.
    std::string mismatch = ErrorOf(field::kPostcode, [](auto& f) { f.postcode = "10900"; });
    EXPECT_NE(mismatch.find("postcode_mismatch"), std::string::npos);
    EXPECT_NE(mismatch.find("10210"), std::string::npos);
    EXPECT_EQ(ErrorOf(field::kPostcode,
                      [](auto& f) {
                          f.postcode = "10900";
                          f.postcode_note = "รหัสใหม่";
                      }),
              "");
    EXPECT_EQ(ErrorOf(field::kAddressNumber, [](auto& f) { f.address_number = ""; }),
              "workd.form.error.required");
    RequestForm f = Good();
    f.province = "เชียงใหม่";
    f.amphoe = "อ.เมือง";
    f.tambon = "ต.ศรีภูมิ";
    f.postcode = "๕๐๒๐๐";
    FormCheck c = Validate(f, Ctx(), FormMode::kComplete, nullptr, "t");
    EXPECT_TRUE(c.ok());
    EXPECT_FALSE(c.bangkok);
    EXPECT_EQ(f.amphoe, "เมืองเชียงใหม่");
    EXPECT_EQ(f.tambon, "ศรีภูมิ");
    EXPECT_EQ(f.postcode, "50200");
}

TEST(WorkdForm, TheService) {
    EXPECT_EQ(ErrorOf(field::kSubdomain, [](auto& f) { f.subdomain = "www"; }),
              "workd.dns.label.reserved");
    EXPECT_EQ(ErrorOf(field::kSubdomain, [](auto& f) { f.subdomain = "ไทย"; }),
              "workd.dns.label.idn");
    EXPECT_EQ(ErrorOf(field::kSubdomain, [](auto& f) { f.subdomain = "Taken"; }),
              "workd.form.error.domain_taken");
    EXPECT_EQ(ErrorOf(field::kOwnDomain,
                      [](auto& f) {
                          f.domain_kind = "own";
                          f.own_domain = "taken.go.th";
                      }),
              "workd.form.error.domain_taken");
    EXPECT_EQ(ErrorOf(field::kOwnDomain,
                      [](auto& f) {
                          f.domain_kind = "own";
                          f.own_domain = "x.mail.go.th";
                      }),
              "workd.form.error.own_in_zone");
    EXPECT_EQ(ErrorOf(field::kOwnDomain,
                      [](auto& f) {
                          f.domain_kind = "own";
                          f.own_domain = "localhost";
                      }),
              "workd.dns.domain.not_fqdn");
    EXPECT_EQ(ErrorOf(field::kDomainKind, [](auto& f) { f.domain_kind = ""; }),
              "workd.form.error.domain_kind");
    EXPECT_EQ(ParseAccountCount("1,000"), 1000);
    EXPECT_EQ(ParseAccountCount("๑๒"), 12);
    EXPECT_EQ(ParseAccountCount("100000"), 100000);
    EXPECT_FALSE(ParseAccountCount("100001"));
    EXPECT_FALSE(ParseAccountCount("-1"));
    EXPECT_FALSE(ParseAccountCount("1.5"));
    EXPECT_FALSE(ParseAccountCount(",1"));
    EXPECT_FALSE(ParseAccountCount("99999999999999999999"));
    EXPECT_EQ(ErrorOf(field::kMailAccounts, [](auto& f) { f.mail_accounts = "x"; }),
              "workd.form.error.count");
    EXPECT_EQ(ErrorOf(field::kMailAccounts, [](auto& f) { f.mail_accounts = "0"; }),
              "workd.form.error.no_accounts");
    EXPECT_EQ(ErrorOf(field::kEffectiveDate, [](auto& f) { f.effective_date = "8/12/2569"; }), "");
    EXPECT_NE(ErrorOf(field::kEffectiveDate, [](auto& f) { f.effective_date = "6/12/2569"; })
                  .find("workd.form.error.date_past"),
              std::string::npos);  // with the range allowed
    EXPECT_EQ(ErrorOf(field::kEffectiveDate, [](auto& f) { f.effective_date = "31/2/2570"; }),
              "workd.form.error.date");
    RequestForm f = Good();
    f.effective_date = "๘/๑๒/๒๕๖๙";
    Validate(f, Ctx(), FormMode::kComplete, nullptr, "t");
    EXPECT_EQ(f.effective_date, "2026-12-08");
}

TEST(WorkdForm, ConsentAndTerms) {
    EXPECT_EQ(ErrorOf(field::kPdpaConsent, [](auto& f) { f.pdpa_consent = "no"; }),
              "workd.form.error.pdpa_refused");
    EXPECT_EQ(ErrorOf(field::kPdpaConsent, [](auto& f) { f.pdpa_consent = ""; }),
              "workd.form.error.pdpa_choose");
    EXPECT_EQ(ErrorOf(field::kPdpaConsent, [](auto& f) { f.pdpa_consent = "maybe"; }),
              "workd.form.error.pdpa_choose");
    EXPECT_EQ(ErrorOf(field::kTermsAccepted, [](auto& f) { f.terms_accepted = ""; }),
              "workd.form.error.terms");
    // The time stays that of the first consent while it is unchanged; a change records anew.
    RequestForm before = Good();
    Validate(before, Ctx(), FormMode::kComplete, nullptr, "T1");
    RequestForm again = Good();
    Validate(again, Ctx(), FormMode::kComplete, &before, "T2");
    EXPECT_EQ(again.pdpa_at, "T1");
    EXPECT_EQ(again.terms_at, "T1");
    RequestForm changed = Good();
    changed.pdpa_consent = "no";
    Validate(changed, Ctx(), FormMode::kDraft, &before, "T3");
    EXPECT_EQ(changed.pdpa_at, "T3");
}

TEST(WorkdForm, ADraftChecksOnlyWhatIsTyped) {
    RequestForm f;
    f.mobile = "12";
    FormCheck c = Validate(f, Ctx(), FormMode::kDraft, nullptr, "t");
    ASSERT_EQ(c.errors.size(), 1u);
    EXPECT_EQ(c.errors[0].field, field::kMobile);
    RequestForm empty;
    EXPECT_GT(Validate(empty, Ctx(), FormMode::kComplete, nullptr, "t").errors.size(), 15u);
}

TEST(WorkdForm, TheSampleFormForOtherTestsIsComplete) {
    for (RequestForm f : {SampleForm("sample"), SampleForm("sample", "dga"),
                          SampleForm("", "", "agency.example.go.th")}) {
        FormContext ctx = Ctx();
        ctx.today = BangkokToday();  // the sample's date is relative to the real today
        FormCheck c = Validate(f, ctx, FormMode::kComplete, nullptr, "t");
        EXPECT_TRUE(c.ok()) << (c.ok() ? ""
                                       : c.errors.front().field + " " + c.errors.front().message);
    }
}

TEST(WorkdForm, JsonAndDataRoundTrip) {
    Json body = {{"agency_choice", "new"}, {"mail_accounts", 5},        {"pdpa_consent", false},
                 {"terms_accepted", true}, {"contact_name_th", "สมศรี"}, {"unknown", "ignored"}};
    RequestForm f = RequestForm::FromJson(body);
    EXPECT_EQ(f.mail_accounts, "5");
    EXPECT_EQ(f.pdpa_consent, "no");
    EXPECT_EQ(f.terms_accepted, "yes");
    Json data = f.ToData();
    EXPECT_EQ(data[field::kMailAccounts], 5);
    EXPECT_FALSE(data.contains("unknown"));
    RequestForm back = RequestForm::FromData(data);
    EXPECT_EQ(back.mail_accounts, "5");
    EXPECT_EQ(back.contact_name_th, "สมศรี");
    // A PUT keeps what it does not name; null clears.
    RequestForm merged =
        RequestForm::FromJson({{"mobile", "0812345678"}, {"contact_name_th", nullptr}}, &f);
    EXPECT_EQ(merged.agency_choice, "new");
    EXPECT_EQ(merged.mobile, "0812345678");
    EXPECT_EQ(merged.contact_name_th, "");
    EXPECT_THROW(RequestForm::FromJson(Json::array()), HttpError);
    EXPECT_THROW(RequestForm::FromJson({{"mobile", Json::array()}}), HttpError);
    // Oversized values are cut (four times the bound) but still reported.
    RequestForm big = RequestForm::FromJson({{"contact_name_th", std::string(100000, 'a')}});
    EXPECT_EQ(big.contact_name_th.size(), 4 * kMaxNameBytes);
    // A form post: a checkbox with another value is not a yes.
    RequestForm posted = RequestForm::FromValues(
        [](const std::string& k) { return k == "terms_accepted" ? "on" : ""; });
    EXPECT_EQ(posted.terms_accepted, "invalid");
}

TEST(WorkdForm, EffectiveDateEraAndRange) {
    auto error_for = [](const std::string& typed) {
        RequestForm f = Good();
        f.effective_date = typed;
        FormCheck c = Validate(f, Ctx(), FormMode::kComplete, nullptr, "2026-12-07T03:00:00Z");
        for (const auto& e : c.errors)
            if (e.field == field::kEffectiveDate) return e.message;
        return std::string();
    };
    EXPECT_EQ(error_for("2027-01-15"), "");
    EXPECT_EQ(error_for("15/1/2570"), "");
    EXPECT_EQ(error_for("2028-12-07"), "");  // today + 2 years: the last day
    EXPECT_NE(error_for("2028-12-08").find("workd.form.error.date_range"), std::string::npos);
    EXPECT_NE(error_for("2026-12-06").find("workd.form.error.date_past"), std::string::npos);
    EXPECT_NE(error_for("2570-01-15").find("workd.form.error.date_iso_be"), std::string::npos);
    EXPECT_EQ(error_for("15/1/2027"), "workd.form.error.date_slash_ce");
    EXPECT_NE(error_for("9999-12-31").find("date_iso_be"), std::string::npos);
}

TEST(WorkdForm, PostcodeShapeAlwaysChecked) {
    RequestForm f = Good();
    f.postcode = "1";
    f.tambon = "ไม่มีตำบลนี้";
    FormCheck c = Validate(f, Ctx(), FormMode::kComplete, nullptr, "2026-12-07T03:00:00Z");
    bool flagged = false;
    for (const auto& e : c.errors) flagged |= e.field == field::kPostcode;
    EXPECT_TRUE(flagged);
}

TEST(WorkdForm, RegistryZonesAreNoOwnDomain) {
    for (const char* zone : {"go.th", "ac.th", "or.th", "co.th", "in.th", "mi.th", "net.th"}) {
        RequestForm f = Good();
        f.domain_kind = "own";
        f.own_domain = zone;
        FormCheck c = Validate(f, Ctx(), FormMode::kComplete, nullptr, "2026-12-07T03:00:00Z");
        bool flagged = false;
        for (const auto& e : c.errors)
            flagged |=
                e.field == field::kOwnDomain && e.message == "workd.form.error.own_registry_zone";
        EXPECT_TRUE(flagged) << zone;
    }
}

}  // namespace
}  // namespace govhub::workd

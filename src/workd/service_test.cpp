#include "workd/service.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "accounts/store.hpp"
#include "agencies/store.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/i18n.hpp"
#include "core/thai_address.hpp"
#include "core/vault.hpp"
#include "db/migrations.hpp"
#include "db/test_support.hpp"
#include "workd/domains.hpp"
#include "workd/store.hpp"
#include "workflow/store.hpp"

namespace govhub::workd {
namespace {

using accounts::Principal;
using Json = nlohmann::json;

// 2026-09-30 12:00 and 2026-10-01 12:00 in Bangkok (05:00 UTC): either side of a fiscal year.
constexpr int64_t kLastDayOf2569 = 1790744400;
constexpr int64_t kFirstDayOf2570 = kLastDayOf2569 + 86400;

TEST(WorkdFiscalYear, RunsFromOctoberToSeptemberNamedByItsEnd) {
    EXPECT_EQ(FiscalYearBE(2026, 9, 30), 2569);
    EXPECT_EQ(FiscalYearBE(2026, 10, 1), 2570);
    EXPECT_EQ(FiscalYearBE(2027, 1, 15), 2570);
    EXPECT_EQ(FiscalYearBE(2027, 9, 30), 2570);
    EXPECT_EQ(FiscalYearBE("2026-09-30T23:59:59Z"), 2569);
    EXPECT_EQ(FiscalYearBE("2026-10-01"), 2570);
    EXPECT_EQ(FiscalYearBE("garbage"), 0);
    EXPECT_EQ(FiscalYearBE("2026-13-01"), 0);
    // By the day in Bangkok: 30 September 20:00 UTC is already 1 October there.
    EXPECT_EQ(WorkdService::FiscalYearAt(kLastDayOf2569), 2569);
    EXPECT_EQ(WorkdService::FiscalYearAt(kFirstDayOf2570), 2570);
    EXPECT_EQ(WorkdService::FiscalYearAt(kLastDayOf2569 + 15 * 3600), 2570);  // 20:00 UTC
}

class WorkdServiceTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        scratch_ = std::make_unique<db::testing::ScratchDatabase>(GetParam(), "wd");
        db_ = scratch_->Open();
        db::MigrationSet set;
        audit::AddMigrations(set);
        accounts::store::AddMigrations(set);
        agencies::store::AddMigrations(set);
        workflow::store::AddMigrations(set);
        store::AddMigrations(set);
        db::ApplyMigrations(*db_, set);
        i18n_.LoadDirectory(std::string(GOVHUB_SOURCE_DIR) + "/web/i18n");
        // This part's texts, until they are merged into th.json and en.json.
        std::ifstream texts(std::string(GOVHUB_SOURCE_DIR) + "/web/i18n/I18N_b.json");
        if (texts) {
            Json all = Json::parse(texts, nullptr, false);
            std::function<void(const std::string&, const std::string&, const Json&)> walk =
                [&](const std::string& locale, const std::string& prefix, const Json& node) {
                    for (auto it = node.begin(); it != node.end(); ++it) {
                        std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
                        if (it->is_object())
                            walk(locale, key, *it);
                        else if (it->is_string())
                            i18n_.Set(locale, key, it->get<std::string>());
                    }
                };
            if (all.is_object())
                for (const char* locale : {"th", "en"})
                    if (all.contains(locale)) walk(locale, "", all[locale]);
        }
        files_ = std::filesystem::temp_directory_path() /
                 ("govhub-wd-files-" + std::to_string(::getpid()) + "-" + GetParam());
        std::filesystem::remove_all(files_);
        std::filesystem::create_directories(files_);
        accounts_ = std::make_unique<accounts::AccountService>(
            *db_, [](const mail::Message&) {}, i18n_, accounts::AccountsConfig{});
        workflow_ = std::make_unique<workflow::WorkflowService>(
            *db_, *accounts_, [this](const mail::Message& m) { sent_.push_back(m); }, i18n_,
            workflow::WorkflowConfig{.site_url = "https://gov.example",
                                     .files_dir = (files_ / "store").string()});
        addresses_ = std::make_unique<core::ThaiAddressBook>(core::ThaiAddressBook::Parse(
            R"({"data":[["ก",1,[["ข",2,[["ค",3,"10000"]]]]]]})", "test"));
        vault_ = core::Vault::FromText(core::FormatVaultKeys({core::NewVaultKey(1)}));
        service_ = std::make_unique<WorkdService>(
            *db_, *workflow_, *accounts_, nullptr,
            [this](const mail::Message& m) { sent_.push_back(m); }, i18n_, *addresses_,
            vault_.get(),
            WorkdConfig{.site_url = "https://gov.example",
                        .default_mail_allocation = 100,
                        .default_conference_allocation = 10});
        for (auto& t : service_->Types()) {
            // The form's full check before submitting (AddFormHooks) is the form's own, tested
            // with it (test_workd_form.py); these requests carry what the review needs.
            if (t.id == kServiceType)
                for (auto& d : t.transitions)
                    if (d.id == "submit" || d.id == "resubmit") d.effect = nullptr;
            workflow_->Register(std::move(t));
        }
        service_->SetClockForTests([this] { return now_; });
        applicant_ = Person("somchai", "th");
        colleague_ = Person("colleague", "en");
        reviewer_ = Person("reviewer", "en");
        db_->Write([&](db::Connection& c) {
            for (const char* type : {kServiceType, kChangeType, kHandoverType})
                accounts::store::SetMembership(c, reviewer_.user_id, workflow::kStaffObjectType,
                                               type, accounts::Capacity::kEditor);
        });
    }
    void TearDown() override {
        service_.reset();
        workflow_.reset();
        accounts_.reset();
        db_.reset();
        scratch_.reset();
        std::filesystem::remove_all(files_);
    }
    Principal Person(const std::string& name, const std::string& locale) {
        accounts::User u;
        u.id = core::NewUuid();
        u.name = name;
        u.email = name + "@example.go.th";
        u.state = accounts::UserState::kActive;
        u.locale = locale;
        u.created = core::NowIso();
        db_->Write([&](db::Connection& c) { accounts::store::InsertUser(c, u); });
        return {.user_id = u.id, .name = name};
    }
    std::string Agency(const std::string& name, agencies::AgencyState state) {
        agencies::Agency a;
        a.id = core::NewUuid();
        a.name = name;
        a.title = "สำนักงาน " + name;
        a.title_en = "Office of " + name;
        a.state = state;
        a.created = a.modified = core::NowIso();
        db_->Write([&](db::Connection& c) { agencies::store::Insert(c, a); });
        return a.id;
    }
    agencies::AgencyState StateOf(const std::string& agency_id) {
        return db_->Read(
            [&](db::Connection& c) { return agencies::store::Find(c, agency_id)->state; });
    }
    // A submitted workd_service request for a subdomain (or an own domain).
    workflow::Request Submitted(const std::string& agency_id, int mail, int conference,
                                const std::string& label = "demo", bool own = false) {
        Json data = {{field::kContactNameTh, "สมชาย ใจดี"},
                     {field::kEmail, "contact@demo.go.th"},
                     {field::kDomainKind, own ? "own" : "subdomain"},
                     {field::kSubdomain, own ? "" : label},
                     {field::kOwnDomain, own ? label + ".go.th" : ""},
                     {field::kMailAccounts, std::to_string(mail)},
                     {field::kConferenceAccounts, conference}};
        auto r = workflow_->Create(applicant_,
                                   {.type = kServiceType,
                                    .organization_id = agency_id,
                                    .subject = "สมชาย / " + label,
                                    .data_json = data.dump()},
                                   "");
        std::string path = (files_ / "a.pdf").string();
        std::ofstream(path, std::ios::binary) << "%PDF-1.7 x";
        workflow_->Attach(applicant_, r.id, "signed_application", path, "a.pdf");
        return workflow_->Transition(applicant_, r.id, {.transition = "submit"});
    }
    workflow::Request Approve(const workflow::Request& r, const Json& inputs = Json::object()) {
        return workflow_->Transition(
            reviewer_, r.id,
            {.transition = "approve", .data_json = inputs.empty() ? "" : inputs.dump()});
    }
    std::set<std::string> FieldsOf(const std::function<void()>& f) {
        std::set<std::string> out;
        try {
            f();
        } catch (const HttpError& e) {
            for (const auto& fe : e.fields()) out.insert(fe.field);
            if (e.fields().empty()) out.insert("status:" + std::to_string(e.status()));
        }
        return out;
    }

    int64_t now_ = kLastDayOf2569;
    std::unique_ptr<db::testing::ScratchDatabase> scratch_;
    std::unique_ptr<db::Database> db_;
    core::I18n i18n_;
    std::filesystem::path files_;
    std::unique_ptr<accounts::AccountService> accounts_;
    std::unique_ptr<workflow::WorkflowService> workflow_;
    std::unique_ptr<core::ThaiAddressBook> addresses_;
    std::unique_ptr<core::Vault> vault_;
    std::unique_ptr<WorkdService> service_;
    std::vector<mail::Message> sent_;
    Principal applicant_, colleague_, reviewer_;
};

TEST_P(WorkdServiceTest, ApprovalOpensThePendingAgencyItsServiceAndCommitsTheBudget) {
    std::string agency = Agency("demo", agencies::AgencyState::kPending);
    auto r = Submitted(agency, 40, 5);
    // More than asked, and fewer without a reason, are refused and change nothing.
    EXPECT_EQ(FieldsOf([&] {
                  Approve(r, {{field::kApprovedMail, 41}});
              }),
              std::set<std::string>{field::kApprovedMail});
    EXPECT_EQ(FieldsOf([&] {
                  Approve(r, {{field::kApprovedMail, "-1"}});
              }),
              std::set<std::string>{field::kApprovedMail});
    EXPECT_EQ(FieldsOf([&] {
                  Approve(r, {{field::kApprovedConference, "x"}});
              }),
              std::set<std::string>{field::kApprovedConference});
    EXPECT_EQ(FieldsOf([&] {
                  Approve(r, {{field::kApprovedMail, "30"}});
              }),
              std::set<std::string>{field::kReductionReason});
    EXPECT_EQ(workflow_->Find(&reviewer_, r.id)->state, "submitted");
    EXPECT_EQ(StateOf(agency), agencies::AgencyState::kPending);
    EXPECT_FALSE(service_->ServiceOf(agency));

    sent_.clear();
    auto done =
        Approve(r, {{field::kApprovedMail, "30"}, {field::kReductionReason, "งบประมาณปีนี้เหลือน้อย"}});
    EXPECT_EQ(done.state, "approved");
    Json data = Json::parse(done.data_json);
    EXPECT_EQ(data[field::kApprovedMail], 30);
    EXPECT_EQ(data[field::kApprovedConference], 5);  // defaults to the asked count
    EXPECT_EQ(StateOf(agency), agencies::AgencyState::kActive);
    auto s = service_->ServiceOf(agency);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->state, kServiceProvisioning);
    EXPECT_EQ(s->domain, "demo.mail.go.th");
    EXPECT_EQ(s->mail_accounts, 30);
    EXPECT_EQ(s->conference_accounts, 5);
    // The applicant of the new agency administers it.
    EXPECT_EQ(db_->Read([&](db::Connection& c) {
        return agencies::store::RoleOf(c, applicant_.user_id, agency);
    }),
              agencies::Role::kAdmin);
    // The approval's e-mail says the counts and the reason, in the applicant's language.
    ASSERT_FALSE(sent_.empty());
    EXPECT_NE(sent_.back().text.find("30"), std::string::npos) << sent_.back().text;
    EXPECT_NE(sent_.back().text.find("งบประมาณปีนี้เหลือน้อย"), std::string::npos);
    EXPECT_NE(sent_.back().text.find("(ที่ขอ 40)"), std::string::npos) << sent_.back().text;
    // The budget of 2569 holds it; 2570 does not.
    Budget b = service_->BudgetOf(2569);
    EXPECT_EQ(b.mail_committed, 30);
    EXPECT_EQ(b.conference_committed, 5);
    EXPECT_EQ(b.mail_allocation, 100);  // the default
    EXPECT_FALSE(b.set);
    EXPECT_EQ(service_->BudgetOf(2570).mail_committed, 0);
}

TEST_P(WorkdServiceTest, BudgetSumsEachFiscalYearAndFactsWarnOverTheAllocation) {
    auto a1 = Agency("one", agencies::AgencyState::kActive);
    auto a2 = Agency("two", agencies::AgencyState::kActive);
    auto a3 = Agency("three", agencies::AgencyState::kActive);
    Approve(Submitted(a1, 60, 4, "one"));
    now_ = kFirstDayOf2570;  // a new fiscal year
    Approve(Submitted(a2, 70, 3, "two"));
    EXPECT_EQ(service_->BudgetOf(2569).mail_committed, 60);
    EXPECT_EQ(service_->BudgetOf(2570).mail_committed, 70);
    EXPECT_EQ(service_->BudgetOf(2570).conference_committed, 3);

    // 70 of 100 committed in 2570: 40 more would be over.
    auto third = Submitted(a3, 40, 1, "three");
    auto facts = service_->Facts(third, "en");
    ASSERT_GE(facts.size(), 3u);
    EXPECT_NE(facts[0].label.find("2570"), std::string::npos) << facts[0].label;
    EXPECT_NE(facts[0].value.find("70 of 100"), std::string::npos) << facts[0].value;
    EXPECT_NE(facts[0].value.find("110"), std::string::npos) << facts[0].value;
    EXPECT_TRUE(facts[0].warning);
    EXPECT_FALSE(facts[1].warning);  // 3 + 1 of 10 conference accounts
    EXPECT_EQ(facts.back().value, "None yet");

    // A sysadmin raises the allocation: no warning any more; others may not.
    Principal sysadmin = Person("root", "th");
    sysadmin.sysadmin = true;
    EXPECT_THROW(service_->SetBudget(reviewer_, 2570, 500, 50, ""), HttpError);
    EXPECT_EQ(FieldsOf([&] { service_->SetBudget(sysadmin, 2570, -1, 50, ""); }),
              std::set<std::string>{"mail_accounts"});
    EXPECT_EQ(FieldsOf([&] { service_->SetBudget(sysadmin, 1999, 1, 1, ""); }),
              std::set<std::string>{"year"});
    Budget set = service_->SetBudget(sysadmin, 2570, 500, 50, "");
    EXPECT_TRUE(set.set);
    EXPECT_EQ(set.mail_allocation, 500);
    EXPECT_EQ(set.mail_committed, 70);
    EXPECT_FALSE(service_->Facts(third, "en")[0].warning);
    // Reading: staff of workD and sysadmins.
    EXPECT_THROW(service_->Budgets(applicant_), HttpError);
    auto years = service_->Budgets(reviewer_);
    ASSERT_GE(years.size(), 2u);
    EXPECT_EQ(years[0].fiscal_year, 2571);  // next year first
    EXPECT_EQ(years[1].fiscal_year, 2570);
}

TEST_P(WorkdServiceTest, RejectionDropsAPendingAgencyUnlessItAsksOtherwiseToo) {
    std::string agency = Agency("newbie", agencies::AgencyState::kPending);
    auto first = Submitted(agency, 10, 1, "newbie");
    auto second = workflow_->Create(
        applicant_,
        {.type = kServiceType, .organization_id = agency, .subject = "draft", .data_json = "{}"},
        "");
    EXPECT_EQ(
        FieldsOf([&] { workflow_->Transition(reviewer_, first.id, {.transition = "reject"}); }),
        std::set<std::string>{"note"});
    workflow_->Transition(reviewer_, first.id, {.transition = "reject", .note = "ไม่ครบ"});
    EXPECT_EQ(StateOf(agency), agencies::AgencyState::kPending);  // the draft is still open
    workflow_->Transition(applicant_, second.id, {.transition = "withdraw"});
    EXPECT_EQ(StateOf(agency), agencies::AgencyState::kDeleted);
}

TEST_P(WorkdServiceTest, ASubdomainTakenMeanwhileRefusesTheApprovalAndLeavesNothing) {
    std::string first = Agency("first", agencies::AgencyState::kActive);
    std::string second = Agency("second", agencies::AgencyState::kPending);
    auto a = Submitted(first, 5, 1, "samename");
    auto b = Submitted(second, 5, 1, "samename");
    Approve(a);
    EXPECT_EQ(FieldsOf([&] { Approve(b); }), std::set<std::string>{"status:409"});
    EXPECT_EQ(workflow_->Find(&reviewer_, b.id)->state, "submitted");
    EXPECT_FALSE(service_->ServiceOf(second));
    EXPECT_EQ(StateOf(second), agencies::AgencyState::kPending);
    EXPECT_EQ(service_->BudgetOf(2569).mail_committed, 5);
}

TEST_P(WorkdServiceTest, SuspensionAndReinstatementMoveTheServiceAndNeedAReason) {
    std::string agency = Agency("susp", agencies::AgencyState::kActive);
    auto r = Approve(Submitted(agency, 5, 1, "susp"));
    EXPECT_EQ(FieldsOf([&] { workflow_->Transition(reviewer_, r.id, {.transition = "suspend"}); }),
              std::set<std::string>{"note"});
    EXPECT_EQ(FieldsOf([&] {
                  workflow_->Transition(applicant_, r.id, {.transition = "suspend", .note = "x"});
              }),
              std::set<std::string>{"status:403"});
    sent_.clear();
    workflow_->Transition(reviewer_, r.id, {.transition = "suspend", .note = "ข้อ 4.5: สแปม"});
    EXPECT_EQ(service_->ServiceOf(agency)->state, kServiceSuspended);
    ASSERT_FALSE(sent_.empty());
    EXPECT_NE(sent_.back().subject.find("ระงับ"), std::string::npos) << sent_.back().subject;
    workflow_->Transition(reviewer_, r.id, {.transition = "reinstate", .note = "แก้ไขแล้ว"});
    EXPECT_EQ(workflow_->Find(&reviewer_, r.id)->state, "approved");
    EXPECT_EQ(service_->ServiceOf(agency)->state, kServiceProvisioning);  // not handed over yet
}

TEST_P(WorkdServiceTest, HandoverOpensOnceAndClosingMakesTheServiceActiveAndMailsAdmins) {
    std::string agency = Agency("hand", agencies::AgencyState::kActive);
    db_->Write([&](db::Connection& c) {
        agencies::store::SetMember(c, agency,
                                   {.user_id = colleague_.user_id, .role = agencies::Role::kAdmin});
    });
    auto r = Approve(Submitted(agency, 5, 1, "hand"));
    auto wh = service_->CreateHandover(r.id);
    ASSERT_TRUE(wh);
    EXPECT_EQ(wh->type, kHandoverType);
    EXPECT_EQ(wh->state, "open");
    EXPECT_EQ(wh->parent_id, r.id);
    EXPECT_FALSE(wh->due.empty());                          // its one-working-day clock runs
    EXPECT_EQ(service_->CreateHandover(r.id)->id, wh->id);  // a second run opens nothing new
    // Closing needs a note recording what was done; the applicant cannot close it.
    EXPECT_EQ(FieldsOf([&] { workflow_->Transition(reviewer_, wh->id, {.transition = "close"}); }),
              std::set<std::string>{"note"});
    sent_.clear();
    workflow_->Transition(reviewer_, wh->id,
                          {.transition = "close", .note = "สร้างบัญชีผู้ดูแลและส่งรหัสแล้ว"});
    auto s = service_->ServiceOf(agency);
    EXPECT_EQ(s->state, kServiceActive);
    EXPECT_FALSE(s->opened.empty());
    // The agency's administrator (in English) and the request's contact e-mail (in the
    // applicant's Thai) are told.
    std::map<std::string, std::string> by_to;
    for (const auto& m : sent_) by_to[m.to] = m.subject;
    ASSERT_TRUE(by_to.count("colleague@example.go.th"));
    ASSERT_TRUE(by_to.count("contact@demo.go.th"));
    EXPECT_NE(by_to["colleague@example.go.th"].find("is open"), std::string::npos);
    EXPECT_NE(by_to["contact@demo.go.th"].find("เปิดให้ใช้งาน"), std::string::npos);
    // The system's own close ("provisioned", for the provisioning to come) on a closed one: 409.
    EXPECT_EQ(
        FieldsOf([&] { workflow_->TransitionAsSystem(wh->id, {.transition = "provisioned"}); }),
        std::set<std::string>{"status:409"});
    // An own domain waits for its DNS: no hand-over until the checker opens one.
    std::string other = Agency("own", agencies::AgencyState::kActive);
    auto own = Approve(Submitted(other, 5, 1, "owndomain", true));
    EXPECT_EQ(service_->ServiceOf(other)->state, kServiceAwaitingDns);
    EXPECT_EQ(service_->ServiceOf(other)->domain, "owndomain.go.th");
    // The approval's domain step (DomainService) recorded it with its token.
    auto domain = db_->Read([&](db::Connection& c) { return store::DomainOfRequest(c, own.id); });
    ASSERT_TRUE(domain);
    EXPECT_EQ(domain->state, "awaiting_dns");
    EXPECT_FALSE(domain->token.empty());
    db_->Write([&](db::Connection& c) { service_->OpenHandover(c, own.id); });
    EXPECT_EQ(service_->ServiceOf(other)->state, kServiceProvisioning);
}

TEST_P(WorkdServiceTest, AChangeRequestAddsAccountsAndRelayWithACommitment) {
    std::string agency = Agency("chg", agencies::AgencyState::kActive);
    auto r = Approve(Submitted(agency, 5, 1, "chg"));
    // Nothing asked, no consent, no terms: refused, each named, and nothing filed.
    auto fields = FieldsOf([&] { service_->FileChange(applicant_, r.reference, "{}", ""); });
    for (const char* f :
         {field::kMembersChange, field::kPdpaConsent, field::kTermsAccepted, field::kEffectiveDate})
        EXPECT_TRUE(fields.count(f)) << f;
    EXPECT_TRUE(workflow_->Children(&applicant_, r).empty());
    // The change with what every change asks; the contact part not given is the approved
    // request's (which, in this fixture, lacks the position and phones: named).
    Json change_in = {{field::kMoreMailAccounts, "7"},
                      {field::kRelay, "open"},
                      {field::kRelayDetails, "10.0.0.5 ส่งแจ้งเตือน"},
                      {field::kEffectiveDate, "2027-01-15"},
                      {field::kPdpaConsent, "yes"},
                      {field::kTermsAccepted, "yes"}};
    fields = FieldsOf([&] { service_->FileChange(applicant_, r.reference, change_in.dump(), ""); });
    EXPECT_TRUE(fields.count(field::kContactPosition));
    EXPECT_FALSE(fields.count(field::kContactNameTh));  // the approved request's
    change_in[field::kContactNameEn] = "Somchai Jaidee";
    change_in[field::kContactPosition] = "นักวิชาการ";
    change_in[field::kOfficePhone] = "026126060";
    change_in[field::kMobile] = "0812345678";
    change_in[field::kBackupEmail] = "backup@example.com";
    auto change = service_->FileChange(applicant_, r.reference, change_in.dump(), "");
    EXPECT_EQ(change.organization_id, agency);
    EXPECT_EQ(change.state, "draft");
    // Submitting asks for the signed form, as for a new service.
    EXPECT_EQ(
        FieldsOf([&] { workflow_->Transition(applicant_, change.id, {.transition = "submit"}); }),
        std::set<std::string>{"signed_application"});
    std::string path = (files_ / "c.pdf").string();
    std::ofstream(path, std::ios::binary) << "%PDF-1.7 x";
    workflow_->Attach(applicant_, change.id, "signed_application", path, "c.pdf");
    EXPECT_EQ(workflow_->Transition(applicant_, change.id, {.transition = "submit"}).state,
              "submitted");
    workflow_->Transition(reviewer_, change.id, {.transition = "approve"});
    auto s = service_->ServiceOf(agency);
    EXPECT_EQ(s->mail_accounts, 12);
    EXPECT_EQ(s->relay, "open");
    EXPECT_EQ(service_->BudgetOf(2569).mail_committed, 12);
    // Linked both ways.
    auto children = workflow_->Children(&applicant_, r);
    ASSERT_EQ(children.size(), 1u);
    EXPECT_EQ(children[0].id, change.id);
}

// Each workD type names its states, steps and documents in Thai and English (a missing text shows
// its raw key on the request pages, as the change's signed form once did).
TEST_P(WorkdServiceTest, EveryTypeSaysItsStatesStepsAndDocumentsInBothLanguages) {
    for (const auto& t : service_->Types())
        for (const char* locale : {"th", "en"}) {
            auto has = [&](const std::string& key) {
                EXPECT_TRUE(i18n_.Has(locale, key)) << locale << " " << key;
            };
            has("workflow." + t.id + ".title");
            for (const auto& s : t.states) has("workflow." + t.id + ".state." + s.id);
            for (const auto& d : t.transitions) {
                has("workflow." + t.id + ".transition." + d.id);
                for (const auto& k : d.required_attachments) {
                    has("workflow." + t.id + ".document." + k);
                    has("workflow." + t.id + ".document_help." + k);
                }
            }
        }
}

INSTANTIATE_TEST_SUITE_P(Engines, WorkdServiceTest, ::testing::ValuesIn(db::testing::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace govhub::workd

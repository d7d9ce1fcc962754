#include "workflow/service.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "accounts/store.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/i18n.hpp"
#include "core/strings.hpp"
#include "core/vault.hpp"
#include "db/migrations.hpp"
#include "db/test_support.hpp"
#include "workflow/store.hpp"

namespace govhub::workflow {
namespace {

using accounts::Principal;

// A request type as a service would declare one: filed as a draft, submitted with a field and
// a signed document, reviewed on a 24-hour clock that pauses while more information is asked.
RequestType Membership() {
    RequestType t;
    t.id = "test_membership";
    t.prefix = "TM";
    t.sla_unit = core::SlaUnit::kClockHours;
    t.sla_amount = 24;
    t.initial_state = "draft";
    t.states = {{"draft", Clock::kStopped},
                {"submitted", Clock::kRuns},
                {"needs_info", Clock::kPaused},
                {"approved", Clock::kStopped, true},
                {"rejected", Clock::kStopped, true}};
    t.transitions = {
        {.id = "submit",
         .from = {"draft"},
         .to = "submitted",
         .actor = Actor::kApplicant,
         .required_fields = {"position"},
         .required_attachments = {"signed_application"},
         .notify_applicant = true,
         .notify_reviewers = true},
        {.id = "ask_info", .from = {"submitted"}, .to = "needs_info", .note_required = true},
        {.id = "resubmit",
         .from = {"needs_info"},
         .to = "submitted",
         .actor = Actor::kApplicant,
         .notify_reviewers = true},
        {.id = "approve", .from = {"submitted"}, .to = "approved"},
        {.id = "reject",
         .from = {"submitted", "needs_info"},
         .to = "rejected",
         .note_required = true},
    };
    t.applicant_path = [](const std::string& ref) { return "/requests/" + ref; };
    t.staff_path = [](const std::string& ref) { return "/staff/requests/" + ref; };
    return t;
}

class WorkflowTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        scratch_ = std::make_unique<db::testing::ScratchDatabase>(GetParam(), "wf");
        db_ = scratch_->Open();
        db::MigrationSet set;
        audit::AddMigrations(set);
        accounts::store::AddMigrations(set);
        store::AddMigrations(set);
        db::ApplyMigrations(*db_, set);
        i18n_.LoadDirectory(std::string(GOVHUB_SOURCE_DIR) + "/web/i18n");
        for (auto [k, th, en] : std::vector<std::tuple<std::string, std::string, std::string>>{
                 {"title", "คำขอเป็นสมาชิก", "membership request"},
                 {"state.draft", "ร่าง", "draft"},
                 {"state.submitted", "ยื่นแล้ว", "submitted"},
                 {"state.needs_info", "ขอข้อมูลเพิ่ม", "more information asked"},
                 {"state.approved", "อนุมัติ", "approved"},
                 {"state.rejected", "ไม่อนุมัติ", "rejected"}}) {
            i18n_.Set("th", "workflow.test_membership." + k, th);
            i18n_.Set("en", "workflow.test_membership." + k, en);
        }
        files_ = std::filesystem::temp_directory_path() /
                 ("govhub-wf-files-" + std::to_string(::getpid()) + "-" + GetParam());
        std::filesystem::remove_all(files_);
        std::filesystem::create_directories(files_);
        accounts_ = std::make_unique<accounts::AccountService>(
            *db_, [](const mail::Message&) {}, i18n_, accounts::AccountsConfig{});
        service_ = std::make_unique<WorkflowService>(
            *db_, *accounts_, [this](const mail::Message& m) { sent_.push_back(m); }, i18n_,
            WorkflowConfig{.site_url = "https://gov.example",
                           .files_dir = (files_ / "store").string(),
                           .max_attachment_bytes = 1 << 20});
        service_->Register(Membership());
        applicant_ = Person("somsri", "th");
        reviewer_ = Person("reviewer", "en");
        stranger_ = Person("stranger", "th");
        db_->Write([&](db::Connection& c) {
            accounts::store::SetMembership(c, reviewer_.user_id, kStaffObjectType,
                                           "test_membership", accounts::Capacity::kEditor);
        });
    }
    void TearDown() override {
        service_.reset();
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
        u.fullname_th = "คุณ " + name;
        u.state = accounts::UserState::kActive;
        u.locale = locale;
        u.created = core::NowIso();
        db_->Write([&](db::Connection& c) { accounts::store::InsertUser(c, u); });
        return {.user_id = u.id, .name = name};
    }
    std::string File(const std::string& name, const std::string& content) {
        std::string path = (files_ / name).string();
        std::ofstream(path, std::ios::binary) << content;
        return path;
    }
    // Moves the request's clock start back, as if `hours` had passed since it started.
    void Age(const std::string& id, int hours) {
        db_->Write([&](db::Connection& c) {
            auto r = store::FindRequest(c, id);
            ASSERT_TRUE(r && !r->clock_since.empty());
            int64_t since = core::ParseIsoMicros(r->clock_since) / 1000000 - hours * 3600;
            c.Exec(
                "UPDATE workflow_requests SET clock_since = ?, due = ? WHERE id = ?",
                {core::IsoUtc(since * 1000000), core::IsoUtc((since + 24 * 3600) * 1000000), id});
        });
    }
    int StatusOf(const std::function<void()>& f) {
        try {
            f();
        } catch (const HttpError& e) {
            return e.status();
        }
        return 200;
    }
    Request Submitted() {
        Request r = service_->Create(applicant_,
                                     {.type = "test_membership",
                                      .subject = "สมศรี / กรมตัวอย่าง",
                                      .data_json = R"({"position":"นักวิชาการ"})"},
                                     "");
        service_->Attach(applicant_, r.id, "signed_application", File("a.pdf", "%PDF-1.7 x"),
                         "ใบสมัคร.pdf");
        return service_->Transition(applicant_, r.id, {.transition = "submit"});
    }

    std::unique_ptr<db::testing::ScratchDatabase> scratch_;
    std::unique_ptr<db::Database> db_;
    core::I18n i18n_;
    std::filesystem::path files_;
    std::unique_ptr<accounts::AccountService> accounts_;
    std::unique_ptr<WorkflowService> service_;
    std::vector<mail::Message> sent_;
    Principal applicant_, reviewer_, stranger_;
};

TEST_P(WorkflowTest, ReferencesAreUnambiguousAndReadBackInAnySpelling) {
    std::regex shape("TM-25[0-9]{2}-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{6}");
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        std::string ref = WorkflowService::NewReference("TM", core::NowEpochSeconds());
        EXPECT_TRUE(std::regex_match(ref, shape)) << ref;
        seen.insert(ref);
    }
    EXPECT_GT(seen.size(), 195u);
    EXPECT_EQ(WorkflowService::NormalizeReference(" tm 2569 7kq4px "), "TM-2569-7KQ4PX");
    EXPECT_EQ(WorkflowService::NormalizeReference("TM-2569-OIL000"), "TM-2569-011000");
    EXPECT_EQ(WorkflowService::NormalizeReference("สมศรี"), "สมศรี");
    Request r = Submitted();
    std::string typed = r.reference;
    std::replace(typed.begin(), typed.end(), '-', ' ');
    ASSERT_TRUE(service_->Find(&applicant_, core::ToLower(typed)));
    EXPECT_EQ(service_->Find(&applicant_, core::ToLower(typed))->id, r.id);
}

TEST_P(WorkflowTest, TransitionsFollowTheDeclaration) {
    Request r = service_->Create(applicant_, {.type = "test_membership", .subject = "สมศรี"}, "");
    EXPECT_EQ(r.state, "draft");
    EXPECT_TRUE(r.clock_since.empty());  // a draft's clock has not started
    // Missing field and document: both named.
    try {
        service_->Transition(applicant_, r.id, {.transition = "submit"});
        FAIL() << "submitted without its field and document";
    } catch (const HttpError& e) {
        EXPECT_EQ(e.status(), 409);
        std::set<std::string> fields;
        for (const auto& f : e.fields()) fields.insert(f.field);
        EXPECT_EQ(fields, (std::set<std::string>{"position", "signed_application"}));
    }
    // A stranger and the reviewer may not submit someone's request; the reviewer may not
    // approve a draft.
    EXPECT_EQ(StatusOf([&] { service_->Transition(stranger_, r.id, {.transition = "submit"}); }),
              403);
    EXPECT_EQ(StatusOf([&] { service_->Transition(reviewer_, r.id, {.transition = "approve"}); }),
              409);
    EXPECT_EQ(StatusOf([&] { service_->Transition(applicant_, r.id, {.transition = "approve"}); }),
              403);
    EXPECT_EQ(StatusOf([&] { service_->Transition(applicant_, r.id, {.transition = "fly"}); }),
              409);
    EXPECT_EQ(StatusOf([&] {
                  service_->Transition(applicant_, r.id,
                                       {.transition = "submit", .data_json = "[1]"});
              }),
              409);
    // Only PDF, JPEG and PNG by content, whatever the name says.
    EXPECT_EQ(StatusOf([&] {
                  service_->Attach(applicant_, r.id, "signed_application",
                                   File("x.pdf", "MZ\x90\x00 not a pdf"), "x.pdf");
              }),
              409);
    EXPECT_EQ(StatusOf([&] {
                  service_->Attach(applicant_, r.id, "signed_application",
                                   File("big.pdf", "%PDF-" + std::string(2 << 20, 'x')), "big.pdf");
              }),
              409);
    EXPECT_EQ(StatusOf([&] {
                  service_->Attach(stranger_, r.id, "signed_application",
                                   File("s.png", "\x89PNG\r\n\x1A\n...."), "s.png");
              }),
              404);
    auto a = service_->Attach(applicant_, r.id, "signed_application",
                              File("scan.jpg", "\xFF\xD8\xFF\xE0 jpeg"), "สแกน.jpg");
    EXPECT_EQ(a.content_type, "image/jpeg");
    EXPECT_TRUE(std::filesystem::exists(a.path));
    r = service_->Transition(applicant_, r.id,
                             {.transition = "submit", .data_json = R"({"position":"นักวิชาการ"})"});
    EXPECT_EQ(r.state, "submitted");
    EXPECT_FALSE(r.submitted.empty());
    // A rejection needs its reason.
    EXPECT_EQ(StatusOf([&] { service_->Transition(reviewer_, r.id, {.transition = "reject"}); }),
              409);
    r = service_->Transition(reviewer_, r.id, {.transition = "reject", .note = "ไม่ใช่เจ้าหน้าที่รัฐ"});
    EXPECT_EQ(r.state, "rejected");
    EXPECT_FALSE(r.closed.empty());
    EXPECT_EQ(StatusOf([&] { service_->Transition(reviewer_, r.id, {.transition = "approve"}); }),
              409);
    // The history, from the audit log, oldest first.
    auto h = service_->History(r);
    ASSERT_EQ(h.size(), 3u);
    EXPECT_EQ(h[0].to, "draft");
    EXPECT_EQ(h[1].from, "draft");
    EXPECT_EQ(h[1].to, "submitted");
    EXPECT_EQ(h[2].transition, "reject");
    EXPECT_EQ(h[2].note, "ไม่ใช่เจ้าหน้าที่รัฐ");
    EXPECT_EQ(h[2].actor_id, reviewer_.user_id);
}

TEST_P(WorkflowTest, TheClockPausesWhileWaitingOnTheApplicant) {
    Request r = Submitted();
    auto sla = service_->Sla(r);
    EXPECT_EQ(sla.clock, Clock::kRuns);
    ASSERT_TRUE(sla.due_epoch);
    EXPECT_NEAR(*sla.due_epoch - core::NowEpochSeconds(), 24 * 3600, 5);
    EXPECT_FALSE(sla.overdue);
    Age(r.id, 20);  // 20 of its 24 hours used
    r = service_->Transition(reviewer_, r.id, {.transition = "ask_info", .note = "ขอสำเนาบัตร"});
    sla = service_->Sla(r);
    EXPECT_EQ(sla.clock, Clock::kPaused);
    EXPECT_FALSE(sla.due_epoch);
    EXPECT_NEAR(sla.remaining_seconds, 4 * 3600, 5);
    // However long the applicant takes, the four hours are still there when they answer.
    EXPECT_NEAR(service_->Sla(r, core::NowEpochSeconds() + 7 * 86400).remaining_seconds, 4 * 3600,
                5);
    r = service_->Transition(applicant_, r.id, {.transition = "resubmit"});
    sla = service_->Sla(r);
    ASSERT_TRUE(sla.due_epoch);
    EXPECT_NEAR(*sla.due_epoch - core::NowEpochSeconds(), 4 * 3600, 5);
    // Past its due time it is overdue, and stays marked late once decided.
    EXPECT_TRUE(service_->Sla(r, core::NowEpochSeconds() + 5 * 3600).overdue);
    Age(r.id, 30);
    r = service_->Transition(reviewer_, r.id, {.transition = "approve"});
    sla = service_->Sla(r);
    EXPECT_EQ(sla.clock, Clock::kStopped);
    EXPECT_TRUE(sla.overdue);
}

TEST_P(WorkflowTest, EachStepMailsThePeopleConcernedInTheirLanguage) {
    Request r = Submitted();
    // The submission goes to the applicant (Thai) and the reviewer (English).
    ASSERT_EQ(sent_.size(), 2u);
    const auto& to_applicant = sent_[0].to == "somsri@example.go.th" ? sent_[0] : sent_[1];
    const auto& to_reviewer = sent_[0].to == "somsri@example.go.th" ? sent_[1] : sent_[0];
    EXPECT_NE(to_applicant.subject.find(r.reference), std::string::npos);
    EXPECT_NE(to_applicant.subject.find("ยื่นแล้ว"), std::string::npos) << to_applicant.subject;
    EXPECT_NE(to_applicant.text.find("เรียน คุณ somsri"), std::string::npos) << to_applicant.text;
    EXPECT_NE(to_applicant.text.find("https://gov.example/requests/" + r.reference),
              std::string::npos);
    EXPECT_NE(to_reviewer.text.find("has moved from \"draft\" to \"submitted\""), std::string::npos)
        << to_reviewer.text;
    EXPECT_NE(to_reviewer.text.find("https://gov.example/staff/requests/" + r.reference),
              std::string::npos);
    // No note on a submission: no "หมายเหตุ: -" line, and no gap where it would be.
    EXPECT_EQ(to_applicant.text.find("หมายเหตุ"), std::string::npos) << to_applicant.text;
    EXPECT_EQ(to_reviewer.text.find("Note"), std::string::npos) << to_reviewer.text;
    for (const auto* m : {&to_applicant, &to_reviewer})
        EXPECT_EQ(m->text.find("\n\n\n"), std::string::npos) << m->text;
    sent_.clear();
    service_->Transition(reviewer_, r.id, {.transition = "ask_info", .note = "ขอสำเนาบัตร"});
    ASSERT_EQ(sent_.size(), 1u);  // the applicant only
    EXPECT_NE(sent_[0].text.find("\nหมายเหตุ: ขอสำเนาบัตร\n"), std::string::npos) << sent_[0].text;
    EXPECT_NE(sent_[0].text.find("หยุดนับเวลาชั่วคราว"), std::string::npos) << sent_[0].text;
}

TEST_P(WorkflowTest, AnEffectCommitsWithTheStepOrNotAtAll) {
    RequestType t = Membership();
    t.id = "test_effect";
    t.prefix = "TE";
    t.initial_state = "submitted";
    t.transitions = {{.id = "approve",
                      .from = {"submitted"},
                      .to = "approved",
                      .effect = [](db::Connection& c, const Request& r, const Principal&) {
                          auto data = nlohmann::json::parse(r.data_json);
                          if (data.value("fail", false))
                              throw HttpError::Validation({{"org", "workflow.closed"}});
                          c.Exec("UPDATE workflow_requests SET subject = 'granted' WHERE id = ?",
                                 {r.id});
                      }}};
    service_->Register(t);
    db_->Write([&](db::Connection& c) {
        accounts::store::SetMembership(c, reviewer_.user_id, kStaffObjectType, "test_effect",
                                       accounts::Capacity::kEditor);
    });
    Request bad =
        service_->Create(applicant_, {.type = "test_effect", .data_json = R"({"fail":true})"}, "");
    EXPECT_FALSE(bad.due.empty());  // filed straight into a running state
    EXPECT_EQ(StatusOf([&] { service_->Transition(reviewer_, bad.id, {.transition = "approve"}); }),
              409);
    EXPECT_EQ(service_->Find(&reviewer_, bad.id)->state, "submitted");
    Request good = service_->Create(applicant_, {.type = "test_effect"}, "");
    service_->Transition(reviewer_, good.id, {.transition = "approve"});
    auto after = service_->Find(&reviewer_, good.id);
    EXPECT_EQ(after->state, "approved");
    EXPECT_EQ(after->subject, "granted");
}

TEST_P(WorkflowTest, ClosedRequestsKeepTheirFilesForTheRetentionPeriodThenThePurgeTakesThem) {
    Principal root{.user_id = reviewer_.user_id, .name = "root", .sysadmin = true};
    EXPECT_FALSE(service_->Settings("test_membership").retention_days.has_value());  // kept
    EXPECT_EQ(StatusOf([&] { service_->SetRetention(reviewer_, "test_membership", 5, ""); }), 403);
    EXPECT_EQ(StatusOf([&] { service_->SetRetention(root, "test_membership", -1, ""); }), 409);
    service_->SetRetention(root, "test_membership", 30, "");
    Request r = Submitted();
    auto files = service_->Attachments(&applicant_, r);
    ASSERT_EQ(files.size(), 1u);
    EXPECT_TRUE(files[0].purge_after.empty());  // open: kept
    r = service_->Transition(reviewer_, r.id, {.transition = "approve"});
    files = service_->Attachments(&applicant_, r);
    int64_t closed = core::ParseIsoMicros(r.closed) / 1000000;
    EXPECT_EQ(core::ParseIsoMicros(files[0].purge_after) / 1000000, closed + 30 * 86400);
    EXPECT_EQ(service_->PurgeDueDocuments(), 0);  // not yet
    EXPECT_TRUE(std::filesystem::exists(files[0].path));
    // A shorter period applies to what closed already, counted from when it closed.
    service_->SetRetention(root, "test_membership", 0, "");
    EXPECT_EQ(service_->PurgeDueDocuments(), 1);
    files = service_->Attachments(&applicant_, r);
    EXPECT_FALSE(std::filesystem::exists(files[0].path));
    EXPECT_FALSE(files[0].purged.empty());
    EXPECT_EQ(files[0].sha256.size(), 64u);  // the record of it stays
    EXPECT_EQ(service_->PurgeDueDocuments(), 0);
    auto log =
        db_->Read([&](db::Connection& c) { return audit::ForObject(c, "workflow_request", r.id); });
    EXPECT_EQ(log.front().action, "workflow.purge");
    // Back to keeping them: nothing further is scheduled.
    service_->SetRetention(root, "test_membership", std::nullopt, "");
    EXPECT_FALSE(service_->Settings("test_membership").retention_days.has_value());
}

TEST_P(WorkflowTest, ACancelledApplicantsRequestsLoseTheirPersonalFields) {
    RequestType t = Membership();
    t.id = "test_personal";
    t.prefix = "TP";
    t.personal_fields = {"citizen_id", "mobile"};
    service_->Register(t);
    Request r = service_->Create(
        applicant_,
        {.type = "test_personal",
         .subject = "สมศรี รักข้อมูล",
         .data_json =
             R"({"position":"นักวิชาการ","citizen_id":"1101112345679","mobile":"0812345678"})"},
        "");
    service_->Attach(applicant_, r.id, "signed_application", File("p.pdf", "%PDF-1.7 p"), "p.pdf");
    // Submitted: a draft is its applicant's alone and never in the staff queue searched below.
    service_->Transition(applicant_, r.id, {.transition = "submit"});
    Request other = service_->Create(stranger_, {.type = "test_personal", .subject = "อื่น"}, "");
    db_->Write([&](db::Connection& c) {
        service_->ForgetApplicant(c, applicant_.user_id, "cancelled-abc", "2030-01-01T00:00:00Z");
    });
    auto after = db_->Read([&](db::Connection& c) { return store::FindRequest(c, r.id); });
    EXPECT_EQ(after->subject, "cancelled-abc");
    EXPECT_EQ(after->data_json, R"({"position":"นักวิชาการ"})");
    EXPECT_EQ(service_->Attachments(&applicant_, *after)[0].purge_after, "2030-01-01T00:00:00Z");
    // The search finds the pseudonym, not the name.
    Principal root{.user_id = reviewer_.user_id, .sysadmin = true};
    EXPECT_EQ(service_->Queue(root, {.type = "test_personal", .q = "สมศรี"}).total, 0);
    EXPECT_EQ(service_->Queue(root, {.type = "test_personal", .q = "cancelled-abc"}).total, 1);
    EXPECT_EQ(
        db_->Read([&](db::Connection& c) { return store::FindRequest(c, other.id); })->subject,
        "อื่น");
}

TEST_P(WorkflowTest, TheQueueShowsOverdueFirstAndFindsByReferenceOrName) {
    Request a = Submitted();
    Request b = Submitted();
    Request c = Submitted();
    Age(b.id, 30);  // overdue
    service_->Transition(reviewer_, c.id, {.transition = "ask_info", .note = "?"});
    auto page = service_->Queue(reviewer_, {});
    ASSERT_EQ(page.total, 3);
    EXPECT_EQ(page.items[0].id, b.id);
    EXPECT_EQ(page.items[1].id, a.id);
    EXPECT_EQ(page.items[2].id, c.id);  // paused ones after the running ones
    auto overdue = service_->Queue(reviewer_, {.overdue_only = true});
    ASSERT_EQ(overdue.total, 1);
    EXPECT_EQ(overdue.items[0].id, b.id);
    EXPECT_EQ(service_->Queue(reviewer_, {.state = "needs_info"}).items.at(0).id, c.id);
    std::string typed = core::ToLower(a.reference);
    std::replace(typed.begin(), typed.end(), '-', ' ');
    auto by_ref = service_->Queue(reviewer_, {.q = typed});
    ASSERT_EQ(by_ref.total, 1);
    EXPECT_EQ(by_ref.items[0].id, a.id);
    EXPECT_EQ(service_->Queue(reviewer_, {.q = "กรมตัวอย่าง"}).total, 3);
    EXPECT_EQ(service_->Queue(reviewer_, {.q = "100%_"}).total, 0);
    service_->Transition(reviewer_, a.id, {.transition = "approve"});
    EXPECT_EQ(service_->Queue(reviewer_, {}).total, 2);
    EXPECT_EQ(service_->Queue(reviewer_, {.include_closed = true}).total, 3);
    // Only staff see the queue; the applicant sees their own requests.
    EXPECT_EQ(StatusOf([&] { service_->Queue(applicant_, {}); }), 403);
    EXPECT_EQ(StatusOf([&] { service_->Queue(reviewer_, {.type = "nope"}); }), 404);
    EXPECT_EQ(service_->Mine(applicant_, "test_membership").size(), 3u);
    EXPECT_FALSE(service_->Find(&stranger_, a.id));
    EXPECT_FALSE(service_->Find(nullptr, a.id));
}

TEST_P(WorkflowTest, HolidaysAreSeededEditableAndMoveWorkingDayClocks) {
    auto y2026 = service_->Holidays(2026);
    EXPECT_EQ(y2026.size(), 20u);
    EXPECT_TRUE(
        std::all_of(y2026.begin(), y2026.end(), [](const Holiday& h) { return h.confirmed; }));
    auto y2027 = service_->Holidays(2027);
    int pending = 0;
    for (const auto& h : y2027) {
        pending += !h.confirmed;
        EXPECT_EQ(h.confirmed, h.kind == "fixed") << h.day;
    }
    EXPECT_GE(pending, 6);
    Principal admin{.user_id = reviewer_.user_id, .sysadmin = true};
    EXPECT_EQ(StatusOf([&] {
                  service_->SaveHoliday(reviewer_, {.day = "2027-01-04", .name_th = "x"}, "");
              }),
              403);
    EXPECT_EQ(
        StatusOf([&] { service_->SaveHoliday(admin, {.day = "2027-02-30", .name_th = "x"}, ""); }),
        409);
    EXPECT_EQ(
        StatusOf([&] { service_->SaveHoliday(admin, {.day = "2027-01-04", .name_th = " "}, ""); }),
        409);
    // A working-day request due in five working days moves by one when a day off is added.
    RequestType t = Membership();
    t.id = "test_days";
    t.prefix = "TD";
    t.sla_unit = core::SlaUnit::kWorkingDays;
    t.sla_amount = 5;
    t.initial_state = "submitted";
    service_->Register(t);
    Request r = service_->Create(applicant_, {.type = "test_days"}, "");
    int64_t due = *service_->Sla(r).due_epoch;
    int64_t now = core::NowEpochSeconds();
    int64_t tomorrow = core::BangkokDay(now) + 1;
    while (!service_->Calendar().IsWorkingDay(tomorrow)) ++tomorrow;
    service_->SaveHoliday(
        admin, {.day = core::IsoDay(tomorrow), .name_th = "วันหยุดพิเศษ", .kind = "special"}, "");
    r = *service_->Find(&applicant_, r.id);
    int64_t moved = *service_->Sla(r).due_epoch;
    EXPECT_GT(moved, due);  // a day later in working time (more in calendar time over weekends)
    int64_t since = core::ParseIsoMicros(r.clock_since) / 1000000;
    EXPECT_EQ(service_->Calendar().WorkingSecondsBetween(since, moved), 5 * 86400);
    EXPECT_EQ(service_->Calendar().WorkingSecondsBetween(since, due), 4 * 86400);
    EXPECT_EQ(core::ParseIsoMicros(r.due) / 1000000, moved);  // the queue's order too
    service_->DeleteHoliday(admin, core::IsoDay(tomorrow), "");
    EXPECT_EQ(*service_->Sla(r).due_epoch, due);
    EXPECT_EQ(StatusOf([&] { service_->DeleteHoliday(admin, "2031-01-05", ""); }), 404);
    // Confirming a lunar day keeps it, now confirmed, with the change audited.
    Holiday makha = *std::find_if(y2027.begin(), y2027.end(),
                                  [](const Holiday& h) { return h.kind == "lunar"; });
    makha.confirmed = true;
    service_->SaveHoliday(admin, makha, "203.0.113.9");
    auto again = service_->Holidays(2027);
    EXPECT_TRUE(std::find_if(again.begin(), again.end(), [&](const Holiday& h) {
                    return h.day == makha.day;
                })->confirmed);
    auto audit =
        db_->Read([&](db::Connection& c) { return audit::ForObject(c, "holiday", makha.day); });
    ASSERT_FALSE(audit.empty());
    EXPECT_EQ(audit[0].action, "holiday.update");
    EXPECT_NE(audit[0].details_json.find("\"before\""), std::string::npos);
}

TEST_P(WorkflowTest, AttachmentsAreFoundWhereTheDataDirectoryIsNow) {
    // A restore (govhub admin restore) puts the files under another data directory; the rows
    // still name the old one.
    Request r = Submitted();
    auto before = service_->Attachments(&applicant_, r);
    ASSERT_EQ(before.size(), 1u);
    std::filesystem::rename(files_ / "store", files_ / "restored");
    WorkflowService moved(
        *db_, *accounts_, [](const mail::Message&) {}, i18n_,
        WorkflowConfig{.site_url = "https://gov.example",
                       .files_dir = (files_ / "restored").string()});
    moved.Register(Membership());
    auto a = moved.FindAttachment(&applicant_, before[0].id);
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(std::filesystem::path(a->path).parent_path().parent_path(), files_ / "restored");
    EXPECT_TRUE(std::filesystem::exists(a->path));
    EXPECT_EQ(core::Sha256FileHex(a->path), a->sha256);
    EXPECT_EQ(moved.Attachments(&applicant_, r).at(0).path, a->path);
}

TEST_P(WorkflowTest, SensitiveFieldsAreSealedInTheDatabaseAndOpenedForThePages) {
    auto vault = core::Vault::FromFile((files_ / "secrets" / "vault.keys").string());
    WorkflowService sealed(
        *db_, *accounts_, [this](const mail::Message& m) { sent_.push_back(m); }, i18n_,
        WorkflowConfig{.site_url = "https://gov.example",
                       .files_dir = (files_ / "store").string(),
                       .vault = vault.get()});
    RequestType t = Membership();
    t.id = "test_membership";  // the same texts
    t.sensitive_fields = {"citizen_id"};
    t.display_fields = {"position", "citizen_id"};
    sealed.Register(t);
    auto stored = [&](const std::string& id) {
        return db_->Read([&](db::Connection& c) { return *store::FindRequest(c, id); });
    };
    Request r = sealed.Create(
        applicant_,
        {.type = "test_membership",
         .data_json = R"({"position":"นักวิชาการ","citizen_id":"1101112345679","note":""})"},
        "");
    std::string row = stored(r.id).data_json;
    EXPECT_EQ(row.find("1101112345679"), std::string::npos) << row;
    EXPECT_NE(row.find(R"("citizen_id":"v1$)"), std::string::npos) << row;
    EXPECT_NE(row.find("นักวิชาการ"), std::string::npos);  // only the sensitive field
    EXPECT_EQ(sealed.OpenData(stored(r.id))["citizen_id"], "1101112345679");
    EXPECT_EQ(WorkflowService::MaskSensitive("1101112345679"), "1-1011-XXXXX-XX-9");
    EXPECT_EQ(WorkflowService::MaskSensitive("abc"), "XXX");

    // A step's data is sealed the same way; the mails mask it.
    sealed.Attach(applicant_, r.id, "signed_application", File("s.pdf", "%PDF-1.7 x"), "s.pdf");
    sent_.clear();
    sealed.Transition(applicant_, r.id,
                      {.transition = "submit", .data_json = R"({"citizen_id":"1000000000009"})"});
    row = stored(r.id).data_json;
    EXPECT_EQ(row.find("1000000000009"), std::string::npos) << row;
    EXPECT_EQ(sealed.OpenData(stored(r.id))["citizen_id"], "1000000000009");
    ASSERT_FALSE(sent_.empty());
    for (const auto& m : sent_) EXPECT_EQ(m.text.find("1000000000009"), std::string::npos);
    // The applicant's personal-data download has their own number.
    auto mine = sealed.AllRequestsOf(applicant_);
    ASSERT_EQ(mine.size(), 1u);
    EXPECT_NE(mine[0].data_json.find("1000000000009"), std::string::npos);

    // A row an older version stored in clear: the start-up pass seals it, once.
    db_->Write([&](db::Connection& c) {
        c.Exec("UPDATE workflow_requests SET data = ? WHERE id = ?",
               {std::string(R"({"position":"x","citizen_id":"1101112345679"})"), r.id});
    });
    EXPECT_EQ(sealed.OpenData(stored(r.id))["citizen_id"], "1101112345679");  // shown meanwhile
    EXPECT_EQ(sealed.SealSensitiveFields(1).resealed, 1);
    row = stored(r.id).data_json;
    EXPECT_EQ(row.find("1101112345679"), std::string::npos) << row;
    EXPECT_EQ(sealed.SealSensitiveFields().resealed, 0);
    EXPECT_EQ(stored(r.id).data_json, row);

    // A rotation: the old value still opens, the pass re-seals it, then the old key can go.
    vault->Rotate();
    EXPECT_EQ(sealed.OpenData(stored(r.id))["citizen_id"], "1101112345679");
    auto counts = sealed.SealSensitiveFields();
    EXPECT_EQ(counts.resealed, 1);
    EXPECT_EQ(counts.unreadable, 0);
    EXPECT_NE(stored(r.id).data_json.find(R"("citizen_id":"v2$)"), std::string::npos);
    vault->RetireBefore(2);
    EXPECT_EQ(sealed.OpenData(stored(r.id))["citizen_id"], "1101112345679");

    // A value no key opens is left alone, counted, and reads as empty (never as the box).
    db_->Write([&](db::Connection& c) {
        c.Exec("UPDATE workflow_requests SET data = ? WHERE id = ?",
               {std::string(R"({"citizen_id":"v1$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})"),
                r.id});
    });
    EXPECT_EQ(sealed.SealSensitiveFields().unreadable, 1);
    EXPECT_EQ(sealed.OpenData(stored(r.id))["citizen_id"], "");
}

TEST_P(WorkflowTest, TheApplicantChangesADraftOrAnAnswerAndNothingElse) {
    Request r = service_->Create(
        applicant_, {.type = "test_membership", .data_json = R"({"position":"a"})"}, "");
    WorkflowService::DraftUpdate in;
    in.data_json = R"({"position":"นักวิชาการ"})";
    in.subject = "new subject";
    bool effect_ran = false;
    in.effect = [&](db::Connection&, Request& req, nlohmann::json& data) {
        effect_ran = true;
        data["added"] = "by the effect";
        req.organization_id = "";
    };
    Request u = service_->UpdateDraft(applicant_, r.reference, in, "10.0.0.1");
    EXPECT_TRUE(effect_ran);
    EXPECT_EQ(u.subject, "new subject");
    auto stored = db_->Read([&](db::Connection& c) { return *store::FindRequest(c, r.id); });
    EXPECT_NE(stored.data_json.find("นักวิชาการ"), std::string::npos);
    EXPECT_NE(stored.data_json.find("by the effect"), std::string::npos);
    EXPECT_EQ(stored.state, "draft");
    EXPECT_EQ(db_->Read([&](db::Connection& c) {
        return c
            .One(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'workflow.update'"
                " AND object_id = ?",
                {r.id})
            ->Int(0);
    }),
              1);
    // Nobody else, not even a reviewer; an effect that throws changes nothing.
    EXPECT_EQ(StatusOf([&] { service_->UpdateDraft(stranger_, r.id, in, ""); }), 404);
    EXPECT_EQ(StatusOf([&] { service_->UpdateDraft(reviewer_, r.id, in, ""); }), 404);
    WorkflowService::DraftUpdate failing;
    failing.data_json = R"({"position":"lost"})";
    failing.effect = [](db::Connection&, Request&, nlohmann::json&) {
        throw HttpError::Validation({{"position", "no"}});
    };
    EXPECT_EQ(StatusOf([&] { service_->UpdateDraft(applicant_, r.id, failing, ""); }), 409);
    stored = db_->Read([&](db::Connection& c) { return *store::FindRequest(c, r.id); });
    EXPECT_EQ(stored.data_json.find("lost"), std::string::npos);
    // Submitted: the reviewer's turn, not editable; asked for more, editable again.
    Request s = Submitted();
    EXPECT_EQ(StatusOf([&] { service_->UpdateDraft(applicant_, s.id, in, ""); }), 409);
    service_->Transition(reviewer_, s.id, {.transition = "ask_info", .note = "more please"});
    EXPECT_EQ(StatusOf([&] { service_->UpdateDraft(applicant_, s.id, in, ""); }), 200);
    EXPECT_EQ(db_->Read([&](db::Connection& c) { return store::FindRequest(c, s.id)->state; }),
              "needs_info");
}

INSTANTIATE_TEST_SUITE_P(Engines, WorkflowTest, ::testing::ValuesIn(db::testing::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace govhub::workflow

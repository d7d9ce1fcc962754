#include "workflow/review.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "accounts/store.hpp"
#include "agencies/store.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/i18n.hpp"
#include "db/migrations.hpp"
#include "db/test_support.hpp"
#include "workflow/service.hpp"
#include "workflow/store.hpp"

namespace govhub::workflow {
namespace {

using accounts::Principal;

const TransitionDef* Find(const RequestType& t, const std::string& id) {
    for (const auto& d : t.transitions)
        if (d.id == id) return &d;
    return nullptr;
}

// The guide's shape with the defaults: approve or reject, on 24 clock hours.
RequestType Simple() {
    return MakeReviewType({.id = "rv_simple",
                           .prefix = "RS",
                           .submit_fields = {"position"},
                           .submit_attachments = {"signed_application"},
                           .sensitive_fields = {"citizen_id"},
                           .personal_fields = {"citizen_id"}});
}

// Several decisions with their own reason rules, on five working days.
RequestType Several() {
    return MakeReviewType({.id = "rv_several",
                           .prefix = "RV",
                           .sla_unit = core::SlaUnit::kWorkingDays,
                           .sla_amount = 5,
                           .decisions = {{.id = "suspend", .to = "suspended"},
                                         {.id = "cancel",
                                          .to = "cancelled",
                                          .actor = Actor::kAdministrator,
                                          .note_required = true}},
                           .reject = false,
                           .withdraw_from = {"draft", "submitted", "needs_info"},
                           .retention_days = 365});
}

// A change to an approved rv_simple request (as a workD change request is to an approved service).
RequestType Change() {
    return MakeReviewType({.id = "rv_change",
                           .prefix = "RC",
                           .parents = {{.type = "rv_simple", .states = {"approved"}}},
                           .remind_before_hours = 2});
}

// A decision with inputs the reviewer gives (as workD's approval takes the approved counts).
RequestType WithInputs() {
    return MakeReviewType(
        {.id = "rv_inputs",
         .prefix = "RI",
         .decisions = {{.id = "approve",
                        .to = "approved",
                        .inputs = {{.field = "granted", .prefill_from = "asked", .max = 100},
                                   {.field = "why", .kind = "text", .max = 10, .required = true}},
                        .effect =
                            [](db::Connection&, const Request& r, const Principal&) {
                                auto data = nlohmann::json::parse(r.data_json);
                                if (data["granted"].get<int64_t>() > 50)
                                    throw HttpError::Validation({{"granted", "too_many"}});
                            }}},
         .facts = [](const Request& r, const std::string& locale) {
             return std::vector<Fact>{{.label = "locale", .value = locale, .warning = true},
                                      {.label = "ref", .value = r.reference}};
         }});
}

TEST(ReviewBuilder, RemindsReviewersByTheSlaUnlessToldAndChecksParentRules) {
    EXPECT_EQ(Simple().remind_before_hours, 4);    // a sixth of 24 clock hours
    EXPECT_EQ(Several().remind_before_hours, 24);  // a day before a working-day SLA
    EXPECT_EQ(Change().remind_before_hours, 2);
    EXPECT_EQ(MakeReviewType({.id = "x", .prefix = "X", .sla_amount = 3}).remind_before_hours, 1);
    EXPECT_EQ(
        MakeReviewType({.id = "x", .prefix = "X", .remind_before_hours = 0}).remind_before_hours,
        0);
    ASSERT_EQ(Change().parents.size(), 1u);
    EXPECT_EQ(Change().parents[0].type, "rv_simple");
    EXPECT_THROW(MakeReviewType({.id = "x", .prefix = "X", .remind_before_hours = -1}),
                 std::invalid_argument);
    EXPECT_THROW(MakeReviewType({.id = "x", .prefix = "X", .parents = {{.type = "rv_simple"}}}),
                 std::invalid_argument);
}

TEST(ReviewBuilder, DeclaresTheGuidesShape) {
    RequestType t = Simple();
    EXPECT_EQ(t.initial_state, "draft");
    std::vector<std::string> states;
    for (const auto& s : t.states) states.push_back(s.id);
    EXPECT_EQ(states, (std::vector<std::string>{"draft", "submitted", "needs_info", "approved",
                                                "rejected", "withdrawn"}));
    EXPECT_EQ(t.State("submitted")->clock, Clock::kRuns);
    EXPECT_EQ(t.State("needs_info")->clock, Clock::kPaused);
    EXPECT_TRUE(t.State("approved")->final);
    std::vector<std::string> steps;
    for (const auto& d : t.transitions) steps.push_back(d.id);
    EXPECT_EQ(steps, (std::vector<std::string>{"submit", "ask_info", "resubmit", "approve",
                                               "reject", "withdraw"}));
    EXPECT_EQ(Find(t, "submit")->required_attachments,
              std::vector<std::string>{"signed_application"});
    EXPECT_TRUE(Find(t, "reject")->note_required);
    EXPECT_FALSE(Find(t, "approve")->note_required);
    EXPECT_EQ(Find(t, "withdraw")->from, (std::vector<std::string>{"draft", "needs_info"}));
    EXPECT_EQ(t.applicant_path("X"), "/requests/X");
    EXPECT_EQ(t.staff_path("X"), "/staff/requests/X");
    EXPECT_FALSE(t.print_path);
    EXPECT_EQ(t.sla_unit, core::SlaUnit::kClockHours);
    EXPECT_EQ(t.sla_amount, 24);

    RequestType s = Several();
    EXPECT_EQ(s.sla_unit, core::SlaUnit::kWorkingDays);
    EXPECT_TRUE(s.State("suspended") && s.State("cancelled"));
    EXPECT_FALSE(s.State("rejected") || s.State("approved"));
    EXPECT_EQ(Find(s, "cancel")->actor, Actor::kAdministrator);
    EXPECT_TRUE(Find(s, "cancel")->note_required);
    EXPECT_EQ(s.retention_days, 365);
}

TEST(ReviewBuilder, RefusesADeclarationThatCannotWork) {
    EXPECT_THROW(MakeReviewType({.id = "x"}), std::invalid_argument);  // no prefix
    EXPECT_THROW(MakeReviewType({.id = "x", .prefix = "X", .decisions = {}}),
                 std::invalid_argument);
    EXPECT_THROW(MakeReviewType({.id = "x", .prefix = "X", .sla_amount = 0}),
                 std::invalid_argument);
    EXPECT_THROW(
        MakeReviewType({.id = "x",
                        .prefix = "X",
                        .decisions = {{.id = "a", .to = "done"}, {.id = "b", .to = "done"}}}),
        std::invalid_argument);
    EXPECT_THROW(
        MakeReviewType({.id = "x", .prefix = "X", .decisions = {{.id = "a", .to = "submitted"}}}),
        std::invalid_argument);
}

TEST(ReviewBuilder, CarriesEachProcesssOwnTextsAndNextSteps) {
    RequestType t =
        MakeReviewType({.id = "x",
                        .prefix = "X",
                        .texts = {.instructions = "x.print_help", .signatures = {"x.applicant"}},
                        .next_steps = [](const Request& r) {
                            return std::vector<NextStep>{{"x.next", "/things/" + r.reference}};
                        }});
    EXPECT_EQ(t.texts.instructions, "x.print_help");
    EXPECT_EQ(t.texts.signatures, std::vector<std::string>{"x.applicant"});
    ASSERT_TRUE(t.next_steps);
    Request r;
    r.reference = "X-2569-AAAAAA";
    EXPECT_EQ(t.next_steps(r).at(0).href, "/things/X-2569-AAAAAA");
    // No form has more signature lines than two people can sign side by side.
    EXPECT_THROW(
        MakeReviewType({.id = "x", .prefix = "X", .texts = {.signatures = {"a", "b", "c"}}}),
        std::invalid_argument);
}

class ReviewTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        scratch_ = std::make_unique<db::testing::ScratchDatabase>(GetParam(), "rv");
        db_ = scratch_->Open();
        db::MigrationSet set;
        audit::AddMigrations(set);
        accounts::store::AddMigrations(set);
        agencies::store::AddMigrations(set);
        store::AddMigrations(set);
        db::ApplyMigrations(*db_, set);
        i18n_.LoadDirectory(std::string(GOVHUB_SOURCE_DIR) + "/web/i18n");
        files_ = std::filesystem::temp_directory_path() /
                 ("govhub-rv-files-" + std::to_string(::getpid()) + "-" + GetParam());
        std::filesystem::remove_all(files_);
        std::filesystem::create_directories(files_);
        accounts_ = std::make_unique<accounts::AccountService>(
            *db_, [](const mail::Message&) {}, i18n_, accounts::AccountsConfig{});
        service_ = std::make_unique<WorkflowService>(
            *db_, *accounts_, [this](const mail::Message& m) { sent_.push_back(m); }, i18n_,
            WorkflowConfig{.site_url = "https://gov.example",
                           .files_dir = (files_ / "store").string()});
        service_->Register(Simple());
        service_->Register(Several());
        service_->Register(Change());
        service_->Register(WithInputs());
        applicant_ = Person("somchai");
        reviewer_ = Person("reviewer");
        admin_ = Person("admin");
        other_ = Person("other_reviewer");
        db_->Write([&](db::Connection& c) {
            accounts::store::SetMembership(c, reviewer_.user_id, kStaffObjectType, "rv_simple",
                                           accounts::Capacity::kEditor);
            accounts::store::SetMembership(c, reviewer_.user_id, kStaffObjectType, "rv_several",
                                           accounts::Capacity::kEditor);
            accounts::store::SetMembership(c, admin_.user_id, kStaffObjectType, "rv_several",
                                           accounts::Capacity::kAdmin);
            // Reviews the other type only.
            accounts::store::SetMembership(c, other_.user_id, kStaffObjectType, "rv_several",
                                           accounts::Capacity::kEditor);
        });
    }
    void TearDown() override {
        service_.reset();
        accounts_.reset();
        db_.reset();
        scratch_.reset();
        std::filesystem::remove_all(files_);
    }
    Principal Person(const std::string& name) {
        accounts::User u;
        u.id = core::NewUuid();
        u.name = name;
        u.email = name + "@example.go.th";
        u.state = accounts::UserState::kActive;
        u.locale = "th";
        u.created = core::NowIso();
        db_->Write([&](db::Connection& c) { accounts::store::InsertUser(c, u); });
        return {.user_id = u.id, .name = name};
    }
    std::string Agency(const std::string& name) {
        agencies::Agency a;
        a.id = core::NewUuid();
        a.name = name;
        a.title = name;
        a.created = a.modified = core::NowIso();
        db_->Write([&](db::Connection& c) { agencies::store::Insert(c, a); });
        return a.id;
    }
    Request Submitted(const std::string& type, const std::string& organization_id = "") {
        Request r = service_->Create(applicant_,
                                     {.type = type,
                                      .organization_id = organization_id,
                                      .subject = "คำขอ",
                                      .data_json = R"({"position":"ผอ."})"},
                                     "");
        if (type == "rv_simple") {
            std::string path = (files_ / "a.pdf").string();
            std::ofstream(path, std::ios::binary) << "%PDF-1.7 x";
            service_->Attach(applicant_, r.id, "signed_application", path, "a.pdf");
        }
        return service_->Transition(applicant_, r.id, {.transition = "submit"});
    }
    int StatusOf(const std::function<void()>& f) {
        try {
            f();
        } catch (const HttpError& e) {
            return e.status();
        }
        return 200;
    }

    std::unique_ptr<db::testing::ScratchDatabase> scratch_;
    std::unique_ptr<db::Database> db_;
    core::I18n i18n_;
    std::filesystem::path files_;
    std::unique_ptr<accounts::AccountService> accounts_;
    std::unique_ptr<WorkflowService> service_;
    std::vector<mail::Message> sent_;
    Principal applicant_, reviewer_, admin_, other_;
};

TEST_P(ReviewTest, EachProcessOffersItsOwnDecisionsWithTheirReasonRules) {
    Request a = Submitted("rv_simple");
    auto ids = [&](const Principal& p, const Request& r) {
        std::vector<std::string> out;
        for (const auto* d : service_->Available(&p, r)) out.push_back(d->id);
        return out;
    };
    EXPECT_EQ(ids(reviewer_, a), (std::vector<std::string>{"ask_info", "approve", "reject"}));
    EXPECT_EQ(ids(applicant_, a), std::vector<std::string>{});  // no withdrawal once submitted
    a = service_->Transition(reviewer_, a.id, {.transition = "approve"});
    EXPECT_EQ(a.state, "approved");

    Request b = Submitted("rv_several");
    EXPECT_EQ(ids(reviewer_, b), (std::vector<std::string>{"ask_info", "suspend"}));
    EXPECT_EQ(ids(admin_, b), (std::vector<std::string>{"ask_info", "suspend", "cancel"}));
    EXPECT_EQ(ids(applicant_, b), std::vector<std::string>{"withdraw"});
    EXPECT_EQ(StatusOf([&] { service_->Transition(reviewer_, b.id, {.transition = "cancel"}); }),
              403);
    EXPECT_EQ(StatusOf([&] { service_->Transition(admin_, b.id, {.transition = "cancel"}); }),
              409);  // its reason is required
    b = service_->Transition(admin_, b.id, {.transition = "cancel", .note = "ย้ายหน่วยงาน"});
    EXPECT_EQ(b.state, "cancelled");
    EXPECT_FALSE(b.closed.empty());
}

TEST_P(ReviewTest, DocumentsAreTakenOnlyWhileTheApplicantOwesThem) {
    std::string path = (files_ / "more.pdf").string();
    auto attach = [&](const Request& r, const std::string& kind) {
        std::ofstream(path, std::ios::binary) << "%PDF-1.7 more";
        return StatusOf([&] { service_->Attach(applicant_, r.id, kind, path, "more.pdf"); });
    };
    Request draft = service_->Create(applicant_, {.type = "rv_simple", .subject = "s"}, "");
    EXPECT_EQ(attach(draft, kMoreInfoKind), 409);  // a draft owes its signed form, nothing else
    Request r = Submitted("rv_simple");
    EXPECT_EQ(attach(r, kMoreInfoKind), 409);  // the reviewer owes the next step
    EXPECT_EQ(attach(r, "signed_application"), 409);
    r = service_->Transition(reviewer_, r.id, {.transition = "ask_info", .note = "ขอสำเนา"});
    sent_.clear();
    EXPECT_EQ(attach(r, "passport"), 409);  // not a kind this process takes
    EXPECT_EQ(attach(r, kMoreInfoKind), 200);
    EXPECT_EQ(attach(r, "signed_application"), 200);  // a corrected scan, too
    EXPECT_FALSE(sent_.empty());                      // the reviewers are told
    EXPECT_EQ(service_->Attachments(&applicant_, r).size(), 3u);
    r = service_->Transition(applicant_, r.id, {.transition = "resubmit"});
    EXPECT_EQ(attach(r, kMoreInfoKind), 409);
}

TEST_P(ReviewTest, TheSlaCountsClockHoursOrWorkingDays) {
    Request a = Submitted("rv_simple");
    SlaStatus sa = service_->Sla(a);
    EXPECT_EQ(sa.clock, Clock::kRuns);
    EXPECT_EQ(sa.budget_seconds, 24 * 3600);
    ASSERT_TRUE(sa.due_epoch);
    EXPECT_EQ(*sa.due_epoch - core::ParseIsoMicros(a.clock_since) / 1000000, 24 * 3600);

    Request b = Submitted("rv_several");
    SlaStatus sb = service_->Sla(b);
    EXPECT_EQ(sb.budget_seconds, 5 * 86400);
    ASSERT_TRUE(sb.due_epoch);
    // Five working days take at least five calendar days (a week with its weekend).
    EXPECT_GE(*sb.due_epoch - core::ParseIsoMicros(b.clock_since) / 1000000, 7 * 86400 - 86400);
    // Waiting on the applicant pauses it.
    b = service_->Transition(reviewer_, b.id, {.transition = "ask_info", .note = "ขอสำเนา"});
    EXPECT_EQ(service_->Sla(b).clock, Clock::kPaused);
    EXPECT_FALSE(service_->Sla(b).due_epoch);
}

TEST_P(ReviewTest, ABulkDecisionTakesEachStepOnItsOwnAndReportsEachRefusal) {
    Request a = Submitted("rv_simple");
    Request b = Submitted("rv_simple");
    Request c = Submitted("rv_simple");
    sent_.clear();
    auto all = service_->Decide(reviewer_, {a.id, b.reference, c.id}, {.transition = "approve"});
    ASSERT_EQ(all.size(), 3u);
    for (const auto& o : all) {
        EXPECT_TRUE(o.ok) << o.request << " " << o.error;
        EXPECT_EQ(o.state, "approved");
    }
    EXPECT_EQ(all[1].reference, b.reference);
    EXPECT_EQ(sent_.size(), 3u);  // each applicant told of their own request
    // Each is its own step in the audit log.
    for (const auto& r : {a, b, c}) {
        auto h = service_->History(*service_->Find(&reviewer_, r.id));
        ASSERT_EQ(h.size(), 3u);
        EXPECT_EQ(h[2].transition, "approve");
        EXPECT_EQ(h[2].actor_id, reviewer_.user_id);
    }

    // Some refused: already decided (409), another type the caller does not review (404, as
    // for a stranger), no such request (404); the one that may go goes.
    Request d = Submitted("rv_simple");
    Request e = Submitted("rv_several");
    auto some = service_->Decide(other_, {e.id}, {.transition = "approve"});
    ASSERT_EQ(some.size(), 1u);
    EXPECT_FALSE(some[0].ok);  // rv_several offers no "approve"
    EXPECT_EQ(some[0].status, 409);
    some = service_->Decide(reviewer_, {a.id, d.id, "no-such-request"},
                            {.transition = "reject", .note = "ไม่ใช่เจ้าหน้าที่"});
    ASSERT_EQ(some.size(), 3u);
    EXPECT_FALSE(some[0].ok);
    EXPECT_EQ(some[0].status, 409);
    EXPECT_EQ(some[0].error, "workflow.not_from_this_state");
    EXPECT_TRUE(some[1].ok);
    EXPECT_EQ(some[1].state, "rejected");
    EXPECT_FALSE(some[2].ok);
    EXPECT_EQ(some[2].status, 404);
    some = service_->Decide(other_, {d.id}, {.transition = "approve"});
    EXPECT_EQ(some[0].status, 404);  // other_ does not review rv_simple: it learns nothing
    // A reason rule holds for each; an applicant's step is not a decision.
    Request f = Submitted("rv_simple");
    some = service_->Decide(reviewer_, {f.id}, {.transition = "reject"});
    EXPECT_EQ(some[0].status, 409);
    EXPECT_EQ(some[0].error, "workflow.note_required");
    some = service_->Decide(reviewer_, {f.id}, {.transition = "withdraw"});
    EXPECT_FALSE(some[0].ok);
    EXPECT_EQ(some[0].error, "workflow.unknown_transition");
    // Someone who reviews nothing has nothing to decide, not even their own request.
    EXPECT_EQ(StatusOf([&] { service_->Decide(applicant_, {f.id}, {.transition = "withdraw"}); }),
              403);
    EXPECT_EQ(service_->Find(&reviewer_, f.id)->state, "submitted");
    auto h = service_->History(*service_->Find(&reviewer_, a.id));
    EXPECT_EQ(h.size(), 3u);  // the refused step left no record
    // The list itself: not empty, not too long.
    EXPECT_EQ(StatusOf([&] { service_->Decide(reviewer_, {}, {.transition = "approve"}); }), 409);
    EXPECT_EQ(StatusOf([&] {
                  service_->Decide(reviewer_, std::vector<std::string>(kMaxBulkDecision + 1, a.id),
                                   {.transition = "approve"});
              }),
              409);
}

TEST_P(ReviewTest, ADecisionsInputsAreCheckedPrefilledAndMergedIntoTheData) {
    auto fields_of = [&](const std::string& id, const std::string& data) {
        std::set<std::string> out;
        try {
            service_->Transition(reviewer_, id,
                                 {.transition = "approve", .note = "", .data_json = data});
        } catch (const HttpError& e) {
            for (const auto& f : e.fields()) out.insert(f.field + ":" + f.message);
        }
        return out;
    };
    db_->Write([&](db::Connection& c) {
        accounts::store::SetMembership(c, reviewer_.user_id, kStaffObjectType, "rv_inputs",
                                       accounts::Capacity::kEditor);
    });
    Request r = service_->Create(
        applicant_, {.type = "rv_inputs", .subject = "x", .data_json = R"({"asked":"30"})"}, "");
    service_->Transition(applicant_, r.id, {.transition = "submit"});
    // The text is required; a number must be one, within its bounds; the effect has its say.
    EXPECT_EQ(fields_of(r.id, ""), std::set<std::string>{"why:form.required"});
    EXPECT_EQ(fields_of(r.id, R"({"granted":"many","why":"ok"})"),
              std::set<std::string>{"granted:workflow.input_number"});
    EXPECT_EQ(fields_of(r.id, R"({"granted":101,"why":"ok"})"),
              std::set<std::string>{"granted:workflow.input_range"});
    EXPECT_EQ(fields_of(r.id, R"({"granted":"-1","why":"ok"})"),
              std::set<std::string>{"granted:workflow.input_range"});
    EXPECT_EQ(fields_of(r.id, R"({"granted":60,"why":"ok"})"),
              std::set<std::string>{"granted:too_many"});
    EXPECT_EQ(fields_of(r.id, R"({"granted":5,"why":"far too long a reason"})"),
              std::set<std::string>{"why:workflow.input_too_long"});
    EXPECT_EQ(service_->Find(&reviewer_, r.id)->state, "submitted");  // nothing stuck
    // Not given: the number starts from its prefill field, stored as an integer.
    Request done = service_->Transition(
        reviewer_, r.id, {.transition = "approve", .data_json = R"({"why":"  fine  "})"});
    auto data = nlohmann::json::parse(done.data_json);
    EXPECT_EQ(data["granted"], 30);
    EXPECT_EQ(data["why"], "fine");
    // The facts are the process's, in the reader's language.
    const RequestType& t = service_->Type("rv_inputs");
    ASSERT_TRUE(t.facts);
    auto facts = t.facts(done, "en");
    ASSERT_EQ(facts.size(), 2u);
    EXPECT_EQ(facts[0].value, "en");
    EXPECT_TRUE(facts[0].warning);
    EXPECT_EQ(facts[1].value, done.reference);
}

TEST_P(ReviewTest, NobodyDecidesTheirOwnRequest) {
    // A sysadmin reviews and administers every type, but not a request they filed themselves.
    Principal root{.user_id = Person("root2").user_id, .name = "root2", .sysadmin = true};
    Principal saved = applicant_;
    applicant_ = root;
    Request mine = Submitted("rv_simple");
    applicant_ = saved;
    try {
        service_->Transition(root, mine.id, {.transition = "approve"});
        ADD_FAILURE() << "a sysadmin approved their own request";
    } catch (const HttpError& e) {
        EXPECT_EQ(e.status(), 403);
        EXPECT_EQ(e.message(), "workflow.own_request");
    }
    auto bulk = service_->Decide(root, {mine.id}, {.transition = "approve"});
    EXPECT_FALSE(bulk[0].ok);
    EXPECT_EQ(bulk[0].status, 403);
    // The request's page offers them no decision on it.
    for (const TransitionDef* d : service_->Available(&root, *service_->Find(&root, mine.id)))
        EXPECT_EQ(d->actor, Actor::kApplicant) << d->id;
    // Another reviewer decides it.
    EXPECT_EQ(service_->Transition(reviewer_, mine.id, {.transition = "approve"}).state,
              "approved");
}

TEST_P(ReviewTest, AReviewerScopedToAgenciesReviewsOnlyTheirRequests) {
    std::string dopa = Agency("dopa"), nso = Agency("nso");
    Principal sysadmin{.user_id = Person("root").user_id, .name = "root", .sysadmin = true};
    accounts::Caller by_root{.principal = &sysadmin};
    // Only sysadmins set scopes; the agencies must exist and the person must be staff of the type.
    EXPECT_EQ(StatusOf([&] {
                  service_->SetReviewerAgencies(reviewer_, "reviewer", "rv_simple", {"dopa"},
                                                {.principal = &reviewer_});
              }),
              403);
    EXPECT_EQ(StatusOf([&] {
                  service_->SetReviewerAgencies(sysadmin, "reviewer", "rv_simple", {"nowhere"},
                                                by_root);
              }),
              409);
    EXPECT_EQ(StatusOf([&] {
                  service_->SetReviewerAgencies(sysadmin, "somchai", "rv_simple", {"dopa"},
                                                by_root);
              }),
              409);
    service_->SetReviewerAgencies(sysadmin, "reviewer", "rv_simple", {"dopa", " dopa "}, by_root);
    EXPECT_EQ(service_->ReviewerAgencies(reviewer_.user_id, "rv_simple"),
              (std::vector<std::string>{dopa}));

    sent_.clear();
    Request mine = Submitted("rv_simple", dopa);
    Request theirs = Submitted("rv_simple", nso);
    Request none = Submitted("rv_simple");
    // Told of the submission of its agency's request only.
    auto told = [&](const std::string& reference) {
        int n = 0;
        for (const auto& m : sent_)
            if (m.to == "reviewer@example.go.th" && m.text.find(reference) != std::string::npos)
                ++n;
        return n;
    };
    EXPECT_EQ(told(mine.reference), 1);
    EXPECT_EQ(told(theirs.reference), 0);
    EXPECT_EQ(told(none.reference), 0);
    auto queue = service_->Queue(reviewer_, {.type = "rv_simple"});
    ASSERT_EQ(queue.total, 1);
    EXPECT_EQ(queue.items[0].reference, mine.reference);
    EXPECT_TRUE(service_->Find(&reviewer_, mine.id));
    EXPECT_FALSE(service_->Find(&reviewer_, theirs.id));
    auto out = service_->Decide(reviewer_, {theirs.id, mine.id}, {.transition = "approve"});
    EXPECT_EQ(out[0].status, 404);
    EXPECT_TRUE(out[1].ok);
    // The scope is per type: for rv_several the same person still reviews every agency, and a
    // sysadmin is never scoped.
    Request other_type = Submitted("rv_several", nso);
    EXPECT_TRUE(service_->Find(&reviewer_, other_type.id));
    EXPECT_EQ(service_->Queue(sysadmin, {.type = "rv_simple"}).total, 2);
    // Cleared: every agency again.
    service_->SetReviewerAgencies(sysadmin, "reviewer", "rv_simple", {}, by_root);
    EXPECT_EQ(service_->Queue(reviewer_, {.type = "rv_simple"}).total, 2);
}

TEST_P(ReviewTest, AChangeIsFiledAsAChildOfAnApprovedRequestOfItsAgency) {
    std::string dopa = Agency("dopa");
    Request parent = Submitted("rv_simple", dopa);
    auto file = [&](const Principal& who, const std::string& type, const std::string& key) {
        return service_->Create(who, {.type = type, .parent = key, .subject = "เปลี่ยนแปลง"}, "");
    };
    // The applicant files for the agency as one of its administrators.
    db_->Write([&](db::Connection& c) {
        agencies::store::SetMember(c, dopa, {applicant_.user_id, agencies::Role::kAdmin});
    });
    // Not approved yet: nothing to change.
    EXPECT_EQ(StatusOf([&] { file(applicant_, "rv_change", parent.reference); }), 409);
    service_->Transition(reviewer_, parent.id, {.transition = "approve"});
    Request child = file(applicant_, "rv_change", parent.reference);
    EXPECT_EQ(child.parent_id, parent.id);
    EXPECT_EQ(child.organization_id, dopa);  // the parent's agency
    EXPECT_EQ(service_->Find(&applicant_, child.id)->parent_id, parent.id);
    // A stranger cannot hang a change on someone else's request; the agency's administrator can.
    Principal stranger = Person("stranger");
    try {
        file(stranger, "rv_change", parent.id);
        ADD_FAILURE() << "a stranger filed a change";
    } catch (const HttpError& e) {
        EXPECT_EQ(e.status(), 409);
    }
    Principal agency_admin = Person("dopa_admin");
    db_->Write([&](db::Connection& c) {
        agencies::store::SetMember(c, dopa, {agency_admin.user_id, agencies::Role::kAdmin});
    });
    Request by_admin = file(agency_admin, "rv_change", parent.reference);
    EXPECT_EQ(by_admin.parent_id, parent.id);
    // A type without a parent rule takes none; a rule names the parent's type.
    EXPECT_EQ(StatusOf([&] { file(applicant_, "rv_several", parent.id); }), 409);
    Request not_simple = Submitted("rv_several");
    EXPECT_EQ(StatusOf([&] { file(applicant_, "rv_change", not_simple.id); }), 409);
    // The parent lists its changes to those who may see them.
    auto kids = service_->Children(&applicant_, parent);
    ASSERT_EQ(kids.size(), 1u);  // the applicant sees their own, not the admin's
    EXPECT_EQ(kids[0].id, child.id);
    EXPECT_EQ(service_->Children(&reviewer_, parent).size(), 0u);  // reviews rv_simple only
    EXPECT_EQ(service_->Children(&agency_admin, parent).size(), 1u);
    // Removed from the agency, the former applicant files no more changes to what they asked
    // for; the system still opens a child in their name (workD's hand-over).
    db_->Write(
        [&](db::Connection& c) { agencies::store::RemoveMember(c, dopa, applicant_.user_id); });
    EXPECT_EQ(StatusOf([&] { file(applicant_, "rv_change", parent.reference); }), 409);
    Request by_system = service_->Create(
        applicant_, {.type = "rv_change", .parent = parent.id, .subject = "s", .by_system = true},
        "");
    EXPECT_EQ(by_system.parent_id, parent.id);
    // A request for no agency: its applicant alone files a change to it.
    Request lone = Submitted("rv_simple");
    service_->Transition(reviewer_, lone.id, {.transition = "approve"});
    EXPECT_EQ(file(applicant_, "rv_change", lone.reference).parent_id, lone.id);
    EXPECT_EQ(StatusOf([&] { file(agency_admin, "rv_change", lone.reference); }), 409);
}

TEST_P(ReviewTest, ReviewersAreRemindedOnceBeforeTheDueTime) {
    Request r = Submitted("rv_simple");  // due in 24 clock hours, reminded 4 hours before
    int64_t now = core::NowEpochSeconds();
    sent_.clear();
    EXPECT_EQ(service_->RemindReviewers(now + 19 * 3600), 0);  // 5 hours left
    EXPECT_TRUE(sent_.empty());
    EXPECT_EQ(service_->RemindReviewers(now + 21 * 3600), 1);  // 3 hours left
    ASSERT_EQ(sent_.size(), 1u);                               // its one reviewer
    EXPECT_EQ(sent_[0].to, "reviewer@example.go.th");
    EXPECT_NE(sent_[0].subject.find(r.reference), std::string::npos);
    EXPECT_NE(sent_[0].text.find("/staff/requests/" + r.reference), std::string::npos);
    EXPECT_EQ(service_->RemindReviewers(now + 22 * 3600), 0);  // once per due time
    // Paused and resumed: a new due time, a new reminder; a decided request none.
    service_->Transition(reviewer_, r.id, {.transition = "ask_info", .note = "ขอสำเนาบัตร"});
    EXPECT_EQ(service_->RemindReviewers(now + 23 * 3600), 0);
    service_->Transition(applicant_, r.id, {.transition = "resubmit"});
    EXPECT_EQ(service_->RemindReviewers(now + 23 * 3600), 1);
    service_->Transition(reviewer_, r.id, {.transition = "approve"});
    EXPECT_EQ(service_->RemindReviewers(now + 48 * 3600), 0);
    auto history = db_->Read([&](db::Connection& c) {
        return c.One("SELECT COUNT(*) FROM audit_log WHERE action = 'workflow.reminder'")->Int(0);
    });
    EXPECT_EQ(history, 2);
}

INSTANTIATE_TEST_SUITE_P(Engines, ReviewTest, ::testing::ValuesIn(db::testing::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace govhub::workflow

// DomainService with the database directly (both engines): the approval's effect, availability,
// the schedule and the due checks. The checks against a real DNS are checker_test.cpp's and the
// integration test's (tests/integration/test_workd_dns.py).
#include "workd/domains.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "accounts/store.hpp"
#include "agencies/store.hpp"
#include "audit/audit.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/thai_address.hpp"
#include "core/vault.hpp"
#include "db/migrations.hpp"
#include "db/test_support.hpp"
#include "workd/dkim_key.hpp"
#include "workd/store.hpp"
#include "workflow/store.hpp"

namespace govhub::workd {
namespace {

constexpr int64_t kHour = 3600, kDay = 86400;

TEST(WorkdSchedule, EveryTenMinutesThenHourlyThenDaily) {
    const int64_t t0 = 1'800'000'000;
    EXPECT_EQ(CheckInterval(t0, t0), 600);
    EXPECT_EQ(NextCheck(t0, t0 + 47 * kHour), t0 + 47 * kHour + 600);
    EXPECT_EQ(CheckInterval(t0, t0 + 48 * kHour - 1), 600);
    EXPECT_EQ(CheckInterval(t0, t0 + 48 * kHour), kHour);
    EXPECT_EQ(CheckInterval(t0, t0 + 14 * kDay - 1), kHour);
    EXPECT_EQ(CheckInterval(t0, t0 + 14 * kDay), kDay);
    EXPECT_EQ(CheckInterval(t0, t0 + 90 * kDay), kDay);
}

// The line above the records comes from the checker's outcome for the domain itself, not from
// guessing at the rows.
TEST(WorkdDomainSummary, FromTheRecordedOutcomeFirst) {
    auto rows = [](std::initializer_list<const char*> statuses) {
        std::vector<RecordCheck> out;
        for (const char* s : statuses) {
            RecordCheck r;
            r.status = s;
            out.push_back(r);
        }
        return out;
    };
    EXPECT_EQ(DomainSummaryKey("", {}), "");  // never checked
    EXPECT_EQ(DomainSummaryKey(kDomainNxdomain, rows({kCheckMissing, kCheckMissing})),
              "workd.domain.summary_nxdomain");
    EXPECT_EQ(DomainSummaryKey(kDomainExists, rows({kCheckMissing, kCheckMissing})),
              "workd.domain.summary_no_records");
    EXPECT_EQ(DomainSummaryKey("", rows({kCheckMissing, kCheckMissing})),  // stored before
              "workd.domain.summary_nothing");
    EXPECT_EQ(DomainSummaryKey(kDomainUnanswered, rows({kCheckError, kCheckError})),
              "workd.domain.summary_unreachable");
    EXPECT_EQ(DomainSummaryKey(kDomainExists, rows({kCheckOk, kCheckMissing})), "");
    EXPECT_EQ(DomainSummaryKey(kDomainUnanswered, rows({kCheckError, kCheckMissing})), "");
}

TEST(WorkdSchedule, ReminderDailyAfterFourteenDays) {
    const int64_t t0 = 1'800'000'000;
    EXPECT_FALSE(ReminderDue(t0, t0 + 13 * kDay, 0));
    EXPECT_TRUE(ReminderDue(t0, t0 + 14 * kDay, 0));
    EXPECT_FALSE(ReminderDue(t0, t0 + 15 * kDay, t0 + 15 * kDay - 2 * kHour));
    EXPECT_TRUE(ReminderDue(t0, t0 + 15 * kDay, t0 + 14 * kDay));
}

class DomainServiceTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        scratch_ = std::make_unique<db::testing::ScratchDatabase>(GetParam(), "wdd");
        db_ = scratch_->Open();
        db::MigrationSet set;
        audit::AddMigrations(set);
        accounts::store::AddMigrations(set);
        agencies::store::AddMigrations(set);
        workflow::store::AddMigrations(set);
        store::AddMigrations(set);
        db::ApplyMigrations(*db_, set);
        vault_ = core::Vault::FromText(core::FormatVaultKeys({core::NewVaultKey(1)}));
        accounts_ = std::make_unique<accounts::AccountService>(
            *db_, [](const mail::Message&) {}, i18n_, accounts::AccountsConfig{});
        workflow_ = std::make_unique<workflow::WorkflowService>(
            *db_, *accounts_, [](const mail::Message&) {}, i18n_, workflow::WorkflowConfig{});
        WorkdConfig config;
        config.zone = "mail.go.th";
        // Nothing listens on port 1: every question is an error, never the agency's fault.
        config.resolver = {
            .servers = "127.0.0.1:1", .timeout = std::chrono::milliseconds(100), .tries = 1};
        domains_ = std::make_unique<DomainService>(
            *db_, *workflow_, *accounts_, vault_.get(),
            [this](const mail::Message& m) { sent_.push_back(m); }, i18n_, config);
        domains_->SetOnVerified(
            [this](db::Connection&, const Domain& d) { opened_.push_back(d.name); });
        db_->Write([&](db::Connection& c) {
            const std::string now = core::NowIso();
            c.Exec(
                "INSERT INTO organizations (id, name, title, state, created, modified) "
                "VALUES ('org1', 'agency', 'กรมตัวอย่าง', 'active', ?, ?)",
                {now, now});
        });
    }

    workflow::Request Approved(const std::string& data_json) {
        workflow::Request r;
        r.id = core::NewUuid();
        r.type = kServiceType;
        r.reference = "WD-2569-" + core::RandomFrom("ABCDEFGHJKMNPQRSTUVWXYZ23456789", 6);
        r.state = "approved";
        r.applicant_id = "";
        r.organization_id = "org1";
        r.data_json = data_json;
        r.created = r.updated = r.submitted = core::NowIso();
        db_->Write([&](db::Connection& c) { workflow::store::InsertRequest(c, r, ""); });
        return r;
    }

    // A row marked released, as the schema allows (no workflow step releases a domain today:
    // README "Domains"): what reads the domains must treat its name as free.
    void Release(const std::string& request_id) {
        db_->Write([&](db::Connection& c) {
            c.Exec(
                "UPDATE workd_domains SET state = 'released', next_check = '' WHERE request_id = ?",
                {request_id});
        });
    }

    Domain Approve(const workflow::Request& r) {
        return db_->Write([&](db::Connection& c) { return domains_->OnApproved(c, r); });
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
    std::unique_ptr<core::Vault> vault_;
    std::unique_ptr<accounts::AccountService> accounts_;
    std::unique_ptr<workflow::WorkflowService> workflow_;
    std::unique_ptr<DomainService> domains_;
    std::vector<mail::Message> sent_;
    std::vector<std::string> opened_;
};

TEST_P(DomainServiceTest, SubdomainReservedOnceAndHandOverOpens) {
    auto d = Approve(Approved(R"({"domain_kind":"subdomain","subdomain":" Dga-Test "})"));
    EXPECT_EQ(d.name, "dga-test.mail.go.th");
    EXPECT_EQ(d.state, "reserved");
    EXPECT_TRUE(d.token.empty());
    EXPECT_TRUE(d.next_check.empty());
    EXPECT_EQ(opened_, std::vector<std::string>{"dga-test.mail.go.th"});
    EXPECT_EQ(domains_->Available("subdomain", "dga-test"), "workd.domain.taken");
    // A second approval of the same name: 409 workd.domain.taken.
    auto again = Approved(R"({"domain_kind":"subdomain","subdomain":"dga-test"})");
    try {
        Approve(again);
        FAIL() << "no conflict";
    } catch (const HttpError& e) {
        EXPECT_EQ(e.status(), 409);
        EXPECT_EQ(e.message(), "workd.domain.taken");
    }
    // Released, the name is free again.
    Release(d.request_id);
    EXPECT_EQ(domains_->Available("subdomain", "dga-test"), "");
    EXPECT_EQ(Approve(again).state, "reserved");
}

TEST_P(DomainServiceTest, TheRequestPageLinksTheDnsPageOnceThereIsADomain) {
    auto r = Approved(R"({"domain_kind":"own","own_domain":"agency.go.th"})");
    EXPECT_TRUE(domains_->NextSteps(r).empty());
    Approve(r);
    auto steps = domains_->NextSteps(r);
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].href, "/workd/requests/" + r.reference + "/dns");
    // An own domain waiting on its records: "waiting for your DNS records" (the DNS page).
    EXPECT_EQ(steps[0].label_key, "workd.domain.next_waiting_dns");
    Release(r.id);
    EXPECT_TRUE(domains_->NextSteps(r).empty());
}

TEST_P(DomainServiceTest, OwnDomainAwaitsDnsWithTokenAndSealedKey) {
    auto d = Approve(Approved(R"({"domain_kind":"own","own_domain":"Agency.GO.TH."})"));
    EXPECT_EQ(d.name, "agency.go.th");
    EXPECT_EQ(d.state, "awaiting_dns");
    EXPECT_EQ(d.token.size(), 40u);
    EXPECT_EQ(d.next_check, d.created);  // due at once
    EXPECT_TRUE(opened_.empty());
    EXPECT_TRUE(IsValidDkimSelector(d.dkim_selector));
    EXPECT_TRUE(d.dkim_selector.starts_with("workd25"));
    // The private key is sealed; opened, it is the pair of the published key.
    EXPECT_EQ(d.dkim_private_sealed.find("PRIVATE KEY"), std::string::npos);
    auto pem = vault_->Open(kDkimPurpose, d.dkim_private_sealed);
    ASSERT_TRUE(pem);
    EXPECT_EQ(DkimPublicKeyFromPrivatePem(*pem), d.dkim_public);
    // Another own-domain approval gets another token and key.
    auto other = Approve(Approved(R"({"domain_kind":"own","own_domain":"other.go.th"})"));
    EXPECT_NE(other.token, d.token);
    EXPECT_NE(other.dkim_public, d.dkim_public);
    auto records = domains_->Expected(d);
    ASSERT_FALSE(records.empty());
    EXPECT_EQ(records[0].name, "_workd-challenge.agency.go.th");
    EXPECT_EQ(records[0].value, "token=" + d.token);
}

TEST_P(DomainServiceTest, BadNamesAndKindsRefused) {
    EXPECT_EQ(domains_->Available("subdomain", "www"), "workd.dns.label.reserved");
    EXPECT_EQ(domains_->Available("subdomain", "กรม"), "workd.dns.label.idn");
    EXPECT_EQ(domains_->Available("subdomain", "-x"), "workd.dns.label.hyphen_edge");
    EXPECT_EQ(domains_->Available("own", "agency"), "workd.dns.domain.not_fqdn");
    EXPECT_EQ(domains_->Available("own", "x.mail.go.th"), "workd.domain.in_zone");
    EXPECT_EQ(domains_->Available("other", "x"), "workd.domain.bad_kind");
    std::string name;
    EXPECT_EQ(domains_->Available("own", "Agency.go.th", &name), "");
    EXPECT_EQ(name, "agency.go.th");
    EXPECT_EQ(
        StatusOf([&] { Approve(Approved(R"({"domain_kind":"subdomain","subdomain":"www"})")); }),
        409);
    EXPECT_EQ(StatusOf([&] { Approve(Approved(R"({"domain_kind":"none"})")); }), 409);
    // The form's rules hold here too (CheckRequestedName): a registry's zone, a name under the
    // platform's zone — in the live check and at approval alike.
    EXPECT_EQ(domains_->Available("own", "go.th"), "workd.domain.registry_zone");
    for (const char* own : {"go.th", "x.mail.go.th"}) {
        const std::string data =
            std::string(R"({"domain_kind":"own","own_domain":")") + own + R"("})";
        try {
            Approve(Approved(data));
            ADD_FAILURE() << own << " reserved";
        } catch (const HttpError& e) {
            EXPECT_EQ(e.status(), 409);
            EXPECT_EQ(e.message(), domains_->Available("own", own)) << own;
        }
    }
}

TEST_P(DomainServiceTest, DueChecksRunAndMoveOnWhenTheDnsDoesNotAnswer) {
    auto d = Approve(Approved(R"({"domain_kind":"own","own_domain":"agency.go.th"})"));
    const int64_t now = core::NowEpochSeconds() + 5;
    EXPECT_EQ(domains_->RunDueChecks(10, now), 1);
    auto after = db_->Read([&](db::Connection& c) { return store::FindDomain(c, d.id); });
    ASSERT_TRUE(after);
    EXPECT_EQ(after->state, "awaiting_dns");
    EXPECT_EQ(core::ParseIsoMicros(after->next_check) / 1000000, now + 600);
    auto checks = ChecksFromJson(after->checks_json);
    ASSERT_FALSE(checks.empty());
    for (const auto& r : checks) {
        EXPECT_EQ(r.status, kCheckError);
        EXPECT_FALSE(r.agency_fault);
    }
    // Stored with it: nothing is known of the domain itself, and the page says why in one line.
    EXPECT_TRUE(d.dns_outcome.empty());
    EXPECT_EQ(after->dns_outcome, kDomainUnanswered);
    EXPECT_EQ(DomainSummaryKey(after->dns_outcome, checks), "workd.domain.summary_unreachable");
    // Not due again until the next check.
    EXPECT_EQ(domains_->RunDueChecks(10, now + 60), 0);
    EXPECT_EQ(domains_->RunDueChecks(10, now + 601), 1);
    EXPECT_TRUE(sent_.empty());
}

TEST_P(DomainServiceTest, TheJobRunsWhenTheEarliestCheckIsDue) {
    const int64_t now = core::NowEpochSeconds();
    EXPECT_EQ(domains_->SecondsToNextRun(now, 60, 600), 600);  // nothing awaits DNS
    Approve(Approved(R"({"domain_kind":"subdomain","subdomain":"alpha"})"));
    EXPECT_EQ(domains_->SecondsToNextRun(now, 60, 600), 600);  // a subdomain is not checked
    auto d = Approve(Approved(R"({"domain_kind":"own","own_domain":"agency.go.th"})"));
    EXPECT_EQ(domains_->SecondsToNextRun(now + 5, 60, 600), 60);  // due at once: the minimum
    domains_->RunDueChecks(10, now + 5);                          // next in 10 minutes
    EXPECT_EQ(domains_->SecondsToNextRun(now + 5, 60, 600), 600);
    EXPECT_EQ(domains_->SecondsToNextRun(now + 305, 60, 600), 300);
}

TEST_P(DomainServiceTest, ReminderAfterFourteenDaysOncePerDay) {
    auto d = Approve(Approved(R"({"domain_kind":"own","own_domain":"agency.go.th",)"
                              R"("email":"contact@agency.go.th"})"));
    const int64_t created = core::ParseIsoMicros(d.created) / 1000000;
    domains_->RunCheck(d, created + 15 * kDay);
    ASSERT_EQ(sent_.size(), 1u);
    EXPECT_EQ(sent_[0].to, "contact@agency.go.th");
    domains_->RunCheck(d, created + 15 * kDay + kHour);
    EXPECT_EQ(sent_.size(), 1u);  // once a day
    domains_->RunCheck(d, created + 16 * kDay);
    EXPECT_EQ(sent_.size(), 2u);
}

TEST_P(DomainServiceTest, ZoneListsLiveSubdomainsOnly) {
    auto a = Approve(Approved(R"({"domain_kind":"subdomain","subdomain":"alpha"})"));
    Approve(Approved(R"({"domain_kind":"subdomain","subdomain":"beta"})"));
    Approve(Approved(R"({"domain_kind":"own","own_domain":"agency.go.th"})"));
    Release(a.request_id);
    const std::string zone = domains_->ZoneText();
    EXPECT_EQ(zone.find("alpha.mail.go.th"), std::string::npos);
    EXPECT_NE(zone.find("beta.mail.go.th. 3600 IN MX 10 mx.mail.go.th."), std::string::npos)
        << zone;
    EXPECT_NE(zone.find("_dmarc.beta.mail.go.th."), std::string::npos);
    EXPECT_EQ(zone.find("agency.go.th"), std::string::npos);
    EXPECT_EQ(zone.find("_workd-challenge"), std::string::npos);
    const auto path = std::filesystem::temp_directory_path() /
                      ("govhub-zone-" + std::to_string(::getpid()) + GetParam());
    EXPECT_EQ(domains_->WriteZone(path.string()), 1);
    EXPECT_TRUE(std::filesystem::exists(path));
    EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
    std::filesystem::remove(path);
}

INSTANTIATE_TEST_SUITE_P(Engines, DomainServiceTest, ::testing::ValuesIn(db::testing::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace govhub::workd

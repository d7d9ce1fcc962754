#include "accounts/service.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "accounts/store.hpp"
#include "audit/audit.hpp"
#include "core/i18n.hpp"
#include "db/migrations.hpp"

namespace govhub::accounts {
namespace {

// A mailer that keeps messages: these tests are about account rules, not delivery (which
// the integration tests check against a real SMTP server).
class KeepingMailer : public mail::Mailer {
  public:
    void Send(const mail::Message& m) override { sent.push_back(m); }
    std::vector<mail::Message> sent;
};

class AccountServiceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("govhub-acct-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
        db_ = db::Open("sqlite:" + (dir_ / "a.db").string());
        db::MigrationSet set;
        audit::AddMigrations(set);
        store::AddMigrations(set);
        db::ApplyMigrations(*db_, set);
        i18n_.LoadDirectory(std::string(GOVHUB_SOURCE_DIR) + "/web/i18n");
        service_ = std::make_unique<AccountService>(
            *db_, [this](const mail::Message& m) { mailer_.Send(m); }, i18n_,
            AccountsConfig{.site_url = "https://data.example.go.th"});
    }
    void TearDown() override {
        service_.reset();
        db_.reset();
        std::filesystem::remove_all(dir_);
    }
    std::string TokenFromMail(const std::string& marker) {
        const std::string& text = mailer_.sent.back().text;
        auto pos = text.find(marker);
        EXPECT_NE(pos, std::string::npos) << text;
        auto end = text.find_first_of("\n ", pos);
        return text.substr(pos + marker.size(), end - pos - marker.size());
    }

    std::filesystem::path dir_;
    std::unique_ptr<db::Database> db_;
    KeepingMailer mailer_;
    core::I18n i18n_;
    std::unique_ptr<AccountService> service_;
};

TEST_F(AccountServiceTest, RegisterVerifyAndLoginWithLinksFromTheSiteUrl) {
    auto u = service_->Register({"Somchai", "Somchai@Example.go.th", "ข้อมูล-เปิด-2569",
                                 "ข้อมูล-เปิด-2569", "สมชาย ใจดี", "Somchai Jaidee", "th"},
                                {});
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u->name, "somchai");  // normalized
    EXPECT_EQ(u->email, "somchai@example.go.th");
    EXPECT_EQ(u->state, UserState::kPending);
    ASSERT_EQ(mailer_.sent.size(), 1u);
    // Links come from the configured site URL, never from a request's Host header.
    std::string token = TokenFromMail("https://data.example.go.th/user/verify?token=");
    EXPECT_FALSE(service_->Login("somchai", "ข้อมูล-เปิด-2569", {}).ok());
    ASSERT_TRUE(service_->VerifyEmail(token, {}).ok());
    auto again = service_->VerifyEmail(token, {});
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.errors().fields[0].message, "verify.used");
    auto login = service_->Login("SOMCHAI@example.go.th", "ข้อมูล-เปิด-2569", {});
    ASSERT_TRUE(login.ok());
    auto p = service_->AuthenticateSession(login->session_token);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->name, "somchai");
    EXPECT_FALSE(service_->AuthenticateSession("forged"));
    // Every step is in the audit log.
    auto history = db_->Read([&](db::Connection& c) { return audit::ForObject(c, "user", u->id); });
    ASSERT_EQ(history.size(), 3u);
    EXPECT_EQ(history[0].action, "user.login");
    EXPECT_EQ(history[2].action, "user.register");
}

TEST_F(AccountServiceTest, TokensAreHashedAndScopedToTheirOwner) {
    User a = service_->CreateUserAdmin("alice", "alice@example.go.th", "wonderland-pw-1", false);
    User b = service_->CreateUserAdmin("bob", "bob@example.go.th", "builder-pw-123", false);
    Principal pa = *service_->AuthenticateSession(
        service_->Login("alice", "wonderland-pw-1", {})->session_token);
    Principal pb =
        *service_->AuthenticateSession(service_->Login("bob", "builder-pw-123", {})->session_token);
    auto t = service_->CreateApiToken(pa, "", "etl", {});
    // Only the hash is stored.
    auto stored = db_->Read(
        [](db::Connection& c) { return c.One("SELECT token_hash FROM api_tokens")->Str(0); });
    EXPECT_NE(stored, t.raw);
    EXPECT_EQ(stored.size(), 64u);
    auto via = service_->AuthenticateToken(t.raw);
    ASSERT_TRUE(via);
    EXPECT_TRUE(via->via_token);
    EXPECT_EQ(via->user_id, a.id);
    EXPECT_THROW(service_->CreateApiToken(pb, "alice", "steal", {}), HttpError);
    EXPECT_THROW(service_->RevokeApiToken(pb, t.token.id, {}), HttpError);
    service_->RevokeApiToken(pa, t.raw, {});
    EXPECT_FALSE(service_->AuthenticateToken(t.raw));
    (void)b;
}

TEST_F(AccountServiceTest, SuspendedAndCancelledAccountsLoseTheirSessions) {
    User u = service_->CreateUserAdmin("officer", "officer@example.go.th", "duty-pass-2569", false);
    auto login = service_->Login("officer", "duty-pass-2569", {});
    ASSERT_TRUE(login.ok());
    auto t = service_->CreateApiTokenAdmin("officer", "cli");
    db_->Write([&](db::Connection& c) { store::SetState(c, u.id, UserState::kSuspended); });
    EXPECT_FALSE(service_->AuthenticateSession(login->session_token));
    EXPECT_FALSE(service_->AuthenticateToken(t.raw));
    auto again = service_->Login("officer", "duty-pass-2569", {});
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.errors().fields[0].message, "login.suspended");
}

TEST_F(AccountServiceTest, PerObjectCapacities) {
    User u = service_->CreateUserAdmin("editor1", "e1@example.go.th", "editor-pass-1", false);
    User root = service_->CreateUserAdmin("root1", "r1@example.go.th", "rooted-pass-1", true);
    Principal p = *service_->AuthenticateSession(
        service_->Login("editor1", "editor-pass-1", {})->session_token);
    Principal admin = *service_->AuthenticateSession(
        service_->Login("root1", "rooted-pass-1", {})->session_token);
    db_->Write([&](db::Connection& c) {
        store::SetMembership(c, u.id, "organization", "org-1", Capacity::kEditor);
    });
    EXPECT_TRUE(service_->HasCapacity(&p, "organization", "org-1", Capacity::kMember));
    EXPECT_TRUE(service_->HasCapacity(&p, "organization", "org-1", Capacity::kEditor));
    EXPECT_FALSE(service_->HasCapacity(&p, "organization", "org-1", Capacity::kAdmin));
    EXPECT_FALSE(service_->HasCapacity(&p, "organization", "org-2", Capacity::kMember));
    EXPECT_TRUE(service_->HasCapacity(&admin, "organization", "org-2", Capacity::kAdmin));
    EXPECT_FALSE(service_->HasCapacity(nullptr, "organization", "org-1", Capacity::kMember));
    db_->Write([&](db::Connection& c) {
        store::SetMembership(c, u.id, "organization", "org-1", Capacity::kAdmin);
    });
    EXPECT_TRUE(service_->HasCapacity(&p, "organization", "org-1", Capacity::kAdmin));
    (void)root;
}

}  // namespace
}  // namespace govhub::accounts

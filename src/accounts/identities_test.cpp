#include "accounts/identities.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "accounts/store.hpp"
#include "audit/audit.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "db/migrations.hpp"
#include "db/test_support.hpp"

namespace govhub::accounts {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCid = "1101112345679";           // the reference's worked example
constexpr const char* kOtherCid = "1-0000-00000-00-9";  // the demo card

// On each engine the run has (SQLite always; PostgreSQL with GOVHUB_TEST_PG_URL).
class IdentityServiceTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("govhub-ident-" + std::to_string(::getpid()) + "-" +
                                            GetParam() + "-" + std::to_string(++counter_));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        // SQLite in the temp dir (its file is read by one test); PostgreSQL a scratch database.
        if (GetParam() == "postgres")
            scratch_ = std::make_unique<db::testing::ScratchDatabase>(GetParam(), "ident");
        db_ = Reopen();
        db::MigrationSet set;
        audit::AddMigrations(set);
        store::AddMigrations(set);
        db::ApplyMigrations(*db_, set);
        vault_ = core::Vault::FromFile((dir_ / "secrets" / "vault.keys").string());
        Start({});
        alice_ = AddUser("alice", false);
        bob_ = AddUser("bob", false);
        root_ = AddUser("root", true);
    }
    void TearDown() override {
        service_.reset();
        db_.reset();
        scratch_.reset();
        fs::remove_all(dir_);
    }
    std::unique_ptr<db::Database> Reopen() {
        return scratch_ ? scratch_->Open() : db::Open("sqlite:" + (dir_ / "a.db").string());
    }
    void Start(IdentityConfig config) {
        service_ = std::make_unique<IdentityService>(*db_, *vault_, config);
    }
    api::Principal AddUser(const std::string& name, bool sysadmin) {
        User u;
        u.id = core::NewUuid();
        u.name = name;
        u.email = name + "@example.go.th";
        u.state = UserState::kActive;
        u.sysadmin = sysadmin;
        u.created = core::NowIso();
        u.password_hash = "x";
        db_->Write([&](db::Connection& c) { store::InsertUser(c, u); });
        return {.user_id = u.id, .name = name, .sysadmin = sysadmin};
    }
    static VerifiedIdentity Somchai() {
        return {.title_th = "นาย",
                .first_name_th = " สมชาย ",
                .last_name_th = "ใจดี",
                .first_name_en = "Somchai",
                .last_name_en = "Jaidee",
                .birth_year = 2530,
                .birth_month = 1,
                .birth_day = 15,
                .verifier = "demo"};
    }
    // The i18n key of the HttpError `f` throws (its first field's), with the status.
    template <typename F>
    static std::string ErrorOf(F f) {
        try {
            f();
        } catch (const HttpError& e) {
            return std::to_string(e.status()) + " " +
                   (e.fields().empty() ? e.message() : e.fields().front().message);
        }
        return "no error";
    }
    std::vector<audit::Entry> Audit(const std::string& type, const std::string& id) {
        return db_->Read([&](db::Connection& c) { return audit::ForObject(c, type, id); });
    }
    std::string DatabaseBytes() {
        db_.reset();  // checkpointed into the main file
        std::string all;
        for (const auto& f : fs::directory_iterator(dir_))
            if (f.path().filename().string().rfind("a.db", 0) == 0) {
                std::ifstream in(f.path(), std::ios::binary);
                std::stringstream ss;
                ss << in.rdbuf();
                all += ss.str();
            }
        db_ = Reopen();
        Start({});
        return all;
    }

    static inline int counter_ = 0;
    fs::path dir_;
    std::unique_ptr<db::testing::ScratchDatabase> scratch_;
    std::unique_ptr<db::Database> db_;
    std::unique_ptr<core::Vault> vault_;
    std::unique_ptr<IdentityService> service_;
    api::Principal alice_, bob_, root_;
};

TEST_P(IdentityServiceTest, AnIdentityIsKeptWithTheCitizenIdOnlyHashedAndSealed) {
    auto kept = service_->AttachIdentity(alice_.user_id, Somchai(), "1-1011-12345-67-9",
                                         {.ip = "203.0.113.9"});
    EXPECT_EQ(kept.first_name_th, "สมชาย");  // trimmed
    EXPECT_FALSE(kept.verified_at.empty());
    auto found = service_->FindIdentity(alice_.user_id);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->masked_citizen_id, "1-1011-XXXXX-XX-9");
    EXPECT_EQ(found->last_name_en, "Jaidee");
    EXPECT_EQ(found->birth_year, 2530);
    EXPECT_EQ(found->verifier, "demo");
    EXPECT_FALSE(service_->FindIdentity(bob_.user_id));
    // The audit record says who and how, never the number.
    auto log = Audit("user", alice_.user_id);
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0].action, "identity.attach");
    EXPECT_EQ(log[0].ip, "203.0.113.9");
    EXPECT_EQ(log[0].details_json.find("12345"), std::string::npos);
    // Nowhere in the database file in clear, in any spelling.
    if (GetParam() != "sqlite") return;
    std::string bytes = DatabaseBytes();
    EXPECT_NE(bytes.find("สมชาย"), std::string::npos);  // the check itself reads the file
    EXPECT_EQ(bytes.find(kCid), std::string::npos);
    EXPECT_EQ(bytes.find("1-1011-12345-67-9"), std::string::npos);
}

TEST_P(IdentityServiceTest, OneCitizenIdBelongsToOneAccount) {
    service_->AttachIdentity(alice_.user_id, Somchai(), kCid, {});
    // Typed another way, still the same person.
    EXPECT_EQ(ErrorOf([&] {
                  service_->AttachIdentity(bob_.user_id, Somchai(), "1 1011 12345 67 9", {});
              }),
              "409 accounts.identity.already_registered");
    EXPECT_EQ(ErrorOf([&] { service_->AttachIdentity(alice_.user_id, Somchai(), kOtherCid, {}); }),
              "409 accounts.identity.already_verified");
    EXPECT_FALSE(service_->FindIdentity(bob_.user_id));
    // Bob with his own card is fine.
    service_->AttachIdentity(bob_.user_id, Somchai(), kOtherCid, {});
    EXPECT_EQ(service_->FindIdentity(bob_.user_id)->masked_citizen_id, "1-0000-XXXXX-XX-9");
}

TEST_P(IdentityServiceTest, WhatTheRegisterGaveIsCheckedAgain) {
    EXPECT_EQ(
        ErrorOf([&] { service_->AttachIdentity(alice_.user_id, Somchai(), "1101112345678", {}); }),
        "409 accounts.identity.bad_citizen_id");
    auto v = Somchai();
    v.first_name_th = "  ";
    EXPECT_EQ(ErrorOf([&] { service_->AttachIdentity(alice_.user_id, v, kCid, {}); }),
              "409 form.required");
    v = Somchai();
    v.birth_month = 0;  // a day without a month
    EXPECT_EQ(ErrorOf([&] { service_->AttachIdentity(alice_.user_id, v, kCid, {}); }),
              "409 accounts.identity.bad_birth");
    v = Somchai();
    v.verifier = "trust-me";
    EXPECT_EQ(ErrorOf([&] { service_->AttachIdentity(alice_.user_id, v, kCid, {}); }),
              "409 accounts.identity.bad_verifier");
    v = Somchai();
    v.last_name_th = std::string(201, 'x');
    EXPECT_EQ(ErrorOf([&] { service_->AttachIdentity(alice_.user_id, v, kCid, {}); }),
              "409 form.too_long");
    EXPECT_EQ(ErrorOf([&] { service_->AttachIdentity("no-such-user", Somchai(), kCid, {}); }),
              "404 admin.no_such_user");
    EXPECT_FALSE(service_->FindIdentity(alice_.user_id));
}

TEST_P(IdentityServiceTest, OnlySysadminsSeeTheWholeNumberAndEachLookIsRecorded) {
    service_->AttachIdentity(alice_.user_id, Somchai(), kCid, {});
    EXPECT_EQ(ErrorOf([&] { service_->RevealCitizenId(alice_.user_id, bob_, {}); }),
              "403 admin.sysadmin_only");
    EXPECT_EQ(ErrorOf([&] { service_->RevealCitizenId(alice_.user_id, alice_, {}); }),
              "403 admin.sysadmin_only");
    EXPECT_EQ(service_->RevealCitizenId(alice_.user_id, root_, {.principal = &root_}), kCid);
    auto log = Audit("user", alice_.user_id);
    ASSERT_EQ(log.size(), 2u);
    EXPECT_EQ(log[0].action, "identity.reveal");  // newest first
    EXPECT_EQ(log[0].actor_id, root_.user_id);
    EXPECT_EQ(ErrorOf([&] { service_->RevealCitizenId(bob_.user_id, root_, {}); }),
              "404 accounts.identity.none");
}

TEST_P(IdentityServiceTest, FiveFailedChecksLockTheIdForEveryone) {
    for (int i = 0; i < 4; ++i) {
        EXPECT_FALSE(service_->RecordVerificationFailure(kCid, bob_.user_id)) << i;
        EXPECT_FALSE(service_->VerificationLocked(kCid));
    }
    auto lock = service_->RecordVerificationFailure("1-1011-12345-67-9", bob_.user_id);
    ASSERT_TRUE(lock);
    EXPECT_EQ(lock->failures, 5);
    int64_t day = core::NowEpochSeconds() + 86400;
    EXPECT_NEAR(static_cast<double>(lock->until), static_cast<double>(day), 5);
    // Locked whoever asks, and further failures do not move the end.
    ASSERT_TRUE(service_->VerificationLocked(kCid));
    EXPECT_EQ(service_->RecordVerificationFailure(kCid, alice_.user_id)->until, lock->until);
    // Another ID is not affected.
    EXPECT_FALSE(service_->VerificationLocked(kOtherCid));
    // The lock is in the audit log, under the keyed hash only.
    auto hash = vault_->Hash(kCitizenIdHashPurpose, kCid);
    auto log = Audit("identity_verification", hash);
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0].action, "identity.verification_locked");
    EXPECT_EQ(log[0].actor_id, bob_.user_id);
}

TEST_P(IdentityServiceTest, ASuccessClearsTheCount) {
    for (int i = 0; i < 4; ++i) service_->RecordVerificationFailure(kCid);
    service_->RecordVerificationSuccess(kCid);
    for (int i = 0; i < 4; ++i) EXPECT_FALSE(service_->RecordVerificationFailure(kCid)) << i;
    EXPECT_TRUE(service_->RecordVerificationFailure(kCid));
}

TEST_P(IdentityServiceTest, FailuresOutsideTheWindowDoNotAddUp) {
    Start({.max_failures = 2, .window_seconds = 1, .lock_seconds = 60});
    EXPECT_FALSE(service_->RecordVerificationFailure(kCid));
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    EXPECT_FALSE(service_->RecordVerificationFailure(kCid));  // a new window
    EXPECT_TRUE(service_->RecordVerificationFailure(kCid));
}

// The race an attacker found: checks in flight at the verifier hold the ID's remaining tries,
// so no more guesses can be at the verifier than failures are left before the lock.
TEST_P(IdentityServiceTest, ChecksInFlightUseUpTheTriesLeft) {
    std::vector<std::string> tickets;
    for (int i = 0; i < 5; ++i) {
        auto r = service_->ReserveVerification(kCid);
        ASSERT_TRUE(r) << i;
        EXPECT_FALSE(r.lock);
        tickets.push_back(r.ticket);
    }
    // A sixth while five are at the verifier: refused, until the last of them lapses at most.
    auto busy = service_->ReserveVerification("1-1011-12345-67-9");
    EXPECT_FALSE(busy);
    ASSERT_TRUE(busy.lock);
    EXPECT_EQ(busy.lock->failures, 0);
    EXPECT_NEAR(static_cast<double>(busy.lock->until),
                static_cast<double>(core::NowEpochSeconds() + 90), 5);
    // Not a lock: the ID is not locked, and another ID is free.
    EXPECT_FALSE(service_->VerificationLocked(kCid));
    EXPECT_TRUE(service_->ReserveVerification(kOtherCid));
    // An answer that counts nothing (the verifier was unavailable) gives its try back.
    service_->ReleaseVerification(tickets.back());
    tickets.back() = service_->ReserveVerification(kCid).ticket;
    ASSERT_FALSE(tickets.back().empty());
    EXPECT_FALSE(service_->ReserveVerification(kCid));
    // Failures turn the reservations into counted failures: still no room, then the lock.
    for (int i = 0; i < 4; ++i) {
        EXPECT_FALSE(service_->RecordVerificationFailure(kCid, bob_.user_id, tickets[i]));
        EXPECT_FALSE(service_->ReserveVerification(kCid)) << i;
    }
    auto lock = service_->RecordVerificationFailure(kCid, bob_.user_id, tickets[4]);
    ASSERT_TRUE(lock);
    EXPECT_EQ(lock->failures, 5);
    auto refused = service_->ReserveVerification(kCid);
    EXPECT_FALSE(refused);
    ASSERT_TRUE(refused.lock);
    EXPECT_EQ(refused.lock->until, lock->until);
    // Nothing is left in flight.
    auto hashes = vault_->LookupHashes(kCitizenIdHashPurpose, kCid);
    EXPECT_EQ(db_->Read([&](db::Connection& c) {
                     return store::VerificationChecksInFlight(c, hashes, core::NowEpochSeconds());
                 })
                  .count,
              0);
}

TEST_P(IdentityServiceTest, APassGivesItsTryBackAndClearsTheCount) {
    for (int i = 0; i < 3; ++i)
        service_->RecordVerificationFailure(kCid, {}, service_->ReserveVerification(kCid).ticket);
    auto a = service_->ReserveVerification(kCid), b = service_->ReserveVerification(kCid);
    ASSERT_TRUE(a && b);
    EXPECT_FALSE(service_->ReserveVerification(kCid));  // 3 failures + 2 in flight
    service_->RecordVerificationSuccess(kCid, a.ticket);
    // The count starts again; b is still in flight and holds one of the five.
    std::vector<std::string> more;
    for (int i = 0; i < 4; ++i) {
        auto r = service_->ReserveVerification(kCid);
        ASSERT_TRUE(r) << i;
        more.push_back(r.ticket);
    }
    EXPECT_FALSE(service_->ReserveVerification(kCid));
    // Releasing twice, or a ticket nobody has, is no error and frees nothing more.
    service_->ReleaseVerification(b.ticket);
    service_->ReleaseVerification(b.ticket);
    service_->ReleaseVerification("no-such-ticket");
    EXPECT_TRUE(service_->ReserveVerification(kCid));
    EXPECT_FALSE(service_->ReserveVerification(kCid));
}

// A node that died during a check does not hold the try for ever.
TEST_P(IdentityServiceTest, AReservationNobodyClosesLapses) {
    Start(
        {.max_failures = 2, .window_seconds = 3600, .lock_seconds = 60, .check_lease_seconds = 1});
    ASSERT_TRUE(service_->ReserveVerification(kCid));
    auto late = service_->ReserveVerification(kCid);
    ASSERT_TRUE(late);
    EXPECT_FALSE(service_->ReserveVerification(kCid));
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    ASSERT_TRUE(service_->ReserveVerification(kCid));
    // An answer after its lease still counts: the verifier was asked.
    EXPECT_FALSE(service_->RecordVerificationFailure(kCid, {}, late.ticket));
    EXPECT_TRUE(service_->RecordVerificationFailure(kCid));
}

// Guesses at the same moment through two nodes (two pools on one database): five tries, no more.
TEST_P(IdentityServiceTest, ParallelReservationsOnTwoNodesGetOnlyTheTriesLeft) {
    service_->RecordVerificationFailure(kCid);  // one already used: four left
    auto other_db = Reopen();
    IdentityService other(*other_db, *vault_, {});
    std::atomic<int> granted{0}, refused{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 16; ++i)
        threads.emplace_back([&, i] {
            IdentityService& node = i % 2 ? other : *service_;
            auto r = node.ReserveVerification(kCid);
            (r ? granted : refused)++;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(granted.load(), 4);
    EXPECT_EQ(refused.load(), 12);
}

TEST_P(IdentityServiceTest, SysadminsUnlockByNumberOrByAccountAudited) {
    for (int i = 0; i < 5; ++i) service_->RecordVerificationFailure(kCid, bob_.user_id);
    for (int i = 0; i < 5; ++i) service_->RecordVerificationFailure(kOtherCid, alice_.user_id);
    ASSERT_TRUE(service_->VerificationLocked(kCid));
    EXPECT_EQ(ErrorOf([&] { service_->UnlockVerification(bob_, kCid, {.principal = &bob_}); }),
              "403 admin.sysadmin_only");
    EXPECT_TRUE(service_->VerificationLocked(kCid));
    EXPECT_EQ(service_->UnlockVerification(root_, "1-1011-12345-67-9", {.principal = &root_}), 1);
    EXPECT_FALSE(service_->VerificationLocked(kCid));
    EXPECT_TRUE(service_->VerificationLocked(kOtherCid));
    // By the account that tried: the person on the phone need not read out their number.
    EXPECT_EQ(service_->UnlockVerification(root_, "alice", {.principal = &root_}), 1);
    EXPECT_FALSE(service_->VerificationLocked(kOtherCid));
    EXPECT_EQ(service_->UnlockVerification(root_, "alice", {.principal = &root_}), 0);
    EXPECT_EQ(ErrorOf([&] { service_->UnlockVerification(root_, "nobody", {}); }),
              "404 admin.no_such_user");
    auto log = Audit("user", alice_.user_id);
    ASSERT_FALSE(log.empty());
    EXPECT_EQ(log[0].action, "identity.verification_unlock");
    EXPECT_EQ(log[0].actor_id, root_.user_id);
}

TEST_P(IdentityServiceTest, ARotationKeepsEveryIdentityFindableThenReseals) {
    service_->AttachIdentity(alice_.user_id, Somchai(), kCid, {});
    service_->RecordVerificationFailure(kOtherCid);
    service_->RecordVerificationFailure(kOtherCid);
    ASSERT_EQ(vault_->Rotate(), 2);
    // Before the re-seal: found under the old hash, still one account per ID.
    EXPECT_EQ(service_->FindIdentity(alice_.user_id)->masked_citizen_id, "1-1011-XXXXX-XX-9");
    EXPECT_EQ(ErrorOf([&] { service_->AttachIdentity(bob_.user_id, Somchai(), kCid, {}); }),
              "409 accounts.identity.already_registered");
    // The failure count carries over to the new key.
    EXPECT_FALSE(service_->RecordVerificationFailure(kOtherCid));
    auto counts = service_->ResealAll(1);
    EXPECT_EQ(counts.resealed, 1);
    EXPECT_EQ(counts.unreadable, 0);
    EXPECT_EQ(counts.waiting, 0);
    EXPECT_EQ(service_->ResealAll().resealed, 0);  // idempotent
    vault_->RetireBefore(2);
    EXPECT_EQ(service_->FindIdentity(alice_.user_id)->masked_citizen_id, "1-1011-XXXXX-XX-9");
    EXPECT_EQ(service_->RevealCitizenId(alice_.user_id, root_, {}), kCid);
    EXPECT_EQ(ErrorOf([&] { service_->AttachIdentity(bob_.user_id, Somchai(), kCid, {}); }),
              "409 accounts.identity.already_registered");
    EXPECT_FALSE(service_->RecordVerificationFailure(kOtherCid));  // 4
    EXPECT_TRUE(service_->RecordVerificationFailure(kOtherCid));   // 5
}

TEST_P(IdentityServiceTest, ARunningCounterUnderAnOldKeyHoldsTheRetirement) {
    service_->RecordVerificationFailure(kCid);
    vault_->Rotate();
    EXPECT_EQ(service_->ResealAll().waiting, 1);
}

TEST_P(IdentityServiceTest, ACancelledAccountKeepsNoIdentity) {
    service_->AttachIdentity(alice_.user_id, Somchai(), kCid, {});
    db_->Write([&](db::Connection& c) {
        store::AnonymiseUser(c, alice_.user_id, "cancelled-x", "x@cancelled.invalid", "!");
    });
    EXPECT_FALSE(service_->FindIdentity(alice_.user_id));
    // The ID is free for a new account.
    service_->AttachIdentity(bob_.user_id, Somchai(), kCid, {});
}

INSTANTIATE_TEST_SUITE_P(Engines, IdentityServiceTest, ::testing::ValuesIn(db::testing::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace govhub::accounts

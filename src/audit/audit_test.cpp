#include "audit/audit.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace govhub::audit {
namespace {

// A scratch SQLite database holding only the audit log, removed afterwards.
class AuditLog : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ =
            std::filesystem::temp_directory_path() / ("govhub-audit-" + std::to_string(::getpid()));
        std::filesystem::remove_all(dir_);
        db = db::Open("sqlite:" + (dir_ / "a.db").string());
        db::MigrationSet set;
        AddMigrations(set);
        db::ApplyMigrations(*db, set);
    }
    void TearDown() override {
        db.reset();
        std::filesystem::remove_all(dir_);
    }
    std::unique_ptr<db::Database> db;

  private:
    std::filesystem::path dir_;
};

TEST_F(AuditLog, AppendOnlyAndQueryable) {
    db->Write([](db::Connection& c) {
        Record(c, {"u1", "10.0.0.1"}, "user.login", "user", "u1");
        Record(c, {"admin"}, "user.suspend", "user", "u1",
               nlohmann::json::parse(R"({"reason":"ขอระงับ"})"));
    });
    auto entries = db->Read([](db::Connection& c) { return ForObject(c, "user", "u1"); });
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].action, "user.suspend");  // newest first
    EXPECT_EQ(entries[0].details_json, R"({"reason":"ขอระงับ"})");
    EXPECT_EQ(entries[1].ip, "10.0.0.1");
    EXPECT_EQ(db->Read([](db::Connection& c) { return ForActor(c, "admin"); }).size(), 1u);

    // History cannot be rewritten or erased.
    EXPECT_THROW(db->Write([](db::Connection& c) { c.Exec("UPDATE audit_log SET action = 'x'"); }),
                 db::Error);
    EXPECT_THROW(db->Write([](db::Connection& c) { c.Exec("DELETE FROM audit_log"); }), db::Error);
    EXPECT_EQ(db->Read([](db::Connection& c) { return ForObject(c, "user", "u1"); }).size(), 2u);
}

TEST_F(AuditLog, ACancelledPersonIsRedactedAndNothingElseChanges) {
    db->Write([](db::Connection& c) {
        Record(c, {"u1", "10.0.0.1"}, "user.register", "user", "u1",
               nlohmann::json::parse(R"({"name":"somchai","email":"s@x.go.th"})"));
        Record(c, {"admin", "10.9.9.9"}, "user.cancel", "user", "u1",
               nlohmann::json::parse(R"({"reason":"ขอยกเลิก"})"));
        Record(c, {"u2", "10.0.0.2"}, "user.login", "user", "u2");
    });
    EXPECT_EQ(db->Write([](db::Connection& c) { return RedactPerson(c, "u1"); }), 2);
    auto u1 = db->Read([](db::Connection& c) { return ForObject(c, "user", "u1"); });
    ASSERT_EQ(u1.size(), 2u);
    EXPECT_EQ(u1[1].action, "user.register");
    EXPECT_EQ(u1[1].actor_id, "u1");  // the pseudonymous id stays
    EXPECT_EQ(u1[1].ip, "");
    EXPECT_EQ(u1[1].details_json, R"({"redacted":["name","email"]})");
    // What the administrator did, and from where, is theirs and stays.
    EXPECT_EQ(u1[0].ip, "10.9.9.9");
    EXPECT_EQ(u1[0].details_json, R"({"reason":"ขอยกเลิก"})");
    EXPECT_EQ(db->Read([](db::Connection& c) { return ForObject(c, "user", "u2"); })[0].ip,
              "10.0.0.2");
    // Redaction is the one change allowed: no new IP, no other column, no deletion.
    EXPECT_THROW(db->Write([](db::Connection& c) {
        c.Exec("UPDATE audit_log SET ip = '1.2.3.4' WHERE actor_id = 'u2'");
    }),
                 db::Error);
    EXPECT_THROW(db->Write([](db::Connection& c) {
        c.Exec("UPDATE audit_log SET details = '{}' WHERE actor_id = 'admin'");
    }),
                 db::Error);
    EXPECT_THROW(db->Write([](db::Connection& c) {
        c.Exec("UPDATE audit_log SET ip = NULL, actor_id = 'x' WHERE actor_id = 'u2'");
    }),
                 db::Error);
    EXPECT_THROW(db->Write([](db::Connection& c) { c.Exec("DELETE FROM audit_log"); }), db::Error);
}

TEST_F(AuditLog, DetailsAreAJsonObjectAndBadUtf8IsReplacedNotLost) {
    EXPECT_THROW(db->Write([](db::Connection& c) {
        Record(c, {}, "x.y", "user", "u1", nlohmann::json::array());
    }),
                 std::invalid_argument);
    db->Write([](db::Connection& c) {
        Record(c, {}, "dataset.update", "dataset", "d1", {{"title", std::string("ab\xff\xfe")}});
    });
    auto e = db->Read([](db::Connection& c) { return ForObject(c, "dataset", "d1"); });
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0].actor_id, "");  // the system
    EXPECT_EQ(e[0].ip, "");
    EXPECT_EQ(nlohmann::json::parse(e[0].details_json)["title"], "ab\xEF\xBF\xBD\xEF\xBF\xBD");
}

}  // namespace
}  // namespace govhub::audit

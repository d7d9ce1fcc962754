#include "workflow/audit.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace govhub::workflow {
namespace {

TEST(AuditLog, AppendOnlyAndQueryable) {
    auto dir =
        std::filesystem::temp_directory_path() / ("govhub-audit-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    auto db = db::Open("sqlite:" + (dir / "a.db").string());
    db::MigrationSet set;
    AddAuditMigrations(set);
    db::ApplyMigrations(*db, set);

    db->Write([](db::Connection& c) {
        RecordAudit(c, {.actor_id = "u1",
                        .action = "user.login",
                        .object_type = "user",
                        .object_id = "u1",
                        .ip = "10.0.0.1"});
        RecordAudit(c, {.actor_id = "admin",
                        .action = "user.suspend",
                        .object_type = "user",
                        .object_id = "u1",
                        .details_json = R"({"reason":"ขอระงับ"})"});
    });
    auto entries = db->Read([](db::Connection& c) { return AuditForObject(c, "user", "u1"); });
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].action, "user.suspend");  // newest first
    EXPECT_EQ(entries[0].details_json, R"({"reason":"ขอระงับ"})");
    EXPECT_EQ(entries[1].ip, "10.0.0.1");
    EXPECT_EQ(db->Read([](db::Connection& c) { return AuditForActor(c, "admin"); }).size(), 1u);

    // History cannot be rewritten or erased.
    EXPECT_THROW(db->Write([](db::Connection& c) { c.Exec("UPDATE audit_log SET action = 'x'"); }),
                 db::Error);
    EXPECT_THROW(db->Write([](db::Connection& c) { c.Exec("DELETE FROM audit_log"); }), db::Error);
    EXPECT_EQ(db->Read([](db::Connection& c) { return AuditForObject(c, "user", "u1"); }).size(),
              2u);
    db.reset();
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace govhub::workflow

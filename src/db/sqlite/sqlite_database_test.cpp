#include "db/sqlite/sqlite_database.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "db/migrations.hpp"

namespace govhub::db {
namespace {

class SqliteTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("govhub-db-test-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
        db_ = Open("sqlite:" + (dir_ / "t.db").string());
        db_->Write([](Connection& c) {
            c.ExecScript(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, note TEXT)");
        });
    }
    void TearDown() override {
        db_.reset();
        std::filesystem::remove_all(dir_);
    }
    std::filesystem::path dir_;
    std::unique_ptr<Database> db_;
};

TEST_F(SqliteTest, ParametersNullsAndReturning) {
    auto id = db_->Write([](Connection& c) {
        return c.One("INSERT INTO t (name, note) VALUES (?, ?) RETURNING id", {"ก ข", nullptr})
            ->Int(0);
    });
    EXPECT_GT(id, 0);
    auto row = db_->Read(
        [&](Connection& c) { return c.One("SELECT name, note FROM t WHERE id = ?", {id}); });
    ASSERT_TRUE(row);
    EXPECT_EQ(row->Str(0), "ก ข");
    EXPECT_TRUE(row->IsNull(1));
    EXPECT_FALSE(db_->Read([](Connection& c) {
        return c.One("SELECT 1 FROM t WHERE name = ?", {"none"}).has_value();
    }));
}

TEST_F(SqliteTest, UniqueViolationIsTyped) {
    db_->Write([](Connection& c) { c.Exec("INSERT INTO t (name) VALUES (?)", {"a"}); });
    try {
        db_->Write([](Connection& c) { c.Exec("INSERT INTO t (name) VALUES (?)", {"a"}); });
        FAIL() << "expected a unique violation";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), Error::Kind::kUniqueViolation);
        EXPECT_EQ(e.constraint(), "t.name");
    }
}

TEST_F(SqliteTest, FailedTransactionRollsBackEverything) {
    EXPECT_THROW(db_->Write([](Connection& c) {
        c.Exec("INSERT INTO t (name) VALUES (?)", {"kept?"});
        throw std::runtime_error("boom");
    }),
                 std::runtime_error);
    EXPECT_EQ(db_->Read([](Connection& c) { return c.One("SELECT COUNT(*) FROM t")->Int(0); }), 0);
}

TEST_F(SqliteTest, NestedWritesJoinAndReadsSeeUncommittedWork) {
    db_->Write([&](Connection& c) {
        c.Exec("INSERT INTO t (name) VALUES (?)", {"outer"});
        db_->Write(
            [](Connection& inner) { inner.Exec("INSERT INTO t (name) VALUES (?)", {"inner"}); });
        auto n = db_->Read([](Connection& r) { return r.One("SELECT COUNT(*) FROM t")->Int(0); });
        EXPECT_EQ(n, 2);
    });
}

TEST_F(SqliteTest, ReadConnectionsRefuseWrites) {
    try {
        db_->Read([](Connection& c) { c.Exec("INSERT INTO t (name) VALUES ('x')"); });
        FAIL() << "a read connection wrote";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), Error::Kind::kReadOnly);
    }
}

TEST_F(SqliteTest, ConcurrentWritersAreSerialized) {
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 50; ++i) {
                db_->Write([&](Connection& c) {
                    c.Exec("INSERT INTO t (name) VALUES (?)",
                           {std::to_string(t) + "-" + std::to_string(i)});
                });
                db_->Read([](Connection& c) { c.One("SELECT COUNT(*) FROM t"); });
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(db_->Read([](Connection& c) { return c.One("SELECT COUNT(*) FROM t")->Int(0); }),
              200);
}

TEST_F(SqliteTest, MigrationsApplyOnceWithEngineVariants) {
    MigrationSet set;
    set.Add(
        {.module = "m", .version = 2, .name = "second", .sql = "ALTER TABLE m1 ADD COLUMN b TEXT"});
    set.Add({.module = "m",
             .version = 1,
             .name = "first",
             .sql = "CREATE TABLE m1 (a TEXT)",
             .sqlite = "CREATE TABLE only_sqlite (x)",
             .postgres = "THIS WOULD FAIL ON SQLITE"});
    auto first = ApplyMigrations(*db_, set);
    EXPECT_EQ(first.applied, (std::vector<std::string>{"m:1 first", "m:2 second"}));
    EXPECT_TRUE(ApplyMigrations(*db_, set).applied.empty());
    db_->Write([](Connection& c) { c.Exec("INSERT INTO m1 (a, b) VALUES ('1', '2')"); });
    db_->Read([](Connection& c) { c.One("SELECT COUNT(*) FROM only_sqlite"); });
}

TEST(Placeholders, NumberedOutsideQuotesAndComments) {
    EXPECT_EQ(
        NumberPlaceholders("SELECT * FROM t WHERE a = ? AND b = '?' AND c = ? -- ?\n AND d = ?"),
        "SELECT * FROM t WHERE a = $1 AND b = '?' AND c = $2 -- ?\n AND d = $3");
    EXPECT_EQ(NumberPlaceholders("SELECT 'it''s ?', \"q?\" , ?"), "SELECT 'it''s ?', \"q?\" , $1");
}

}  // namespace
}  // namespace govhub::db

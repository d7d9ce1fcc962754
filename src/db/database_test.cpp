// The Database contract, run against every engine: SQLite always, PostgreSQL when
// GOVHUB_TEST_PG_URL names a server (scripts/test.sh starts a throw-away cluster and sets it).
#include "db/database.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "db/migrations.hpp"
#include "db/test_support.hpp"

namespace govhub::db {
namespace {

class DatabaseTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        scratch_ = std::make_unique<testing::ScratchDatabase>(GetParam(), "db");
        db_ = scratch_->Open();
        db_->Write([](Connection& c) {
            c.ExecScript(ForEngine(
                "CREATE TABLE t (id {auto_id}, name TEXT UNIQUE NOT NULL, note TEXT)", c.engine()));
        });
    }
    void TearDown() override {
        db_.reset();
        scratch_.reset();
    }
    std::unique_ptr<testing::ScratchDatabase> scratch_;
    std::unique_ptr<Database> db_;
};

INSTANTIATE_TEST_SUITE_P(Engines, DatabaseTest, ::testing::ValuesIn(testing::Engines()),
                         [](const auto& info) { return info.param; });

TEST_P(DatabaseTest, ATableReplacedUnderItsNameIsReadAgainWithoutPreparedPlans) {
    // The datastore replaces tables under the same name with other column types.
    auto db = db::Open(scratch_->url(), {.prepare_statements = false});
    db->Write([](Connection& c) { c.ExecScript("CREATE TABLE swap (a INTEGER)"); });
    db->Write([](Connection& c) { c.Exec("INSERT INTO swap (a) VALUES (?)", {int64_t{7}}); });
    EXPECT_EQ(db->Read([](Connection& c) { return c.One("SELECT a FROM swap")->Str(0); }), "7");
    db->Write([](Connection& c) {
        c.ExecScript("DROP TABLE swap; CREATE TABLE swap (a TEXT)");
        c.Exec("INSERT INTO swap (a) VALUES (?)", {"เจ็ด"});
    });
    for (int i = 0; i < 3; ++i)  // every pooled connection
        EXPECT_EQ(db->Read([](Connection& c) { return c.One("SELECT a FROM swap")->Str(0); }),
                  "เจ็ด");
}

TEST_P(DatabaseTest, ManyDistinctStatementsDoNotGrowTheCacheForever) {
    // IN lists of every length are distinct statements; the cache is bounded and stays correct.
    for (int n = 1; n <= 700; ++n) {
        std::string marks;
        std::vector<Value> args;
        for (int i = 0; i < n % 40 + 1; ++i) {
            marks += i ? ", ?" : "?";
            args.emplace_back(int64_t{i});
        }
        std::string sql =
            "SELECT COUNT(*) FROM t WHERE id IN (" + marks + ") OR " + std::to_string(n) + " = 0";
        EXPECT_EQ(db_->Read([&](Connection& c) { return c.One(sql, args)->Int(0); }), 0);
    }
}

TEST_P(DatabaseTest, ParametersNullsAndReturning) {
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
    EXPECT_EQ(db_->Write([](Connection& c) {
        return c.Exec("UPDATE t SET note = ? WHERE id > ?", {"n", int64_t{0}});
    }),
              1);
}

TEST_P(DatabaseTest, QueryIntsReturnsTheFirstColumnOfEveryRow) {
    db_->Write([](Connection& c) {
        for (const char* name : {"a", "b", "c"}) c.Exec("INSERT INTO t (name) VALUES (?)", {name});
    });
    auto ids = db_->Read([](Connection& c) {
        return c.QueryInts("SELECT id, name FROM t WHERE name <> ? ORDER BY id DESC", {"b"});
    });
    auto all = db_->Read([](Connection& c) { return c.QueryInts("SELECT id FROM t ORDER BY id"); });
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(ids, (std::vector<int64_t>{all[2], all[0]}));
    EXPECT_EQ(db_->Read([](Connection& c) {
        return c.QueryInts("SELECT CAST(NULL AS INTEGER) UNION ALL SELECT 9000000000");
    }),
              (std::vector<int64_t>{0, 9000000000}));
    EXPECT_TRUE(db_->Read([](Connection& c) {
                       return c.QueryInts("SELECT id FROM t WHERE name = ?", {"none"});
                   })
                    .empty());
    EXPECT_THROW(db_->Read([](Connection& c) { return c.QueryInts("SELECT nope FROM t"); }), Error);
}

TEST_P(DatabaseTest, UniqueViolationIsTyped) {
    db_->Write([](Connection& c) { c.Exec("INSERT INTO t (name) VALUES (?)", {"a"}); });
    try {
        db_->Write([](Connection& c) { c.Exec("INSERT INTO t (name) VALUES (?)", {"a"}); });
        FAIL() << "expected a unique violation";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), Error::Kind::kUniqueViolation);
        EXPECT_FALSE(e.constraint().empty());
    }
    // The connection that failed is usable again.
    db_->Write([](Connection& c) { c.Exec("INSERT INTO t (name) VALUES (?)", {"b"}); });
}

TEST_P(DatabaseTest, FailedTransactionRollsBackEverything) {
    EXPECT_THROW(db_->Write([](Connection& c) {
        c.Exec("INSERT INTO t (name) VALUES (?)", {"kept?"});
        throw std::runtime_error("boom");
    }),
                 std::runtime_error);
    EXPECT_EQ(db_->Read([](Connection& c) { return c.One("SELECT COUNT(*) FROM t")->Int(0); }), 0);
}

TEST_P(DatabaseTest, NestedWritesJoinAndReadsSeeUncommittedWork) {
    db_->Write([&](Connection& c) {
        c.Exec("INSERT INTO t (name) VALUES (?)", {"outer"});
        db_->Write(
            [](Connection& inner) { inner.Exec("INSERT INTO t (name) VALUES (?)", {"inner"}); });
        auto n = db_->Read([](Connection& r) { return r.One("SELECT COUNT(*) FROM t")->Int(0); });
        EXPECT_EQ(n, 2);
    });
}

TEST_P(DatabaseTest, ReadConnectionsRefuseWrites) {
    try {
        db_->Read([](Connection& c) { c.Exec("INSERT INTO t (name) VALUES ('x')"); });
        FAIL() << "a read connection wrote";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), Error::Kind::kReadOnly);
    }
    EXPECT_EQ(db_->Read([](Connection& c) { return c.One("SELECT COUNT(*) FROM t")->Int(0); }), 0);
}

TEST_P(DatabaseTest, ConcurrentWritersAndReaders) {
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

TEST_P(DatabaseTest, MigrationsApplyOnceWithEngineVariants) {
    MigrationSet set;
    set.Add(
        {.module = "m", .version = 2, .name = "second", .sql = "ALTER TABLE m1 ADD COLUMN b TEXT"});
    set.Add({.module = "m",
             .version = 1,
             .name = "first",
             .sql = "CREATE TABLE m1 (id {auto_id}, a TEXT)",
             .sqlite = "CREATE TABLE only_sqlite (x TEXT)",
             .postgres = "CREATE TABLE only_postgres (x TEXT)"});
    auto first = ApplyMigrations(*db_, set);
    EXPECT_EQ(first.applied, (std::vector<std::string>{"m:1 first", "m:2 second"}));
    EXPECT_TRUE(ApplyMigrations(*db_, set).applied.empty());
    db_->Write([](Connection& c) { c.Exec("INSERT INTO m1 (a, b) VALUES ('1', '2')"); });
    std::string mine = GetParam() == "sqlite" ? "only_sqlite" : "only_postgres";
    db_->Read([&](Connection& c) { c.One("SELECT COUNT(*) FROM " + mine); });
    // A failing migration leaves nothing behind and is not recorded.
    MigrationSet bad;
    bad.Add({.module = "m",
             .version = 3,
             .name = "broken",
             .sql = "CREATE TABLE m3 (a TEXT); SELECT nonsense("});
    EXPECT_THROW(ApplyMigrations(*db_, bad), Error);
    EXPECT_THROW(db_->Read([](Connection& c) { c.One("SELECT COUNT(*) FROM m3"); }), Error);
}

TEST_P(DatabaseTest, CopyInAndOutOnPostgres) {
    if (GetParam() == "sqlite") {
        // SQLite has no COPY and says so.
        EXPECT_THROW(db_->Write([](Connection& c) {
            c.CopyIn("COPY t FROM STDIN", [](std::string&) { return false; });
        }),
                     Error);
        return;
    }
    int batch = 0;
    db_->Write([&](Connection& c) {
        c.CopyIn("COPY t (name, note) FROM STDIN (FORMAT csv)", [&](std::string& chunk) {
            for (int i = 0; i < 1000; ++i)
                chunk += "row-" + std::to_string(batch * 1000 + i) + ",\"ข้อมูล, ไทย\"\n";
            return ++batch < 5;
        });
    });
    EXPECT_EQ(db_->Read([](Connection& c) { return c.One("SELECT COUNT(*) FROM t")->Int(0); }),
              5000);
    std::string out;
    db_->Read([&](Connection& c) {
        c.CopyOut("COPY (SELECT name, note FROM t ORDER BY id LIMIT 2) TO STDOUT (FORMAT csv)",
                  [&](std::string_view piece) { out.append(piece); });
    });
    EXPECT_EQ(out, "row-0,\"ข้อมูล, ไทย\"\nrow-1,\"ข้อมูล, ไทย\"\n");
    // A producer that fails aborts the whole COPY: nothing of it is kept, and the caller gets
    // the producer's own exception.
    try {
        db_->Write([](Connection& c) {
            c.CopyIn("COPY t (name) FROM STDIN (FORMAT csv)", [](std::string& chunk) -> bool {
                chunk += "partial\n";
                throw std::runtime_error("source file unreadable");
            });
        });
        ADD_FAILURE() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "source file unreadable");
    }
    EXPECT_EQ(db_->Read([](Connection& c) {
        return c.One("SELECT COUNT(*) FROM t WHERE name = 'partial'")->Int(0);
    }),
              0);
}

TEST(Migrations, AutoIdTokenPerEngine) {
    EXPECT_EQ(ForEngine("CREATE TABLE x (id {auto_id}, y {auto_id})", Engine::kSqlite),
              "CREATE TABLE x (id INTEGER PRIMARY KEY AUTOINCREMENT, y INTEGER PRIMARY KEY "
              "AUTOINCREMENT)");
    EXPECT_EQ(ForEngine("id {auto_id}", Engine::kPostgres),
              "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
}

TEST(Placeholders, NumberedOutsideQuotesAndComments) {
    EXPECT_EQ(
        NumberPlaceholders("SELECT * FROM t WHERE a = ? AND b = '?' AND c = ? -- ?\n AND d = ?"),
        "SELECT * FROM t WHERE a = $1 AND b = '?' AND c = $2 -- ?\n AND d = $3");
    EXPECT_EQ(NumberPlaceholders("SELECT 'it''s ?', \"q?\" , ?"), "SELECT 'it''s ?', \"q?\" , $1");
}

}  // namespace
}  // namespace govhub::db

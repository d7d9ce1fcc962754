// Relevance with Thai queries, on both engines: the expected document ranks first.
#include "search/index.hpp"

#include <gtest/gtest.h>

#include "db/test_support.hpp"
#include "search/sqlite_tokenizer.hpp"

namespace govhub::search {
namespace {

class SearchIndexTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        InstallSqliteTokenizer();
        scratch_ = std::make_unique<db::testing::ScratchDatabase>(GetParam(), "search");
        db_ = scratch_->Open();
        db::MigrationSet set;
        AddMigrations(set);
        db::ApplyMigrations(*db_, set);
        const Document docs[] = {
            {"dataset", "bkk-pop", "จำนวนประชากรกรุงเทพมหานคร จำแนกตามเขต", "ประชากร กรุงเทพมหานคร",
             "ข้อมูลจำนวนประชากรจากทะเบียนราษฎร์ รายเขต ปี 2566"},
            {"dataset", "prov-stats", "สถิติประชากรรายจังหวัด", "สถิติ ประชากร",
             "ตัวเลขประชากรทุกจังหวัด รวมถึงกรุงเทพ"},
            {"dataset", "budget", "งบประมาณรายจ่ายประจำปี 2569", "งบประมาณ การคลัง",
             "ข้อมูลงบประมาณแผ่นดินจำแนกตามกระทรวง"},
            {"dataset", "air", "Air quality in Bangkok (PM2.5)", "pm2.5 air",
             "Hourly readings from 70 stations"},
            {"dataset", "schools", "ข้อมูลโรงเรียนสังกัด สพฐ.", "การศึกษา", "มีสถิติจำนวนนักเรียนต่อห้อง"},
            {"course", "c1", "สถิติเบื้องต้นสำหรับข้าราชการ", "", ""},
        };
        db_->Write([&](db::Connection& c) {
            for (const auto& d : docs) IndexDocument(c, d);
        });
    }
    std::vector<std::string> Ids(const std::string& query, const std::string& type = "dataset") {
        std::vector<std::string> out;
        for (const auto& h : db_->Read([&](db::Connection& c) { return Search(c, type, query); }))
            out.push_back(h.object_id);
        return out;
    }
    std::unique_ptr<db::testing::ScratchDatabase> scratch_;
    std::unique_ptr<db::Database> db_;
};

INSTANTIATE_TEST_SUITE_P(Engines, SearchIndexTest, ::testing::ValuesIn(db::testing::Engines()),
                         [](const auto& info) { return info.param; });

TEST_P(SearchIndexTest, ThaiPrefixRecallAndTitleWeight) {
    // กรุงเทพ finds กรุงเทพมหานคร (one ICU word) by prefix; the title match ranks above the
    // body mention.
    auto bkk = Ids("กรุงเทพ");
    ASSERT_EQ(bkk.size(), 2u);
    EXPECT_EQ(bkk[0], "bkk-pop");
    EXPECT_EQ(bkk[1], "prov-stats");
    // สถิติ: the title match first, the body-only mention after it; other types stay out.
    auto stats = Ids("สถิติ");
    ASSERT_EQ(stats.size(), 2u);
    EXPECT_EQ(stats[0], "prov-stats");
    EXPECT_EQ(stats[1], "schools");
    EXPECT_EQ(Ids("สถิติ", "course"), std::vector<std::string>{"c1"});
}

TEST_P(SearchIndexTest, EveryWordMustMatch) {
    EXPECT_EQ(Ids("สถิติประชากร"), std::vector<std::string>{"prov-stats"});
    EXPECT_EQ(Ids("ประชากร เขต"), std::vector<std::string>{"bkk-pop"});
    EXPECT_EQ(Ids("งบประมาณ 2569"), std::vector<std::string>{"budget"});
    EXPECT_TRUE(Ids("งบประมาณ โรงเรียน").empty());
}

TEST_P(SearchIndexTest, LatinCaseAndNumbers) {
    EXPECT_EQ(Ids("BANGKOK"), std::vector<std::string>{"air"});
    EXPECT_EQ(Ids("air qual"), std::vector<std::string>{"air"});
    EXPECT_EQ(Ids("70"), std::vector<std::string>{"air"});
}

TEST_P(SearchIndexTest, QueriesWithoutWordsAndHostileQueries) {
    EXPECT_TRUE(Ids("").empty());
    EXPECT_TRUE(Ids("  !!! ,,").empty());
    // Query syntax characters of either engine are just text here.
    EXPECT_NO_THROW(Ids("\"* OR NEAR( ' & | ! :* \\"));
    EXPECT_NO_THROW(Ids("' ; DROP TABLE search_documents; --"));
    EXPECT_EQ(Ids("กรุงเทพ").size(), 2u);
}

TEST_P(SearchIndexTest, ReindexAndRemove) {
    db_->Write([](db::Connection& c) {
        IndexDocument(c, {"dataset", "budget", "รายงานการเงินการคลัง", "", ""});
    });
    EXPECT_TRUE(Ids("งบประมาณ").empty());
    EXPECT_EQ(Ids("การคลัง"), std::vector<std::string>{"budget"});
    db_->Write([](db::Connection& c) { RemoveDocument(c, "dataset", "bkk-pop"); });
    EXPECT_EQ(Ids("กรุงเทพ"), std::vector<std::string>{"prov-stats"});
}

TEST(SearchSyntax, QuotesAreEscaped) {
    EXPECT_EQ(Fts5Match({"a\"b", "ข้อมูล"}), "\"a\"\"b\"* AND \"ข้อมูล\"*");
    EXPECT_EQ(TsQuery({"it's", "x\\y"}), "'it''s':* & 'x\\\\y':*");
    EXPECT_EQ(TsVector({"t", "1", "ข้อมูล ข้อมูล", "เปิด", ""}), "'ข้อมูล':1A,2A 'เปิด':3B");
}

}  // namespace
}  // namespace govhub::search

// Loading files into datastore tables, on both engines: encodings, dialects, types, and the
// guarantee that a failed load leaves the previous table as it was.
#include "opendata/datastore/loader.hpp"
#include "core/test_i18n.hpp"

#include <gtest/gtest.h>
#include <iconv.h>

#include <filesystem>
#include <fstream>

#include "db/test_support.hpp"
#include "opendata/datastore/store.hpp"
#include "search/analyzer.hpp"
#include "search/sqlite_tokenizer.hpp"

namespace govhub::datastore {
namespace {

std::string ToCp874(const std::string& utf8) {
    iconv_t cd = iconv_open("CP874", "UTF-8");
    std::string out(utf8.size() * 2, '\0');
    char* in = const_cast<char*>(utf8.data());
    size_t in_left = utf8.size(), out_left = out.size();
    char* dst = out.data();
    iconv(cd, &in, &in_left, &dst, &out_left);
    iconv_close(cd);
    out.resize(out.size() - out_left);
    return out;
}

class LoaderTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        search::InstallSqliteTokenizer();
        scratch_ = std::make_unique<db::testing::ScratchDatabase>(GetParam(), "ds");
        db_ = scratch_->Open();
        db::MigrationSet set;
        store::AddMigrations(set);
        db::ApplyMigrations(*db_, set);
        dir_ = std::filesystem::temp_directory_path() /
               ("govhub-loader-" + std::to_string(::getpid()) + "-" + GetParam());
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::string Write(const std::string& name, const std::string& bytes) {
        auto path = (dir_ / name).string();
        std::ofstream(path, std::ios::binary) << bytes;
        return path;
    }

    LoadResult Load(const std::string& path, const std::string& format = "csv",
                    const std::vector<Field>& dictionary = {}) {
        auto source = OpenTable(path, format, "");
        log_.clear();
        LoadHooks hooks;
        hooks.log = [&](const std::string& m, const std::string&) {
            log_ += core::English(m) + "\n";
        };
        return LoadTable(*db_, "res-1", *source, dictionary, hooks);
    }

    TableInfo Info() {
        return *db_->Read([](db::Connection& c) { return store::FindTable(c, "res-1"); });
    }

    std::vector<std::vector<std::optional<std::string>>> Rows(SearchQuery q = {}) {
        auto info = Info();
        return db_->Read([&](db::Connection& c) { return store::Search(c, info, q); }).rows;
    }

    std::unique_ptr<db::testing::ScratchDatabase> scratch_;
    std::unique_ptr<db::Database> db_;
    std::filesystem::path dir_;
    std::string log_;
};

TEST_P(LoaderTest, Cp874FileWithThaiHeadersAndBuddhistEraDates) {
    std::string csv =
        "จังหวัด,จำนวนประชากร,วันที่สำรวจ,อัตราส่วน\r\n"
        "เชียงใหม่,\"1,784,370\",31/12/2566,0.52\r\n"
        "ลำปาง,\"737,920\",๓๑ ธ.ค. ๒๕๖๖,0.48\r\n"
        "กรุงเทพมหานคร,\"5,471,588\",2023-12-31,1.5\r\n";
    auto r = Load(Write("pop.csv", ToCp874(csv)));
    EXPECT_EQ(r.rows, 3);
    ASSERT_EQ(r.fields.size(), 4u);
    EXPECT_EQ(r.fields[0].id, "จังหวัด");
    EXPECT_EQ(r.fields[1].type, FieldType::kInt);
    EXPECT_EQ(r.fields[2].type, FieldType::kDate);
    EXPECT_EQ(r.fields[3].type, FieldType::kNumeric);
    EXPECT_NE(log_.find("CP874"), std::string::npos) << log_;
    auto rows = Rows();
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0][1], "เชียงใหม่");  // _id first
    EXPECT_EQ(rows[0][2], "1784370");
    EXPECT_EQ(rows[1][3], "2023-12-31");
    EXPECT_EQ(rows[2][3], "2023-12-31");
    // Thai full text: a word of a value finds its row.
    SearchQuery q;
    q.terms = search::Terms("เชียงใหม่");
    auto found = Rows(q);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0][0], "1");
}

TEST_P(LoaderTest, BomSemicolonsPreambleRaggedRowsAndQuotedNewlines) {
    std::string csv =
        "\xEF\xBB\xBF"
        "รายงานผลการเบิกจ่าย ไตรมาส 1\n"
        "หน่วยงาน;งบประมาณ;หมายเหตุ\n"
        "กรมบัญชีกลาง;1200,5;\"บรรทัดแรก\nบรรทัดสอง\"\n"
        "กรมสรรพากร;300\n"
        "กรมศุลกากร;450;ครบ;เกิน\n";
    auto r = Load(Write("budget.csv", csv));
    EXPECT_EQ(r.rows, 3);
    ASSERT_EQ(r.fields.size(), 4u);  // the extra value got a column of its own
    EXPECT_EQ(r.fields[0].id, "หน่วยงาน");
    EXPECT_EQ(r.fields[3].id, "field_4");
    EXPECT_EQ(r.fields[1].type, FieldType::kText);  // "1200,5" is not a number here
    auto rows = Rows();
    EXPECT_EQ(rows[0][3], "บรรทัดแรก\nบรรทัดสอง");
    EXPECT_EQ(rows[1][3], std::nullopt);  // the short row is padded
    EXPECT_EQ(rows[2][4], "เกิน");
    EXPECT_NE(log_.find("semicolon"), std::string::npos) << log_;
    EXPECT_NE(log_.find("1 line(s) above the header skipped"), std::string::npos) << log_;
}

TEST_P(LoaderTest, ALateOddValueMakesTextAndTheLogSaysWhere) {
    std::string csv = "ลำดับ,ยอด\n";
    for (int i = 1; i <= 5000; ++i)
        csv += std::to_string(i) + "," + (i == 4999 ? "ไม่ระบุ" : std::to_string(i * 3)) + "\n";
    auto r = Load(Write("late.csv", csv));
    EXPECT_EQ(r.rows, 5000);
    EXPECT_EQ(r.fields[0].type, FieldType::kInt);
    EXPECT_EQ(r.fields[1].type, FieldType::kText);
    EXPECT_NE(log_.find("until row 5000, which holds \"ไม่ระบุ\""), std::string::npos) << log_;
}

TEST_P(LoaderTest, AFailedLoadLeavesThePreviousTable) {
    Load(Write("good.csv", "ชื่อ,คะแนน\nก,1\nข,2\n"));
    EXPECT_EQ(Info().rows, 2);
    // An editor fixed "คะแนน" as int; the new file has a value that is not: the load fails,
    // the old rows stay, and no staging table is left behind.
    auto fields = Info().fields;
    fields[1].type_override = true;
    EXPECT_THROW(Load(Write("bad.csv", "ชื่อ,คะแนน\nค,3\nง,สี่\n"), "csv", fields), SourceError);
    EXPECT_EQ(Info().rows, 2);
    EXPECT_EQ(Rows().size(), 2u);
    auto tables = db_->Read([](db::Connection& c) {
        return c.engine() == db::Engine::kPostgres
                   ? c.Query("SELECT tablename FROM pg_tables WHERE schemaname = 'datastore'")
                   : c.Query(
                         "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE "
                         "'res-1%' AND name NOT LIKE '%fts%'");
    });
    int data_tables = 0;
    for (const auto& t : tables)
        if (t.Str(0).rfind("res-1", 0) == 0) ++data_tables;
    EXPECT_EQ(data_tables, 1);
    // A binary file named .csv, and an empty file: clear errors, the table unchanged.
    EXPECT_THROW(
        Load(Write("zip.csv", std::string("PK\x03\x04\0\0\x14\0", 8) + std::string(100, '\0'))),
        SourceError);
    EXPECT_THROW(Load(Write("empty.csv", "")), SourceError);
    EXPECT_EQ(Rows().size(), 2u);
}

TEST_P(LoaderTest, ReloadKeepsTheEditorsDictionary) {
    Load(Write("a.csv", "รหัส,ชื่อ\n10,ก\n20,ข\n"));
    auto fields = Info().fields;
    fields[0].type = FieldType::kText;  // codes are text, whatever they look like
    fields[0].type_override = true;
    fields[0].label = "รหัสหน่วยงาน";
    fields[1].description = "ชื่อเต็ม";
    auto r = Load(Write("b.csv", "รหัส,ชื่อ\n30,ค\n"), "csv", fields);
    EXPECT_EQ(r.fields[0].type, FieldType::kText);
    EXPECT_EQ(r.fields[0].label, "รหัสหน่วยงาน");
    EXPECT_EQ(r.fields[1].description, "ชื่อเต็ม");
    EXPECT_EQ(Rows()[0][1], "30");
}

TEST_P(LoaderTest, TooManyColumnsIsAClearError) {
    std::string header, row;
    for (int i = 0; i < 2500; ++i) {
        header += (i ? "," : "") + std::string("c") + std::to_string(i);
        row += (i ? "," : "") + std::to_string(i);
    }
    try {
        Load(Write("wide.csv", header + "\n" + row + "\n"));
        FAIL() << "loaded 2,500 columns";
    } catch (const SourceError& e) {
        EXPECT_NE(core::English(e.what()).find("2500 columns"), std::string::npos) << e.what();
    }
}

TEST_P(LoaderTest, LongThaiHeadersKeepTheirIdsOrAStableShortColumn) {
    std::string long_header = "จำนวนผู้รับบริการที่ลงทะเบียนผ่านระบบออนไลน์ทั้งหมด";  // > 63 bytes
    auto r = Load(Write("long.csv", long_header + ",x\n1,2\n"));
    EXPECT_EQ(r.fields[0].id, long_header);
    EXPECT_EQ(Rows()[0][1], "1");
    if (GetParam() == "postgres") {
        EXPECT_LE(r.fields[0].column.size(), 63u);
        EXPECT_EQ(r.fields[0].label, long_header);
        auto again = Load(Write("long2.csv", long_header + ",x\n3,4\n"));
        EXPECT_EQ(again.fields[0].column, r.fields[0].column);  // stable across loads
    } else {
        EXPECT_EQ(r.fields[0].column, long_header);
    }
}

INSTANTIATE_TEST_SUITE_P(Engines, LoaderTest, ::testing::ValuesIn(db::testing::Engines()));

}  // namespace
}  // namespace govhub::datastore

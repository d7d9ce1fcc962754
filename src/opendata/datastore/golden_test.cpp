// Golden files (DuckDB's way): every file in tests/data/datastore is loaded into a fresh SQLite
// datastore and summarized as text (how it was read, the fields and their types, the rows and
// the load log's warnings); the summary must equal the file's .golden beside it. To accept a
// change on purpose: GOVHUB_UPDATE_GOLDEN=1 build/govhub_unit_tests --gtest_filter='Golden*'.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/test_i18n.hpp"
#include "db/test_support.hpp"
#include "opendata/datastore/loader.hpp"
#include "opendata/datastore/store.hpp"
#include "search/sqlite_tokenizer.hpp"

namespace govhub::datastore {
namespace {

namespace fs = std::filesystem;

std::string Summary(const fs::path& file) {
    db::testing::ScratchDatabase scratch("sqlite", "golden");
    auto db = scratch.Open();
    db::MigrationSet set;
    store::AddMigrations(set);
    db::ApplyMigrations(*db, set);
    std::ostringstream out;
    std::string ext = file.extension().string().substr(1);
    auto source = OpenTable(file.string(), ext, "");
    out << "read: " << core::English(source->Describe()) << "\n";
    LoadHooks hooks;
    std::vector<std::string> warnings;
    hooks.log = [&](const std::string& m, const std::string& level) {
        if (level == "warning") warnings.push_back(core::English(m));
    };
    LoadResult r = LoadTable(*db, "golden", *source, {}, hooks);
    out << "fields:\n";
    for (const auto& f : r.fields) out << "  " << f.id << ": " << TypeName(f.type) << "\n";
    out << "rows: " << r.rows << "\n";
    auto info = *db->Read([](db::Connection& c) { return store::FindTable(c, "golden"); });
    SearchQuery q;
    q.limit = 5;
    auto rows = db->Read([&](db::Connection& c) { return store::Search(c, info, q); }).rows;
    for (const auto& row : rows) {
        out << " ";
        for (size_t i = 1; i < row.size(); ++i) {
            std::string v = row[i] ? *row[i] : "∅";
            for (auto& ch : v)
                if (ch == '\n') ch = '/';
            out << " | " << v;
        }
        out << "\n";
    }
    for (const auto& w : warnings) out << "warning: " << w << "\n";
    return out.str();
}

TEST(Golden, EveryFileLoadsAsItsGoldenSays) {
    search::InstallSqliteTokenizer();
    fs::path dir = fs::path(GOVHUB_SOURCE_DIR) / "tests/data/datastore";
    bool update = std::getenv("GOVHUB_UPDATE_GOLDEN") != nullptr;
    int checked = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() == ".golden") continue;
        std::string actual = Summary(entry.path());
        fs::path golden = entry.path();
        golden += ".golden";
        if (update) {
            std::ofstream(golden) << actual;
        } else {
            std::ifstream in(golden);
            ASSERT_TRUE(in) << "no golden file for " << entry.path().filename();
            std::stringstream expected;
            expected << in.rdbuf();
            EXPECT_EQ(actual, expected.str()) << entry.path().filename();
        }
        ++checked;
    }
    EXPECT_GE(checked, 9);
}

}  // namespace
}  // namespace govhub::datastore

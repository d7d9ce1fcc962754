// The datastore actions' parameter readers that run before any database work: datastore_search's
// (ParseSearchQuery) and datastore_search_sql's (SearchSqlStatement, CheckSqlTableIds).
#include "opendata/datastore/service.hpp"

#include <gtest/gtest.h>

namespace govhub::datastore {
namespace {

constexpr const char* kMine = "3f2a8c1e-0b6d-4f59-9a51-2c7d8e9f0a1b";
constexpr const char* kTheirs = "9c0d7e6f-5a4b-4c3d-8e2f-1a0b9c8d7e6f";

// "" when the statement names only tables the caller may read, else the refusal's words.
std::string Refusal(const std::string& sql) {
    try {
        CheckSqlTableIds(sql, [](const std::string& t) { return t == kMine; });
        return "";
    } catch (const HttpError& e) {
        EXPECT_EQ(e.status(), 409);
        return e.fields().at(0).message;
    }
}

TEST(SearchSql, QuotedResourceIdsAreTheTablesNamed) {
    std::string sql = std::string("SELECT * FROM \"") + kMine + "\" a JOIN [" + kTheirs +
                      "__fts] b ON 1 -- \"" + kTheirs + "x\"\n WHERE x = '" + kTheirs + "' /* `" +
                      kTheirs + "` */ AND `" + kMine + "`.y = \"a\"\"b\"";
    EXPECT_EQ(SqlTableIds(sql), (std::vector<std::string>{kMine, std::string(kTheirs) + "__fts"}));
    EXPECT_EQ(SqlTableIds("SELECT \"unterminated"), std::vector<std::string>{});
}

TEST(SearchSql, ATableTheCallerMayNotReadIsRefusedBeforeAnythingElse) {
    // The words do not depend on whether the table exists, nor on what else the statement does
    // (SQLite asked about functions before tables: a private table answered differently from
    // a made-up one).
    EXPECT_EQ(Refusal(std::string("SELECT zeroblob(1) FROM \"") + kTheirs + "\""),
              std::string("no such table: ") + kTheirs);
    EXPECT_EQ(Refusal(std::string("SELECT * FROM \"") + kMine + "\", \"" + kTheirs + "__fts\""),
              std::string("no such table: ") + kTheirs + "__fts");
    EXPECT_EQ(Refusal(std::string("SELECT * FROM \"") + kMine + "\""), "");
    // Upper case names the same table in SQLite: decided by the resource id in lower case.
    std::string upper = kMine;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(Refusal("SELECT * FROM \"" + upper + "\""), "");
    // A resource id in a string is data, not a table.
    EXPECT_EQ(Refusal(std::string("SELECT '") + kTheirs + "'"), "");
}

TEST(SearchSql, TheStatementIsTrimmedAndBounded) {
    EXPECT_EQ(SearchSqlStatement({{"sql", "  SELECT 1 ;; \n"}}), "SELECT 1");
    EXPECT_THROW(SearchSqlStatement({{"sql", " ; "}}), HttpError);
    EXPECT_THROW(SearchSqlStatement({{"sql", std::string("SELECT 1\0", 9) + "x"}}), HttpError);
    EXPECT_THROW(SearchSqlStatement({{"sql", "SELECT '" + std::string(10 * 1024, 'x') + "'"}}),
                 HttpError);
}

TableInfo Table() {
    TableInfo t;
    t.resource_id = kMine;
    for (auto [id, type] : {std::pair{"จังหวัด", FieldType::kText}, {"จำนวน", FieldType::kInt}}) {
        Field f;
        f.id = id;
        f.type = type;
        t.fields.push_back(f);
    }
    return t;
}

TEST(SearchParams, FiltersSortAndFieldsAreReadWithinTheirBounds) {
    SearchQuery q =
        ParseSearchQuery(Table(),
                         {{"filters", R"({"จังหวัด": ["ลำปาง", null], "จำนวน": {"gte": "๑,๐๐๐"}})"},
                          {"sort", "\"จำนวน\" desc, _id"},
                          {"fields", "จังหวัด,_id"},
                          {"limit", "99999"}},
                         false);
    ASSERT_EQ(q.filters.size(), 2u);
    EXPECT_EQ(q.filters[1].values.at(0), "1000");
    ASSERT_EQ(q.sort.size(), 2u);
    EXPECT_TRUE(q.sort[0].desc);
    EXPECT_EQ(q.sort[1].field, SIZE_MAX);
    EXPECT_EQ(q.columns, (std::vector<size_t>{0, SIZE_MAX}));
    EXPECT_EQ(q.limit, 32000);
    EXPECT_THROW(
        ParseSearchQuery(Table(), {{"sort", "_id,_id,_id,_id,_id,_id,_id,_id,_id,_id,_id"}}, false),
        HttpError);
    EXPECT_THROW(ParseSearchQuery(Table(), {{"filters", R"({"x": 1})"}}, false), HttpError);
}

TEST(SearchParams, QWordsAndFilterValuesAreBounded) {
    // thai_analyzer fuzz target: 2,500 words that one row holds took FTS5 over a minute.
    std::string words;
    for (int i = 0; i < 100; ++i) words += "ลำปาง ";
    EXPECT_EQ(ParseSearchQuery(Table(), {{"q", words}}, false).terms.size(), 100u);
    EXPECT_THROW(ParseSearchQuery(Table(), {{"q", words + "x"}}, false), HttpError);
    EXPECT_THROW(ParseSearchQuery(Table(), {{"q", Json{{"จังหวัด", words + "x"}}}}, false),
                 HttpError);
    Json many = Json::array();
    for (int i = 0; i < 1000; ++i) many.push_back(i);
    EXPECT_EQ(ParseSearchQuery(Table(), {{"filters", {{"จำนวน", many}}}}, false)
                  .filters.at(0)
                  .values.size(),
              1000u);
    many.push_back(1000);
    EXPECT_THROW(ParseSearchQuery(Table(), {{"filters", {{"จำนวน", many}}}}, false), HttpError);
}

}  // namespace
}  // namespace govhub::datastore

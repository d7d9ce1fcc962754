// ViewService::ValidConfig, the check of a view's settings (also fuzzed:
// fuzz/targets/json_params.cpp).
#include "opendata/views/service.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace govhub::views {
namespace {

datastore::TableInfo Table() {
    datastore::TableInfo t;
    for (auto [id, type] : {std::pair{"province", datastore::FieldType::kText},
                            std::pair{"amount", datastore::FieldType::kNumeric}}) {
        datastore::Field f;
        f.id = id;
        f.type = type;
        t.fields.push_back(f);
    }
    return t;
}

// A setting of the wrong JSON type is a 409 naming it, not nlohmann's type_error (a 500).
TEST(ViewConfig, SettingsOfTheWrongTypeAre409) {
    auto table = Table();
    for (const char* key : {"chart_type", "aggregate", "order"}) {
        Json cfg = {{"x", "province"}, {"y", "amount"}, {key, 5}};
        try {
            ViewService::ValidConfig("chart_view", cfg, &table);
            FAIL() << key;
        } catch (const HttpError& e) {
            EXPECT_EQ(e.status(), 409) << key;
            ASSERT_EQ(e.fields().size(), 1u);
            EXPECT_EQ(e.fields()[0].field, key);
        }
    }
}

TEST(ViewConfig, WhatIsSavedChecksAgainUnchanged) {
    auto table = Table();
    Json valid = ViewService::ValidConfig(
        "chart_view", {{"x", "province"}, {"y", "amount"}, {"chart_type", nullptr}}, &table);
    EXPECT_EQ(valid["chart_type"], "bar");
    EXPECT_EQ(ViewService::ValidConfig("chart_view", valid, &table), valid);
    EXPECT_EQ(ViewService::ConfigOf({{"config", "{\"x\":\"province\"}"}}),
              Json({{"x", "province"}}));
}

}  // namespace
}  // namespace govhub::views

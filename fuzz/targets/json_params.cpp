// JSON inside parameters, past the reader: a saved view's settings (src/opendata/views), which
// arrive as JSON text in a form field (the chart explorer's "config") or in a CKAN dictionary
// (resource_view_create/update: "config" as an object or as JSON text, or the settings beside
// the core keys), are read with the bounded reader and checked against the resource's table by
// ViewService::ConfigOf and ValidConfig. Their refusals are HttpErrors (4xx); anything else
// escaping would be a 500. What ValidConfig returns must check again unchanged, since it is
// what is saved and read back. (The datastore's filters, q, fields and records are JSON inside
// parameters too: the datastore_filters target covers them.)
//
// Input, lines: 1. the view type (chart_view, map_view, datatables_view or any other), 2... the
// text: as the form field, and as a JSON body (the dictionary).
#include "core/error.hpp"
#include "core/json_reader.hpp"
#include "fuzz_target.hpp"
#include "opendata/datastore/model.hpp"
#include "opendata/views/service.hpp"

namespace {

namespace ds = govhub::datastore;
using govhub::views::Json;
using govhub::views::ViewService;

const ds::TableInfo& Table() {
    static const ds::TableInfo table = [] {
        ds::TableInfo t;
        t.resource_id = "3f2a8c1e-0b6d-4f59-9a51-2c7d8e9f0a1b";
        auto add = [&](const char* id, ds::FieldType type) {
            ds::Field f;
            f.id = id;
            f.type = type;
            f.column = id;
            t.fields.push_back(f);
        };
        add("province", ds::FieldType::kText);
        add("จังหวัด", ds::FieldType::kText);
        add("year", ds::FieldType::kInt);
        add("amount", ds::FieldType::kNumeric);
        add("latitude", ds::FieldType::kNumeric);
        add("longitude", ds::FieldType::kNumeric);
        add("open", ds::FieldType::kBool);
        add("date", ds::FieldType::kDate);
        add("geometry", ds::FieldType::kJson);
        return t;
    }();
    return table;
}

void Check(const std::string& view_type, const Json& config, const ds::TableInfo* table) {
    Json valid;
    try {
        valid = ViewService::ValidConfig(view_type, config, table);
    } catch (const govhub::HttpError& e) {
        if (e.status() < 400 || e.status() >= 500) __builtin_trap();
        return;
    }
    // Saved, read back (Dict parses the stored text) and checked again: the same settings.
    Json stored = Json::parse(valid.dump());
    if (ViewService::ValidConfig(view_type, stored, table) != valid) __builtin_trap();
}

void CheckEverywhere(const std::string& view_type, const Json& config) {
    Check(view_type, config, &Table());
    Check(view_type, config, nullptr);  // a resource without a data table yet
}

}  // namespace

GOVHUB_FUZZ_TARGET(json_params) {
    auto f = govhub::fuzz::Fields(govhub::fuzz::AsText(data, size), 2);
    std::string view_type(f[0]);
    // The chart explorer's form: config=<JSON text>; anything but an object is a 409.
    try {
        Json cfg = govhub::core::ParseJsonBoundedOrDiscarded(f[1]);
        if (cfg.is_object()) CheckEverywhere(view_type, cfg);
    } catch (const govhub::HttpError& e) {
        if (e.status() != 400) __builtin_trap();
    }
    // resource_view_create/update: a JSON body (api::ActionRegistry reads it with
    // ParseJsonBounded), its settings found by ConfigOf.
    try {
        Json dict = govhub::core::ParseJsonBounded(f[1]);
        if (!dict.is_object()) return;
        CheckEverywhere(view_type, ViewService::ConfigOf(dict));
    } catch (const govhub::HttpError& e) {
        if (e.status() < 400 || e.status() >= 500) __builtin_trap();
    }
}

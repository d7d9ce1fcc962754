// datastore_search's query parameters (datastore::ParseSearchQuery: filters, q as text or as a
// dict of field: words, fields, sort, distinct, limit, offset, after, include_total) against a
// table with a field of every type, the way the action reads them — as a JSON body (input that
// starts with '{') or as GET query parameters (one per line: filters, q, fields, sort,
// distinct, limit, offset, after) — both as datastore_search and as /datastore/dump.
// The SQL store::Search makes of the result is not built (it needs a connection).
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "core/json_reader.hpp"
#include "fuzz_target.hpp"
#include "opendata/datastore/service.hpp"
#include "opendata/datastore/types.hpp"

namespace {

namespace ds = govhub::datastore;

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
        add("รหัส", ds::FieldType::kText);
        add("จังหวัด", ds::FieldType::kText);
        add("จำนวน", ds::FieldType::kInt);
        add("งบประมาณ", ds::FieldType::kNumeric);
        add("active", ds::FieldType::kBool);
        add("วันที่", ds::FieldType::kDate);
        add("updated", ds::FieldType::kTimestamp);
        add("meta", ds::FieldType::kJson);
        add("lat", ds::FieldType::kNumeric);
        add("lon", ds::FieldType::kNumeric);
        t.primary_key = {"รหัส"};
        return t;
    }();
    return table;
}

bool FieldOk(size_t i) {
    return i == SIZE_MAX || i < Table().fields.size();
}

void Check(const ds::SearchQuery& q, bool for_dump) {
    const auto& t = Table();
    for (const auto& f : q.filters) {
        if (!FieldOk(f.field)) __builtin_trap();
        if (f.op != ds::Filter::Op::kIn && f.op != ds::Filter::Op::kEq && f.values.size() != 1)
            __builtin_trap();
        ds::FieldType type = f.field == SIZE_MAX ? ds::FieldType::kInt : t.fields[f.field].type;
        // Values are canonical text of the field's type: what the store binds must fit it.
        for (const auto& v : f.values)
            if (v && type != ds::FieldType::kText && type != ds::FieldType::kJson &&
                !ds::Canonical(type, *v))
                __builtin_trap();
    }
    size_t values = 0, words_total = q.terms.size();
    for (const auto& f : q.filters) values += f.values.size();
    for (const auto& [field, words] : q.field_words) {
        if (field >= t.fields.size()) __builtin_trap();  // _id has no text
        words_total += words.size();
    }
    // What the store turns into bound parameters and full-text terms stays bounded.
    if (values > 1000 || words_total > 100) __builtin_trap();
    if (q.columns.size() > 1000) __builtin_trap();
    for (size_t c : q.columns)
        if (!FieldOk(c)) __builtin_trap();
    if (q.sort.size() > 10) __builtin_trap();
    for (const auto& s : q.sort)
        if (!FieldOk(s.field)) __builtin_trap();
    if (q.limit < 0 || (!for_dump && q.limit > 32000) || q.offset < 0) __builtin_trap();
}

void Run(const nlohmann::json& params) {
    for (bool for_dump : {false, true}) {
        try {
            Check(ds::ParseSearchQuery(Table(), params, for_dump), for_dump);
        } catch (const govhub::HttpError& e) {  // Validation (409) or a JSON parameter's 400
            if (e.status() != 409 && e.status() != 400) __builtin_trap();
        }
    }
}

}  // namespace

GOVHUB_FUZZ_TARGET(datastore_filters) {
    auto text = govhub::fuzz::AsText(data, size);
    if (!text.empty() && text[0] == '{') {
        // A POST body (api/action.cpp reads it so).
        nlohmann::json params;
        try {
            params = govhub::core::ParseJsonBounded(text);
        } catch (const govhub::HttpError&) {
            return;
        }
        if (!params.is_object()) return;
        params["resource_id"] = Table().resource_id;
        Run(params);
        return;
    }
    // GET query parameters: strings, JSON inside them read by the action.
    static const char* kKeys[] = {"filters",  "q",     "fields", "sort",
                                  "distinct", "limit", "offset", "after"};
    auto fields = govhub::fuzz::Fields(text, std::size(kKeys));
    nlohmann::json params = nlohmann::json::object();
    params["resource_id"] = Table().resource_id;
    for (size_t i = 0; i < std::size(kKeys); ++i) {
        if (fields[i].find('\0') != std::string_view::npos) return;  // refused before (NulError)
        if (!fields[i].empty()) params[kKeys[i]] = std::string(fields[i]);
    }
    Run(params);
}

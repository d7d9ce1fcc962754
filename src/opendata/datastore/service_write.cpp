// A table's rows: datastore_upsert (upsert, insert or update, with dry_run) and
// datastore_records_delete.
#include "opendata/datastore/service.hpp"

#include "opendata/datastore/auth.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "opendata/datastore/service_internal.hpp"
#include "opendata/datastore/store.hpp"

namespace govhub::datastore {

using internal::FieldIndex;
using internal::In;
using internal::Invalid;
using internal::ParseFilters;
using internal::ParseRecords;

namespace {

// Thrown inside a write to roll back a dry run.
struct DryRun {};

}  // namespace

namespace internal {

std::vector<store::Record> ParseRecords(const TableInfo& t, const Json& records) {
    std::vector<store::Record> out;
    if (records.is_null()) return out;
    if (!records.is_array()) throw Invalid("records", "must be a list of objects");
    size_t n = 0;
    for (const auto& r : records) {
        std::string where = "records";
        if (!r.is_object())
            throw Invalid(where, "record " + std::to_string(n) + " is not an object");
        store::Record rec;
        for (auto it = r.begin(); it != r.end(); ++it) {
            size_t i = FieldIndex(t, it.key());
            if (i == SIZE_MAX - 1)
                throw Invalid(where, "record " + std::to_string(n) + ": field \"" + it.key() +
                                         "\" not in the table");
            if (i == SIZE_MAX) {
                auto v = ValueFor(t, i, *it, where);
                if (v) rec.id = core::ParseInt(*v);
                continue;
            }
            rec.values.emplace_back(i, ValueFor(t, i, *it, where));
        }
        out.push_back(std::move(rec));
        ++n;
    }
    return out;
}

}  // namespace internal

Json DatastoreService::Upsert(const accounts::Principal* p, const Json& params) {
    std::string id = In(params).String("resource_id");
    if (id.empty()) throw Invalid("resource_id", "Missing value");
    auto [src, held] = catalog_.ResourceAccess(p, id);
    if (!CanWriteTable(p, held)) throw HttpError::Forbidden();
    TableInfo t = RequireTable(id);
    std::string method = In(params).String("method", "upsert");
    if (method != "upsert" && method != "insert" && method != "update")
        throw Invalid("method", "must be upsert, insert or update");
    Json raw = In(params).Structured("records");
    if (!raw.is_array()) throw Invalid("records", "Missing value");
    auto records = ParseRecords(t, raw);
    std::vector<size_t> keys;
    for (const auto& k : t.primary_key) keys.push_back(FieldIndex(t, k));
    if (method != "insert") {
        for (size_t n = 0; n < records.size(); ++n) {
            bool has_id = records[n].id.has_value();
            bool has_keys = !keys.empty();
            for (size_t k : keys)
                if (std::none_of(records[n].values.begin(), records[n].values.end(),
                                 [&](const auto& v) { return v.first == k; }))
                    has_keys = false;
            if (!has_id && !has_keys)
                throw Invalid("records", "record " + std::to_string(n) +
                                             " has neither _id nor every field of the primary key");
        }
    }
    bool dry_run = In(params).Bool("dry_run", false);
    try {
        db_.Write([&](db::Connection& c) {
            for (size_t n = 0; n < records.size(); ++n) {
                std::vector<size_t> by = records[n].id ? std::vector<size_t>{SIZE_MAX} : keys;
                int64_t written = store::WriteRecords(c, t, {records[n]}, method, by);
                if (written == 0 && method == "update")
                    throw Invalid("records", "record " + std::to_string(n) + " matches no row");
            }
            t.rows = store::CountRows(c, id);
            store::SaveTable(c, t);
            if (dry_run) throw DryRun{};
        });
    } catch (const DryRun&) {
    }
    return {{"resource_id", id}, {"method", method}, {"records", raw}, {"dry_run", dry_run}};
}

Json DatastoreService::RecordsDelete(const accounts::Principal* p, const Json& params) {
    TableInfo t = EditableTable(p, params);
    Json filters = In(params).Structured("filters");
    if (filters.is_null()) throw Invalid("filters", "Missing value (give {} to delete every row)");
    auto parsed = ParseFilters(t, filters);
    int64_t deleted = 0;
    db_.Write([&](db::Connection& c) {
        deleted = store::DeleteRows(c, t, parsed);
        t.rows = store::CountRows(c, t.resource_id);
        store::SaveTable(c, t);
    });
    return {{"resource_id", t.resource_id}, {"filters", filters}, {"deleted", deleted}};
}

}  // namespace govhub::datastore

#include "opendata/datastore/loader.hpp"
#include "core/i18n.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "core/crash_point.hpp"
#include "core/crypto.hpp"
#include "core/strings.hpp"
#include "opendata/datastore/store.hpp"

namespace govhub::datastore {

namespace {

std::string Thousands(int64_t n) {
    std::string s = std::to_string(n), out;
    int count = 0;
    for (auto it = s.rbegin(); it != s.rend(); ++it) {
        if (count && count % 3 == 0 && *it != '-') out.insert(out.begin(), ',');
        out.insert(out.begin(), *it);
        ++count;
    }
    return out;
}

// The first record is data, not a header, when its values fit the types the rest of the
// file gives their columns and at least one of those types is not text.
bool LooksLikeData(const std::vector<std::string>& first, const std::vector<TypeTracker>& rest) {
    int fits = 0;
    for (size_t i = 0; i < first.size() && i < rest.size(); ++i) {
        FieldType t = rest[i].Decide();
        if (t == FieldType::kText || IsNullMarker(first[i])) continue;
        if (!Canonical(t, first[i])) return false;
        ++fits;
    }
    return fits > 0;
}

}  // namespace

std::vector<std::string> FieldIds(const std::vector<std::string>& header, size_t width) {
    std::vector<std::string> ids;
    std::set<std::string> seen = {"_id", "_full_text"};
    for (size_t i = 0; i < width; ++i) {
        std::string id = i < header.size() ? core::Trim(header[i]) : "";
        // Newlines and tabs inside a header cell become spaces.
        for (auto& ch : id)
            if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
        while (!id.empty() && id[0] == '_') id.erase(0, 1);
        if (id.empty()) id = "field_" + std::to_string(i + 1);
        std::string base = id;
        for (int n = 2; seen.count(id); ++n) id = base + "_" + std::to_string(n);
        seen.insert(id);
        ids.push_back(id);
    }
    return ids;
}

TableScan ScanTable(TableSource& source, const LoadHooks& hooks, size_t max_fields) {
    auto log = [&](const std::string& m, const std::string& level = "info") {
        if (hooks.log) hooks.log(m, level);
    };
    log(core::Message("datastore.load.reading", {{"source", source.Describe()}}));
    auto sheets = source.Sheets();
    if (sheets.size() > 1) {
        std::string names;
        for (const auto& s : sheets) names += (names.empty() ? "" : ", ") + s;
        log(core::Message("datastore.load.sheets",
                          {{"count", std::to_string(sheets.size())}, {"names", names}}));
    }

    std::vector<std::string> first;
    bool have_first = false;
    std::vector<TypeTracker> trackers;
    int64_t records = 0, ragged = 0, bytes = 0;
    size_t width = 0;
    auto too_wide = [&] {
        return SourceError(
            core::Message("datastore.load.too_many_columns",
                          {{"count", std::to_string(width)}, {"max", std::to_string(max_fields)}}));
    };
    source.Rewind();
    for (bool more = true; more;) {
        more = source.Step([&](std::vector<std::string>& f) {
            for (const auto& v : f) bytes += static_cast<int64_t>(v.size());
            if (!have_first) {
                first = f;
                have_first = true;
                width = f.size();
                return;
            }
            ++records;
            if (f.size() != first.size()) ++ragged;
            width = std::max(width, f.size());
            if (width > max_fields) return;
            if (trackers.size() < f.size()) trackers.resize(f.size());
            for (size_t i = 0; i < f.size(); ++i) trackers[i].Add(f[i], records + 1);
        });
        if (hooks.progress)
            hooks.progress(
                static_cast<int64_t>(source.bytes_done()),
                static_cast<int64_t>(source.bytes_total()) * 2,
                core::Message("datastore.load.progress_reading", {{"rows", Thousands(records)}}));
        if (hooks.check_cancelled) hooks.check_cancelled();
        // Checked as the file is read, so a bomb is stopped early; nothing is written yet,
        // so the previous table stays. (The record callback cannot throw: a reader may call
        // it from inside a C parser.)
        if (records > hooks.max_rows)
            throw SourceError(core::Message("datastore.load.too_many_rows",
                                            {{"max", Thousands(hooks.max_rows)}}));
        if (bytes > hooks.max_bytes)
            throw SourceError(core::Message(
                "datastore.load.too_much_data",
                {{"mib", Thousands(hooks.max_bytes >> 20)}, {"rows", Thousands(records)}}));
        if (width > max_fields) throw too_wide();
    }
    for (const auto& n : source.Notes()) log(n, "warning");
    if (!have_first) throw SourceError(core::Message("datastore.load.no_rows"));
    if (width > max_fields) throw too_wide();
    TableScan scan;
    scan.header = !LooksLikeData(first, trackers);
    if (!scan.header) {
        log(core::Message("datastore.load.no_header"));
        std::vector<TypeTracker> all(std::max(trackers.size(), first.size()));
        // Re-count with the first row as data: its values already fit the types found.
        for (size_t i = 0; i < all.size(); ++i) {
            if (i < trackers.size()) all[i] = trackers[i];
            if (i < first.size()) all[i].Add(first[i], 1);
        }
        trackers = std::move(all);
        ++records;
    }
    if (ragged > 0)
        log(core::Message("datastore.load.ragged", {{"count", Thousands(ragged)}}), "warning");
    if (trackers.size() < width) trackers.resize(width);

    // The fields: ids from the header, types from the data or fixed by the format.
    scan.ids = FieldIds(scan.header ? first : std::vector<std::string>{}, width);
    auto fixed = source.FixedTypes();
    for (size_t i = 0; i < width; ++i) {
        auto it = fixed.find(scan.ids[i]);
        scan.types.push_back(it != fixed.end() ? it->second : trackers[i].Decide());
    }
    scan.trackers = std::move(trackers);
    scan.records = records;
    return scan;
}

void ConvertRecord(const std::vector<Field>& fields, const std::vector<std::string>& record,
                   int64_t row_number, std::vector<std::optional<std::string>>& row) {
    static const std::string kMissing;
    for (size_t i = 0; i < fields.size(); ++i) {
        const std::string& raw = i < record.size() ? record[i] : kMissing;
        if (fields[i].type == FieldType::kText) {
            if (!raw.empty()) row[i] = raw;
            continue;
        }
        if (IsNullMarker(raw)) continue;
        auto value = Canonical(fields[i].type, raw);
        if (!value)
            throw SourceError(core::Message("datastore.load.bad_fixed_value",
                                            {{"row", std::to_string(row_number)},
                                             {"field", fields[i].id},
                                             {"value", raw.substr(0, 60)},
                                             {"type", TypeName(fields[i].type)}}));
        row[i] = std::move(value);
    }
}

LoadResult LoadTable(db::Database& datastore, const std::string& resource_id, TableSource& source,
                     const std::vector<Field>& dictionary, const LoadHooks& hooks) {
    auto log = [&](const std::string& m, const std::string& level = "info") {
        if (hooks.log) hooks.log(m, level);
    };
    auto total = static_cast<int64_t>(source.bytes_total()) * 2;
    auto progress = [&](int pass, const std::string& message) {
        if (hooks.progress)
            hooks.progress(static_cast<int64_t>(source.bytes_total()) * pass +
                               static_cast<int64_t>(source.bytes_done()),
                           total, message);
        if (hooks.check_cancelled) hooks.check_cancelled();
    };

    // Pass 1: the header and every column's type, over the whole file.
    TableScan scan = ScanTable(source, hooks, store::MaxFields(datastore.engine()));
    const bool header = scan.header;
    const int64_t records = scan.records;
    const auto& trackers = scan.trackers;

    // The fields: an editor's dictionary kept.
    std::map<std::string, const Field*> previous;
    for (const auto& f : dictionary) previous[f.id] = &f;
    std::vector<Field> fields;
    std::set<std::string> taken = {"_id", "_full_text"};
    for (size_t i = 0; i < scan.ids.size(); ++i) {
        Field f;
        f.id = scan.ids[i];
        f.type = scan.types[i];
        if (auto it = previous.find(f.id); it != previous.end()) {
            f.label = it->second->label;
            f.description = it->second->description;
            if (it->second->type_override) {
                f.type = it->second->type;
                f.type_override = true;
            }
        }
        f.column = store::ColumnName(datastore.engine(), f.id, taken);
        if (f.column != f.id) {
            if (f.label.empty()) f.label = f.id;
            log(core::Message("datastore.load.long_name", {{"field", f.id}, {"column", f.column}}));
        }
        if (!f.type_override)
            if (auto why = trackers[i].TextReason(f.id); !why.empty()) log(why, "warning");
        fields.push_back(std::move(f));
    }
    std::string types;
    for (const auto& f : fields)
        types += (types.empty() ? "" : ", ") + f.id + ": " + TypeName(f.type);
    log(core::Message("datastore.load.summary", {{"rows", Thousands(records)},
                                                 {"count", std::to_string(fields.size())},
                                                 {"types", types}}));

    // Pass 2: a staging table, loaded, indexed, then put in place of the old one.
    std::string staging = resource_id + "__" + core::RandomToken(6);
    int64_t loaded = 0;
    datastore.Write([&](db::Connection& c) {
        store::CreateTable(c, staging, fields, {});
        source.Rewind();
        std::deque<std::vector<std::string>> queue;
        bool exhausted = false, skipped_header = !header;
        int64_t row_number = header ? 1 : 0;  // records counted from the header as row 1
        auto push = [&](std::vector<std::string>& f) {
            if (!skipped_header) {
                skipped_header = true;
                return;
            }
            queue.push_back(std::move(f));
        };
        auto next = [&](std::vector<std::optional<std::string>>& row) {
            while (queue.empty() && !exhausted) {
                exhausted = !source.Step(push);
                progress(1, core::Message("datastore.load.progress_loading",
                                          {{"done", Thousands(row_number - (header ? 1 : 0))},
                                           {"rows", Thousands(records)}}));
            }
            if (queue.empty()) return false;
            std::vector<std::string> rec = std::move(queue.front());
            queue.pop_front();
            ++row_number;
            ConvertRecord(fields, rec, row_number, row);
            return true;
        };
        loaded = store::InsertRows(c, staging, fields, next);
        core::CrashPoint("datastore.load.rows_written");  // rows in the staging table, not swapped
        log(core::Message("datastore.load.indexing_text"));
        store::FinishLoad(c, staging);
        store::ReplaceTable(c, staging, resource_id);
        TableInfo info;
        if (auto old = store::FindTable(c, resource_id)) info = *old;
        info.resource_id = resource_id;
        info.fields = fields;
        info.rows = loaded;
        info.source = "file";
        info.primary_key.clear();
        store::SaveTable(c, info);
    });
    log(core::Message("datastore.load.searchable", {{"rows", Thousands(loaded)}}));
    // Then indexes for filters and sorts, on fields of short values, while the table already
    // answers (a failure here leaves a working, slower table).
    std::vector<bool> indexable;
    for (size_t i = 0; i < fields.size(); ++i)
        indexable.push_back(loaded > 1000 && trackers[i].max_bytes() <= 200);
    if (std::count(indexable.begin(), indexable.end(), true) > 0) {
        try {
            datastore.Write([&](db::Connection& c) {
                store::IndexColumns(c, resource_id, staging, fields, indexable);
            });
            log(core::Message(
                "datastore.load.indexed",
                {{"count", std::to_string(std::count(indexable.begin(), indexable.end(), true))}}));
        } catch (const std::exception& e) {
            log(core::Message("datastore.load.index_failed", {{"why", e.what()}}), "warning");
        }
    }
    return {loaded, fields, source.Bounds()};
}

}  // namespace govhub::datastore

#pragma once
// What the file-reader targets (csv, xlsx, ods, xls, kml, geojson, zip, json_source) share: the
// input becomes an uploaded file on disk, is opened the way the loader opens it, and then goes
// through both passes of a load without the database: ScanTable (header, types, the caps of
// --datastore-max-rows and --datastore-max-load-mib, the engine's column limit) and every record
// through ConvertRecord, as LoadTable would hand it to the insert. Nothing is kept per row, so
// memory stays what the readers themselves hold.
//
// Invariants (a __builtin_trap() is a finding):
//   - the scan stays within the caps and gives one unique field id and one type per column;
//   - the second pass reads the same number of records, none wider than the first pass found;
//   - every value of a typed column converts (the first pass saw it fit), so a load never fails
//     half-way on a value the scan accepted;
//   - every value the table would store is valid UTF-8 (SQLite would keep it, PostgreSQL and
//     the JSON API would fail on it).
#include <cpl_error.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <set>
#include <string>

#include "core/strings.hpp"
#include "opendata/datastore/loader.hpp"
#include "opendata/datastore/source.hpp"
#include "opendata/datastore/store.hpp"

namespace govhub::fuzz {

// The bytes as a file under /tmp, removed when it goes out of scope (long runs do not fill the
// disk). `suffix` only names it: every reader decides by content.
class TempFile {
  public:
    TempFile(const uint8_t* data, size_t size, const std::string& suffix) {
        static std::atomic<int> counter{0};
        path_ = "/tmp/govhub-fuzz-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
                suffix;
        FILE* f = std::fopen(path_.c_str(), "wb");
        if (!f) __builtin_trap();
        if (size && std::fwrite(data, 1, size, f) != size) __builtin_trap();
        std::fclose(f);
    }
    ~TempFile() { std::remove(path_.c_str()); }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

// Both passes of datastore::LoadTable over `source`, short of the database. Returns the rows
// the table would hold, or -1 when the scan refused the file (SourceError: the load's ordinary
// failure).
inline int64_t LoadWithoutDatabase(datastore::TableSource& source) {
    namespace ds = govhub::datastore;
    ds::LoadHooks hooks;  // its caps are the service's defaults (ServiceConfig)
    const size_t max_fields = ds::store::MaxFields(db::Engine::kSqlite);
    ds::TableScan scan;
    try {
        scan = ds::ScanTable(source, hooks, max_fields);
    } catch (const ds::SourceError&) {
        return -1;
    }
    const size_t width = scan.ids.size();
    if (width > max_fields || scan.types.size() != width || scan.trackers.size() < width)
        __builtin_trap();
    if (scan.records < 0 || scan.records > hooks.max_rows) __builtin_trap();
    if (std::set<std::string>(scan.ids.begin(), scan.ids.end()).size() != width) __builtin_trap();
    std::vector<ds::Field> fields(width);
    for (size_t i = 0; i < width; ++i) {
        fields[i].id = scan.ids[i];
        fields[i].type = scan.types[i];
        if (!core::IsValidUtf8(fields[i].id)) __builtin_trap();
    }

    // Pass 2, as LoadTable's insert reads it.
    int64_t rows = 0;
    bool skipped_header = !scan.header;
    std::vector<std::optional<std::string>> row;
    auto take = [&](std::vector<std::string>& record) {
        if (!skipped_header) {
            skipped_header = true;
            return;
        }
        ++rows;
        if (record.size() > width) __builtin_trap();
        row.assign(width, std::nullopt);
        try {
            ds::ConvertRecord(fields, record, rows + (scan.header ? 1 : 0), row);
        } catch (const ds::SourceError&) {
            __builtin_trap();  // a value the scan let through does not convert
        }
        for (const auto& v : row)
            if (v && !core::IsValidUtf8(*v)) __builtin_trap();
    };
    try {
        source.Rewind();
        while (source.Step(take)) {
        }
    } catch (const ds::SourceError&) {
        __builtin_trap();  // the file read once fails the second time: the load would fail late
    }
    if (rows != scan.records) __builtin_trap();
    if (auto b = source.Bounds())
        if (!(b->west <= b->east && b->south <= b->north)) __builtin_trap();
    return rows;
}

// A geographic file (KML, GeoJSON) through the loader's OpenGeo and both passes; files GDAL
// cannot open, without layers or without a way to WGS 84 are the reader's ordinary refusals.
inline void LoadGeoWithoutDatabase(const uint8_t* data, size_t size, const char* suffix) {
    // GDAL's messages are still recorded for the load's errors (CPLGetLastErrorMsg); only their
    // printing to stderr is skipped.
    static const bool quiet = (CPLSetErrorHandler(CPLQuietErrorHandler), true);
    (void)quiet;
    TempFile file(data, size, suffix);
    std::unique_ptr<datastore::TableSource> source;
    try {
        source = datastore::OpenGeo(file.path(), "", "");
    } catch (const datastore::SourceError&) {
        return;
    }
    LoadWithoutDatabase(*source);
}

}  // namespace govhub::fuzz

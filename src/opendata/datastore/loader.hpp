#pragma once
// Loads a tabular file into a resource's datastore table, atomically: one pass decides the
// header and every column's type over the whole file, a second loads a staging table, which
// then takes the old table's place in one transaction. A failure anywhere leaves the previous
// table, its data dictionary and its API exactly as they were.
#include <functional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "opendata/datastore/model.hpp"
#include "opendata/datastore/source.hpp"

namespace govhub::datastore {

struct LoadHooks {
    // Progress in bytes of work (two passes over the file) and a short message.
    std::function<void(int64_t done, int64_t total, const std::string& message)> progress;
    std::function<void(const std::string& message, const std::string& level)> log;
    // Throws to stop (a cancelled job); called between pieces of the file.
    std::function<void()> check_cancelled;
    // A file that decompresses to more than this (the bytes of its values) or holds more rows
    // is refused before anything is written: a 400 KB workbook can hold millions of rows.
    int64_t max_bytes = int64_t{2} << 30;
    int64_t max_rows = 50'000'000;
};

struct LoadResult {
    int64_t rows = 0;
    std::vector<Field> fields;
    std::optional<BoundingBox> bounds;  // geodata's extent
};

// Pass 1, the part of a load that only reads: the header and every column's type over the
// whole file, within `hooks`' caps (rows, bytes of values) and `max_fields` columns (the
// engine's). Logs what it finds through `hooks`. Throws SourceError.
struct TableScan {
    std::vector<std::string> ids;  // field ids, one per column
    std::vector<FieldType> types;  // decided over every value (the format's fixed types win)
    std::vector<TypeTracker> trackers;
    bool header = true;   // whether the first record is a header row (false: it is data)
    int64_t records = 0;  // data rows
};
TableScan ScanTable(TableSource& source, const LoadHooks& hooks, size_t max_fields);

// Pass 2's step for one record: its values as the row the table stores (typed values in their
// canonical text, null markers and missing cells as NULL). `row` has one slot per field.
// Throws SourceError when a value does not fit its field's type (`row_number` counts the
// header as row 1).
void ConvertRecord(const std::vector<Field>& fields, const std::vector<std::string>& record,
                   int64_t row_number, std::vector<std::optional<std::string>>& row);

// `dictionary`: the fields of the table being replaced; an editor's labels, descriptions and
// fixed types carry over to fields of the same id. Throws SourceError (the file) or
// std::runtime_error with a message for the publisher.
LoadResult LoadTable(db::Database& datastore, const std::string& resource_id, TableSource& source,
                     const std::vector<Field>& dictionary, const LoadHooks& hooks);

// Field ids from a header row: trimmed, a leading underscore dropped (CKAN reserves them),
// blanks named field_N, duplicates numbered; Thai kept whole.
std::vector<std::string> FieldIds(const std::vector<std::string>& header, size_t width);

}  // namespace govhub::datastore

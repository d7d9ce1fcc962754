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

// `dictionary`: the fields of the table being replaced; an editor's labels, descriptions and
// fixed types carry over to fields of the same id. Throws SourceError (the file) or
// std::runtime_error with a message for the publisher.
LoadResult LoadTable(db::Database& datastore, const std::string& resource_id, TableSource& source,
                     const std::vector<Field>& dictionary, const LoadHooks& hooks);

// Field ids from a header row: trimmed, a leading underscore dropped (CKAN reserves them),
// blanks named field_N, duplicates numbered; Thai kept whole.
std::vector<std::string> FieldIds(const std::vector<std::string>& header, size_t width);

}  // namespace govhub::datastore

// An uploaded .xlsx workbook (spreadsheet_source.cpp): the zip read through libarchive with the
// inflated-size cap, then expat over workbook.xml, its relationships, sharedStrings.xml,
// styles.xml and the chosen sheet (nesting at most 256, no DOCTYPE or entities), every row
// through both passes of a load (table_source_fuzz.hpp). When the workbook has several sheets,
// the last one is loaded too, chosen by name as a load with "sheet" in its payload chooses it.
#include "fuzz_target.hpp"
#include "opendata/datastore/source.hpp"
#include "table_source_fuzz.hpp"

GOVHUB_FUZZ_TARGET(xlsx) {
    namespace ds = govhub::datastore;
    govhub::fuzz::TempFile file(data, size, ".xlsx");
    std::unique_ptr<ds::TableSource> source;
    try {
        source = ds::OpenXlsx(file.path(), "");
    } catch (const ds::SourceError&) {
        return;  // not a workbook, damaged, a bomb, too deep, a DOCTYPE, no such sheet
    }
    auto sheets = source->Sheets();
    govhub::fuzz::LoadWithoutDatabase(*source);
    // Another sheet, chosen by name.
    if (sheets.size() > 1) {
        try {
            auto other = ds::OpenXlsx(file.path(), sheets.back());
            govhub::fuzz::LoadWithoutDatabase(*other);
        } catch (const ds::SourceError&) {
        }
    }
}

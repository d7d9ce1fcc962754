// An uploaded .ods spreadsheet (spreadsheet_source.cpp): the zip read through libarchive with
// the inflated-size cap, content.xml through expat twice (the sheet names, then the chosen
// table; nesting at most 256, no DOCTYPE or entities), with OpenDocument's repeated rows and
// columns and text:s spaces, every row through both passes of a load (table_source_fuzz.hpp).
// When the document has several tables, the last one is loaded too, chosen by name.
#include "fuzz_target.hpp"
#include "opendata/datastore/source.hpp"
#include "table_source_fuzz.hpp"

GOVHUB_FUZZ_TARGET(ods) {
    namespace ds = govhub::datastore;
    govhub::fuzz::TempFile file(data, size, ".ods");
    std::unique_ptr<ds::TableSource> source;
    try {
        source = ds::OpenOds(file.path(), "");
    } catch (const ds::SourceError&) {
        return;  // not a spreadsheet, damaged, a bomb, too deep, a DOCTYPE
    }
    auto sheets = source->Sheets();
    govhub::fuzz::LoadWithoutDatabase(*source);
    // Another sheet, chosen by name.
    if (sheets.size() > 1) {
        try {
            auto other = ds::OpenOds(file.path(), sheets.back());
            govhub::fuzz::LoadWithoutDatabase(*other);
        } catch (const ds::SourceError&) {
        }
    }
}

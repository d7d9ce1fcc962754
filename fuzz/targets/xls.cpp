// An uploaded legacy .xls workbook (xls_source.cpp, FreeXL in the govhub-sandbox child process,
// beside this binary): the OLE2 container and BIFF
// records, the sheet names and dimensions, every cell by type (numbers, dates as ISO text, shared
// strings decoded from the workbook's code page, cp874 for Thai), every row through both passes
// of a load (table_source_fuzz.hpp). OpenTable sends a file here when it starts with the OLE2
// signature, whatever its name. FreeXL itself is not instrumented (a system library) and runs in
// the child, so what this finds is what reaches the server: a crash or leak in the reading of
// the child's answer, and FreeXL's memory or time past the child's limits.
#include "fuzz_target.hpp"
#include "opendata/datastore/source.hpp"
#include "table_source_fuzz.hpp"

GOVHUB_FUZZ_TARGET(xls) {
    namespace ds = govhub::datastore;
    govhub::fuzz::TempFile file(data, size, ".xls");
    std::unique_ptr<ds::TableSource> source;
    try {
        source = ds::OpenXls(file.path(), "");
    } catch (const ds::SourceError&) {
        return;  // not an xls, no sheets, an unreadable sheet
    }
    govhub::fuzz::LoadWithoutDatabase(*source);
}

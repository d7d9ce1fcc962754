// An uploaded zip archive, opened the way the loader opens any file (OpenTable by content): the
// entries listed through libarchive (ZipEntryEnding, the inflated-size cap), a zipped Shapefile
// handed to GDAL through /vsizip/ (entry names that climb out with ".." or start with "/" are
// refused), otherwise an .xlsx workbook, otherwise an .ods spreadsheet; every row through both
// passes of a load (table_source_fuzz.hpp). Nested zips, many entries, bombs (the cap), path
// names are what its seeds hold.
#include <cpl_error.h>

#include "fuzz_target.hpp"
#include "opendata/datastore/source.hpp"
#include "table_source_fuzz.hpp"

GOVHUB_FUZZ_TARGET(zip) {
    namespace ds = govhub::datastore;
    static const bool quiet = (CPLSetErrorHandler(CPLQuietErrorHandler), true);
    (void)quiet;
    govhub::fuzz::TempFile file(data, size, ".zip");
    // The entry lookup on its own: what it returns is an entry of the archive, or "".
    try {
        for (const char* suffix : {".shp", ".xml", ".csv"}) {
            std::string name = ds::ZipEntryEnding(file.path(), suffix);
            if (!name.empty() && name.size() < std::string(suffix).size()) __builtin_trap();
        }
    } catch (const ds::SourceError&) {
    }
    // The format a publisher gives a zipped upload; "xlsx" and "ods" change which reader is
    // tried first.
    static const char* const kFormats[] = {"zip", "shp", "xlsx", "ods"};
    std::unique_ptr<ds::TableSource> source;
    try {
        source = ds::OpenTable(file.path(), kFormats[size % 4], "");
    } catch (const ds::SourceError&) {
        return;
    }
    govhub::fuzz::LoadWithoutDatabase(*source);
}

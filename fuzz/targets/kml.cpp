// An uploaded KML file (geo_source.cpp): GDAL/OGR opened with the loader's driver list and
// options (no network; OpenTable sends a file here when its start holds "<kml"), every
// feature a row of its attributes and its geometry as GeoJSON in WGS 84, reprojected when the
// layer has another CRS, the layer's extent kept; every row through both passes of a load
// (table_source_fuzz.hpp), and the extent must be a box.
#include <cpl_error.h>

#include "fuzz_target.hpp"
#include "opendata/datastore/source.hpp"
#include "table_source_fuzz.hpp"

GOVHUB_FUZZ_TARGET(kml) {
    namespace ds = govhub::datastore;
    // GDAL's messages are still recorded for the load's errors (CPLGetLastErrorMsg); only their
    // printing to stderr is skipped.
    static const bool quiet = (CPLSetErrorHandler(CPLQuietErrorHandler), true);
    (void)quiet;
    govhub::fuzz::TempFile file(data, size, ".kml");
    std::unique_ptr<ds::TableSource> source;
    try {
        source = ds::OpenGeo(file.path(), "", "");
    } catch (const ds::SourceError&) {
        return;  // GDAL cannot open it, no layers, no way to WGS 84
    }
    govhub::fuzz::LoadWithoutDatabase(*source);
}

// An uploaded KML file (geo_source.cpp): GDAL/OGR opened with the loader's driver list and
// options (no network; OpenTable sends a file here when its start holds "<kml"), every
// feature a row of its attributes and its geometry as GeoJSON in WGS 84, reprojected when the
// layer has another CRS, the layer's extent kept; every row through both passes of a load
// (table_source_fuzz.hpp), and the extent must be a box.
#include "fuzz_target.hpp"
#include "table_source_fuzz.hpp"

GOVHUB_FUZZ_TARGET(kml) {
    govhub::fuzz::LoadGeoWithoutDatabase(data, size, ".kml");
}

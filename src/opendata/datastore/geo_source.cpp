// Geodata (GeoJSON, a zipped Shapefile, KML, GeoPackage) through GDAL/OGR: each feature is a
// row of its attributes and a "geometry" field (GeoJSON, in WGS 84 longitude/latitude), and
// the layer's bounding box is kept for the dataset's metadata. Every GDAL error is checked: a
// read that stops part-way fails the load instead of passing as a shorter table. GDAL's headers
// stay in this one file.
#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <cmath>
#include <memory>
#include <mutex>
#include <type_traits>

#include "core/i18n.hpp"
#include "core/text_encoding.hpp"
#include "opendata/datastore/source.hpp"

namespace govhub::datastore {

namespace {

void InitGdal() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        // No network, no surprises: GDAL reads only the file it is given.
        CPLSetConfigOption("GDAL_HTTP_TIMEOUT", "1");
        CPLSetConfigOption("CPL_VSIL_CURL_ALLOWED_EXTENSIONS", "none");
        CPLSetConfigOption("OGR_GEOJSON_MAX_OBJ_SIZE", "0");
    });
}

std::string LastError(const std::string& fallback) {
    const char* msg = CPLGetLastErrorMsg();
    return msg && *msg ? msg : fallback;
}

// A GDAL handle freed by its owner's destruction, also when the constructor that made it throws
// (a layer whose coordinates cannot become WGS 84 leaked its open dataset and spatial reference
// before; found by the zip fuzz target).
template <auto Free>
struct GdalFree {
    template <typename T>
    void operator()(T* p) const {
        Free(p);
    }
};
template <typename H, auto Free>
using GdalHandle = std::unique_ptr<std::remove_pointer_t<H>, GdalFree<Free>>;

class GeoSource : public TableSource {
  public:
    GeoSource(const std::string& path, const std::string& inner, const std::string& layer_name)
        : path_(inner.empty() ? path : "/vsizip/" + path + "/" + inner) {
        InitGdal();
        CPLErrorReset();
        const char* drivers[] = {"GeoJSON", "ESRI Shapefile", "KML", "LIBKML", "GPKG", nullptr};
        ds_.reset(static_cast<std::remove_pointer_t<GDALDatasetH>*>(GDALOpenEx(
            path_.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, nullptr, nullptr)));
        if (!ds_)
            throw SourceError(core::Message("datastore.load.geo_unreadable",
                                            {{"why", LastError("GDAL cannot open it")}}));
        int layers = GDALDatasetGetLayerCount(ds_.get());
        for (int i = 0; i < layers; ++i)
            layer_names_.push_back(
                core::ValidUtf8(OGR_L_GetName(GDALDatasetGetLayer(ds_.get(), i))));
        if (layers == 0) throw SourceError(core::Message("datastore.load.geo_no_layers"));
        layer_ = layer_name.empty() ? GDALDatasetGetLayer(ds_.get(), 0)
                                    : GDALDatasetGetLayerByName(ds_.get(), layer_name.c_str());
        if (!layer_)
            throw SourceError(
                core::Message("datastore.load.geo_no_layer", {{"layer", layer_name}}));
        OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer_);
        for (int i = 0; i < OGR_FD_GetFieldCount(defn); ++i)
            header_.push_back(core::ValidUtf8(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i))));
        header_.emplace_back("geometry");
        // Everything becomes WGS 84 longitude/latitude, as GeoJSON and web maps expect.
        OGRSpatialReferenceH src = OGR_L_GetSpatialRef(layer_);
        if (src) {
            wgs84_.reset(static_cast<std::remove_pointer_t<OGRSpatialReferenceH>*>(
                OSRNewSpatialReference(nullptr)));
            OSRSetWellKnownGeogCS(wgs84_.get(), "WGS84");
            OSRSetAxisMappingStrategy(wgs84_.get(), OAMS_TRADITIONAL_GIS_ORDER);
            if (!OSRIsSame(src, wgs84_.get())) {
                transform_.reset(static_cast<std::remove_pointer_t<OGRCoordinateTransformationH>*>(
                    OCTNewCoordinateTransformation(src, wgs84_.get())));
                if (!transform_) throw SourceError(core::Message("datastore.load.geo_no_wgs84"));
            }
        }
        expected_ = OGR_L_GetFeatureCount(layer_, 0);  // -1 when the driver would have to count
    }

    void Rewind() override {
        OGR_L_ResetReading(layer_);
        header_sent_ = false;
        done_ = false;
        read_ = 0;
        west_ = south_ = INFINITY;
        east_ = north_ = -INFINITY;
    }

    bool Step(const core::RecordFn& record) override {
        if (done_) return false;
        if (!header_sent_) {
            std::vector<std::string> h = header_;
            record(h);
            header_sent_ = true;
        }
        std::vector<std::string> row;
        for (int n = 0; n < 500; ++n) {
            CPLErrorReset();
            OGRFeatureH f = OGR_L_GetNextFeature(layer_);
            if (!f) {
                if (CPLGetLastErrorType() >= CE_Failure)
                    throw SourceError(core::Message("datastore.load.geo_partial",
                                                    {{"why", LastError("read error")}}));
                if (expected_ >= 0 && read_ != expected_)
                    throw SourceError(core::Message("datastore.load.geo_short",
                                                    {{"expected", std::to_string(expected_)},
                                                     {"read", std::to_string(read_)}}));
                done_ = true;
                return false;
            }
            ++read_;
            row.clear();
            int fields = OGR_F_GetFieldCount(f);
            // GDAL hands over a file's bytes as they are, declared UTF-8 or not.
            for (int i = 0; i < fields; ++i)
                row.push_back(OGR_F_IsFieldSetAndNotNull(f, i)
                                  ? core::ValidUtf8(OGR_F_GetFieldAsString(f, i))
                                  : std::string());
            OGRGeometryH g = OGR_F_GetGeometryRef(f);
            std::string geojson;
            if (g) {
                if (transform_ && OGR_G_Transform(g, transform_.get()) != OGRERR_NONE) {
                    OGR_F_Destroy(f);
                    throw SourceError(core::Message("datastore.load.geo_feature_wgs84",
                                                    {{"feature", std::to_string(read_)}}));
                }
                OGREnvelope env;
                OGR_G_GetEnvelope(g, &env);
                west_ = std::min(west_, env.MinX);
                east_ = std::max(east_, env.MaxX);
                south_ = std::min(south_, env.MinY);
                north_ = std::max(north_, env.MaxY);
                if (char* json = OGR_G_ExportToJson(g)) {
                    geojson = json;
                    CPLFree(json);
                }
            }
            row.push_back(geojson);
            OGR_F_Destroy(f);
            if (CPLGetLastErrorType() >= CE_Failure)
                throw SourceError(core::Message(
                    "datastore.load.geo_damaged",
                    {{"feature", std::to_string(read_)}, {"why", LastError("read error")}}));
            record(row);
        }
        return true;
    }

    uint64_t bytes_total() const override {
        return static_cast<uint64_t>(std::max<int64_t>(1, expected_));
    }
    uint64_t bytes_done() const override { return static_cast<uint64_t>(read_); }
    std::string Describe() const override {
        std::string driver = GDALGetDriverShortName(GDALGetDatasetDriver(ds_.get()));
        std::string layer = OGR_L_GetName(layer_);
        return transform_
                   ? core::Message("datastore.load.geo_reprojected",
                                   {{"driver", driver}, {"layer", layer}})
                   : core::Message("datastore.load.geo", {{"driver", driver}, {"layer", layer}});
    }
    std::vector<std::string> Sheets() const override {
        return layer_names_.size() > 1 ? layer_names_ : std::vector<std::string>{};
    }
    std::map<std::string, FieldType> FixedTypes() const override {
        return {{"geometry", FieldType::kJson}};
    }
    std::optional<BoundingBox> Bounds() const override {
        if (!std::isfinite(west_)) return std::nullopt;
        return BoundingBox{west_, east_, south_, north_};
    }

  private:
    std::string path_;
    // Freed in reverse order: the transformation, the reference, then the dataset.
    GdalHandle<GDALDatasetH, GDALClose> ds_;
    OGRLayerH layer_ = nullptr;  // the dataset's own
    GdalHandle<OGRSpatialReferenceH, OSRDestroySpatialReference> wgs84_;
    GdalHandle<OGRCoordinateTransformationH, OCTDestroyCoordinateTransformation> transform_;
    std::vector<std::string> header_, layer_names_;
    int64_t expected_ = -1, read_ = 0;
    bool header_sent_ = false, done_ = false;
    double west_ = INFINITY, east_ = -INFINITY, south_ = INFINITY, north_ = -INFINITY;
};

}  // namespace

std::unique_ptr<TableSource> OpenGeo(const std::string& path, const std::string& inner,
                                     const std::string& layer) {
    if (inner.find("..") != std::string::npos || (!inner.empty() && inner[0] == '/'))
        throw SourceError(core::Message("datastore.load.archive_escape"));
    auto s = std::make_unique<GeoSource>(path, inner, layer);
    s->Rewind();
    return s;
}

}  // namespace govhub::datastore

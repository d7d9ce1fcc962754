// Geodata and JSON arrays as tables: a zipped Shapefile in UTM comes out in WGS 84 with its
// bounding box, GeoJSON and KML keep their attributes, and damaged files fail clearly.
#include <archive.h>
#include <archive_entry.h>
#include <cpl_string.h>
#include <gdal.h>
#include <gtest/gtest.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "opendata/datastore/source.hpp"

namespace govhub::datastore {
namespace {

namespace fs = std::filesystem;

fs::path Dir() {
    auto d = fs::temp_directory_path() / ("govhub-geo-" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
}

std::vector<std::vector<std::string>> All(TableSource& s) {
    std::vector<std::vector<std::string>> out;
    s.Rewind();
    while (s.Step([&](std::vector<std::string>& f) { out.push_back(f); })) {
    }
    return out;
}

void Write(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
}

// A Shapefile of two points in UTM zone 47N (EPSG:32647), zipped as agencies publish them.
std::string ZippedShapefile() {
    GDALAllRegister();
    fs::path dir = Dir() / "shp";
    fs::remove_all(dir);
    fs::create_directories(dir);
    GDALDriverH drv = GDALGetDriverByName("ESRI Shapefile");
    GDALDatasetH ds = GDALCreate(drv, (dir / "schools.shp").c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    OGRSpatialReferenceH utm = OSRNewSpatialReference(nullptr);
    OSRImportFromEPSG(utm, 32647);
    char** opts = CSLSetNameValue(nullptr, "ENCODING", "UTF-8");
    OGRLayerH layer = GDALDatasetCreateLayer(ds, "schools", utm, wkbPoint, opts);
    CSLDestroy(opts);
    OGRFieldDefnH name = OGR_Fld_Create("name", OFTString);
    OGR_L_CreateField(layer, name, 1);
    OGR_Fld_Destroy(name);
    OGRFieldDefnH pupils = OGR_Fld_Create("pupils", OFTInteger);
    OGR_L_CreateField(layer, pupils, 1);
    OGR_Fld_Destroy(pupils);
    struct P {
        const char* name;
        int pupils;
        double x, y;
    } points[] = {{"โรงเรียนยุพราชวิทยาลัย", 3200, 498000, 2076000},
                  {"โรงเรียนมงฟอร์ตวิทยาลัย", 4100, 500500, 2078500}};
    for (const auto& p : points) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
        OGR_F_SetFieldString(f, 0, p.name);
        OGR_F_SetFieldInteger(f, 1, p.pupils);
        OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(g, 0, p.x, p.y);
        OGR_F_SetGeometry(f, g);
        OGR_G_DestroyGeometry(g);
        EXPECT_EQ(OGR_L_CreateFeature(layer, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    OSRDestroySpatialReference(utm);
    GDALClose(ds);
    std::string zip = (Dir() / "schools.zip").string();
    archive* a = archive_write_new();
    archive_write_set_format_zip(a);
    archive_write_open_filename(a, zip.c_str());
    for (const auto& entry : fs::directory_iterator(dir)) {
        std::ifstream in(entry.path(), std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), {});
        archive_entry* e = archive_entry_new();
        archive_entry_set_pathname(e, ("schools/" + entry.path().filename().string()).c_str());
        archive_entry_set_size(e, static_cast<la_int64_t>(bytes.size()));
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_write_header(a, e);
        archive_write_data(a, bytes.data(), bytes.size());
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    return zip;
}

TEST(GeoSource, AZippedShapefileInUtmComesOutInWgs84) {
    auto s = OpenTable(ZippedShapefile(), "SHP", "");
    auto rows = All(*s);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0], (std::vector<std::string>{"name", "pupils", "geometry"}));
    EXPECT_EQ(rows[1][0], "โรงเรียนยุพราชวิทยาลัย");
    EXPECT_EQ(rows[1][1], "3200");
    auto g = nlohmann::json::parse(rows[1][2]);
    EXPECT_EQ(g["type"], "Point");
    double lon = g["coordinates"][0], lat = g["coordinates"][1];
    EXPECT_NEAR(lon, 98.98, 0.05);  // Chiang Mai
    EXPECT_NEAR(lat, 18.77, 0.05);
    auto box = s->Bounds();
    ASSERT_TRUE(box);
    EXPECT_LT(box->west, box->east);
    EXPECT_LT(box->south, box->north);
    EXPECT_NEAR(box->north, 18.79, 0.05);
    EXPECT_EQ(s->FixedTypes().at("geometry"), FieldType::kJson);
}

TEST(GeoSource, GeoJsonAndKml) {
    fs::path gj = Dir() / "parks.geojson";
    Write(gj, R"({"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"ชื่อ":"สวนลุมพินี","ไร่":360},"geometry":{"type":"Point","coordinates":[100.5418,13.7306]}},
      {"type":"Feature","properties":{"ชื่อ":"สวนจตุจักร","ไร่":155},"geometry":{"type":"Polygon","coordinates":[[[100.55,13.80],[100.56,13.80],[100.56,13.81],[100.55,13.80]]]}}]})");
    auto s = OpenTable(gj.string(), "GeoJSON", "");
    auto rows = All(*s);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0][0], "ชื่อ");
    EXPECT_EQ(rows[2][0], "สวนจตุจักร");
    EXPECT_NE(rows[2].back().find("Polygon"), std::string::npos);
    EXPECT_NEAR(s->Bounds()->east, 100.56, 1e-6);

    fs::path kml = Dir() / "stations.kml";
    Write(kml, R"(<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>สถานีดอยอินทนนท์</name><Point><coordinates>98.4867,18.5883,0</coordinates></Point></Placemark>
<Placemark><name>สถานีภูเก็ต</name><Point><coordinates>98.3167,8.1333,0</coordinates></Point></Placemark>
</Document></kml>)");
    auto k = OpenTable(kml.string(), "KML", "");
    auto krows = All(*k);
    ASSERT_EQ(krows.size(), 3u);
    EXPECT_EQ(krows[1][0], "สถานีดอยอินทนนท์");
    EXPECT_NEAR(k->Bounds()->south, 8.1333, 1e-3);
}

TEST(GeoSource, DamagedGeodataFailsInsteadOfLoadingPart) {
    fs::path cut = Dir() / "cut.geojson";
    Write(
        cut,
        R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"a":1},"geometry":{"type":"Point","coordinates":[100.5,13.7]}},{"type":"Feat)");
    EXPECT_THROW(
        {
            auto s = OpenTable(cut.string(), "GeoJSON", "");
            All(*s);
        },
        SourceError);
}

TEST(JsonArray, ObjectsBecomeRowsWithEveryKey) {
    fs::path p = Dir() / "rows.json";
    std::string text = "[";
    for (int i = 0; i < 3000; ++i)
        text += std::string(i ? "," : "") + "{\"ลำดับ\": " + std::to_string(i) +
                ", \"ชื่อ\": \"แถว \\\"" + std::to_string(i) + "\\\" [x]\"" +
                (i == 2999 ? ", \"หมายเหตุ\": {\"a\": [1, 2]}" : "") + "}";
    text += "]";
    Write(p, text);
    auto s = OpenTable(p.string(), "JSON", "");
    auto rows = All(*s);
    ASSERT_EQ(rows.size(), 3001u);
    EXPECT_EQ(rows[0], (std::vector<std::string>{"ลำดับ", "ชื่อ", "หมายเหตุ"}));  // every key
    EXPECT_EQ(rows[1], (std::vector<std::string>{"0", "แถว \"0\" [x]", ""}));
    EXPECT_EQ(rows[3000][2], "{\"a\":[1,2]}");
    Write(p, "[{\"a\": 1}, {\"a\": ");
    EXPECT_THROW(
        {
            auto t = OpenTable(p.string(), "JSON", "");
            All(*t);
        },
        SourceError);
    Write(p, "[1, 2, 3]");
    EXPECT_THROW(OpenTable(p.string(), "JSON", ""), SourceError);
    fs::remove_all(Dir());
}

// Found by fuzz/targets/geojson (corpus: invalid-utf8.geojson): GDAL passed a property's
// invalid UTF-8 through to the table (PostgreSQL refuses it, the JSON API cannot write it).
TEST(Geo, InvalidUtf8InAttributesBecomesReplacementCharacters) {
    fs::path p = Dir() / "bad-utf8.geojson";
    Write(p,
          "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
          "\"properties\":{\"n\xff\":\"a\xfe\xe0\xb8\",\"ok\":\"\xe0\xb8\x81\"},"
          "\"geometry\":{\"type\":\"Point\",\"coordinates\":[100,13]}}]}");
    auto s = OpenTable(p.string(), "geojson", "");
    auto rows = All(*s);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0][0], "n\uFFFD");
    EXPECT_EQ(rows[1][0], "a\uFFFD\uFFFD\uFFFD");
    EXPECT_EQ(rows[1][1], "\u0E01");
}

}  // namespace
}  // namespace govhub::datastore

#include "opendata/views/demo.hpp"

#include "core/error.hpp"

namespace govhub::views {

int SeedDemo(ViewService& views, datastore::DatastoreService& ds, catalog::CatalogService& catalog,
             const accounts::Principal& admin) {
    accounts::Caller caller{.principal = &admin};
    struct DemoView {
        const char* dataset;
        Json view;
    };
    const DemoView demo[] = {
        {"population-bangkok-district",
         {{"view_type", "chart_view"},
          {"title", "ประชากรรวมรายเขต"},
          {"description", "จำนวนประชากรรวมชายและหญิงของแต่ละเขต"},
          {"chart_type", "bar"},
          {"x", "เขต"},
          {"y", "รวม"},
          {"aggregate", "sum"},
          {"order", "value"}}},
        {"daily-rainfall-stations",
         {{"view_type", "map_view"},
          {"title", "แผนที่สถานีตรวจวัดปริมาณน้ำฝน"},
          {"description", "ปริมาณฝนสะสม 24 ชั่วโมงของแต่ละสถานี"},
          {"lat", "lat"},
          {"lon", "lon"},
          {"label", "สถานี"}}},
    };
    int created = 0;
    for (const auto& d : demo) {
        Json pkg;
        try {
            pkg = catalog.PackageShow(&admin, d.dataset);
        } catch (const HttpError&) {
            continue;  // the catalog demo was not seeded
        }
        if (!pkg["resources"].is_array() || pkg["resources"].empty()) continue;
        std::string rid = pkg["resources"][0]["id"];
        if (!ds.TableOf(&admin, rid)) ds.LoadNow(rid);
        if (!views.ForResource(&admin, rid).empty()) continue;
        Json v = d.view;
        v["resource_id"] = rid;
        views.Create(&admin, v, caller);
        ++created;
    }
    return created;
}

}  // namespace govhub::views

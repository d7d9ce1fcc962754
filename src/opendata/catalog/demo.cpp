#include "opendata/catalog/demo.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/crypto.hpp"

namespace govhub::catalog {

namespace {

bool Exists(const std::function<void()>& show) {
    try {
        show();
        return true;
    } catch (const HttpError& e) {
        if (e.status() == 404) return false;
        throw;
    }
}

Json Common(const std::string& org) {
    return {{"owner_org", org},
            {"maintainer", "ศูนย์ข้อมูล"},
            {"maintainer_email", "data@example.go.th"},
            {"objective", Json::array({"เพื่อการให้บริการประชาชน"})},
            {"update_frequency_unit", "ปี"},
            {"geo_coverage", "ประเทศ"},
            {"data_format", Json::array({"CSV"})},
            {"data_category", "ข้อมูลสาธารณะ"},
            {"license_id", "cc-by"},
            {"data_language", Json::array({"ไทย"})}};
}

}  // namespace

int SeedDemo(CatalogService& cat, const accounts::Principal& admin, const std::string& tmp_dir,
             const std::string& editor_name) {
    accounts::Caller caller{.principal = &admin};
    // A ministry with its departments, and agencies under no ministry (the guide's "อื่น ๆ").
    struct Org {
        const char *name, *title, *title_en, *kind, *parent, *description;
    };
    const Org orgs[] = {
        {"mof", "กระทรวงการคลัง", "Ministry of Finance", "ministry", "", "ดูแลการเงินการคลังของประเทศ"},
        {"cgd", "กรมบัญชีกลาง", "The Comptroller General's Department", "department", "mof",
         "บริหารงบประมาณรายจ่ายและการเบิกจ่ายภาครัฐ"},
        {"moi", "กระทรวงมหาดไทย", "Ministry of Interior", "ministry", "",
         "ดูแลการปกครองส่วนภูมิภาคและท้องถิ่น"},
        {"dopa", "กรมการปกครอง", "Department of Provincial Administration", "department", "moi",
         "ทะเบียนราษฎร์และการปกครองท้องที่"},
        {"mdes", "กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม", "Ministry of Digital Economy and Society",
         "ministry", "", "ขับเคลื่อนเศรษฐกิจและสังคมดิจิทัล"},
        {"nso", "สำนักงานสถิติแห่งชาติ", "National Statistical Office", "department", "mdes",
         "ผลิตและเผยแพร่สถิติทางการของประเทศ"},
        {"tmd", "กรมอุตุนิยมวิทยา", "Thai Meteorological Department", "department", "mdes",
         "ข้อมูลอากาศและภูมิอากาศ"},
        {"dga", "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)",
         "Digital Government Development Agency (Public Organization)", "other", "",
         "ส่งเสริมและพัฒนารัฐบาลดิจิทัล"},
    };
    for (const auto& o : orgs) {
        if (Exists([&] { cat.OrganizationShow(&admin, o.name, false); })) continue;
        Json d = {{"name", o.name},
                  {"title", o.title},
                  {"title_en", o.title_en},
                  {"kind", o.kind},
                  {"description", o.description}};
        if (*o.parent) d["parent"] = o.parent;
        cat.OrganizationCreate(&admin, d, caller);
    }
    const std::pair<const char*, const char*> groups[] = {
        {"category01", "แผนแม่บทภายใต้ยุทธศาสตร์ชาติ"},
        {"category02", "ประเด็นการพัฒนา"},
        {"category03", "ด้านกายภาพ"},
        {"category04", "ด้านเศรษฐกิจ"},
        {"category05", "ด้านสังคมและความมั่นคง"},
        {"category06", "ด้านทรัพยากรธรรมชาติและสิ่งแวดล้อม"},
        {"category07", "อื่น ๆ"}};
    const char* group_names[] = {"strategy", "development", "physical", "economy",
                                 "society",  "environment", "others"};
    for (size_t i = 0; i < 7; ++i) {
        if (Exists([&] { cat.GroupShow(group_names[i]); })) continue;
        cat.GroupCreate(
            &admin,
            {{"name", group_names[i]}, {"title", groups[i].second}, {"category", groups[i].first}},
            caller);
    }
    if (!editor_name.empty()) {
        try {
            cat.OrganizationMemberCreate(&admin, "dopa", editor_name, "editor", caller);
        } catch (const HttpError&) {
            // The demo editor is optional.
        }
    }

    struct DemoDataset {
        const char *name, *org, *title, *notes, *data_type, *group, *tags, *file, *csv;
    };
    const DemoDataset datasets[] = {
        {"population-bangkok-district", "dopa", "จำนวนประชากรกรุงเทพมหานคร จำแนกตามเขต",
         "จำนวนประชากรจากการทะเบียนราษฎร์ ณ วันที่ 31 ธันวาคม แยกตามเขตและเพศ", "ข้อมูลสถิติ", "society",
         "ประชากร,กรุงเทพมหานคร,ทะเบียนราษฎร์", "population-2566.csv",
         "เขต,ชาย,หญิง,รวม\nพระนคร,22914,24105,47019\nดุสิต,45017,47011,92028\nบางรัก,19652,22461,"
         "42113\n"},
        {"annual-budget-expenditure", "cgd", "งบประมาณรายจ่ายประจำปี จำแนกตามกระทรวง",
         "วงเงินงบประมาณรายจ่ายตามพระราชบัญญัติงบประมาณรายจ่ายประจำปี แยกตามกระทรวง (ล้านบาท)", "ข้อมูลสถิติ",
         "economy", "งบประมาณ,การคลัง", "budget-2569.csv",
         "กระทรวง,งบประมาณ "
         "(ล้านบาท)\nกระทรวงการคลัง,283462\nกระทรวงมหาดไทย,353123\nกระทรวงศึกษาธิการ,328988\n"},
        {"daily-rainfall-stations", "tmd", "ปริมาณน้ำฝนรายวัน จากสถานีตรวจอากาศ",
         "ปริมาณน้ำฝนสะสม 24 ชั่วโมง (มิลลิเมตร) ของสถานีตรวจอากาศทั่วประเทศ", "ข้อมูลระเบียน", "environment",
         "น้ำฝน,อากาศ,สถานีตรวจอากาศ", "rainfall.csv",
         "สถานี,จังหวัด,วันที่,ฝน (มม.),lat,lon\n"
         "กรุงเทพฯ,กรุงเทพมหานคร,2026-11-01,12.4,13.7278,100.5241\n"
         "เชียงใหม่,เชียงใหม่,2026-11-01,0.0,18.7717,98.9742\n"
         "ขอนแก่น,ขอนแก่น,2026-11-01,3.2,16.4333,102.8333\n"
         "สงขลา,สงขลา,2026-11-01,48.6,7.2000,100.6000\n"
         "ภูเก็ต,ภูเก็ต,2026-11-01,35.1,8.1333,98.3167\n"
         "อุบลราชธานี,อุบลราชธานี,2026-11-01,1.8,15.2500,104.8667\n"
         "พิษณุโลก,พิษณุโลก,2026-11-01,0.4,16.7833,100.2667\n"
         "ชลบุรี,ชลบุรี,2026-11-01,22.7,13.3667,100.9833\n"},
        {"labour-force-survey", "nso", "การสำรวจภาวะการทำงานของประชากร",
         "จำนวนผู้มีงานทำ ผู้ว่างงาน และกำลังแรงงาน จากการสำรวจรายไตรมาส", "ข้อมูลสถิติ", "society",
         "แรงงาน,การทำงาน,สถิติ", "labour.csv",
         "ไตรมาส,ผู้มีงานทำ (พันคน),ผู้ว่างงาน (พันคน)\n2569Q1,39512,398\n2569Q2,39804,377\n"},
    };
    int created = 0;
    for (const auto& ds : datasets) {
        if (Exists([&] { cat.PackageShow(&admin, ds.name); })) continue;
        Json d = Common(ds.org);
        d["name"] = ds.name;
        d["title"] = ds.title;
        d["notes"] = ds.notes;
        d["data_type"] = ds.data_type;
        d["data_source"] = "ระบบงานของหน่วยงาน";
        d["groups"] = Json::array({{{"name", ds.group}}});
        d["tag_string"] = ds.tags;
        if (std::string(ds.data_type) == "ข้อมูลสถิติ") d["unit_of_multiplier"] = "หน่วย";
        cat.PackageCreate(&admin, d, caller);
        std::filesystem::create_directories(tmp_dir);
        std::string tmp = tmp_dir + "/demo-" + core::NewUuid();
        std::ofstream(tmp, std::ios::binary) << ds.csv;
        UploadedFile up{tmp, ds.file, std::string(ds.csv).size(), [tmp](const std::string& dest) {
                            return std::rename(tmp.c_str(), dest.c_str()) == 0;
                        }};
        cat.ResourceCreate(&admin, {{"package_id", ds.name}, {"description", ds.notes}}, caller,
                           &up);
        ++created;
    }
    return created;
}

}  // namespace govhub::catalog

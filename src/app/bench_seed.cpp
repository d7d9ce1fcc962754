#include "app/bench_seed.hpp"

#include <chrono>
#include <iostream>
#include <random>

#include "opendata/catalog/service.hpp"

namespace govhub::app {

using catalog::Json;

double SeedBenchCatalog(catalog::CatalogService& cat, const accounts::Principal& admin,
                        int64_t count) {
    accounts::Caller caller{.principal = &admin};
    static const char* kSubjects[] = {
        "ประชากร",    "งบประมาณ", "น้ำฝน",     "การท่องเที่ยว", "โรงเรียน",  "โรงพยาบาล", "ถนน",
        "แรงงาน",     "เกษตรกร",  "ราคาสินค้า", "อุบัติเหตุ",     "ไฟฟ้า",     "น้ำประปา",   "ป่าไม้",
        "คุณภาพอากาศ", "ผู้สูงอายุ",   "นักเรียน",   "ภาษี",        "การส่งออก", "พลังงาน"};
    static const char* kQualifiers[] = {"รายจังหวัด", "รายเดือน",  "รายปี",         "จำแนกตามเพศ",
                                        "รายอำเภอ", "ทั่วประเทศ", "กรุงเทพมหานคร", "ภาคเหนือ",
                                        "ภาคใต้",    "รายไตรมาส"};
    static const char* kEnglish[] = {"statistics", "budget",    "weather", "tourism",     "schools",
                                     "health",     "transport", "labour",  "agriculture", "prices"};
    static const char* kFormats[] = {"CSV", "XLSX", "JSON", "PDF", "SHP"};
    static const char* kLicenses[] = {"cc-by", "cc-by-sa", "odc-by", "notspecified"};
    static const char* kTypes[] = {"ข้อมูลสถิติ", "ข้อมูลระเบียน", "ข้อมูลภูมิสารสนเทศเชิงพื้นที่"};
    static const char* kGroups[] = {"bench-g1", "bench-g2", "bench-g3", "bench-g4",
                                    "bench-g5", "bench-g6", "bench-g7"};
    std::mt19937 rng(2569);
    auto pick = [&](auto& arr) { return arr[rng() % (sizeof(arr) / sizeof(arr[0]))]; };
    for (int i = 0; i < 20; ++i) {
        try {
            cat.OrganizationCreate(&admin,
                                   {{"name", "bench-org-" + std::to_string(i)},
                                    {"title", "หน่วยงานทดสอบ " + std::to_string(i)}},
                                   caller);
        } catch (const HttpError&) {
        }
    }
    for (int i = 0; i < 7; ++i) {
        try {
            cat.GroupCreate(&admin,
                            {{"name", kGroups[i]},
                             {"title", std::string("กลุ่ม ") + kGroups[i]},
                             {"category", "category0" + std::to_string(i + 1)}},
                            caller);
        } catch (const HttpError&) {
        }
    }
    auto start = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < count; ++i) {
        std::string subject = pick(kSubjects), qualifier = pick(kQualifiers);
        bool common = rng() % 10 < 8;  // "ข้อมูล" in most titles, as on data.go.th
        Json d = {{"name", "bench-" + std::to_string(i)},
                  {"title", (common ? std::string("ข้อมูล") : std::string("สถิติ")) + subject +
                                qualifier + " " + std::to_string(2560 + i % 10)},
                  {"notes", "ชุดข้อมูล" + subject + " " + qualifier + " จัดทำโดยหน่วยงาน สำหรับ " +
                                pick(kEnglish) + " open data " + std::to_string(i)},
                  {"owner_org", "bench-org-" + std::to_string(i % 20)},
                  {"data_type", pick(kTypes)},
                  {"tags", Json::array({{{"name", subject}}, {{"name", pick(kEnglish)}}})},
                  {"groups", Json::array({{{"name", pick(kGroups)}}})},
                  {"maintainer", "ศูนย์ข้อมูล"},
                  {"maintainer_email", "data@example.go.th"},
                  {"objective", Json::array({"พันธกิจหน่วยงาน"})},
                  {"update_frequency_unit", "ปี"},
                  {"geo_coverage", "ประเทศ"},
                  {"data_source", "ระบบงาน"},
                  {"data_format", Json::array({"CSV"})},
                  {"data_category", rng() % 5 == 0 ? "ข้อมูลความมั่นคง" : "ข้อมูลสาธารณะ"},
                  {"license_id", pick(kLicenses)},
                  {"resources", Json::array({{{"name", "file"},
                                              {"url", std::string("https://data.example.go.th/f/") +
                                                          std::to_string(i) + "." + "csv"},
                                              {"format", pick(kFormats)}}})}};
        cat.PackageCreate(&admin, d, caller);
        if ((i + 1) % 10000 == 0) std::cerr << "  " << (i + 1) << " datasets\n";
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return secs > 0 ? static_cast<double>(count) / secs : 0;
}

}  // namespace govhub::app

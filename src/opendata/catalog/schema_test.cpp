#include "opendata/catalog/schema.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace govhub::catalog {
namespace {

using nlohmann::json;

const CatalogSchema& Schema() {
    static CatalogSchema s =
        CatalogSchema::Load(std::string(GOVHUB_SOURCE_DIR) + "/web/schema/gdc_dataset.json");
    return s;
}

std::vector<std::string> ErrorFields(const json& input, const std::string& type,
                                     json* out = nullptr) {
    json normalized;
    std::vector<FieldError> errors;
    Schema().Validate(input, false, type, normalized, errors);
    if (out) *out = normalized;
    std::vector<std::string> fields;
    for (const auto& e : errors) fields.push_back(e.field + ":" + e.message);
    return fields;
}

json ValidRecord() {
    return {{"maintainer", "กองสถิติ"},
            {"maintainer_email", "Stat@Example.go.th"},
            {"objective", json::array({"ยุทธศาสตร์ชาติ", "อื่นๆ"})},
            {"objective_other", "รายงานประจำปี"},
            {"update_frequency_unit", "ปี"},
            {"geo_coverage", "ประเทศ"},
            {"data_source", "สำนักงานสถิติแห่งชาติ"},
            {"data_format", json::array({"CSV"})},
            {"data_category", "ข้อมูลสาธารณะ"},
            {"license_id", "Creative Commons Attributions"},
            {"last_updated_date", "2026-11-01"}};
}

TEST(CatalogSchema, EveryFieldAndChoiceHasThaiAndEnglishLabels) {
    const auto& s = Schema();
    EXPECT_EQ(s.dataset_fields().size(), 57u);
    EXPECT_EQ(s.resource_fields().size(), 23u);
    for (const auto* fields : {&s.dataset_fields(), &s.resource_fields()}) {
        for (const auto& f : *fields) {
            EXPECT_FALSE(f.label.th.empty()) << f.name;
            EXPECT_FALSE(f.label.en.empty()) << f.name;
            for (const auto& c : f.choices) {
                EXPECT_FALSE(c.label.th.empty()) << f.name << " " << c.value;
                EXPECT_FALSE(c.label.en.empty()) << f.name << " " << c.value;
            }
        }
    }
    EXPECT_EQ(s.DatasetField("update_frequency_unit")->FindChoice("ไตรมาส")->label.en, "Quarter");
    ASSERT_EQ(s.data_types().size(), 5u);
    EXPECT_EQ(s.FindDataType("ข้อมูลสถิติ")->key, "statistical");
    EXPECT_EQ(s.FindDataType("geospatial")->value, "ข้อมูลภูมิสารสนเทศเชิงพื้นที่");
}

TEST(CatalogSchema, FieldSetsFollowTheDataType) {
    const auto& s = Schema();
    EXPECT_TRUE(s.DatasetField("first_year_of_data")->InDataType("statistical"));
    EXPECT_FALSE(s.DatasetField("first_year_of_data")->InDataType("record"));
    EXPECT_TRUE(s.DatasetField("west_bound_longitude")->InDataType("geospatial"));
    // A statistical-only field on a record dataset is refused rather than silently dropped.
    json in = ValidRecord();
    in["first_year_of_data"] = "2560";
    EXPECT_EQ(ErrorFields(in, "record"),
              std::vector<std::string>{"first_year_of_data:schema.not_for_data_type"});
    // ... and kept as entered (Buddhist era) on a statistical one.
    json out;
    EXPECT_TRUE(ErrorFields(in, "statistical", &out).empty());
    EXPECT_EQ(out["first_year_of_data"], "2560");
}

TEST(CatalogSchema, NormalizesChoicesLicensesAndEmail) {
    json out;
    ASSERT_TRUE(ErrorFields(ValidRecord(), "record", &out).empty());
    EXPECT_EQ(out["license_id"], "cc-by");  // data.go.th's title accepted as an alias
    EXPECT_EQ(out["objective"], json::array({"ยุทธศาสตร์ชาติ", "อื่นๆ"}));
    EXPECT_EQ(out["objective_other"], "รายงานประจำปี");
    EXPECT_EQ(out["maintainer_email"], "stat@example.go.th");
    json single = ValidRecord();
    single["data_format"] = "CSV";  // one string for a multiple-choice field becomes a list
    ASSERT_TRUE(ErrorFields(single, "record", &out).empty());
    EXPECT_EQ(out["data_format"], json::array({"CSV"}));
    EXPECT_EQ(Schema().FindLicense("odc-by")->title.th, "สัญญาอนุญาต Open Data Commons แบบแสดงที่มา");
    EXPECT_EQ(Schema().FindLicense("Open Data Common")->id, "odc-by");
    EXPECT_EQ(Schema().FindLicense("MIT"), nullptr);
}

TEST(CatalogSchema, ReportsEveryProblemPerField) {
    json in = ValidRecord();
    in.erase("maintainer");
    in["update_frequency_unit"] = "ทุกวัน";                 // not an allowed value
    in["geo_coverage"] = json::array({"ประเทศ", "ภาค"});  // single-choice field
    in["objective_other"] = "";  // "อื่นๆ" chosen but not explained
    in["maintainer_email"] = "not-an-email";
    in["last_updated_date"] = "2569-11-01";  // Buddhist-era year in a date
    in["data_category"] = 7;
    auto errors = ErrorFields(in, "record");
    std::vector<std::string> expected = {"maintainer:schema.required",
                                         "maintainer_email:schema.bad_email",
                                         "objective_other:schema.other_required",
                                         "update_frequency_unit:schema.invalid_choice",
                                         "geo_coverage:schema.must_be_text",
                                         "data_category:schema.must_be_text",
                                         "last_updated_date:schema.buddhist_year"};
    std::sort(errors.begin(), errors.end());
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(errors, expected);
    in = ValidRecord();
    in["last_updated_date"] = "2026-02-30";
    EXPECT_EQ(ErrorFields(in, "record"),
              std::vector<std::string>{"last_updated_date:schema.bad_date"});
    in["last_updated_date"] = "2024-02-29";
    EXPECT_TRUE(ErrorFields(in, "record").empty());
    in["license_id"] = "MIT";
    EXPECT_EQ(ErrorFields(in, "record"),
              std::vector<std::string>{"license_id:schema.invalid_choice"});
}

TEST(CatalogSchema, OtherDataTypeNeedsItsExplanation) {
    json in = ValidRecord();
    in["data_type"] = "ข้อมูลประเภทอื่นๆ";
    EXPECT_EQ(ErrorFields(in, "other"),
              std::vector<std::string>{"data_type_other:schema.other_required"});
    in["data_type_other"] = "ข้อมูลเชิงคุณภาพ";
    json out;
    EXPECT_TRUE(ErrorFields(in, "other", &out).empty());
    EXPECT_EQ(out["data_type_other"], "ข้อมูลเชิงคุณภาพ");
    EXPECT_TRUE(ErrorFields(ValidRecord(), "record").empty());  // not needed for other types
}

}  // namespace
}  // namespace govhub::catalog

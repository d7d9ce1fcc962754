#pragma once
// The GD-Catalog metadata schema (web/schema/gdc_dataset.json): fields with Thai and English
// labels, required flags, the field set of each data_type, allowed values with their exact
// Thai strings, the *_other companions, and the license list. Adding a field is an edit of
// the JSON file, not of code.
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace govhub::catalog {

struct Label {
    std::string th, en;
    const std::string& in(const std::string& locale) const {
        return locale == "en" && !en.empty() ? en : th;
    }
};

struct Choice {
    std::string value;  // exact stored value (Thai where the standard is Thai)
    Label label;
};

enum class FieldType { kText, kDate, kYear, kNumber, kEmail, kUrl };

struct FieldSpec {
    std::string name;
    Label label;
    bool required = false;
    bool multiple = false;  // a list of choices
    FieldType type = FieldType::kText;
    std::vector<Choice> choices;       // empty: free input
    std::set<std::string> data_types;  // keys: record, statistical, geospatial, multi, other
    std::string other_of;              // for *_other: the field whose "other" choice it explains
    std::string preset;

    bool InDataType(const std::string& key) const {
        return data_types.empty() || data_types.count(key);
    }
    const Choice* FindChoice(const std::string& value) const;
};

struct DataType {
    std::string value;  // Thai, as stored by data.go.th
    std::string key;    // record | statistical | geospatial | multi | other
    Label label;
};

struct License {
    std::string id;
    Label title;
    std::string url;
    std::vector<std::string> aliases;  // data.go.th's title strings
    std::string od_conformance;
};

// The value that means "other, see the *_other field".
inline constexpr const char* kOtherValue = "อื่นๆ";

struct Validated;

class CatalogSchema {
  public:
    static CatalogSchema Load(const std::string& path);
    static CatalogSchema Parse(const std::string& json_text);

    const std::vector<FieldSpec>& dataset_fields() const { return dataset_fields_; }
    const std::vector<FieldSpec>& resource_fields() const { return resource_fields_; }
    const std::vector<DataType>& data_types() const { return data_types_; }
    const std::vector<License>& licenses() const { return licenses_; }

    const FieldSpec* DatasetField(const std::string& name) const;
    const FieldSpec* ResourceField(const std::string& name) const;
    // By Thai value or key.
    const DataType* FindDataType(const std::string& value_or_key) const;
    // By id, or by one of data.go.th's title strings.
    const License* FindLicense(const std::string& id_or_alias) const;

    // Validates and normalizes the schema fields of a dataset (`resource` = false) or resource
    // given as a JSON object. Fields the schema does not know are left to the caller; fields
    // of another data type, invalid choices, missing required values and malformed dates,
    // years, numbers, e-mails and URLs are reported per field. Multiple-choice fields accept a
    // list or one string and come back as lists; licenses come back as ids.
    void Validate(const nlohmann::json& input, bool resource, const std::string& data_type_key,
                  nlohmann::json& normalized, std::vector<FieldError>& errors) const;

  private:
    std::vector<FieldSpec> dataset_fields_, resource_fields_;
    std::vector<DataType> data_types_;
    std::vector<License> licenses_;
};

}  // namespace govhub::catalog

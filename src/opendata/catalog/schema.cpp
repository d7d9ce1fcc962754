#include "opendata/catalog/schema.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "core/strings.hpp"

namespace govhub::catalog {

using nlohmann::json;

namespace {

Label ReadLabel(const json& j) {
    if (j.is_object()) return {j.value("th", j.value("en", "")), j.value("en", j.value("th", ""))};
    if (j.is_string()) return {j.get<std::string>(), j.get<std::string>()};
    return {};
}

FieldType ReadType(const std::string& t) {
    if (t == "date") return FieldType::kDate;
    if (t == "year") return FieldType::kYear;
    if (t == "number") return FieldType::kNumber;
    if (t == "email") return FieldType::kEmail;
    if (t == "url") return FieldType::kUrl;
    return FieldType::kText;
}

std::vector<FieldSpec> ReadFields(const json& arr, const std::vector<License>& licenses) {
    std::vector<FieldSpec> out;
    for (const auto& f : arr) {
        FieldSpec s;
        s.name = f.at("field_name").get<std::string>();
        s.label = ReadLabel(f.value("label", json()));
        s.required = f.value("required", false);
        s.multiple = f.value("multiple", false);
        s.type = ReadType(f.value("type", ""));
        s.other_of = f.value("other_of", "");
        s.preset = f.value("preset", "");
        for (const auto& c : f.value("choices", json::array()))
            s.choices.push_back({c.at("value"), ReadLabel(c.at("label"))});
        if (f.value("choices_from", "") == "licenses")
            for (const auto& l : licenses) s.choices.push_back({l.id, l.title});
        for (const auto& t : f.value("data_types", json::array()))
            s.data_types.insert(t.get<std::string>());
        out.push_back(std::move(s));
    }
    return out;
}

const FieldSpec* Find(const std::vector<FieldSpec>& fields, const std::string& name) {
    for (const auto& f : fields)
        if (f.name == name) return &f;
    return nullptr;
}

bool IsBlank(const json& v) {
    return v.is_null() || (v.is_string() && core::Trim(v.get<std::string>()).empty()) ||
           (v.is_array() && v.empty());
}

// "2024-02-29" (Common Era, a real calendar date); an optional time part is allowed.
bool ValidIsoDate(const std::string& s, int& year) {
    int y, m, d;
    char tail;
    if (s.size() < 10 || std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) < 3)
        return false;
    if (s[4] != '-' || s[7] != '-') return false;
    if (s.size() > 10 && s[10] != 'T' && s[10] != ' ') return false;
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > days[m - 1]) return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap) return false;
    year = y;
    return true;
}

}  // namespace

const Choice* FieldSpec::FindChoice(const std::string& value) const {
    for (const auto& c : choices)
        if (c.value == value) return &c;
    return nullptr;
}

CatalogSchema CatalogSchema::Parse(const std::string& text) {
    json j = json::parse(text);
    CatalogSchema s;
    for (const auto& l : j.value("licenses", json::array())) {
        License lic{l.at("id"),
                    ReadLabel(l.at("title")),
                    l.value("url", ""),
                    {},
                    l.value("od_conformance", "")};
        for (const auto& a : l.value("aliases", json::array())) lic.aliases.push_back(a);
        s.licenses_.push_back(std::move(lic));
    }
    for (const auto& t : j.at("data_types"))
        s.data_types_.push_back({t.at("value"), t.at("key"), ReadLabel(t.at("label"))});
    s.dataset_fields_ = ReadFields(j.at("dataset_fields"), s.licenses_);
    s.resource_fields_ = ReadFields(j.at("resource_fields"), s.licenses_);
    return s;
}

CatalogSchema CatalogSchema::Load(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read the catalog schema " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    try {
        return Parse(ss.str());
    } catch (const std::exception& e) {
        throw std::runtime_error("catalog schema " + path + ": " + e.what());
    }
}

const FieldSpec* CatalogSchema::DatasetField(const std::string& name) const {
    return Find(dataset_fields_, name);
}
const FieldSpec* CatalogSchema::ResourceField(const std::string& name) const {
    return Find(resource_fields_, name);
}

const DataType* CatalogSchema::FindDataType(const std::string& v) const {
    for (const auto& t : data_types_)
        if (t.value == v || t.key == v) return &t;
    return nullptr;
}

const License* CatalogSchema::FindLicense(const std::string& v) const {
    for (const auto& l : licenses_) {
        if (l.id == v) return &l;
        for (const auto& a : l.aliases)
            if (a == v) return &l;
    }
    return nullptr;
}

void CatalogSchema::Validate(const json& input, bool resource, const std::string& data_type_key,
                             json& out, std::vector<FieldError>& errors) const {
    const auto& fields = resource ? resource_fields_ : dataset_fields_;
    out = json::object();
    // Fields the caller (the catalog) owns itself are not checked here.
    static const std::set<std::string> kCoreFields = {"title",       "name",   "owner_org",
                                                      "tag_string",  "notes",  "url",
                                                      "description", "format", "data_type"};
    for (const auto& f : fields) {
        if (kCoreFields.count(f.name)) continue;
        auto it = input.find(f.name);
        bool present = it != input.end() && !IsBlank(*it);
        if (!f.InDataType(data_type_key)) {
            if (present) errors.push_back({f.name, "schema.not_for_data_type"});
            continue;
        }
        // An *_other field is required exactly when its base field says "other".
        if (!f.other_of.empty()) {
            auto base = input.find(f.other_of);
            // The data type's own "other" is ข้อมูลประเภทอื่นๆ; every other list says อื่นๆ.
            bool other_chosen = f.other_of == "data_type" && data_type_key == "other";
            if (base != input.end()) {
                if (base->is_string()) other_chosen |= base->get<std::string>() == kOtherValue;
                if (base->is_array())
                    for (const auto& v : *base)
                        other_chosen |= v.is_string() && v.get<std::string>() == kOtherValue;
            }
            if (other_chosen && !present) errors.push_back({f.name, "schema.other_required"});
            if (present) {
                if (!it->is_string())
                    errors.push_back({f.name, "schema.must_be_text"});
                else
                    out[f.name] = core::Trim(it->get<std::string>());
            }
            continue;
        }
        if (!present) {
            if (f.required) errors.push_back({f.name, "schema.required"});
            continue;
        }
        const json& v = *it;
        if (!f.choices.empty()) {
            std::vector<std::string> values;
            if (v.is_string())
                values.push_back(v.get<std::string>());
            else if (v.is_array() && f.multiple) {
                for (const auto& e : v) {
                    if (!e.is_string()) {
                        errors.push_back({f.name, "schema.must_be_text"});
                        values.clear();
                        break;
                    }
                    values.push_back(e.get<std::string>());
                }
            } else {
                errors.push_back(
                    {f.name, f.multiple ? "schema.must_be_list" : "schema.must_be_text"});
                continue;
            }
            if (values.size() > 1 && !f.multiple) {
                errors.push_back({f.name, "schema.single_choice"});
                continue;
            }
            json chosen = json::array();
            bool ok = true;
            for (auto& value : values) {
                value = core::Trim(value);
                if (f.name == "license_id") {
                    if (const License* l = FindLicense(value)) value = l->id;
                }
                if (!f.FindChoice(value)) ok = false;
                chosen.push_back(value);
            }
            if (!ok) {
                errors.push_back({f.name, "schema.invalid_choice"});
                continue;
            }
            out[f.name] = f.multiple ? chosen : chosen.at(0);
            continue;
        }
        if (!v.is_string() && !(f.type == FieldType::kNumber && v.is_number())) {
            errors.push_back({f.name, "schema.must_be_text"});
            continue;
        }
        std::string s = v.is_string() ? core::Trim(v.get<std::string>()) : v.dump();
        if (core::Utf8Length(s) > 10000) {
            errors.push_back({f.name, "error.field_too_long"});
            continue;
        }
        switch (f.type) {
            case FieldType::kDate: {
                int year = 0;
                if (!ValidIsoDate(s, year))
                    errors.push_back({f.name, "schema.bad_date"});
                else if (year > 2400)
                    errors.push_back({f.name, "schema.buddhist_year"});
                else
                    out[f.name] = s.substr(0, 10);
                break;
            }
            case FieldType::kYear:
                // Kept as the publisher wrote it (Buddhist or Common Era), but it must be a year.
                if (s.size() != 4 || s.find_first_not_of("0123456789") != std::string::npos)
                    errors.push_back({f.name, "schema.bad_year"});
                else
                    out[f.name] = s;
                break;
            case FieldType::kNumber: {
                char* end = nullptr;
                std::strtod(s.c_str(), &end);
                if (s.empty() || *end != '\0')
                    errors.push_back({f.name, "schema.bad_number"});
                else
                    out[f.name] = s;
                break;
            }
            case FieldType::kEmail: {
                auto at = s.find('@');
                bool ok = at != std::string::npos && at > 0 &&
                          s.find('.', at) != std::string::npos &&
                          s.find_first_of(" \t\r\n<>,;") == std::string::npos;
                if (!ok)
                    errors.push_back({f.name, "schema.bad_email"});
                else
                    out[f.name] = core::ToLower(s);
                break;
            }
            case FieldType::kUrl:
                if (!core::StartsWith(s, "http://") && !core::StartsWith(s, "https://"))
                    errors.push_back({f.name, "schema.bad_url"});
                else
                    out[f.name] = s;
                break;
            case FieldType::kText:
                out[f.name] = s;
                break;
        }
    }
}

}  // namespace govhub::catalog

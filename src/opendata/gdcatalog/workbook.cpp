#include "opendata/gdcatalog/workbook.hpp"
#include "core/i18n.hpp"

#include <xlsxwriter.h>

#include <map>
#include <stdexcept>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "opendata/datastore/source.hpp"

namespace govhub::gdcatalog {

namespace {

using catalog::CatalogSchema;
using catalog::FieldSpec;

// The English title and description, which the GD-Catalog schema does not have: each is written
// beside its Thai field, and the import gives it to the catalog as the forms do (`title_en`,
// `notes_en`).
const FieldSpec& EnglishField(const std::string& thai) {
    static const FieldSpec title{.name = "title_en",
                                 .label = {"ชื่อชุดข้อมูลภาษาอังกฤษ", "English title"}};
    static const FieldSpec notes{.name = "notes_en",
                                 .label = {"คำอธิบายภาษาอังกฤษ", "English description"}};
    return thai == "title" ? title : notes;
}

// A dictionary's value as one cell.
std::string CellOf(const Json& d, const FieldSpec& f) {
    if (f.name == "title_en" || f.name == "notes_en") {
        std::string key = f.name.substr(0, f.name.size() - 3) + "_translated";
        return d.contains(key) && d[key].is_object() && d[key]["en"].is_string()
                   ? d[key]["en"].get<std::string>()
                   : "";
    }
    if (f.name == "owner_org")
        return d.contains("organization") && d["organization"].is_object()
                   ? d["organization"].value("name", "")
                   : d.value("owner_org", "");
    if (f.name == "tag_string") {
        std::string out;
        if (d.contains("tags") && d["tags"].is_array())
            for (const auto& t : d["tags"]) out += (out.empty() ? "" : ", ") + t.value("name", "");
        return out;
    }
    if (!d.contains(f.name) || d[f.name].is_null()) return "";
    const Json& v = d[f.name];
    if (v.is_string()) return v.get<std::string>();
    if (v.is_array()) {
        std::string out;
        for (const auto& e : v)
            out += (out.empty() ? "" : "; ") + (e.is_string() ? e.get<std::string>() : e.dump());
        return out;
    }
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    return v.dump();
}

void Header(lxw_worksheet* ws, lxw_format* bold, lxw_format* key, lxw_col_t col,
            const std::string& th, const std::string& en, const std::string& name) {
    worksheet_write_string(ws, 0, col, th.c_str(), bold);
    worksheet_write_string(ws, 1, col, en.c_str(), nullptr);
    worksheet_write_string(ws, 2, col, name.c_str(), key);
    worksheet_set_column(ws, col, col, 24, nullptr);
}

std::vector<Json> Datasets(catalog::CatalogService& cat, const accounts::Principal* p,
                           const std::string& organization) {
    std::vector<Json> out;
    catalog::SearchParams sp;
    sp.rows = 1000;
    sp.include_private = sp.include_drafts = true;
    sp.sort = "name asc";
    if (!organization.empty()) sp.fq = {"organization:" + organization};
    for (;;) {
        Json r = cat.PackageSearch(p, sp);
        for (auto& d : r["results"]) out.push_back(std::move(d));
        sp.start += sp.rows;
        if (sp.start >= r["count"].get<int64_t>()) break;
    }
    return out;
}

// Errors of an HttpError as {field: [messages]}.
Json ErrorsOf(const HttpError& e) {
    Json errors = Json::object();
    for (const auto& f : e.fields()) errors[f.field.empty() ? "row" : f.field].push_back(f.message);
    if (errors.empty()) errors["row"].push_back(e.message());
    return errors;
}

// A cell of a list field: items separated by ';'.
Json ListOf(const std::string& cell) {
    Json list = Json::array();
    for (auto& item : core::Split(cell, ';'))
        if (!core::Trim(item).empty()) list.push_back(core::Trim(item));
    return list;
}

std::vector<std::vector<std::string>> Rows(const std::string& path, const std::string& sheet) {
    auto src = datastore::OpenXlsx(path, sheet);
    std::vector<std::vector<std::string>> rows;
    src->Rewind();
    while (src->Step([&](std::vector<std::string>& r) { rows.push_back(r); })) {
    }
    return rows;
}

}  // namespace

void ExportWorkbook(catalog::CatalogService& cat, const accounts::Principal* p,
                    const std::string& organization, const std::string& path) {
    const CatalogSchema& schema = cat.schema();
    auto datasets = Datasets(cat, p, organization);
    lxw_workbook* wb = workbook_new(path.c_str());
    if (!wb) throw std::runtime_error("cannot create the workbook");
    lxw_format* bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_format* key = workbook_add_format(wb);
    format_set_font_color(key, LXW_COLOR_GRAY);
    for (const auto& type : schema.data_types()) {
        lxw_worksheet* ws = workbook_add_worksheet(wb, type.value.c_str());
        std::vector<const FieldSpec*> fields;
        lxw_col_t frozen = 2;  // the columns up to the dataset's name stay in sight
        for (const auto& f : schema.dataset_fields()) {
            if (f.name == "data_type" || !f.InDataType(type.key)) continue;
            fields.push_back(&f);
            if (f.name == "title" || f.name == "notes") fields.push_back(&EnglishField(f.name));
            if (f.name == "name") frozen = static_cast<lxw_col_t>(fields.size());
        }
        for (size_t c = 0; c < fields.size(); ++c)
            Header(ws, bold, key, static_cast<lxw_col_t>(c), fields[c]->label.th,
                   fields[c]->label.en, fields[c]->name);
        worksheet_freeze_panes(ws, 3, frozen);
        lxw_row_t row = 3;
        for (const auto& d : datasets) {
            const auto* dt = schema.FindDataType(d.value("data_type", ""));
            if (!dt || dt->key != type.key) continue;
            for (size_t c = 0; c < fields.size(); ++c) {
                std::string v = CellOf(d, *fields[c]);
                if (!v.empty())
                    worksheet_write_string(ws, row, static_cast<lxw_col_t>(c), v.c_str(), nullptr);
            }
            ++row;
        }
    }
    lxw_worksheet* rs = workbook_add_worksheet(wb, kResourceSheet);
    Header(rs, bold, key, 0, "ชื่อชุดข้อมูล (name)", "Dataset name", "package_name");
    const auto& rfields = schema.resource_fields();
    for (size_t c = 0; c < rfields.size(); ++c)
        Header(rs, bold, key, static_cast<lxw_col_t>(c + 1), rfields[c].label.th,
               rfields[c].label.en, rfields[c].name);
    worksheet_freeze_panes(rs, 3, 2);
    lxw_row_t row = 3;
    for (const auto& d : datasets) {
        if (!d.contains("resources")) continue;
        for (const auto& r : d["resources"]) {
            worksheet_write_string(rs, row, 0, d.value("name", "").c_str(), nullptr);
            for (size_t c = 0; c < rfields.size(); ++c) {
                std::string v = CellOf(r, rfields[c]);
                if (!v.empty())
                    worksheet_write_string(rs, row, static_cast<lxw_col_t>(c + 1), v.c_str(),
                                           nullptr);
            }
            ++row;
        }
    }
    if (workbook_close(wb) != LXW_NO_ERROR) throw std::runtime_error("cannot write the workbook");
}

Json ImportWorkbook(catalog::CatalogService& cat, const accounts::Principal& p,
                    const std::string& path,
                    const std::function<void(int64_t, const std::string&)>& progress) {
    const CatalogSchema& schema = cat.schema();
    accounts::Caller caller{.principal = &p};
    Json report = Json::array();
    auto sheets = datastore::OpenXlsx(path, "")->Sheets();
    int64_t done = 0;
    bool any_known = false;
    auto add = [&](const std::string& sheet, size_t row, const std::string& name,
                   const std::string& result, const Json& errors) {
        report.push_back({{"sheet", sheet},
                          {"row", row + 1},
                          {"name", name},
                          {"result", result},
                          {"errors", errors}});
        if (progress)
            progress(++done,
                     core::Message("gdcatalog.progress_row", {{"sheet", sheet},
                                                              {"row", std::to_string(row + 1)},
                                                              {"result", "@gdcatalog." + result}}));
    };
    // Datasets first (their sheets), then resources, which need their datasets.
    for (const auto& sheet : sheets) {
        const auto* type = schema.FindDataType(sheet);
        if (!type) continue;
        any_known = true;
        auto rows = Rows(path, sheet);
        if (rows.size() < 3) continue;
        const auto& keys = rows[2];
        for (size_t r = 3; r < rows.size(); ++r) {
            Json dict = {{"data_type", type->value}};
            bool empty = true;
            for (size_t c = 0; c < keys.size() && c < rows[r].size(); ++c) {
                std::string v = core::Trim(rows[r][c]);
                if (v.empty() || keys[c].empty()) continue;
                empty = false;
                const FieldSpec* f = schema.DatasetField(keys[c]);
                dict[keys[c]] = f && f->multiple ? ListOf(v) : Json(v);
            }
            if (empty) continue;
            std::string name = dict.value("name", "");
            try {
                bool exists = false;
                if (!name.empty()) {
                    try {
                        Json current = cat.PackageShow(&p, name);
                        dict["id"] = current["id"];
                        exists = true;
                    } catch (const HttpError&) {
                    }
                }
                if (exists) {
                    cat.PackageUpdate(&p, dict, true, caller);
                    add(sheet, r, name, "updated", Json::object());
                } else {
                    cat.PackageCreate(&p, dict, caller);
                    add(sheet, r, name, "created", Json::object());
                }
            } catch (const HttpError& e) {
                add(sheet, r, name, "rejected", ErrorsOf(e));
            }
        }
    }
    if (!any_known)
        throw datastore::SourceError(
            "the workbook has no sheet named after a data type (ข้อมูลระเบียน, ข้อมูลสถิติ, ...)");
    if (std::find(sheets.begin(), sheets.end(), kResourceSheet) != sheets.end()) {
        auto rows = Rows(path, kResourceSheet);
        const std::vector<std::string> keys =
            rows.size() >= 3 ? rows[2] : std::vector<std::string>{};
        for (size_t r = 3; r < rows.size(); ++r) {
            Json dict = Json::object();
            std::string package;
            for (size_t c = 0; c < keys.size() && c < rows[r].size(); ++c) {
                std::string v = core::Trim(rows[r][c]);
                if (v.empty()) continue;
                if (keys[c] == "package_name") {
                    package = v;
                    continue;
                }
                const FieldSpec* f = schema.ResourceField(keys[c]);
                if (!f) continue;
                dict[keys[c]] = f->multiple ? ListOf(v) : Json(v);
            }
            if (package.empty() && dict.empty()) continue;
            std::string label = package + " / " + dict.value("name", "");
            try {
                Json d = cat.PackageShow(&p, package);
                const Json* existing = nullptr;
                for (const auto& res : d["resources"])
                    if (res.value("name", "") == dict.value("name", "")) existing = &res;
                if (existing) {
                    dict["id"] = (*existing)["id"];
                    // A file uploaded to the site keeps its file; only its description changes.
                    // (A link's url_type is null: read as a Json, not as a string.)
                    if (existing->value("url_type", Json()) == "upload") dict.erase("url");
                    cat.ResourceUpdate(&p, dict, true, caller);
                    add(kResourceSheet, r, label, "updated", Json::object());
                } else {
                    dict["package_id"] = d["id"];
                    cat.ResourceCreate(&p, dict, caller);
                    add(kResourceSheet, r, label, "created", Json::object());
                }
            } catch (const HttpError& e) {
                add(kResourceSheet, r, label, "rejected", ErrorsOf(e));
            }
        }
    }
    return report;
}

}  // namespace govhub::gdcatalog

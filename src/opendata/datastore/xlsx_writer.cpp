#include "opendata/datastore/xlsx_writer.hpp"

#include <xlsxwriter.h>

#include <stdexcept>

namespace govhub::datastore {

void WriteXlsxDump(const std::string& path, const DumpPlan& plan,
                   const std::function<Rows()>& next) {
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE;
    options.use_zip64 = LXW_TRUE;
    lxw_workbook* wb = workbook_new_opt(path.c_str(), &options);
    if (!wb) throw std::runtime_error("cannot create the workbook");
    lxw_worksheet* ws = workbook_add_worksheet(wb, "data");
    lxw_format* bold = workbook_add_format(wb);
    format_set_bold(bold);
    for (size_t c = 0; c < plan.headers.size(); ++c)
        worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), plan.headers[c].c_str(), bold);
    lxw_row_t row = 1;
    // Excel holds 1,048,576 rows; a larger dump stops there (the CSV dump has no limit).
    for (Rows batch = next(); !batch.empty() && row < 1048576; batch = next()) {
        for (const auto& r : batch) {
            if (row >= 1048576) break;
            for (size_t c = 0; c < r.size(); ++c) {
                if (!r[c]) continue;
                auto col = static_cast<lxw_col_t>(c);
                FieldType t = plan.types[c];
                if (t == FieldType::kInt || t == FieldType::kNumeric) {
                    try {
                        worksheet_write_number(ws, row, col, std::stod(*r[c]), nullptr);
                        continue;
                    } catch (const std::exception&) {
                    }
                }
                if (t == FieldType::kBool) {
                    worksheet_write_boolean(ws, row, col, *r[c] == "true", nullptr);
                    continue;
                }
                worksheet_write_string(ws, row, col, r[c]->c_str(), nullptr);
            }
            ++row;
        }
    }
    if (workbook_close(wb) != LXW_NO_ERROR) throw std::runtime_error("cannot write the workbook");
}

}  // namespace govhub::datastore

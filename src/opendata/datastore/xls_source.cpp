// Legacy Excel workbooks (.xls, BIFF) through FreeXL. FreeXL decodes the sheet's own code page
// (Thai workbooks are cp874) and reports dates as ISO text.
#include <freexl.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>

#include "core/i18n.hpp"
#include "opendata/datastore/source.hpp"

namespace govhub::datastore {

namespace {

std::atomic<int> open_handles{0};

// A FreeXL handle closed by its owner's destruction, also when the constructor that opened it
// throws (an XLS file with no sheets or an unreadable one leaked ~130 KB per load before; found
// by the xls fuzz target).
class FreexlHandle {
  public:
    FreexlHandle() = default;
    FreexlHandle(const FreexlHandle&) = delete;
    FreexlHandle& operator=(const FreexlHandle&) = delete;
    ~FreexlHandle() {
        if (!p_) return;
        freexl_close(p_);
        --open_handles;
    }
    operator const void*() const { return p_; }
    // freexl_open into this handle (empty before).
    int Open(const std::string& path) {
        int rc = freexl_open(path.c_str(), &p_);
        if (p_) ++open_handles;
        return rc;
    }

  private:
    const void* p_ = nullptr;
};

class XlsSource : public TableSource {
  public:
    XlsSource(const std::string& path, const std::string& sheet) {
        struct stat st {};
        if (::stat(path.c_str(), &st) == 0) size_ = static_cast<uint64_t>(st.st_size);
        if (handle_.Open(path) != FREEXL_OK || !handle_)
            throw SourceError(core::Message("datastore.load.not_xls"));
        unsigned int count = 0;
        if (freexl_get_info(handle_, FREEXL_BIFF_SHEET_COUNT, &count) != FREEXL_OK || count == 0)
            throw SourceError(core::Message("datastore.load.no_sheets"));
        for (unsigned short i = 0; i < count; ++i) {
            const char* name = nullptr;
            if (freexl_get_worksheet_name(handle_, i, &name) == FREEXL_OK && name)
                sheets_.emplace_back(name);
            else
                sheets_.emplace_back("Sheet" + std::to_string(i + 1));
        }
        chosen_ = 0;
        if (!sheet.empty()) {
            auto it = std::find(sheets_.begin(), sheets_.end(), sheet);
            if (it == sheets_.end())
                throw SourceError(core::Message("datastore.load.no_sheet", {{"sheet", sheet}}));
            chosen_ = static_cast<unsigned short>(it - sheets_.begin());
        }
        if (freexl_select_active_worksheet(handle_, chosen_) != FREEXL_OK ||
            freexl_worksheet_dimensions(handle_, &rows_, &cols_) != FREEXL_OK)
            throw SourceError(core::Message("datastore.load.sheet_unreadable"));
        Rewind();
    }
    void Rewind() override { row_ = 0; }

    bool Step(const RecordFn& record) override {
        std::vector<std::string> cells;
        for (int n = 0; n < 500 && row_ < rows_; ++n, ++row_) {
            cells.assign(cols_, "");
            for (unsigned short c = 0; c < cols_; ++c) {
                FreeXL_CellValue v;
                if (freexl_get_cell_value(handle_, row_, c, &v) != FREEXL_OK)
                    throw SourceError(core::Message(
                        "datastore.load.xls_cell",
                        {{"row", std::to_string(row_ + 1)}, {"column", std::to_string(c + 1)}}));
                switch (v.type) {
                    case FREEXL_CELL_INT:
                        cells[c] = std::to_string(v.value.int_value);
                        break;
                    case FREEXL_CELL_DOUBLE: {
                        double d = v.value.double_value;
                        char buf[64];
                        if (std::floor(d) == d && std::fabs(d) < 1e15)
                            std::snprintf(buf, sizeof buf, "%.0f", d);
                        else
                            std::snprintf(buf, sizeof buf, "%.15g", d);
                        cells[c] = buf;
                        break;
                    }
                    case FREEXL_CELL_TEXT:
                    case FREEXL_CELL_SST_TEXT:
                    case FREEXL_CELL_DATE:
                    case FREEXL_CELL_DATETIME:
                    case FREEXL_CELL_TIME:
                        cells[c] = v.value.text_value ? v.value.text_value : "";
                        break;
                    default:
                        break;
                }
            }
            while (!cells.empty() && cells.back().empty()) cells.pop_back();
            if (!cells.empty()) record(cells);
        }
        return row_ < rows_;
    }

    uint64_t bytes_total() const override { return std::max<uint64_t>(1, rows_); }
    uint64_t bytes_done() const override { return row_; }
    std::string Describe() const override {
        return core::Message("datastore.load.xls", {{"sheet", sheets_[chosen_]},
                                                    {"count", std::to_string(sheets_.size())}});
    }
    std::vector<std::string> Sheets() const override { return sheets_; }

  private:
    FreexlHandle handle_;
    std::vector<std::string> sheets_;
    unsigned short chosen_ = 0;
    unsigned int rows_ = 0, row_ = 0;
    unsigned short cols_ = 0;
    uint64_t size_ = 0;
};

}  // namespace

std::unique_ptr<TableSource> OpenXls(const std::string& path, const std::string& sheet) {
    return std::make_unique<XlsSource>(path, sheet);
}

int OpenXlsHandles() {
    return open_handles.load();
}

}  // namespace govhub::datastore

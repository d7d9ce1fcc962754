// Legacy Excel workbooks (.xls, BIFF) through FreeXL. FreeXL decodes the sheet's own code page
// (Thai workbooks are cp874) and reports dates as ISO text.
//
// FreeXL runs in a child process (`govhub-sandbox xls PATH SHEET`, core/child_process.hpp),
// never in the server: FreeXL 1.0.6 writes through a wild pointer on some malformed files (found
// by the xls fuzz target: a SEGV inside freexl_open), and a load runs in the server's job
// runner, so one uploaded file could have taken the whole site down. The child writes the sheet
// names and every row, framed, into an unlinked temporary file; the server reads the rows from
// it (on each pass of the load) once the child has exited cleanly. A child that crashes, runs
// past kChildSeconds or past its memory limit fails the load with a message for the publisher.
#include <freexl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/child_process.hpp"
#include "core/i18n.hpp"
#include "opendata/datastore/source.hpp"

namespace govhub::datastore {

namespace {

// The child's limits: wall clock (the server kills it) and CPU time (its own rlimit); its memory
// is limited to 2 GiB in RunXlsReaderChild.
constexpr int kChildSeconds = 300;

// The framing of the child's answer: a tag byte, then 32-bit little-endian numbers and
// length-prefixed strings.
//   'S' n name*n                    the workbook's sheets
//   'H' chosen rows cols            the sheet read and its dimensions
//   'R' n cell*n                    a row, trailing empty cells dropped (never n = 0)
//   'X' row column                  a cell FreeXL could not read (1-based), then the end
//   'E' key arg                     a refusal: datastore.load.<key>, {sheet} = arg
//   'D'                             the end
void PutU32(std::FILE* out, uint32_t v) {
    unsigned char b[4] = {static_cast<unsigned char>(v), static_cast<unsigned char>(v >> 8),
                          static_cast<unsigned char>(v >> 16), static_cast<unsigned char>(v >> 24)};
    std::fwrite(b, 1, 4, out);
}
void PutStr(std::FILE* out, const std::string& s) {
    PutU32(out, static_cast<uint32_t>(s.size()));
    std::fwrite(s.data(), 1, s.size(), out);
}

std::string CellText(const FreeXL_CellValue& v) {
    switch (v.type) {
        case FREEXL_CELL_INT:
            return std::to_string(v.value.int_value);
        case FREEXL_CELL_DOUBLE: {
            double d = v.value.double_value;
            char buf[64];
            if (std::floor(d) == d && std::fabs(d) < 1e15)
                std::snprintf(buf, sizeof buf, "%.0f", d);
            else
                std::snprintf(buf, sizeof buf, "%.15g", d);
            return buf;
        }
        case FREEXL_CELL_TEXT:
        case FREEXL_CELL_SST_TEXT:
        case FREEXL_CELL_DATE:
        case FREEXL_CELL_DATETIME:
        case FREEXL_CELL_TIME:
            return v.value.text_value ? v.value.text_value : "";
        default:
            return "";
    }
}

// The child's whole work; the process ends right after, which frees FreeXL's memory.
void ReadWorkbook(const std::string& path, const std::string& sheet, std::FILE* out) {
    const void* handle = nullptr;
    struct Close {
        const void*& h;
        ~Close() {
            if (h) freexl_close(h);
        }
    } close{handle};
    auto refuse = [&](const char* key, const std::string& arg = "") {
        std::fputc('E', out);
        PutStr(out, key);
        PutStr(out, arg);
    };
    if (freexl_open(path.c_str(), &handle) != FREEXL_OK || !handle) return refuse("not_xls");
    unsigned int count = 0;
    if (freexl_get_info(handle, FREEXL_BIFF_SHEET_COUNT, &count) != FREEXL_OK || count == 0)
        return refuse("no_sheets");
    count = std::min(count, 65535u);
    std::vector<std::string> sheets;
    for (unsigned short i = 0; i < count; ++i) {
        const char* name = nullptr;
        if (freexl_get_worksheet_name(handle, i, &name) == FREEXL_OK && name)
            sheets.emplace_back(name);
        else
            sheets.emplace_back("Sheet" + std::to_string(i + 1));
    }
    unsigned short chosen = 0;
    if (!sheet.empty()) {
        auto it = std::find(sheets.begin(), sheets.end(), sheet);
        if (it == sheets.end()) return refuse("no_sheet", sheet);
        chosen = static_cast<unsigned short>(it - sheets.begin());
    }
    unsigned int rows = 0;
    unsigned short cols = 0;
    if (freexl_select_active_worksheet(handle, chosen) != FREEXL_OK ||
        freexl_worksheet_dimensions(handle, &rows, &cols) != FREEXL_OK)
        return refuse("sheet_unreadable");
    std::fputc('S', out);
    PutU32(out, static_cast<uint32_t>(sheets.size()));
    for (const auto& s : sheets) PutStr(out, s);
    std::fputc('H', out);
    PutU32(out, chosen);
    PutU32(out, rows);
    PutU32(out, cols);
    std::vector<std::string> cells;
    for (unsigned int r = 0; r < rows; ++r) {
        cells.assign(cols, "");
        for (unsigned short c = 0; c < cols; ++c) {
            FreeXL_CellValue v;
            if (freexl_get_cell_value(handle, r, c, &v) != FREEXL_OK) {
                std::fputc('X', out);
                PutU32(out, r + 1);
                PutU32(out, c + 1u);
                return;
            }
            cells[c] = CellText(v);
        }
        while (!cells.empty() && cells.back().empty()) cells.pop_back();
        if (cells.empty()) continue;
        std::fputc('R', out);
        PutU32(out, static_cast<uint32_t>(cells.size()));
        for (const auto& c : cells) PutStr(out, c);
    }
    std::fputc('D', out);
}

// Reads the child's answer from the temporary file.
class Answer {
  public:
    explicit Answer(std::FILE* f) : f_(f) {}
    ~Answer() {
        if (f_) std::fclose(f_);
    }
    Answer(const Answer&) = delete;
    Answer& operator=(const Answer&) = delete;

    std::FILE* file() { return f_; }
    int Tag() { return std::fgetc(f_); }
    uint32_t U32() {
        unsigned char b[4];
        if (std::fread(b, 1, 4, f_) != 4) Broken();
        return b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<uint32_t>(b[3]) << 24);
    }
    std::string Str() {
        uint32_t n = U32();
        // One cell or name; FreeXL's own bound is far lower (a BIFF string is < 64 KiB of text).
        if (n > (16u << 20)) Broken();
        std::string s(n, '\0');
        if (n && std::fread(s.data(), 1, n, f_) != n) Broken();
        return s;
    }
    long Tell() { return std::ftell(f_); }
    void Seek(long at) {
        if (std::fseek(f_, at, SEEK_SET) != 0) Broken();
    }
    [[noreturn]] static void Broken() {
        throw SourceError(core::Message("datastore.load.xls_crashed"));
    }

  private:
    std::FILE* f_;
};

// An unlinked temporary file: nothing is left behind, whatever happens to either process.
std::FILE* AnonymousFile() {
    std::string dir = std::filesystem::temp_directory_path().string();
    std::string name = dir + "/govhub-xls-XXXXXX";
    int fd = ::mkstemp(name.data());
    if (fd < 0) throw SourceError(core::Message("datastore.load.xls_crashed"));
    ::unlink(name.c_str());
    std::FILE* f = ::fdopen(fd, "w+b");
    if (!f) {
        ::close(fd);
        throw SourceError(core::Message("datastore.load.xls_crashed"));
    }
    return f;
}

class XlsSource : public TableSource {
  public:
    XlsSource(const std::string& path, const std::string& sheet) : answer_(AnonymousFile()) {
        // The child writes straight into the file; the server reads it only after the child
        // has exited, from the start.
        int fd = ::fileno(answer_.file());
        pid_t pid = -1;
        try {
            // In a sanitizer build, a crash inside FreeXL is this reader's expected outcome, not
            // a finding: the child dies of the signal without a report.
            pid = core::SpawnChild(core::SandboxCommand("xls", {path, sheet}), -1, fd,
                                   "handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_abort=0");
        } catch (const std::exception&) {
            throw SourceError(core::Message("datastore.load.xls_crashed"));
        }
        core::ChildExit exit = core::WaitChild(
            pid, std::chrono::steady_clock::now() + std::chrono::seconds(kChildSeconds));
        if (exit.timed_out || (exit.signaled && exit.signal == SIGXCPU))
            throw SourceError(core::Message("datastore.load.xls_timeout",
                                            {{"seconds", std::to_string(kChildSeconds)}}));
        if (exit.signaled || exit.code != 0) Answer::Broken();
        answer_.Seek(0);
        int tag = answer_.Tag();
        if (tag == 'E') {
            std::string key = answer_.Str(), arg = answer_.Str();
            if (key == "not_xls") throw SourceError(core::Message("datastore.load.not_xls"));
            if (key == "no_sheets") throw SourceError(core::Message("datastore.load.no_sheets"));
            if (key == "no_sheet")
                throw SourceError(core::Message("datastore.load.no_sheet", {{"sheet", arg}}));
            if (key == "sheet_unreadable")
                throw SourceError(core::Message("datastore.load.sheet_unreadable"));
            Answer::Broken();
        }
        if (tag != 'S') Answer::Broken();
        uint32_t count = answer_.U32();
        if (count == 0 || count > 65535) Answer::Broken();
        for (uint32_t i = 0; i < count; ++i) sheets_.push_back(answer_.Str());
        if (answer_.Tag() != 'H') Answer::Broken();
        chosen_ = answer_.U32();
        rows_ = answer_.U32();
        answer_.U32();  // columns: each row says its own
        if (chosen_ >= sheets_.size()) Answer::Broken();
        rows_at_ = answer_.Tell();
        Rewind();
    }

    void Rewind() override {
        answer_.Seek(rows_at_);
        row_ = 0;
        done_ = false;
    }

    bool Step(const core::RecordFn& record) override {
        if (done_) return false;
        std::vector<std::string> cells;
        for (int n = 0; n < 500; ++n) {
            int tag = answer_.Tag();
            if (tag == 'R') {
                uint32_t count = answer_.U32();
                if (count == 0 || count > 65536) Answer::Broken();
                cells.clear();
                for (uint32_t i = 0; i < count; ++i) cells.push_back(answer_.Str());
                ++row_;
                record(cells);
            } else if (tag == 'D') {
                done_ = true;
                return false;
            } else if (tag == 'X') {
                uint32_t row = answer_.U32(), column = answer_.U32();
                throw SourceError(core::Message(
                    "datastore.load.xls_cell",
                    {{"row", std::to_string(row)}, {"column", std::to_string(column)}}));
            } else {
                Answer::Broken();
            }
        }
        return true;
    }

    uint64_t bytes_total() const override { return std::max<uint64_t>(1, rows_); }
    uint64_t bytes_done() const override { return std::min<uint64_t>(row_, rows_); }
    std::string Describe() const override {
        return core::Message("datastore.load.xls", {{"sheet", sheets_[chosen_]},
                                                    {"count", std::to_string(sheets_.size())}});
    }
    std::vector<std::string> Sheets() const override { return sheets_; }

  private:
    Answer answer_;
    std::vector<std::string> sheets_;
    uint32_t chosen_ = 0, rows_ = 0;
    uint64_t row_ = 0;
    long rows_at_ = 0;
    bool done_ = false;
};

}  // namespace

std::unique_ptr<TableSource> OpenXls(const std::string& path, const std::string& sheet) {
    return std::make_unique<XlsSource>(path, sheet);
}

int RunXlsReaderChild(const std::string& path, const std::string& sheet) {
    // Bounded whatever FreeXL does: CPU time, and memory (not under AddressSanitizer, whose
    // shadow memory is address space it reserves up front).
    rlimit cpu{kChildSeconds, kChildSeconds + 5};
    setrlimit(RLIMIT_CPU, &cpu);
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define GOVHUB_XLS_SANITIZED 1
#endif
#endif
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__) && \
    !defined(GOVHUB_XLS_SANITIZED)
    rlimit mem{rlim_t{2} << 30, rlim_t{2} << 30};
    setrlimit(RLIMIT_AS, &mem);
#endif
    if (nice(10) == -1) {
    }
    ReadWorkbook(path, sheet, stdout);
    return std::fflush(stdout) == 0 ? 0 : 3;
}

}  // namespace govhub::datastore

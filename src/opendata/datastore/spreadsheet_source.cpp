// Spreadsheets as streams: .xlsx (Office Open XML) and .ods (OpenDocument) are zip archives of
// XML. libarchive inflates the sheet's entry piece by piece and expat parses each piece, so a
// sheet of a million rows never sits in memory (GDAL's readers hold whole sheets and stop
// silently on large ODS files). Zip bombs are refused by the inflated size.
#include <archive.h>
#include <archive_entry.h>
#include <expat.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <ctime>
#include <exception>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <utility>

#include "core/i18n.hpp"
#include "core/strings.hpp"
#include "opendata/datastore/source.hpp"

namespace govhub::datastore {

namespace {

constexpr uint64_t kMaxSharedStringBytes = 128ull << 20;
// Elements inside elements: a sheet needs about five.
constexpr int kMaxXmlDepth = 256;
// The least XML an OpenDocument cell and row take: what a repeated one is charged.
constexpr uint64_t kCellXmlBytes = 16, kRowXmlBytes = 32;

uint64_t FileSize(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw SourceError(core::Message("datastore.load.unreadable"));
    return static_cast<uint64_t>(st.st_size);
}

// One zip entry at a time, inflated in pieces, with a cap on what the whole archive may inflate
// to (a real workbook compresses perhaps ten to one; a bomb a million to one).
class ZipReader {
  public:
    ZipReader(const std::string& path, uint64_t file_size)
        : path_(path), limit_(std::min<uint64_t>(8ull << 30, file_size * 200 + (64ull << 20))) {
        a_ = archive_read_new();
        archive_read_support_format_zip(a_);
        if (archive_read_open_filename(a_, path.c_str(), 1 << 16) != ARCHIVE_OK) {
            std::string why = archive_error_string(a_) ? archive_error_string(a_) : "";
            archive_read_free(a_);
            throw SourceError(core::Message("datastore.load.zip_unreadable", {{"why", why}}));
        }
    }
    ~ZipReader() { archive_read_free(a_); }

    // Moves to the next entry; false at the end.
    bool Next(std::string& name) {
        archive_entry* e = nullptr;
        int rc = archive_read_next_header(a_, &e);
        if (rc == ARCHIVE_EOF) return false;
        if (rc < ARCHIVE_WARN)
            throw SourceError(core::Message("datastore.load.zip_damaged", {{"why", Error()}}));
        name = archive_entry_pathname(e) ? archive_entry_pathname(e) : "";
        return true;
    }
    // The next piece of the current entry; empty at its end.
    std::string_view Read() {
        la_ssize_t n = archive_read_data(a_, buf_, sizeof buf_);
        if (n < 0)
            throw SourceError(core::Message("datastore.load.zip_damaged", {{"why", Error()}}));
        Charge(static_cast<uint64_t>(n));
        return {buf_, static_cast<size_t>(n)};
    }
    // Counts bytes against the cap on what the archive may inflate to: what it inflates, and
    // what a reader expands further (OpenDocument's repeated rows, cells and spaces are
    // compression too).
    void Charge(uint64_t bytes) {
        inflated_ += bytes;
        if (inflated_ > limit_)
            throw SourceError(
                core::Message("datastore.load.zip_bomb", {{"mib", std::to_string(limit_ >> 20)}}));
    }
    uint64_t compressed_position() const {
        return static_cast<uint64_t>(archive_filter_bytes(a_, -1));
    }

  private:
    const char* Error() const { return archive_error_string(a_) ? archive_error_string(a_) : "?"; }
    std::string path_;
    uint64_t limit_, inflated_ = 0;
    archive* a_ = nullptr;
    char buf_[1 << 16];
};

// expat with std::function callbacks (names without namespaces: "c", "v", "table:table-cell").
class Xml {
  public:
    using Attrs = const XML_Char**;
    std::function<void(const char*, Attrs)> start;
    std::function<void(const char*)> end;
    std::function<void(const char*, int)> text;

    Xml() {
        p_ = XML_ParserCreate("UTF-8");
        XML_SetUserData(p_, this);
        XML_SetElementHandler(
            p_,
            [](void* self, const XML_Char* n, const XML_Char** a) {
                auto* x = static_cast<Xml*>(self);
                if (++x->depth_ > kMaxXmlDepth)
                    return x->Stop(core::Message("datastore.load.xml_too_deep",
                                                 {{"limit", std::to_string(kMaxXmlDepth)}}));
                if (x->start) x->Guard([&] { x->start(n, a); });
            },
            [](void* self, const XML_Char* n) {
                auto* x = static_cast<Xml*>(self);
                --x->depth_;
                if (x->end) x->Guard([&] { x->end(n); });
            });
        XML_SetCharacterDataHandler(p_, [](void* self, const XML_Char* s, int len) {
            auto* x = static_cast<Xml*>(self);
            if (x->text) x->Guard([&] { x->text(s, len); });
        });
        // Entities are expat's own: no external entities, no network.
        XML_SetParamEntityParsing(p_, XML_PARAM_ENTITY_PARSING_NEVER);
        // No document type at all: workbooks have none, and its entities are how a few bytes
        // expand to gigabytes ("billion laughs").
        XML_SetStartDoctypeDeclHandler(
            p_, [](void* self, const XML_Char*, const XML_Char*, const XML_Char*, int) {
                static_cast<Xml*>(self)->Stop(core::Message("datastore.load.xml_doctype"));
            });
        XML_SetEntityDeclHandler(
            p_, [](void* self, const XML_Char*, int, const XML_Char*, int, const XML_Char*,
                   const XML_Char*, const XML_Char*, const XML_Char*) {
                static_cast<Xml*>(self)->Stop(core::Message("datastore.load.xml_doctype"));
            });
    }
    ~Xml() { XML_ParserFree(p_); }
    void Feed(std::string_view s, bool final) {
        auto status = XML_Parse(p_, s.data(), static_cast<int>(s.size()), final);
        if (thrown_) std::rethrow_exception(std::exchange(thrown_, nullptr));
        if (!stopped_why_.empty()) throw SourceError(stopped_why_);
        if (status == XML_STATUS_ERROR)
            throw SourceError(
                core::Message("datastore.load.bad_xml",
                              {{"why", XML_ErrorString(XML_GetErrorCode(p_))},
                               {"line", std::to_string(XML_GetCurrentLineNumber(p_))}}));
    }
    static const char* Attr(Attrs a, const char* name) {
        for (int i = 0; a[i]; i += 2)
            if (std::strcmp(a[i], name) == 0) return a[i + 1];
        return nullptr;
    }

  private:
    // Ends the parse from inside a callback (C frames: no exceptions through them).
    void Stop(std::string why) {
        if (stopped_why_.empty()) stopped_why_ = std::move(why);
        XML_StopParser(p_, XML_FALSE);
    }
    // Runs a handler; what it throws stops the parse and is rethrown by Feed, past expat's
    // frames rather than through them.
    template <typename F>
    void Guard(F&& handler) {
        if (thrown_) return;
        try {
            handler();
        } catch (...) {
            thrown_ = std::current_exception();
            XML_StopParser(p_, XML_FALSE);
        }
    }

    XML_Parser p_;
    int depth_ = 0;
    std::string stopped_why_;
    std::exception_ptr thrown_;
};

// Streams a whole entry through `xml`.
void ParseEntry(ZipReader& zip, Xml& xml) {
    for (;;) {
        auto piece = zip.Read();
        if (piece.empty()) break;
        xml.Feed(piece, false);
    }
    xml.Feed({}, true);
}

// Columns of a sheet: A to XFD.
constexpr int kMaxColumns = 16384;

// "BC12" -> column index 54 (0-based); past XFD, kMaxColumns (a column no row keeps).
int ColumnIndex(const char* ref) {
    int col = 0;
    for (const char* p = ref; *p && std::isalpha(static_cast<unsigned char>(*p)); ++p) {
        col = col * 26 + (std::toupper(static_cast<unsigned char>(*p)) - 'A' + 1);
        if (col > kMaxColumns) return kMaxColumns;
    }
    return col - 1;
}

// Excel's serial day number (1900 date system) as an ISO date or timestamp.
std::string SerialDate(double serial, bool with_time) {
    // 25569 is 1970-01-01; serials before 60 carry Excel's 1900 leap-year bug.
    double days = serial - 25569.0;
    auto secs = static_cast<int64_t>(std::llround(days * 86400.0));
    std::time_t t = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    if (with_time && secs % 86400 != 0)
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    else
        std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

bool IsDateFormat(int id, const std::string& code) {
    if ((id >= 14 && id <= 22) || (id >= 45 && id <= 47) || (id >= 27 && id <= 36) ||
        (id >= 50 && id <= 58))
        return true;
    if (code.empty()) return false;
    // A custom format is a date when it has date letters outside quotes and brackets.
    bool quoted = false, bracket = false;
    for (char ch : code) {
        if (ch == '"') quoted = !quoted;
        if (quoted) continue;
        if (ch == '[') bracket = true;
        if (ch == ']') bracket = false;
        if (bracket) continue;
        char c = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (c == 'd' || c == 'm' || c == 'y' || c == 'h' || c == 's' || c == 'e' || c == 'b')
            return true;
    }
    return false;
}

// A sheet streamed from one zip entry through expat: the part xlsx and ods share. Subclasses
// handle the elements; records reach the callback of the current Step.
class ZipXmlSource : public TableSource {
  public:
    explicit ZipXmlSource(std::string path) : path_(std::move(path)), size_(FileSize(path_)) {}

    bool Step(const core::RecordFn& record) override {
        if (done_) return false;
        record_ = &record;
        auto piece = zip_->Read();
        xml_->Feed(piece, piece.empty());
        if (piece.empty()) done_ = true;
        record_ = nullptr;
        return !done_;
    }
    uint64_t bytes_total() const override { return size_; }
    uint64_t bytes_done() const override {
        return zip_ ? std::min(size_, zip_->compressed_position()) : 0;
    }

  protected:
    // Opens the archive again at `entry`, with fresh XML handlers.
    void OpenEntry(const std::string& entry) {
        xml_.reset();
        zip_ = std::make_unique<ZipReader>(path_, size_);
        std::string name;
        bool found = false;
        while (zip_->Next(name))
            if (name == entry) {
                found = true;
                break;
            }
        if (!found)
            throw SourceError(core::Message("datastore.load.missing_part", {{"part", entry}}));
        xml_ = std::make_unique<Xml>();
        xml_->start = [this](const char* n, Xml::Attrs a) { Start(n, a); };
        xml_->end = [this](const char* n) { End(n); };
        xml_->text = [this](const char* t, int len) { Text(t, static_cast<size_t>(len)); };
        done_ = false;
    }
    void Emit(std::vector<std::string>& cells) {
        if (record_) (*record_)(cells);
    }
    // What a reader materializes beyond the XML it read counts against the archive's cap.
    void Charge(uint64_t bytes) { zip_->Charge(bytes); }
    virtual void Start(const char* name, Xml::Attrs attrs) = 0;
    virtual void End(const char* name) = 0;
    virtual void Text(const char* text, size_t len) = 0;

    std::string path_;
    uint64_t size_ = 0;
    bool done_ = false;

  private:
    std::unique_ptr<ZipReader> zip_;
    std::unique_ptr<Xml> xml_;
    const core::RecordFn* record_ = nullptr;
};

class XlsxSource : public ZipXmlSource {
  public:
    XlsxSource(std::string path, const std::string& sheet) : ZipXmlSource(std::move(path)) {
        ReadMetadata();
        if (sheets_.empty()) throw SourceError(core::Message("datastore.load.no_sheets"));
        chosen_ = 0;
        if (!sheet.empty()) {
            auto it = std::find_if(sheets_.begin(), sheets_.end(),
                                   [&](const auto& s) { return s.name == sheet; });
            if (it == sheets_.end())
                throw SourceError(core::Message("datastore.load.no_sheet", {{"sheet", sheet}}));
            chosen_ = static_cast<size_t>(it - sheets_.begin());
        }
        Rewind();
    }

    void Rewind() override { OpenEntry(sheets_[chosen_].path); }

    std::string Describe() const override {
        return core::Message("datastore.load.xlsx", {{"sheet", sheets_[chosen_].name},
                                                     {"count", std::to_string(sheets_.size())}});
    }
    std::vector<std::string> Sheets() const override {
        std::vector<std::string> out;
        for (const auto& s : sheets_) out.push_back(s.name);
        return out;
    }

  private:
    struct Sheet {
        std::string name, rel, path;
    };

    void ReadMetadata() {
        ZipReader zip(path_, size_);
        std::string name;
        std::map<std::string, std::string> rels;
        std::map<int, std::string> custom_formats;
        std::vector<int> xf_formats;
        bool workbook = false;
        uint64_t shared_bytes = 0;
        while (zip.Next(name)) {
            Xml xml;
            // The handlers' state lives as long as the parse below (ParseEntry), not in the
            // branch that sets them up.
            bool in_si = false, in_t = false, in_rph = false, in_xfs = false;
            std::string current;
            if (name == "xl/workbook.xml") {
                workbook = true;
                xml.start = [&](const char* n, Xml::Attrs a) {
                    if (std::strcmp(n, "sheet") == 0) {
                        const char* sn = Xml::Attr(a, "name");
                        const char* rid = Xml::Attr(a, "r:id");
                        sheets_.push_back({sn ? sn : "", rid ? rid : "", ""});
                    }
                };
            } else if (name == "xl/_rels/workbook.xml.rels") {
                xml.start = [&](const char* n, Xml::Attrs a) {
                    if (std::strcmp(n, "Relationship") == 0) {
                        const char* id = Xml::Attr(a, "Id");
                        const char* target = Xml::Attr(a, "Target");
                        if (id && target) rels[id] = target;
                    }
                };
            } else if (name == "xl/sharedStrings.xml") {
                xml.start = [&](const char* n, Xml::Attrs) {
                    if (std::strcmp(n, "si") == 0) {
                        in_si = true;
                        current.clear();
                    } else if (std::strcmp(n, "rPh") == 0) {
                        in_rph = true;  // phonetic runs are not the cell's text
                    } else if (std::strcmp(n, "t") == 0) {
                        in_t = in_si && !in_rph;
                    }
                };
                xml.end = [&](const char* n) {
                    if (std::strcmp(n, "si") == 0) {
                        shared_bytes += current.size() + 32;
                        if (shared_bytes > kMaxSharedStringBytes)
                            throw SourceError(core::Message("datastore.load.big_strings"));
                        shared_.push_back(std::move(current));
                        current.clear();
                        in_si = false;
                    } else if (std::strcmp(n, "t") == 0) {
                        in_t = false;
                    } else if (std::strcmp(n, "rPh") == 0) {
                        in_rph = false;
                    }
                };
                xml.text = [&](const char* s, int len) {
                    if (in_t) current.append(s, static_cast<size_t>(len));
                };
            } else if (name == "xl/styles.xml") {
                xml.start = [&](const char* n, Xml::Attrs a) {
                    if (std::strcmp(n, "numFmt") == 0) {
                        const char* id = Xml::Attr(a, "numFmtId");
                        const char* code = Xml::Attr(a, "formatCode");
                        if (id && code) custom_formats[std::atoi(id)] = code;
                    } else if (std::strcmp(n, "cellXfs") == 0) {
                        in_xfs = true;
                    } else if (in_xfs && std::strcmp(n, "xf") == 0) {
                        const char* id = Xml::Attr(a, "numFmtId");
                        xf_formats.push_back(id ? std::atoi(id) : 0);
                    }
                };
                xml.end = [&](const char* n) {
                    if (std::strcmp(n, "cellXfs") == 0) in_xfs = false;
                };
            } else {
                continue;
            }
            ParseEntry(zip, xml);
        }
        if (!workbook) throw SourceError(core::Message("datastore.load.not_xlsx"));
        for (auto& s : sheets_) {
            std::string target = rels[s.rel];
            if (!target.empty() && target[0] == '/')
                s.path = target.substr(1);
            else
                s.path = "xl/" + target;
        }
        for (int f : xf_formats) {
            auto it = custom_formats.find(f);
            date_styles_.push_back(IsDateFormat(f, it != custom_formats.end() ? it->second : ""));
        }
    }

    void Text(const char* t, size_t len) override {
        if (in_value_) value_.append(t, len);
    }

    void Start(const char* n, Xml::Attrs a) override {
        if (std::strcmp(n, "row") == 0) {
            cells_.clear();
        } else if (std::strcmp(n, "c") == 0) {
            const char* r = Xml::Attr(a, "r");
            const char* t = Xml::Attr(a, "t");
            const char* s = Xml::Attr(a, "s");
            col_ = r ? ColumnIndex(r) : static_cast<int>(cells_.size());
            type_ = t ? t : "n";
            style_ = s ? std::atoi(s) : 0;
            value_.clear();
        } else if (std::strcmp(n, "v") == 0 || std::strcmp(n, "t") == 0) {
            in_value_ = true;
        }
    }

    void End(const char* n) override {
        if (std::strcmp(n, "v") == 0 || std::strcmp(n, "t") == 0) {
            in_value_ = false;
        } else if (std::strcmp(n, "c") == 0) {
            if (col_ < 0 || col_ >= kMaxColumns) return;
            if (static_cast<size_t>(col_) >= cells_.size())
                cells_.resize(static_cast<size_t>(col_) + 1);
            cells_[static_cast<size_t>(col_)] = CellText();
        } else if (std::strcmp(n, "row") == 0) {
            while (!cells_.empty() && cells_.back().empty()) cells_.pop_back();
            if (!cells_.empty()) Emit(cells_);
        }
    }

    std::string CellText() {
        if (type_ == "s") {
            size_t i = static_cast<size_t>(std::atoll(value_.c_str()));
            return i < shared_.size() ? shared_[i] : "";
        }
        if (type_ == "b") return value_ == "1" ? "true" : "false";
        if (type_ == "n" && !value_.empty() && style_ >= 0 &&
            static_cast<size_t>(style_) < date_styles_.size() &&
            date_styles_[static_cast<size_t>(style_)]) {
            try {
                double serial = std::stod(value_);
                return SerialDate(serial, true);
            } catch (const std::exception&) {
            }
        }
        return value_;  // numbers as written, inline and formula strings, error codes
    }

    std::vector<Sheet> sheets_;
    size_t chosen_ = 0;
    std::vector<std::string> shared_;
    std::vector<bool> date_styles_;
    std::vector<std::string> cells_;
    std::string value_, type_;
    int col_ = 0, style_ = 0;
    bool in_value_ = false;
};

class OdsSource : public ZipXmlSource {
  public:
    OdsSource(std::string path, const std::string& sheet) : ZipXmlSource(std::move(path)) {
        // The sheet names: one pass over content.xml that only notes table names.
        {
            ZipReader zip(path_, size_);
            std::string name;
            bool content = false;
            while (zip.Next(name)) {
                if (name != "content.xml") continue;
                content = true;
                Xml xml;
                xml.start = [&](const char* n, Xml::Attrs a) {
                    if (std::strcmp(n, "table:table") == 0) {
                        const char* tn = Xml::Attr(a, "table:name");
                        sheets_.push_back(tn ? tn : "");
                    }
                };
                ParseEntry(zip, xml);
                break;
            }
            if (!content) throw SourceError(core::Message("datastore.load.not_ods"));
        }
        if (sheets_.empty()) throw SourceError(core::Message("datastore.load.no_sheets"));
        if (!sheet.empty()) {
            auto it = std::find(sheets_.begin(), sheets_.end(), sheet);
            if (it == sheets_.end())
                throw SourceError(core::Message("datastore.load.no_sheet", {{"sheet", sheet}}));
            chosen_ = static_cast<size_t>(it - sheets_.begin());
        }
        Rewind();
    }

    void Rewind() override {
        OpenEntry("content.xml");
        table_ = -1;
    }

    std::string Describe() const override {
        return core::Message("datastore.load.ods", {{"sheet", sheets_[chosen_]},
                                                    {"count", std::to_string(sheets_.size())}});
    }
    std::vector<std::string> Sheets() const override { return sheets_; }

  private:
    bool InChosen() const { return table_ == static_cast<int>(chosen_); }

    void Text(const char* t, size_t len) override {
        if (in_p_) text_.append(t, len);
    }

    void Start(const char* n, Xml::Attrs a) override {
        if (std::strcmp(n, "table:table") == 0) {
            ++table_;
            return;
        }
        if (!InChosen()) return;
        if (std::strcmp(n, "table:table-row") == 0) {
            cells_.clear();
            const char* rep = Xml::Attr(a, "table:number-rows-repeated");
            row_repeat_ = rep ? std::max(1, std::atoi(rep)) : 1;
        } else if (std::strcmp(n, "table:table-cell") == 0 ||
                   std::strcmp(n, "table:covered-table-cell") == 0) {
            const char* rep = Xml::Attr(a, "table:number-columns-repeated");
            cell_repeat_ = rep ? std::max(1, std::atoi(rep)) : 1;
            const char* type = Xml::Attr(a, "office:value-type");
            std::string t = type ? type : "";
            value_.clear();
            has_value_ = false;
            const char* v = nullptr;
            if (t == "float" || t == "percentage" || t == "currency")
                v = Xml::Attr(a, "office:value");
            else if (t == "date")
                v = Xml::Attr(a, "office:date-value");
            else if (t == "time")
                v = Xml::Attr(a, "office:time-value");
            else if (t == "boolean")
                v = Xml::Attr(a, "office:boolean-value");
            if (v) {
                value_ = v;
                has_value_ = true;
            }
            text_.clear();
            paragraphs_ = 0;
        } else if (std::strcmp(n, "text:p") == 0) {
            if (paragraphs_++ > 0) text_ += '\n';
            in_p_ = true;
        } else if (in_p_ && std::strcmp(n, "text:s") == 0) {
            const char* c = Xml::Attr(a, "text:c");
            size_t spaces = c ? static_cast<size_t>(std::max(1, std::atoi(c))) : 1;
            Charge(spaces);
            text_.append(spaces, ' ');
        } else if (in_p_ && std::strcmp(n, "text:tab") == 0) {
            text_ += '\t';
        } else if (in_p_ && std::strcmp(n, "text:line-break") == 0) {
            text_ += '\n';
        }
    }

    void End(const char* n) override {
        if (std::strcmp(n, "table:table") == 0) {
            if (InChosen()) done_ = true;
            return;
        }
        if (!InChosen()) return;
        if (std::strcmp(n, "text:p") == 0) {
            in_p_ = false;
        } else if (std::strcmp(n, "table:table-cell") == 0 ||
                   std::strcmp(n, "table:covered-table-cell") == 0) {
            std::string cell = has_value_ ? value_ : text_;
            // Repeated empty cells (a row's trailing blank columns) are not materialized.
            if (cell.empty() && cell_repeat_ > 1) {
                pending_blank_ += static_cast<size_t>(cell_repeat_);
                return;
            }
            if (cell.empty()) {
                ++pending_blank_;
                return;
            }
            // Past the last column (XFD) nothing is kept, as in a workbook.
            if (cells_.size() + pending_blank_ >= static_cast<size_t>(kMaxColumns)) return;
            cells_.resize(cells_.size() + pending_blank_);
            pending_blank_ = 0;
            for (int i = 0; i < cell_repeat_ && cells_.size() < static_cast<size_t>(kMaxColumns);
                 ++i) {
                // A repeat is decompression: it costs what the XML of the cell would have.
                if (i > 0) Charge(cell.size() + kCellXmlBytes);
                cells_.push_back(cell);
            }
        } else if (std::strcmp(n, "table:table-row") == 0) {
            pending_blank_ = 0;
            if (cells_.empty()) return;
            uint64_t row_bytes = kRowXmlBytes;
            for (const auto& c : cells_) row_bytes += c.size() + kCellXmlBytes;
            for (int i = 0; i < row_repeat_ && i < 1000000; ++i) {
                if (i > 0) Charge(row_bytes);
                Emit(cells_);
            }
        }
    }

    std::vector<std::string> sheets_;
    size_t chosen_ = 0;
    std::vector<std::string> cells_;
    std::string value_, text_;
    int table_ = -1, row_repeat_ = 1, cell_repeat_ = 1, paragraphs_ = 0;
    size_t pending_blank_ = 0;
    bool has_value_ = false, in_p_ = false;
};

}  // namespace

std::string ZipEntryEnding(const std::string& path, const std::string& suffix) {
    ZipReader zip(path, FileSize(path));
    std::string name;
    while (zip.Next(name))
        if (name.size() >= suffix.size() &&
            core::ToLower(name.substr(name.size() - suffix.size())) == suffix)
            return name;
    return "";
}

std::unique_ptr<TableSource> OpenXlsx(const std::string& path, const std::string& sheet) {
    return std::make_unique<XlsxSource>(path, sheet);
}

std::unique_ptr<TableSource> OpenOds(const std::string& path, const std::string& sheet) {
    return std::make_unique<OdsSource>(path, sheet);
}

}  // namespace govhub::datastore

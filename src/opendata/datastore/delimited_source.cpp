// Delimited text files: the encoding decided over the whole file, the dialect sniffed from its
// start, then records streamed through the CSV parser.
#include <sys/stat.h>

#include <deque>
#include <set>

#include "core/i18n.hpp"
#include "core/strings.hpp"
#include "core/text_encoding.hpp"
#include "opendata/datastore/source.hpp"

namespace govhub::datastore {

namespace {

std::string DelimiterName(char d) {
    switch (d) {
        case ',':
            return core::Message("datastore.load.delim_comma");
        case ';':
            return core::Message("datastore.load.delim_semicolon");
        case '\t':
            return core::Message("datastore.load.delim_tab");
        case '|':
            return core::Message("datastore.load.delim_pipe");
    }
    return core::Message("datastore.load.delim_other", {{"char", std::string(1, d)}});
}

class DelimitedSource : public TableSource {
  public:
    DelimitedSource(std::string path, char hint) : path_(std::move(path)) {
        struct stat st {};
        if (::stat(path_.c_str(), &st) != 0)
            throw SourceError(core::Message("datastore.load.unreadable"));
        size_ = static_cast<uint64_t>(st.st_size);
        try {
            encoding_ = core::DetectEncoding(path_);
        } catch (const std::runtime_error& e) {
            throw SourceError(core::Message("datastore.load.not_text", {{"why", e.what()}}));
        }
        // The dialect from the first 64 KiB of text.
        core::Utf8Reader sample_reader(path_, encoding_);
        std::string sample;
        while (sample.size() < (64 << 10) && sample_reader.Read(sample)) {
        }
        dialect_ = core::SniffDialect(sample, hint);
        Rewind();
    }

    void Rewind() override {
        reader_ = std::make_unique<core::Utf8Reader>(path_, encoding_);
        parser_ = std::make_unique<core::CsvParser>(dialect_);
        skipped_ = 0;
        done_ = false;
    }

    bool Step(const core::RecordFn& record) override {
        if (done_) return false;
        std::string text;
        bool more = reader_->Read(text);
        auto pass = [&](std::vector<std::string>& fields) {
            if (skipped_ < dialect_.preamble) {
                ++skipped_;
                return;
            }
            record(fields);
        };
        try {
            if (!text.empty()) parser_->Feed(text, pass);
            if (!more) {
                if (parser_->open_quote())
                    notes_.push_back(core::Message("datastore.load.unclosed_quote"));
                parser_->Finish(pass);
                done_ = true;
                if (reader_->replaced() > 0)
                    notes_.push_back(core::Message("datastore.load.replaced_bytes",
                                                   {{"count", std::to_string(reader_->replaced())},
                                                    {"encoding", encoding_.name}}));
            }
        } catch (const std::runtime_error& e) {
            throw SourceError(e.what());
        }
        return !done_;
    }

    uint64_t bytes_total() const override { return size_; }
    uint64_t bytes_done() const override { return reader_ ? reader_->bytes_read() : 0; }

    std::string Describe() const override {
        if (dialect_.preamble > 0)
            return core::Message("datastore.load.delimited_preamble",
                                 {{"delimiter", DelimiterName(dialect_.delimiter)},
                                  {"encoding", encoding_.name},
                                  {"why", encoding_.why},
                                  {"count", std::to_string(dialect_.preamble)}});
        return core::Message("datastore.load.delimited",
                             {{"delimiter", DelimiterName(dialect_.delimiter)},
                              {"encoding", encoding_.name},
                              {"why", encoding_.why}});
    }
    std::vector<std::string> Notes() const override { return notes_; }

  private:
    std::string path_;
    uint64_t size_ = 0;
    core::Encoding encoding_;
    core::Dialect dialect_;
    std::unique_ptr<core::Utf8Reader> reader_;
    std::unique_ptr<core::CsvParser> parser_;
    int skipped_ = 0;
    bool done_ = false;
    std::vector<std::string> notes_;
};

std::string Lower(std::string s) {
    return core::ToLower(core::Trim(s));
}

}  // namespace

std::unique_ptr<TableSource> OpenDelimited(const std::string& path, char hint) {
    return std::make_unique<DelimitedSource>(path, hint);
}

bool IsTabularFormat(const std::string& format) {
    std::string f = Lower(format);
    if (!f.empty() && f[0] == '.') f.erase(0, 1);
    static const std::set<std::string> kTabular = {
        "csv",  "tsv", "txt", "tab",  "text/csv",
        "xlsx", "xls", "ods", "json", "geojson",
        "kml",  "shp", "zip", "gpkg", "application/geo+json"};
    return kTabular.count(f) > 0;
}

namespace {

// The first non-space bytes of a file.
std::string Head(const std::string& path, size_t n) {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw SourceError(core::Message("datastore.load.unreadable"));
    std::string buf(n, '\0');
    buf.resize(std::fread(buf.data(), 1, n, f));
    std::fclose(f);
    return buf;
}

}  // namespace

std::unique_ptr<TableSource> OpenTable(const std::string& path, const std::string& format,
                                       const std::string& sheet) {
    std::string head = Head(path, 4096);
    std::string fmt = Lower(format);
    if (!fmt.empty() && fmt[0] == '.') fmt.erase(0, 1);
    if (head.size() >= 4 && head.compare(0, 4, std::string("PK\x03\x04", 4)) == 0) {
        // A zipped Shapefile (a .shp entry) rather than a workbook.
        if (std::string shp = ZipEntryEnding(path, ".shp"); !shp.empty())
            return OpenGeo(path, shp, sheet);
        if (fmt == "shp") throw SourceError(core::Message("datastore.load.no_shp"));
        if (fmt == "ods") return OpenOds(path, sheet);
        // An xlsx unless it turns out to be an OpenDocument file.
        try {
            return OpenXlsx(path, sheet);
        } catch (const SourceError&) {
            if (fmt == "xlsx") throw;
            return OpenOds(path, sheet);
        }
    }
    if (head.size() >= 8 &&
        head.compare(0, 8, std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)) == 0)
        return OpenXls(path, sheet);
    size_t start = head.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    char first = start == std::string::npos ? '\0' : head[start];
    if (first == '{') return OpenGeo(path, "", sheet);  // a GeoJSON object
    if (first == '[') return OpenJsonArray(path);
    if (first == '<' && (head.find("<kml") != std::string::npos || fmt == "kml"))
        return OpenGeo(path, "", sheet);
    if (head.compare(0, 16, "SQLite format 3\0") == 0)
        return OpenGeo(path, "", sheet);  // GeoPackage
    return OpenDelimited(path, fmt == "tsv" || fmt == "tab" ? '\t' : 0);
}

}  // namespace govhub::datastore

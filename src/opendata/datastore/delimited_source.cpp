// Delimited text files: the encoding decided over the whole file, the dialect sniffed from its
// start, then records streamed through the CSV parser.
#include <sys/stat.h>

#include <deque>

#include "core/strings.hpp"
#include "opendata/datastore/encoding.hpp"
#include "opendata/datastore/source.hpp"

namespace govhub::datastore {

namespace {

std::string DelimiterName(char d) {
    switch (d) {
        case ',':
            return "comma";
        case ';':
            return "semicolon";
        case '\t':
            return "tab";
        case '|':
            return "pipe";
    }
    return std::string(1, d);
}

class DelimitedSource : public TableSource {
  public:
    DelimitedSource(std::string path, char hint) : path_(std::move(path)) {
        struct stat st {};
        if (::stat(path_.c_str(), &st) != 0) throw SourceError("the file cannot be read");
        size_ = static_cast<uint64_t>(st.st_size);
        try {
            encoding_ = DetectEncoding(path_);
        } catch (const std::runtime_error& e) {
            throw SourceError(std::string("not a text table: ") + e.what());
        }
        // The dialect from the first 64 KiB of text.
        Utf8Reader sample_reader(path_, encoding_);
        std::string sample;
        while (sample.size() < (64 << 10) && sample_reader.Read(sample)) {
        }
        dialect_ = SniffDialect(sample, hint);
        Rewind();
    }

    void Rewind() override {
        reader_ = std::make_unique<Utf8Reader>(path_, encoding_);
        parser_ = std::make_unique<CsvParser>(dialect_);
        skipped_ = 0;
        done_ = false;
    }

    bool Step(const RecordFn& record) override {
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
                    notes_.push_back("the file ends inside a quoted value (a quote is missing)");
                parser_->Finish(pass);
                done_ = true;
                if (reader_->replaced() > 0)
                    notes_.push_back(std::to_string(reader_->replaced()) +
                                     " bytes could not be decoded as " + encoding_.name +
                                     " and were replaced with U+FFFD");
            }
        } catch (const std::runtime_error& e) {
            throw SourceError(e.what());
        }
        return !done_;
    }

    uint64_t bytes_total() const override { return size_; }
    uint64_t bytes_done() const override { return reader_ ? reader_->bytes_read() : 0; }

    std::string Describe() const override {
        std::string out = "delimited text, " + DelimiterName(dialect_.delimiter) + "-separated, " +
                          encoding_.name + " (" + encoding_.why + ")";
        if (dialect_.preamble > 0)
            out += ", " + std::to_string(dialect_.preamble) + " line(s) above the header skipped";
        return out;
    }
    std::vector<std::string> Notes() const override { return notes_; }

  private:
    std::string path_;
    uint64_t size_ = 0;
    Encoding encoding_;
    Dialect dialect_;
    std::unique_ptr<Utf8Reader> reader_;
    std::unique_ptr<CsvParser> parser_;
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
    return f == "csv" || f == "tsv" || f == "txt" || f == "xlsx" || f == "xls" || f == "ods" ||
           f == "text/csv" || f == "tab";
}

std::unique_ptr<TableSource> OpenTable(const std::string& path, const std::string& format,
                                       const std::string& sheet) {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw SourceError("the file cannot be read");
    char head[8] = {};
    size_t n = std::fread(head, 1, sizeof head, f);
    std::fclose(f);
    std::string fmt = Lower(format);
    if (n >= 4 && std::string_view(head, 4) == std::string_view("PK\x03\x04", 4)) {
        if (fmt == "ods") return OpenOds(path, sheet);
        // An xlsx unless it turns out to be an OpenDocument file.
        try {
            return OpenXlsx(path, sheet);
        } catch (const SourceError&) {
            if (fmt == "xlsx") throw;
            return OpenOds(path, sheet);
        }
    }
    if (n >= 8 &&
        std::string_view(head, 8) == std::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
        throw SourceError(
            "legacy Excel (.xls) files are not read yet; save the sheet as .xlsx or .csv");
    return OpenDelimited(path, fmt == "tsv" || fmt == "tab" ? '\t' : 0);
}

}  // namespace govhub::datastore

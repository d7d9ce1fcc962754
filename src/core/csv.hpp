#pragma once
// Delimited text (CSV, TSV, semicolon files): a streaming parser fed UTF-8 in pieces, and the
// sniffer that picks the dialect from the first part of a file (DuckDB's split: dialect, then
// header, then types, which types.hpp does over the whole file).
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace govhub::core {

struct Dialect {
    char delimiter = ',';
    char quote = '"';
    int preamble = 0;  // records before the header (report titles and notes above a table)
};

using RecordFn = std::function<void(std::vector<std::string>& fields)>;

// RFC 4180 and the files people actually write: quoted fields with "" escapes and newlines
// inside quotes, CRLF, LF or CR line ends, a quote inside an unquoted field kept as text.
class CsvParser {
  public:
    // A record whose fields together pass `max_record_bytes` is an error (a missing closing
    // quote would otherwise swallow the rest of the file into memory).
    explicit CsvParser(Dialect dialect, size_t max_record_bytes = 16 << 20);

    void Feed(std::string_view text, const RecordFn& record);
    // The last record when the text does not end with a newline.
    void Finish(const RecordFn& record);
    int64_t records() const { return records_; }
    // True when the text ended inside a quoted field (an unbalanced quote).
    bool open_quote() const { return in_quotes_; }

  private:
    void EndField();
    void EndRecord(const RecordFn& record);

    Dialect d_;
    size_t max_record_bytes_;
    std::vector<std::string> fields_;
    std::string field_;
    size_t record_bytes_ = 0;
    bool in_quotes_ = false, quote_seen_ = false, after_cr_ = false, field_started_ = false;
    int64_t records_ = 0;
};

// One field as CSV writes it: quoted (quotes doubled) when it holds the separator, a quote or a
// line break; empty for a NULL.
std::string CsvField(const std::optional<std::string>& value, char separator);

// A field of a CSV meant for a spreadsheet program (a report a person opens in Excel): as
// CsvField, but text that starts with = + - @ TAB or CR gets a leading apostrophe so the program
// shows it rather than runs it as a formula (OWASP's CSV injection rule). A plain number such as
// "-5" or "-1.25" is left as it is. Data downloads (open data) use CsvField: they stay verbatim.
std::string SpreadsheetCsvField(std::string_view value, char separator);

// Picks delimiter and preamble from a sample of the file (its first 64 KiB or so).
Dialect SniffDialect(std::string_view sample, char hint = 0);

}  // namespace govhub::core

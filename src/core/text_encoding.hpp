#pragma once
// The text encoding of an uploaded file, decided over the whole file, and a reader that turns
// it into UTF-8 as it streams. Order of evidence: a byte-order mark; strictly valid UTF-8;
// cp874 (Windows' superset of TIS-620) when every byte is a cp874 character and Thai letters
// appear; only then uchardet's guess. (CKAN's xloader falls back to cp1252 and loads Thai
// files as mojibake.)
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace govhub::core {

struct Encoding {
    std::string name;  // an iconv name: "UTF-8", "CP874", "UTF-16LE", ...
    size_t bom = 0;    // bytes of byte-order mark to skip
    std::string why;   // for the load log
};

// Reads the whole file once. Throws std::runtime_error when it cannot be read.
Encoding DetectEncoding(const std::string& path);

// The same decision over bytes in memory (tests, small inputs).
Encoding DetectEncodingOf(std::string_view bytes);

// Bytes in memory as UTF-8 (undecodable bytes become U+FFFD).
std::string ToUtf8(std::string_view bytes, const Encoding& encoding);

// Text a library hands over as UTF-8 (GDAL, FreeXL), made sure of: every byte that does not
// start a valid sequence becomes U+FFFD.
std::string ValidUtf8(std::string_view text);

// Streams a file as UTF-8: converted with iconv when it is not UTF-8 already, checked when it
// is (a BOM can precede anything). Bytes that do not decode become U+FFFD and are counted, so
// what it gives is always valid UTF-8.
class Utf8Reader {
  public:
    Utf8Reader(const std::string& path, const Encoding& encoding);
    ~Utf8Reader();
    Utf8Reader(const Utf8Reader&) = delete;
    Utf8Reader& operator=(const Utf8Reader&) = delete;

    // Appends up to about `max` bytes of UTF-8 to `out`; false at the end of the file.
    bool Read(std::string& out, size_t max = 1 << 16);
    uint64_t bytes_read() const { return bytes_read_; }  // of the source file
    uint64_t replaced() const { return replaced_; }

  private:
    struct Iconv;
    FILE* file_ = nullptr;
    std::unique_ptr<Iconv> iconv_;
    std::string pending_;  // source bytes not yet converted (a split character)
    uint64_t bytes_read_ = 0, replaced_ = 0;
    bool eof_ = false;
};

}  // namespace govhub::core

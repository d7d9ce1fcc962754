#pragma once
// A tabular file read as records of text cells (the first record is the header row), as many
// times as the loader needs (one pass to decide types, one to load). Every reader streams:
// memory stays bounded whatever the file's size.
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <map>
#include <optional>

#include "core/csv.hpp"
#include "opendata/datastore/types.hpp"

namespace govhub::datastore {

// A file that cannot be read as a table: the message is for the publisher.
struct SourceError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct BoundingBox {
    double west = 0, east = 0, south = 0, north = 0;  // WGS 84 degrees
};

class TableSource {
  public:
    virtual ~TableSource() = default;
    // Back to the first record.
    virtual void Rewind() = 0;
    // Reads the next piece, calling `record` for each record in it; false once the file is
    // exhausted.
    virtual bool Step(const core::RecordFn& record) = 0;
    virtual uint64_t bytes_total() const = 0;
    virtual uint64_t bytes_done() const = 0;
    // How the file is read, for the load log: a core::Message ("delimited text, comma-separated,
    // CP874 (...)"). Notes and SourceError texts are core::Messages too, shown in the reader's
    // language.
    virtual std::string Describe() const = 0;
    // Warnings found while reading (undecodable bytes, ...), after a full pass.
    virtual std::vector<std::string> Notes() const { return {}; }
    // Sheets of a workbook, or layers of geodata (empty otherwise).
    virtual std::vector<std::string> Sheets() const { return {}; }
    // Fields whose type the format fixes (geodata's "geometry" is JSON), by header.
    virtual std::map<std::string, FieldType> FixedTypes() const { return {}; }
    // The extent of geodata, after a full pass.
    virtual std::optional<BoundingBox> Bounds() const { return std::nullopt; }
};

// Delimited text; `hint` is the delimiter a format implies (TSV: '\t'), 0 to sniff.
std::unique_ptr<TableSource> OpenDelimited(const std::string& path, char hint);
// Office Open XML workbooks (.xlsx) and OpenDocument spreadsheets (.ods), read as streams of
// XML from the zip (libarchive + expat). `sheet`: a sheet name, or empty for the first.
std::unique_ptr<TableSource> OpenXlsx(const std::string& path, const std::string& sheet);
std::unique_ptr<TableSource> OpenOds(const std::string& path, const std::string& sheet);

// Geodata through GDAL (GeoJSON, KML, GeoPackage, or `inner`, a Shapefile inside the zip at
// `path`); `layer` empty for the first.
std::unique_ptr<TableSource> OpenGeo(const std::string& path, const std::string& inner,
                                     const std::string& layer);
// A JSON array of objects: the keys of every object are the fields.
std::unique_ptr<TableSource> OpenJsonArray(const std::string& path);
// Legacy Excel (.xls) through FreeXL, which runs in a child process (xls_source.cpp).
std::unique_ptr<TableSource> OpenXls(const std::string& path, const std::string& sheet);
// That child's main (`govhub-sandbox xls PATH SHEET`): writes the sheet's rows on stdout.
int RunXlsReaderChild(const std::string& path, const std::string& sheet);

// The reader for a file: by its content first (zip, XML, JSON, text), then by the format or
// extension its publisher gave.
std::unique_ptr<TableSource> OpenTable(const std::string& path, const std::string& format,
                                       const std::string& sheet);

// The first entry of a zip archive whose name ends so (case-insensitive), or "".
std::string ZipEntryEnding(const std::string& path, const std::string& suffix);

// Whether a resource of this format (CKAN's format string or a file extension) gets a table.
bool IsTabularFormat(const std::string& format);

}  // namespace govhub::datastore

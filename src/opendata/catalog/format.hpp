#pragma once
#include <string>
#include <string_view>

namespace govhub::catalog {

struct DetectedFormat {
    std::string format;  // CKAN-style upper-case: CSV, XLSX, JSON, PDF ...
    std::string mimetype;
};

// From the file's first bytes (magic numbers) and its extension: content wins where it is
// unambiguous (PDF, ZIP-based office files, images), the extension decides the rest.
DetectedFormat DetectFormat(std::string_view filename, std::string_view head);
// A file name safe to store and to send back: no path, no control characters, not empty.
std::string SafeFileName(std::string_view name);

}  // namespace govhub::catalog

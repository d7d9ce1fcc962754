#include "opendata/catalog/format.hpp"

#include "core/strings.hpp"

namespace govhub::catalog {

namespace {
std::string Extension(std::string_view filename) {
    auto dot = filename.rfind('.');
    if (dot == std::string_view::npos || dot + 1 >= filename.size()) return {};
    return core::ToLower(filename.substr(dot + 1));
}
bool Starts(std::string_view s, std::string_view p) {
    return s.substr(0, p.size()) == p;
}
}  // namespace

DetectedFormat DetectFormat(std::string_view filename, std::string_view head) {
    std::string ext = Extension(filename);
    if (Starts(head, "%PDF")) return {"PDF", "application/pdf"};
    if (Starts(head, "\x89PNG")) return {"PNG", "image/png"};
    if (Starts(head, "\xff\xd8\xff")) return {"JPEG", "image/jpeg"};
    if (Starts(head, "PK\x03\x04")) {
        if (ext == "xlsx")
            return {"XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"};
        if (ext == "docx")
            return {"DOCX",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"};
        if (ext == "ods") return {"ODS", "application/vnd.oasis.opendocument.spreadsheet"};
        if (ext == "kmz") return {"KMZ", "application/vnd.google-earth.kmz"};
        return {"ZIP", "application/zip"};
    }
    if (Starts(head, "\xd0\xcf\x11\xe0"))
        return {ext == "doc" ? "DOC" : "XLS",
                ext == "doc" ? "application/msword" : "application/vnd.ms-excel"};
    static const std::pair<const char*, DetectedFormat> kByExtension[] = {
        {"csv", {"CSV", "text/csv"}},
        {"tsv", {"TSV", "text/tab-separated-values"}},
        {"json", {"JSON", "application/json"}},
        {"geojson", {"GeoJSON", "application/geo+json"}},
        {"xml", {"XML", "application/xml"}},
        {"kml", {"KML", "application/vnd.google-earth.kml+xml"}},
        {"txt", {"TXT", "text/plain"}},
        {"shp", {"SHP", "application/octet-stream"}},
        {"gpkg", {"GPKG", "application/geopackage+sqlite3"}},
        {"html", {"HTML", "text/html"}},
        {"rdf", {"RDF", "application/rdf+xml"}},
    };
    for (const auto& [e, f] : kByExtension)
        if (ext == e) return f;
    std::string trimmed = core::Trim(head.substr(0, 64));
    if (!trimmed.empty() && (trimmed[0] == '{' || trimmed[0] == '['))
        return {"JSON", "application/json"};
    if (Starts(trimmed, "<?xml")) return {"XML", "application/xml"};
    std::string upper = ext;
    for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return {upper, "application/octet-stream"};
}

std::string SafeFileName(std::string_view name) {
    std::string base(name.substr(
        name.find_last_of("/\\") == std::string_view::npos ? 0 : name.find_last_of("/\\") + 1));
    std::string out;
    for (unsigned char c : base)
        if (c >= 0x20 && c != 0x7f && c != '"' && c != ':' && c != '*' && c != '?' && c != '<' &&
            c != '>' && c != '|')
            out += static_cast<char>(c);
    out = core::Trim(out);
    while (!out.empty() && out[0] == '.') out.erase(0, 1);
    if (out.empty() || !core::IsValidUtf8(out)) out = "data";
    if (out.size() > 200) out = out.substr(out.size() - 200);
    return out;
}

}  // namespace govhub::catalog

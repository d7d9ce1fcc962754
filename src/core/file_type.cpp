#include "core/file_type.hpp"

#include <fstream>

namespace govhub::core {

std::string SniffBytes(std::string_view h) {
    using namespace std::string_view_literals;
    if (h.starts_with("%PDF-"sv)) return "application/pdf";
    if (h.starts_with("\x89PNG\r\n\x1A\n"sv)) return "image/png";
    if (h.starts_with("\xFF\xD8\xFF"sv)) return "image/jpeg";
    // The box size comes first, then its type; brands vary (isom, mp42, M4V ...).
    if (h.size() >= 12 && h.substr(4, 4) == "ftyp"sv) return "video/mp4";
    if (h.starts_with("\x1A\x45\xDF\xA3"sv)) return "video/webm";
    // A local file header, or the end record of an empty archive.
    if (h.starts_with("PK\x03\x04"sv) || h.starts_with("PK\x05\x06"sv)) return "application/zip";
    return "";
}

std::string SniffFileType(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return "";
    char head[12] = {};
    in.read(head, sizeof head);
    return SniffBytes(std::string_view(head, static_cast<size_t>(in.gcount())));
}

}  // namespace govhub::core

#pragma once
// A file's type by its first bytes: what it is, whatever its name or the browser claims. One
// sniffer for every upload that must be a given kind (Learning's videos and PDFs, Workflow's
// documents); each caller still decides which of these types it accepts.
#include <string>
#include <string_view>

namespace govhub::core {

// "application/pdf", "image/png", "image/jpeg", "video/mp4" (an ISO-BMFF `ftyp` box),
// "video/webm" (EBML: WebM or Matroska), "application/zip"; "" for anything else, an empty or
// unreadable file, or one too short to tell.
std::string SniffFileType(const std::string& path);
// The same for bytes already read (the first 12 are enough).
std::string SniffBytes(std::string_view head);

}  // namespace govhub::core

#pragma once
// A certificate as one A4 landscape PDF page (issue 17): an optional background design (an
// agency's PNG, stretched to the page; without one, a double frame), the text lines centred in
// the middle (each shrinks until it fits in two lines), a signature image above the
// signatory's name and position, a verification footer on the left and a QR code on the
// right. Thai is shaped by Pango in Laksaman, the Sarabun design. The caller supplies every
// word (translated, dates formatted): this file only lays them out.
//
// Images from outside are bounded before Cairo reads them: PNG only, at most kMaxImageBytes,
// kMaxImageSide pixels a side and kMaxImagePixels in all (read from the IHDR chunk first), so
// a decode takes at most ~35 MB. Uploads are decoded in full once (DecodesAsPng), so a PNG that
// is kept can always be drawn.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace govhub::render {

inline constexpr size_t kMaxImageBytes = 5 * 1024 * 1024;
// A4 at 300 dpi: 3508 × 2480 pixels, either way round.
inline constexpr int kMaxImageSide = 3508;
inline constexpr int64_t kMaxImagePixels = int64_t{3508} * 2480;

struct CertificateLine {
    std::string text;
    double size = 16;  // points
    bool bold = false;
    bool accent = false;  // in the certificate's accent colour (names, the course)
};

struct CertificatePage {
    std::string background_png;  // a file path, or empty for the plain frame
    std::vector<CertificateLine> lines;
    std::string signature_png;           // a file path, or empty
    std::vector<std::string> signatory;  // lines under the signature: name, position
    std::string qr_data;                 // empty: no QR code
    std::vector<std::string> footer;     // bottom left: the verification code and address
    // The PDF's creation date (ISO 8601, "2026-12-07T02:30:00Z"): the certificate's issue time,
    // not the rendering's; empty: cairo's now.
    std::string created;
    std::string title;  // the PDF's title metadata; empty: none
};

// Whether `path` is a PNG within the bounds above; `error` says why not (English, for logs).
bool CheckPng(const std::string& path, std::string* error = nullptr);
// CheckPng, then the whole image decoded as the certificate will (truncated or corrupt data,
// bad CRCs, invalid IHDR fields, a palette without PLTE all fail). For uploads.
bool DecodesAsPng(const std::string& path, std::string* error = nullptr);
// Writes the page to `path`; throws std::runtime_error when an image is refused or the file
// cannot be written.
void WriteCertificatePdf(const CertificatePage& page, const std::string& path);

}  // namespace govhub::render

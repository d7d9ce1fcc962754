#pragma once
// QR codes (libqrencode, error correction M): the modules, drawn by the PDF writer, and an
// SVG for pages (an authenticator app's set-up code).
#include <string>
#include <vector>

namespace govhub::render {

struct QrMatrix {
    int width = 0;           // modules per side, without the quiet zone
    std::vector<bool> dark;  // row by row
    bool Dark(int row, int column) const { return dark[static_cast<size_t>(row * width + column)]; }
};

// Throws std::runtime_error when `data` is too long for a QR code.
QrMatrix EncodeQr(const std::string& data);
// An <svg> element with a 4-module quiet zone, `pixels` wide, labelled `label` for screen
// readers.
std::string QrSvg(const std::string& data, int pixels, const std::string& label);

}  // namespace govhub::render

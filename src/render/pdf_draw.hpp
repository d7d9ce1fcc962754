#pragma once
// Drawing shared by the render module's PDF writers (pdf.cpp's forms, certificate.cpp's
// certificates). Internal to render/: it brings Pango's and Cairo's headers, so nothing outside
// this folder includes it.
#include <cairo.h>
#include <pango/pangocairo.h>

#include <string>

namespace govhub::render::draw {

inline constexpr const char* kFont = "Laksaman";  // the Sarabun design (fonts-thai-tlwg)

// Lays out `text` (shaped by Pango: Thai marks stack, lines break between Thai words) at
// (x, y) within `width`; draws it when `draw`; returns its height.
double Text(cairo_t* cr, const std::string& text, double x, double y, double width, double size,
            bool bold, PangoAlignment align = PANGO_ALIGN_LEFT, bool draw = true);
// The number of lines `text` takes at that width and size.
int LineCount(cairo_t* cr, const std::string& text, double width, double size, bool bold);
// A QR code of `data`, `size` points square (quiet zone included) with its top left at (x, y).
void Qr(cairo_t* cr, const std::string& data, double x, double y, double size);

}  // namespace govhub::render::draw

#pragma once
// Drawing shared by the render module's PDF writers (pdf.cpp's forms, certificate.cpp's
// certificates). Internal to render/: it brings Pango's and Cairo's headers, so nothing outside
// this folder includes it.
#include <cairo.h>
#include <pango/pangocairo.h>

#include <string>

namespace govhub::render::draw {

inline constexpr const char* kFont = "Laksaman";  // the Sarabun design (fonts-thai-tlwg)

// Where lines may break. kWords: between words, Thai words found by libthai's dictionary (Pango
// is told the text's language: "th" when it holds Thai letters, "en" otherwise). kSpaces: only
// at spaces, so a title breaks between its phrases and never inside a compound the dictionary
// splits ("รวม|ศูนย์", "การ|สื่อสาร"); a phrase wider than the line then overflows it.
enum class Breaks { kWords, kSpaces };

// "th" when `text` holds a Thai letter (U+0E00–U+0E7F), otherwise "en".
const char* LanguageOf(const std::string& text);

// Lays out `text` (shaped by Pango: Thai marks stack, lines break as `breaks` says) at (x, y)
// within `width`; draws it when `draw`; returns its height.
double Text(cairo_t* cr, const std::string& text, double x, double y, double width, double size,
            bool bold, PangoAlignment align = PANGO_ALIGN_LEFT, bool draw = true,
            Breaks breaks = Breaks::kWords);
// The number of lines `text` takes at that width and size; with kSpaces, kOverflow when a
// phrase is wider than `width`.
inline constexpr int kOverflow = 1 << 20;
int LineCount(cairo_t* cr, const std::string& text, double width, double size, bool bold,
              Breaks breaks = Breaks::kWords);
// A heading's size and breaks: the largest size from `size` down to `min_size` (1 point a step)
// at which `text` takes at most `max_lines` lines broken at spaces only; otherwise the largest
// at which it does broken between words; otherwise `min_size`, between words.
struct Fit {
    double size;
    Breaks breaks;
};
Fit FitHeading(cairo_t* cr, const std::string& text, double width, double size, double min_size,
               bool bold, int max_lines);
// A QR code of `data`, `size` points square (quiet zone included) with its top left at (x, y).
void Qr(cairo_t* cr, const std::string& data, double x, double y, double size);

}  // namespace govhub::render::draw

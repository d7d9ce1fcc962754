#include "render/pdf_draw.hpp"

#include "render/qr.hpp"

#include <algorithm>

namespace govhub::render::draw {

namespace {
PangoLayout* Layout(cairo_t* cr, const std::string& text, double width, double size, bool bold,
                    PangoAlignment align, Breaks breaks) {
    PangoLayout* layout = pango_cairo_create_layout(cr);
    PangoFontDescription* font = pango_font_description_from_string(kFont);
    pango_font_description_set_absolute_size(font, size * PANGO_SCALE);
    if (bold) pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(layout, font);
    pango_layout_set_width(layout, static_cast<int>(width * PANGO_SCALE));
    // Between words; a word wider than the line (a long address) between its characters.
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout, align);
    PangoAttrList* attrs = pango_attr_list_new();
    pango_attr_list_insert(attrs,
                           pango_attr_language_new(pango_language_from_string(LanguageOf(text))));
    if (breaks == Breaks::kSpaces) {
        // No break inside a run of non-spaces: the breaks left are those after a space.
        for (size_t i = 0; i < text.size();) {
            size_t start = text.find_first_not_of(' ', i);
            if (start == std::string::npos) break;
            size_t end = std::min(text.find(' ', start), text.size());
            PangoAttribute* keep = pango_attr_allow_breaks_new(FALSE);
            keep->start_index = static_cast<guint>(start);
            keep->end_index = static_cast<guint>(end);
            pango_attr_list_insert(attrs, keep);
            i = end;
        }
    }
    pango_layout_set_attributes(layout, attrs);
    pango_attr_list_unref(attrs);
    pango_layout_set_text(layout, text.c_str(), static_cast<int>(text.size()));
    pango_font_description_free(font);
    return layout;
}
}  // namespace

const char* LanguageOf(const std::string& text) {
    // U+0E00–U+0E7F are E0 B8 xx and E0 B9 xx in UTF-8 (E0 only ever leads a sequence).
    for (size_t i = 0; i + 1 < text.size(); ++i)
        if (static_cast<unsigned char>(text[i]) == 0xE0 &&
            (static_cast<unsigned char>(text[i + 1]) == 0xB8 ||
             static_cast<unsigned char>(text[i + 1]) == 0xB9))
            return "th";
    return "en";
}

double Text(cairo_t* cr, const std::string& text, double x, double y, double width, double size,
            bool bold, PangoAlignment align, bool draw, Breaks breaks) {
    PangoLayout* layout = Layout(cr, text, width, size, bold, align, breaks);
    int w = 0, h = 0;
    pango_layout_get_size(layout, &w, &h);
    if (draw) {
        cairo_move_to(cr, x, y);
        pango_cairo_show_layout(cr, layout);
    }
    g_object_unref(layout);
    return static_cast<double>(h) / PANGO_SCALE;
}

int LineCount(cairo_t* cr, const std::string& text, double width, double size, bool bold,
              Breaks breaks) {
    PangoLayout* layout = Layout(cr, text, width, size, bold, PANGO_ALIGN_LEFT, breaks);
    int n = pango_layout_get_line_count(layout);
    int w = 0, h = 0;
    pango_layout_get_size(layout, &w, &h);
    g_object_unref(layout);
    bool overflows = breaks == Breaks::kSpaces && w > static_cast<int>(width * PANGO_SCALE);
    return overflows ? kOverflow : n;
}

Fit FitHeading(cairo_t* cr, const std::string& text, double width, double size, double min_size,
               bool bold, int max_lines) {
    for (Breaks breaks : {Breaks::kSpaces, Breaks::kWords})
        for (double s = size; s >= min_size; s -= 1)
            if (LineCount(cr, text, width, s, bold, breaks) <= max_lines) return {s, breaks};
    return {min_size, Breaks::kWords};
}

void Qr(cairo_t* cr, const std::string& data, double x, double y, double size) {
    QrMatrix code = EncodeQr(data);
    const double module = size / (code.width + 8);  // a 4-module quiet zone on each side
    for (int r = 0; r < code.width; ++r)
        for (int c = 0; c < code.width; ++c)
            if (code.Dark(r, c))
                cairo_rectangle(cr, x + (c + 4) * module, y + (r + 4) * module, module, module);
    cairo_fill(cr);
}

}  // namespace govhub::render::draw

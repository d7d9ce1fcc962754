#include "render/pdf_draw.hpp"

#include "render/qr.hpp"

namespace govhub::render::draw {

namespace {
PangoLayout* Layout(cairo_t* cr, const std::string& text, double width, double size, bool bold,
                    PangoAlignment align) {
    PangoLayout* layout = pango_cairo_create_layout(cr);
    PangoFontDescription* font = pango_font_description_from_string(kFont);
    pango_font_description_set_absolute_size(font, size * PANGO_SCALE);
    if (bold) pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(layout, font);
    pango_layout_set_width(layout, static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);  // Thai breaks between words
    pango_layout_set_alignment(layout, align);
    pango_layout_set_text(layout, text.c_str(), static_cast<int>(text.size()));
    pango_font_description_free(font);
    return layout;
}
}  // namespace

double Text(cairo_t* cr, const std::string& text, double x, double y, double width, double size,
            bool bold, PangoAlignment align, bool draw) {
    PangoLayout* layout = Layout(cr, text, width, size, bold, align);
    int w = 0, h = 0;
    pango_layout_get_size(layout, &w, &h);
    if (draw) {
        cairo_move_to(cr, x, y);
        pango_cairo_show_layout(cr, layout);
    }
    g_object_unref(layout);
    return static_cast<double>(h) / PANGO_SCALE;
}

int LineCount(cairo_t* cr, const std::string& text, double width, double size, bool bold) {
    PangoLayout* layout = Layout(cr, text, width, size, bold, PANGO_ALIGN_LEFT);
    int n = pango_layout_get_line_count(layout);
    g_object_unref(layout);
    return n;
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

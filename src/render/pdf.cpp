#include "render/pdf.hpp"

#include <algorithm>

#include "render/qr.hpp"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include <stdexcept>

namespace govhub::render {
namespace {
constexpr double kWidth = 595.28, kHeight = 841.89;  // A4 in points
constexpr double kMargin = 56.7;                     // 2 cm
constexpr const char* kFont = "Laksaman";
}  // namespace

struct PdfWriter::Impl {
    cairo_surface_t* surface = nullptr;
    cairo_t* cr = nullptr;
    double y = kMargin;
    double qr_bottom = 0;  // text stays left of the QR code until below it
    bool finished = false;

    ~Impl() {
        if (cr) cairo_destroy(cr);
        if (surface) cairo_surface_destroy(surface);
    }

    double Width(double x) const {
        double right = y < qr_bottom ? kWidth - kMargin - 110 : kWidth - kMargin;
        return right - x;
    }

    // Lays out `text` at x with the given width; returns its height.
    double Text(const std::string& text, double x, double width, double size, bool bold,
                PangoAlignment align = PANGO_ALIGN_LEFT, bool draw = true) {
        PangoLayout* layout = pango_cairo_create_layout(cr);
        PangoFontDescription* font = pango_font_description_from_string(kFont);
        pango_font_description_set_absolute_size(font, size * PANGO_SCALE);
        if (bold) pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD);
        pango_layout_set_font_description(layout, font);
        pango_layout_set_width(layout, static_cast<int>(width * PANGO_SCALE));
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);  // Thai breaks between words
        pango_layout_set_alignment(layout, align);
        pango_layout_set_text(layout, text.c_str(), static_cast<int>(text.size()));
        int w = 0, h = 0;
        pango_layout_get_size(layout, &w, &h);
        double height = static_cast<double>(h) / PANGO_SCALE;
        if (draw) {
            cairo_move_to(cr, x, y);
            pango_cairo_show_layout(cr, layout);
        }
        pango_font_description_free(font);
        g_object_unref(layout);
        return height;
    }

    void Need(double height) {
        if (y + height <= kHeight - kMargin) return;
        cairo_show_page(cr);
        y = kMargin;
        qr_bottom = 0;
    }
};

PdfWriter::PdfWriter(const std::string& path) : impl_(std::make_unique<Impl>()) {
    impl_->surface = cairo_pdf_surface_create(path.c_str(), kWidth, kHeight);
    if (cairo_surface_status(impl_->surface) != CAIRO_STATUS_SUCCESS)
        throw std::runtime_error("cannot create the PDF");
    impl_->cr = cairo_create(impl_->surface);
    cairo_set_source_rgb(impl_->cr, 0, 0, 0);
}

PdfWriter::~PdfWriter() = default;

void PdfWriter::Qr(const std::string& data, const std::string& caption) {
    QrMatrix code = EncodeQr(data);
    const double size = 96, x0 = kWidth - kMargin - size, y0 = impl_->y;
    const double module = size / (code.width + 8);  // a 4-module quiet zone on each side
    cairo_t* cr = impl_->cr;
    for (int r = 0; r < code.width; ++r)
        for (int c = 0; c < code.width; ++c)
            if (code.Dark(r, c))
                cairo_rectangle(cr, x0 + (c + 4) * module, y0 + (r + 4) * module, module, module);
    cairo_fill(cr);
    double saved = impl_->y;
    impl_->y = y0 + size;
    double h = impl_->Text(caption, x0 - 10, size + 20, 8, false, PANGO_ALIGN_CENTER);
    impl_->qr_bottom = y0 + size + h + 6;
    impl_->y = saved;
}

void PdfWriter::Title(const std::string& text) {
    double width = impl_->Width(kMargin);
    double h = impl_->Text(text, kMargin, width, 20, true, PANGO_ALIGN_CENTER, false);
    impl_->Need(h);
    impl_->Text(text, kMargin, width, 20, true, PANGO_ALIGN_CENTER);
    impl_->y += h + 10;
}

void PdfWriter::Paragraph(const std::string& text, bool bold) {
    double width = impl_->Width(kMargin);
    double h = impl_->Text(text, kMargin, width, 14, bold, PANGO_ALIGN_LEFT, false);
    impl_->Need(h);
    impl_->Text(text, kMargin, width, 14, bold);
    impl_->y += h + 6;
}

void PdfWriter::Small(const std::string& text) {
    double width = impl_->Width(kMargin);
    double h = impl_->Text(text, kMargin, width, 10, false, PANGO_ALIGN_LEFT, false);
    impl_->Need(h);
    impl_->Text(text, kMargin, width, 10, false);
    impl_->y += h + 4;
}

void PdfWriter::Field(const std::string& label, const std::string& value) {
    const double label_width = 150;
    double value_x = kMargin + label_width;
    double width = impl_->Width(value_x);
    double h =
        std::max(impl_->Text(label, kMargin, label_width - 8, 14, true, PANGO_ALIGN_LEFT, false),
                 impl_->Text(value, value_x, width, 14, false, PANGO_ALIGN_LEFT, false));
    impl_->Need(h);
    impl_->Text(label, kMargin, label_width - 8, 14, true);
    impl_->Text(value, value_x, width, 14, false);
    // A light rule under the value, as on a paper form.
    cairo_set_line_width(impl_->cr, 0.4);
    cairo_move_to(impl_->cr, value_x, impl_->y + h + 1);
    cairo_line_to(impl_->cr, value_x + width, impl_->y + h + 1);
    cairo_stroke(impl_->cr);
    impl_->y += h + 8;
}

void PdfWriter::Signatures(const std::string& left_caption, const std::string& right_caption) {
    Signatures(std::vector<std::string>{left_caption, right_caption});
}

void PdfWriter::Signatures(const std::vector<std::string>& captions, const std::string& sign,
                           const std::string& date) {
    if (captions.empty()) return;
    const size_t n = std::min<size_t>(captions.size(), 2);
    const double block = (kWidth - 2 * kMargin) / 2;
    impl_->Need(110);
    impl_->y += 40;
    for (size_t i = 0; i < n; ++i) {
        // A single block stands in the middle of the page.
        double x = n == 1 ? kMargin + block / 2 : kMargin + static_cast<double>(i) * block;
        double saved = impl_->y;
        impl_->Text(sign + " ........................................................", x,
                    block - 10, 14, false, PANGO_ALIGN_CENTER);
        impl_->y += 22;
        impl_->Text("(........................................................)", x, block - 10, 14,
                    false, PANGO_ALIGN_CENTER);
        impl_->y += 22;
        impl_->Text(captions[i], x, block - 10, 14, false, PANGO_ALIGN_CENTER);
        impl_->y += 22;
        impl_->Text(date + " ........../........................../..............", x, block - 10,
                    14, false, PANGO_ALIGN_CENTER);
        impl_->y = saved;
    }
    impl_->y += 100;
}

void PdfWriter::Space(double points) {
    impl_->y += points;
}

void PdfWriter::Finish() {
    if (impl_->finished) return;
    impl_->finished = true;
    cairo_show_page(impl_->cr);
    cairo_destroy(impl_->cr);
    impl_->cr = nullptr;
    cairo_surface_finish(impl_->surface);
    cairo_status_t status = cairo_surface_status(impl_->surface);
    cairo_surface_destroy(impl_->surface);
    impl_->surface = nullptr;
    if (status != CAIRO_STATUS_SUCCESS) throw std::runtime_error("cannot write the PDF");
}

}  // namespace govhub::render

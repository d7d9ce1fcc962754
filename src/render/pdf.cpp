#include "render/pdf.hpp"

#include <algorithm>

#include "render/pdf_draw.hpp"

#include <cairo-pdf.h>

#include <stdexcept>

namespace govhub::render {
namespace {
constexpr double kWidth = 595.28, kHeight = 841.89;  // A4 in points
constexpr double kMargin = 56.7;                     // 2 cm
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

    // Lays out `text` at (x, y) with the given width; returns its height.
    double Text(const std::string& text, double x, double width, double size, bool bold,
                PangoAlignment align = PANGO_ALIGN_LEFT, bool draw = true,
                draw::Breaks breaks = draw::Breaks::kWords) {
        return draw::Text(cr, text, x, y, width, size, bold, align, draw, breaks);
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
    const double size = 96, x0 = kWidth - kMargin - size, y0 = impl_->y;
    draw::Qr(impl_->cr, data, x0, y0, size);
    double saved = impl_->y;
    impl_->y = y0 + size;
    double h = impl_->Text(caption, x0 - 10, size + 20, 8, false, PANGO_ALIGN_CENTER);
    impl_->qr_bottom = y0 + size + h + 6;
    impl_->y = saved;
}

void PdfWriter::Title(const std::string& text) {
    // One paragraph in at most two lines, broken between its phrases (at spaces) when it can
    // be, a little smaller when it must: never "แบบรวม / ศูนย์", never three lines of English.
    double width = impl_->Width(kMargin);
    draw::Fit fit = draw::FitHeading(impl_->cr, text, width, 20, 16, true, 2);
    double h =
        impl_->Text(text, kMargin, width, fit.size, true, PANGO_ALIGN_CENTER, false, fit.breaks);
    impl_->Need(h);
    impl_->Text(text, kMargin, width, fit.size, true, PANGO_ALIGN_CENTER, true, fit.breaks);
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
                           const std::string& date, const std::vector<std::string>& names) {
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
        std::string name = i < names.size() ? names[i] : "";
        impl_->Text(name.empty() ? "(........................................................)"
                                 : "(" + name + ")",
                    x, block - 10, 14, false, PANGO_ALIGN_CENTER);
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

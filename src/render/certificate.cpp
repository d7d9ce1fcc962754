#include "render/certificate.hpp"

#include <cairo-pdf.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "render/pdf_draw.hpp"

namespace govhub::render {

namespace {
constexpr double kWidth = 841.89, kHeight = 595.28;  // A4 landscape in points
constexpr double kMargin = 56.7;                     // 2 cm
constexpr double kInk[3] = {0.12, 0.13, 0.16};
constexpr double kAccent[3] = {0.11, 0.21, 0.36};  // navy
constexpr double kGold[3] = {0.72, 0.53, 0.04};

uint32_t BigEndian(const unsigned char* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

struct Image {
    cairo_surface_t* surface = nullptr;
    explicit Image(const std::string& path) {
        std::string error;
        if (!CheckPng(path, &error)) throw std::runtime_error("certificate image: " + error);
        surface = cairo_image_surface_create_from_png(path.c_str());
        if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
            cairo_surface_destroy(surface);
            surface = nullptr;
            throw std::runtime_error("certificate image: not a readable PNG");
        }
    }
    ~Image() {
        if (surface) cairo_surface_destroy(surface);
    }
    Image(const Image&) = delete;
    Image& operator=(const Image&) = delete;
    double Width() const { return cairo_image_surface_get_width(surface); }
    double Height() const { return cairo_image_surface_get_height(surface); }
};

// Draws `img` scaled to fit in (x, y, w, h), keeping its proportions, centred.
void Place(cairo_t* cr, const Image& img, double x, double y, double w, double h, bool fill) {
    double sx = w / img.Width(), sy = h / img.Height();
    double s = fill ? 0 : std::min(sx, sy);
    cairo_save(cr);
    if (fill) {
        cairo_translate(cr, x, y);
        cairo_scale(cr, sx, sy);
    } else {
        cairo_translate(cr, x + (w - img.Width() * s) / 2, y + (h - img.Height() * s) / 2);
        cairo_scale(cr, s, s);
    }
    cairo_set_source_surface(cr, img.surface, 0, 0);
    cairo_paint(cr);
    cairo_restore(cr);
}

void Frame(cairo_t* cr) {
    cairo_set_source_rgb(cr, kAccent[0], kAccent[1], kAccent[2]);
    cairo_set_line_width(cr, 6);
    cairo_rectangle(cr, 18, 18, kWidth - 36, kHeight - 36);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, kGold[0], kGold[1], kGold[2]);
    cairo_set_line_width(cr, 1.5);
    cairo_rectangle(cr, 28, 28, kWidth - 56, kHeight - 56);
    cairo_stroke(cr);
}

void Colour(cairo_t* cr, const double (&c)[3]) {
    cairo_set_source_rgb(cr, c[0], c[1], c[2]);
}

// The size at which `line` takes at most two lines (down to 60 % of its size), broken at
// spaces when that fits at its own size (a course title breaks between its phrases, never
// inside a compound such as "รวม|ศูนย์"), otherwise between words.
draw::Fit FitSize(cairo_t* cr, const CertificateLine& line, double width) {
    if (draw::LineCount(cr, line.text, width, line.size, line.bold, draw::Breaks::kSpaces) <= 2)
        return {line.size, draw::Breaks::kSpaces};
    double size = line.size;
    while (size > line.size * 0.6 && draw::LineCount(cr, line.text, width, size, line.bold) > 2)
        size *= 0.92;
    return {size, draw::Breaks::kWords};
}
}  // namespace

bool CheckPng(const std::string& path, std::string* error) {
    auto fail = [&](const char* why) {
        if (error) *error = why;
        return false;
    };
    std::error_code ec;
    auto bytes = std::filesystem::file_size(path, ec);
    if (ec) return fail("cannot be read");
    if (bytes > kMaxImageBytes) return fail("larger than 5 MiB");
    std::ifstream in(path, std::ios::binary);
    unsigned char head[24] = {};
    if (!in.read(reinterpret_cast<char*>(head), sizeof head)) return fail("not a PNG");
    static const unsigned char kSig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (!std::equal(kSig, kSig + 8, head) || !std::equal(head + 12, head + 16, "IHDR"))
        return fail("not a PNG");
    uint32_t w = BigEndian(head + 16), h = BigEndian(head + 20);
    if (w == 0 || h == 0 || w > static_cast<uint32_t>(kMaxImageSide) ||
        h > static_cast<uint32_t>(kMaxImageSide))
        return fail("wider or taller than 3508 pixels");
    if (int64_t{w} * h > kMaxImagePixels) return fail("more pixels than 3508 x 2480");
    return true;
}

bool DecodesAsPng(const std::string& path, std::string* error) {
    if (!CheckPng(path, error)) return false;
    cairo_surface_t* surface = cairo_image_surface_create_from_png(path.c_str());
    cairo_status_t status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS) {
        if (error) *error = std::string("not a readable PNG: ") + cairo_status_to_string(status);
        return false;
    }
    return true;
}

void WriteCertificatePdf(const CertificatePage& page, const std::string& path) {
    // Images are checked before the file is started, so a refused one leaves nothing behind.
    std::unique_ptr<Image> background, signature;
    if (!page.background_png.empty()) background = std::make_unique<Image>(page.background_png);
    if (!page.signature_png.empty()) signature = std::make_unique<Image>(page.signature_png);

    cairo_surface_t* surface = cairo_pdf_surface_create(path.c_str(), kWidth, kHeight);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        throw std::runtime_error("cannot create the PDF");
    }
    if (!page.created.empty())
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE,
                                       page.created.c_str());
    if (!page.title.empty())
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, page.title.c_str());
    cairo_t* cr = cairo_create(surface);
    if (background)
        Place(cr, *background, 0, 0, kWidth, kHeight, true);
    else
        Frame(cr);

    // The bottom band: footer left, signature centre, QR right.
    const double band_top = kHeight - kMargin - 120;
    const double text_width = kWidth - 2 * kMargin - 40;

    // The lines, centred as a block between the top margin and the band.
    std::vector<draw::Fit> fits;
    std::vector<double> heights;
    double total = 0;
    for (const auto& line : page.lines) {
        draw::Fit fit = FitSize(cr, line, text_width);
        double h = draw::Text(cr, line.text, 0, 0, text_width, fit.size, line.bold,
                              PANGO_ALIGN_CENTER, false, fit.breaks);
        fits.push_back(fit);
        heights.push_back(h);
        total += h + 4;
    }
    double top = kMargin + 10, bottom = band_top - 10;
    double y = std::max(top, top + (bottom - top - total) / 2);
    for (size_t i = 0; i < page.lines.size(); ++i) {
        const auto& line = page.lines[i];
        Colour(cr, line.accent ? kAccent : kInk);
        draw::Text(cr, line.text, kMargin + 20, y, text_width, fits[i].size, line.bold,
                   PANGO_ALIGN_CENTER, true, fits[i].breaks);
        y += heights[i] + 4;
    }

    // Signature: the image above a rule, the signatory's lines below it.
    const double sig_width = 220, sig_x = (kWidth - sig_width) / 2;
    double sig_y = band_top;
    if (signature) Place(cr, *signature, sig_x, sig_y, sig_width, 50, false);
    sig_y += 54;
    Colour(cr, kInk);
    cairo_set_line_width(cr, 0.6);
    cairo_move_to(cr, sig_x, sig_y);
    cairo_line_to(cr, sig_x + sig_width, sig_y);
    cairo_stroke(cr);
    sig_y += 4;
    for (const auto& s : page.signatory)
        sig_y +=
            draw::Text(cr, s, sig_x - 40, sig_y, sig_width + 80, 13, false, PANGO_ALIGN_CENTER);

    // Verification: the footer bottom left, the QR code bottom right.
    Colour(cr, kInk);
    double fy = kHeight - kMargin - 10;
    for (auto it = page.footer.rbegin(); it != page.footer.rend(); ++it) {
        double h = draw::Text(cr, *it, 0, 0, 300, 10, false, PANGO_ALIGN_LEFT, false);
        fy -= h;
        draw::Text(cr, *it, kMargin, fy, 300, 10, false);
    }
    if (!page.qr_data.empty()) {
        Colour(cr, kInk);
        const double qr = 86;
        draw::Qr(cr, page.qr_data, kWidth - kMargin - qr, kHeight - kMargin - qr - 4, qr);
    }

    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_status_t status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS) throw std::runtime_error("cannot write the PDF");
}

}  // namespace govhub::render

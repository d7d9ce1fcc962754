#include "render/transcript.hpp"

#include <algorithm>
#include <stdexcept>

#include "render/pdf_draw.hpp"

#include <cairo-pdf.h>

namespace govhub::render {
namespace {

constexpr double kWidth = 595.28, kHeight = 841.89;  // A4 portrait in points
constexpr double kMargin = 42.5;                     // 1.5 cm: room for six columns
constexpr double kFoot = 24;                         // the page label's band
constexpr double kCellPad = 3;
constexpr double kTextSize = 10, kHeadSize = 10;

cairo_status_t Append(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

struct Layout {
    std::vector<double> x, w;  // each column's left edge and width
};

Layout Columns(const std::vector<TableColumn>& cols) {
    Layout l;
    double total = 0;
    for (const auto& c : cols) total += std::max(c.weight, 0.1);
    double x = kMargin, span = kWidth - 2 * kMargin;
    for (const auto& c : cols) {
        double w = span * std::max(c.weight, 0.1) / total;
        l.x.push_back(x);
        l.w.push_back(w);
        x += w;
    }
    return l;
}

// A row's height: its tallest cell, wrapped in its column.
double RowHeight(cairo_t* cr, const std::vector<std::string>& cells, const Layout& l, double size,
                 bool bold) {
    double h = 0;
    for (size_t i = 0; i < l.w.size(); ++i) {
        const std::string& text = i < cells.size() ? cells[i] : std::string();
        h = std::max(h, draw::Text(cr, text.empty() ? " " : text, 0, 0, l.w[i] - 2 * kCellPad, size,
                                   bold, PANGO_ALIGN_LEFT, false));
    }
    return h + 2 * kCellPad;
}

void DrawRow(cairo_t* cr, const std::vector<std::string>& cells,
             const std::vector<TableColumn>& cols, const Layout& l, double y, double h, double size,
             bool bold, bool shade) {
    if (shade) {
        cairo_set_source_rgb(cr, 0.93, 0.94, 0.96);
        cairo_rectangle(cr, kMargin, y, kWidth - 2 * kMargin, h);
        cairo_fill(cr);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (size_t i = 0; i < l.w.size(); ++i) {
        const std::string& text = i < cells.size() ? cells[i] : std::string();
        draw::Text(cr, text, l.x[i] + kCellPad, y + kCellPad, l.w[i] - 2 * kCellPad, size, bold,
                   cols[i].right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
    }
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr, 0.4);
    cairo_move_to(cr, kMargin, y + h);
    cairo_line_to(cr, kWidth - kMargin, y + h);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
}

}  // namespace

std::string WriteTranscriptPdf(const TranscriptDocument& doc) {
    std::string out;
    cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(Append, &out, kWidth, kHeight);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        throw std::runtime_error("cannot create the PDF");
    }
    cairo_t* cr = cairo_create(surface);
    const double span = kWidth - 2 * kMargin, bottom = kHeight - kMargin - kFoot;
    const Layout layout = Columns(doc.columns);
    std::vector<std::string> headings;
    for (const auto& c : doc.columns) headings.push_back(c.heading);

    // Measured first, so each page knows the count for "page n / m".
    double title_h = draw::Text(cr, doc.title, 0, 0, span, 18, true, PANGO_ALIGN_CENTER, false);
    double header_h = 0;
    for (const auto& line : doc.header)
        header_h += draw::Text(cr, line, 0, 0, span, 11, false, PANGO_ALIGN_LEFT, false) + 2;
    const double head_row = RowHeight(cr, headings, layout, kHeadSize, true);
    std::vector<double> heights;
    for (const auto& row : doc.rows)
        heights.push_back(RowHeight(cr, row, layout, kTextSize, false));
    double totals_h = 8;
    for (const auto& line : doc.totals)
        totals_h += draw::Text(cr, line, 0, 0, span, 11, true, PANGO_ALIGN_LEFT, false) + 2;

    // Pagination: the rows each page takes; the totals on the last page (a page of their own
    // when they do not fit under the last rows).
    const double first_top = kMargin + title_h + 10 + header_h + 10;
    std::vector<size_t> page_starts = {0};
    double y = first_top + head_row;
    for (size_t i = 0; i < heights.size(); ++i) {
        if (y + heights[i] > bottom && i > page_starts.back()) {
            page_starts.push_back(i);
            y = kMargin + head_row;
        }
        y += heights[i];
    }
    if (doc.rows.empty())
        y += draw::Text(cr, doc.empty_text, 0, 0, span, 11, false, PANGO_ALIGN_LEFT, false);
    bool totals_page = y + totals_h > bottom;
    const size_t pages = page_starts.size() + (totals_page ? 1 : 0);

    auto foot = [&](size_t n) {
        int ni = static_cast<int>(n), mi = static_cast<int>(pages);
        std::string label = doc.page_label ? doc.page_label(ni, mi)
                                           : std::to_string(ni) + " / " + std::to_string(mi);
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        draw::Text(cr, label, kMargin, kHeight - kMargin - 12, span, 9, false, PANGO_ALIGN_RIGHT);
        cairo_set_source_rgb(cr, 0, 0, 0);
    };

    y = kMargin;
    cairo_set_source_rgb(cr, 0, 0, 0);
    y += draw::Text(cr, doc.title, kMargin, y, span, 18, true, PANGO_ALIGN_CENTER) + 10;
    for (const auto& line : doc.header) y += draw::Text(cr, line, kMargin, y, span, 11, false) + 2;
    y += 10;
    for (size_t p = 0; p < page_starts.size(); ++p) {
        if (p > 0) {
            foot(p);
            cairo_show_page(cr);
            y = kMargin;
        }
        if (doc.rows.empty()) {
            y += draw::Text(cr, doc.empty_text, kMargin, y, span, 11, false);
            break;
        }
        DrawRow(cr, headings, doc.columns, layout, y, head_row, kHeadSize, true, true);
        y += head_row;
        size_t end = p + 1 < page_starts.size() ? page_starts[p + 1] : doc.rows.size();
        for (size_t i = page_starts[p]; i < end; ++i) {
            DrawRow(cr, doc.rows[i], doc.columns, layout, y, heights[i], kTextSize, false, false);
            y += heights[i];
        }
    }
    if (totals_page) {
        foot(page_starts.size());
        cairo_show_page(cr);
        y = kMargin;
    }
    y += 8;
    for (const auto& line : doc.totals) y += draw::Text(cr, line, kMargin, y, span, 11, true) + 2;
    foot(pages);
    cairo_show_page(cr);

    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_status_t status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS) throw std::runtime_error("cannot write the PDF");
    return out;
}

}  // namespace govhub::render

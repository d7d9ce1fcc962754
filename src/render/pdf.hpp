#pragma once
// A4 PDF documents with Thai text shaped by Pango and drawn by Cairo, in Laksaman (the Sarabun
// design, fonts-thai-tlwg), for forms people print and sign. Pango and Cairo stay inside
// pdf.cpp: this header is plain C++.
#include <memory>
#include <string>
#include <vector>

namespace govhub::render {

class PdfWriter {
  public:
    // Starts a document at `path`; throws std::runtime_error when it cannot be written.
    explicit PdfWriter(const std::string& path);
    ~PdfWriter();
    PdfWriter(const PdfWriter&) = delete;
    PdfWriter& operator=(const PdfWriter&) = delete;

    // A QR code of `data` in the top right corner of the current page, with a caption below.
    void Qr(const std::string& data, const std::string& caption);
    // Centred, bold, in at most two lines: 20 points, down to 16 when it needs to; broken at
    // spaces (between phrases) when that fits, otherwise between words.
    void Title(const std::string& text);
    void Paragraph(const std::string& text, bool bold = false);
    void Small(const std::string& text);
    // "label  value" on one row, the value wrapped in its own column.
    void Field(const std::string& label, const std::string& value);
    // Two signature blocks side by side: a dotted line, "(....)" for the name, the caption.
    void Signatures(const std::string& left_caption, const std::string& right_caption);
    // One or two signature blocks (more are not drawn): one is centred. `sign` and `date` are
    // the words before the dotted lines ("ลงชื่อ", "วันที่" / "Signed", "Date").
    // `names` fill the "( .... )" lines in order ("" leaves one dotted, to fill by hand).
    void Signatures(const std::vector<std::string>& captions, const std::string& sign = "ลงชื่อ",
                    const std::string& date = "วันที่", const std::vector<std::string>& names = {});
    void Space(double points);
    // Writes the last page and closes the file; throws when Cairo reports an error.
    void Finish();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace govhub::render

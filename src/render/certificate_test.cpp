// The certificate page: Thai read back from the PDF, the font embedded, landscape A4, images
// bounded before Cairo reads them. The PNG of the page is kept in tests/artifacts/ to look at.
#include "render/certificate.hpp"

#include "core/run_tool.hpp"

#include <cairo.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

namespace govhub::render {
namespace {

namespace fs = std::filesystem;

// A tool's standard output (core::RunTool: no shell, bounded; poppler-utils in /usr/bin).
std::string Tool(const std::vector<std::string>& argv) {
    return core::RunTool(argv, {.timeout = std::chrono::seconds(30), .max_output_bytes = 4 << 20})
        .output;
}

// pdftotext guesses word gaps from glyph positions and puts spaces inside some Thai words
// (after an upper vowel at large sizes); words are compared without spaces.
std::string Squash(const std::string& s) {
    std::string out;
    for (char c : s)
        if (c != ' ' && c != '\n') out += c;
    return out;
}

// A PNG drawn here: a background wash or a signature stroke.
std::string MakePng(const fs::path& dir, const std::string& name, int w, int h, bool stroke) {
    cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t* cr = cairo_create(s);
    if (stroke) {
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.5);
        cairo_set_line_width(cr, 4);
        cairo_move_to(cr, 10, h - 10);
        cairo_curve_to(cr, w / 3.0, 0, w / 2.0, h, w - 10.0, 10);
        cairo_stroke(cr);
    } else {
        cairo_set_source_rgb(cr, 0.98, 0.95, 0.86);
        cairo_paint(cr);
        cairo_set_source_rgb(cr, 0.72, 0.53, 0.04);
        cairo_set_line_width(cr, 12);
        cairo_rectangle(cr, 20, 20, w - 40, h - 40);
        cairo_stroke(cr);
    }
    cairo_destroy(cr);
    std::string path = (dir / name).string();
    cairo_surface_write_to_png(s, path.c_str());
    cairo_surface_destroy(s);
    return path;
}

class CertificateTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("govhub-cert-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    CertificatePage Page() {
        CertificatePage p;
        p.lines = {{"สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)", 18, true},
                   {"เกียรติบัตรฉบับนี้ให้ไว้เพื่อแสดงว่า", 16},
                   {"นายผู้ใหญ่ ป้ำ ฐู ญู กำ", 30, true, true},
                   {"Mr Puyai Pam", 16},
                   {"ได้ผ่านการเรียนหลักสูตร", 16},
                   {"พื้นฐานข้อมูลเปิดภาครัฐ", 26, true, true},
                   {"จำนวน 3 ชั่วโมง · ให้ไว้ ณ วันที่ 7 ธันวาคม พ.ศ. 2569", 15},
                   {"Given on 7 December 2026", 13}};
        p.signature_png = MakePng(dir_, "sig.png", 400, 120, true);
        p.signatory = {"(นางสาวสมศรี รักข้อมูล)", "ผู้อำนวยการ"};
        p.qr_data = "https://learn.example.go.th/learning/verify/K7Q4-PX2M-9TZ3";
        p.footer = {"รหัสตรวจสอบ K7Q4-PX2M-9TZ3",
                    "https://learn.example.go.th/learning/verify/K7Q4-PX2M-9TZ3"};
        return p;
    }

    fs::path dir_;
};

TEST_F(CertificateTest, ThaiTextFontAndLandscapeA4) {
    CertificatePage page = Page();
    page.background_png = MakePng(dir_, "bg.png", 1754, 1240, false);
    std::string pdf = (dir_ / "cert.pdf").string();
    WriteCertificatePdf(page, pdf);

    std::string text = Tool({"/usr/bin/pdftotext", "-enc", "UTF-8", pdf, "-"});
    // Shaped and mapped back character for character: above and below marks, SARA AM.
    EXPECT_NE(text.find("ผู้ใหญ่ ป้ำ ฐู ญู กำ"), std::string::npos) << text;
    std::string flat = Squash(text);
    EXPECT_NE(flat.find("พื้นฐานข้อมูลเปิดภาครัฐ"), std::string::npos) << text;
    EXPECT_NE(flat.find("ธันวาคมพ.ศ.2569"), std::string::npos);
    EXPECT_NE(flat.find("รหัสตรวจสอบK7Q4-PX2M-9TZ3"), std::string::npos);
    EXPECT_NE(flat.find("ผู้อำนวยการ"), std::string::npos) << text;
    std::string info = Tool({"/usr/bin/pdfinfo", pdf});
    EXPECT_NE(info.find("Pages:           1\n"), std::string::npos) << info;
    EXPECT_NE(info.find("841.89 x 595.28 pts (A4)"), std::string::npos) << info;
    // The font is embedded (a subset), so any printer shows the same letters.
    std::string fonts = Tool({"/usr/bin/pdffonts", pdf});
    EXPECT_NE(fonts.find("Laksaman"), std::string::npos) << fonts;
    EXPECT_EQ(fonts.find(" no  "), std::string::npos) << fonts;  // every font embedded

    // Kept for a person to look at (tests/artifacts is not committed).
    fs::path artifacts = fs::path(GOVHUB_SOURCE_DIR) / "tests" / "artifacts";
    std::error_code ec;
    fs::create_directories(artifacts, ec);
    if (!ec) {
        fs::copy_file(pdf, artifacts / "certificate.pdf", fs::copy_options::overwrite_existing, ec);
        Tool({"/usr/bin/pdftoppm", "-png", "-r", "60", "-singlefile", pdf,
              (artifacts / "certificate").string()});
    }
}

TEST_F(CertificateTest, WithoutABackgroundItHasItsOwnFrame) {
    std::string pdf = (dir_ / "plain.pdf").string();
    WriteCertificatePdf(Page(), pdf);
    EXPECT_NE(Tool({"/usr/bin/pdftotext", "-enc", "UTF-8", pdf, "-"}).find("Mr Puyai Pam"),
              std::string::npos);
}

TEST_F(CertificateTest, LongTitlesShrinkToTwoLinesInsteadOfRunningOff) {
    CertificatePage page = Page();
    std::string longest;
    for (int i = 0; i < 12; ++i) longest += "การบริหารจัดการข้อมูลเปิดภาครัฐ ";
    page.lines[5].text = longest;
    std::string pdf = (dir_ / "long.pdf").string();
    WriteCertificatePdf(page, pdf);
    std::string text = Tool({"/usr/bin/pdftotext", "-enc", "UTF-8", pdf, "-"});
    // Every word is on the page: none ran off its edge.
    size_t count = 0;
    std::string flat = Squash(text);
    for (size_t at = flat.find("ภาครัฐ"); at != std::string::npos; at = flat.find("ภาครัฐ", at + 1))
        ++count;
    EXPECT_GE(count, 12u) << text;
}

TEST_F(CertificateTest, ACourseTitleBreaksBetweenItsPhrases) {
    CertificatePage page = Page();
    // Between words, libthai's dictionary put "...หน่วยงานภาค" on the first line and "รัฐ" on
    // the second.
    page.lines[5].text = "หลักสูตรการพัฒนาระบบการสื่อสารแบบรวมศูนย์ ของหน่วยงานภาครัฐ สำหรับผู้บริหารระดับกลาง";
    std::string pdf = (dir_ / "phrases.pdf").string();
    WriteCertificatePdf(page, pdf);
    std::string text = Tool({"/usr/bin/pdftotext", "-enc", "UTF-8", pdf, "-"});
    EXPECT_NE(text.find("หลักสูตรการพัฒนาระบบการสื่อสารแบบรวมศูนย์\n"), std::string::npos) << text;
    EXPECT_NE(text.find("ของหน่วยงานภาครัฐ สำหรับผู้บริหารระดับกลาง"), std::string::npos) << text;
}

TEST_F(CertificateTest, ImagesAreBoundedBeforeCairoReadsThem) {
    std::string error;
    std::string fake = (dir_ / "fake.png").string();
    std::ofstream(fake) << "GIF89a not a png at all";
    EXPECT_FALSE(CheckPng(fake, &error));
    EXPECT_EQ(error, "not a PNG");
    // A PNG whose header claims 60,000 pixels a side: refused from the header alone.
    std::string huge = (dir_ / "huge.png").string();
    {
        std::ofstream out(huge, std::ios::binary);
        const unsigned char head[] = {0x89, 'P', 'N',  'G',  '\r', '\n', 0x1a, '\n',
                                      0,    0,   0,    13,   'I',  'H',  'D',  'R',
                                      0,    0,   0xea, 0x60, 0,    0,    0xea, 0x60};
        out.write(reinterpret_cast<const char*>(head), sizeof head);
    }
    EXPECT_FALSE(CheckPng(huge, &error));
    EXPECT_EQ(error, "wider or taller than 3508 pixels");
    std::string big = (dir_ / "big.png").string();
    { std::ofstream(big) << std::string(kMaxImageBytes + 1, 'x'); }
    EXPECT_FALSE(CheckPng(big, &error));
    EXPECT_EQ(error, "larger than 5 MiB");
    EXPECT_FALSE(CheckPng((dir_ / "missing.png").string(), &error));

    CertificatePage page = Page();
    page.background_png = huge;
    std::string pdf = (dir_ / "refused.pdf").string();
    EXPECT_THROW(WriteCertificatePdf(page, pdf), std::runtime_error);
    EXPECT_FALSE(fs::exists(pdf));  // nothing half-written
    EXPECT_TRUE(CheckPng(Page().signature_png));
}

}  // namespace
}  // namespace govhub::render

#include "render/pdf.hpp"

#include "core/run_tool.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <vector>

namespace govhub::render {
namespace {

// A tool's standard output (core::RunTool: no shell, bounded; poppler-utils in /usr/bin).
std::string Tool(const std::vector<std::string>& argv) {
    return core::RunTool(argv, {.timeout = std::chrono::seconds(30), .max_output_bytes = 4 << 20})
        .output;
}

TEST(Pdf, ThaiTextComesBackOutOfTheDocument) {
    auto path = std::filesystem::temp_directory_path() /
                ("govhub-pdf-" + std::to_string(::getpid()) + ".pdf");
    {
        PdfWriter pdf(path.string());
        pdf.Qr("https://data.example.go.th/requests/OM-2569-7KQ4PX", "OM-2569-7KQ4PX");
        pdf.Title("ใบสมัครสมาชิกสำหรับเจ้าหน้าที่หน่วยงานภาครัฐ");
        pdf.Field("ชื่อ-นามสกุล", "นางสาวสมศรี รักข้อมูล");
        pdf.Field("ตำแหน่ง", "นักวิชาการคอมพิวเตอร์ปฏิบัติการ");
        // Enough text to need a second page.
        for (int i = 0; i < 60; ++i) pdf.Paragraph("ข้าพเจ้าขอรับรองว่าข้อมูลข้างต้นเป็นความจริงทุกประการ");
        pdf.Signatures("ผู้สมัคร", "ผู้บังคับบัญชา");
        pdf.Finish();
    }
    std::ifstream in(path, std::ios::binary);
    std::string head(5, '\0');
    in.read(head.data(), 5);
    EXPECT_EQ(head, "%PDF-");
    // pdftotext (poppler) reads the text back: the Thai glyphs carry their characters.
    std::string text = Tool({"/usr/bin/pdftotext", "-enc", "UTF-8", path.string(), "-"});
    EXPECT_NE(text.find("ใบสมัครสมาชิก"), std::string::npos) << text.substr(0, 400);
    EXPECT_NE(text.find("นางสาวสมศรี รักข้อมูล"), std::string::npos);
    EXPECT_NE(text.find("ผู้บังคับบัญชา"), std::string::npos);
    std::string info = Tool({"/usr/bin/pdfinfo", path.string()});
    std::smatch pages;
    ASSERT_TRUE(std::regex_search(info, pages, std::regex(R"(Pages:\s+(\d+))"))) << info;
    EXPECT_GT(std::stoi(pages[1]), 1) << info;  // the text flowed onto further pages
    std::string fonts = Tool({"/usr/bin/pdffonts", path.string()});
    EXPECT_NE(fonts.find("Laksaman"), std::string::npos) << fonts;
    std::filesystem::remove(path);
}

// The text of a one-page document with a QR code (the title beside it, 372 points wide, as on
// every printed form) whose title is `title`, as pdftotext reads it back.
std::string TitlePage(const std::string& title) {
    auto path = std::filesystem::temp_directory_path() /
                ("govhub-pdf-title-" + std::to_string(::getpid()) + ".pdf");
    {
        PdfWriter pdf(path.string());
        pdf.Qr("https://data.example.go.th/requests/WD-2569-7KQ4PX", "WD-2569-7KQ4PX");
        pdf.Title(title);
        pdf.Small("END");
        pdf.Finish();
    }
    std::string text = Tool({"/usr/bin/pdftotext", "-enc", "UTF-8", path.string(), "-"});
    std::filesystem::remove(path);
    return text;
}

// The non-empty lines before "END".
std::vector<std::string> TitleLines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line) && line != "END";)
        if (!line.empty()) lines.push_back(line);
    return lines;
}

TEST(Pdf, ATitleBreaksBetweenItsPhrasesNotInsideAThaiWord) {
    // At 20 points libthai's dictionary broke it as "...แบบรวม" / "ศูนย์ (workD Platform)".
    std::string text = TitlePage("แบบคำขอใช้บริการระบบการสื่อสารแบบรวมศูนย์ (workD Platform)");
    auto lines = TitleLines(text);
    ASSERT_EQ(lines.size(), 2u) << text;
    EXPECT_EQ(lines[0], "แบบคำขอใช้บริการระบบการสื่อสารแบบรวมศูนย์") << text;
    EXPECT_EQ(lines[1], "(workD Platform)") << text;
    // Broken at its space: "การ" stays with "สื่อสาร" (it broke as "...ระบบการ" / "สื่อสาร...").
    text = TitlePage("แบบคำขอเปลี่ยนแปลงบริการ ระบบการสื่อสารแบบรวมศูนย์ (workD Platform)");
    lines = TitleLines(text);
    ASSERT_EQ(lines.size(), 2u) << text;
    EXPECT_EQ(lines[0], "แบบคำขอเปลี่ยนแปลงบริการ") << text;
    EXPECT_EQ(lines[1], "ระบบการสื่อสารแบบรวมศูนย์ (workD Platform)") << text;
}

TEST(Pdf, ALongEnglishTitleTakesTwoLines) {
    const std::string title = "Request for the central communication service (workD Platform)";
    std::string text = TitlePage(title);
    auto lines = TitleLines(text);
    ASSERT_EQ(lines.size(), 2u) << text;  // three at 20 points
    EXPECT_EQ(lines[0] + " " + lines[1], title) << text;
    // A short one stays on one line.
    EXPECT_EQ(TitleLines(TitlePage("คำขอระงับหรือยกเลิกบัญชีผู้ใช้")).size(), 1u);
}

TEST(Pdf, AnUnwritablePathIsAnError) {
    EXPECT_THROW(
        {
            PdfWriter pdf("/nonexistent-dir/x.pdf");
            pdf.Finish();
        },
        std::runtime_error);
}

}  // namespace
}  // namespace govhub::render

// Workbooks read as streams: every row of a 100,000-row sheet arrives, the chosen sheet is the
// one read, Excel dates come out as dates, and a zip bomb is refused.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <xlsxwriter.h>

#include <filesystem>
#include <fstream>

#include "core/test_i18n.hpp"
#include "opendata/datastore/source.hpp"

namespace govhub::datastore {
namespace {

std::filesystem::path Dir() {
    auto d =
        std::filesystem::temp_directory_path() / ("govhub-sheets-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
}

// Reads every record of a source.
std::vector<std::vector<std::string>> All(TableSource& s) {
    std::vector<std::vector<std::string>> out;
    s.Rewind();
    while (s.Step([&](std::vector<std::string>& f) { out.push_back(f); })) {
    }
    return out;
}

void Zip(const std::string& path, const std::vector<std::pair<std::string, std::string>>& entries) {
    archive* a = archive_write_new();
    archive_write_set_format_zip(a);
    archive_write_open_filename(a, path.c_str());
    for (const auto& [name, data] : entries) {
        archive_entry* e = archive_entry_new();
        archive_entry_set_pathname(e, name.c_str());
        archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_write_header(a, e);
        archive_write_data(a, data.data(), data.size());
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
}

TEST(Spreadsheets, XlsxWithTwoSheetsAndAHundredThousandRows) {
    std::string path = (Dir() / "two-sheets.xlsx").string();
    lxw_workbook* wb = workbook_new(path.c_str());
    lxw_worksheet* notes = workbook_add_worksheet(wb, "คำอธิบาย");
    worksheet_write_string(notes, 0, 0, "ชุดข้อมูลนี้จัดทำโดยกรมตัวอย่าง", nullptr);
    lxw_worksheet* data = workbook_add_worksheet(wb, "ข้อมูล");
    lxw_format* date = workbook_add_format(wb);
    format_set_num_format(date, "dd/mm/yyyy");
    worksheet_write_string(data, 0, 0, "ลำดับ", nullptr);
    worksheet_write_string(data, 0, 1, "จังหวัด", nullptr);
    worksheet_write_string(data, 0, 2, "วันที่", nullptr);
    worksheet_write_string(data, 0, 3, "ผ่าน", nullptr);
    lxw_datetime when = {2024, 1, 31, 0, 0, 0};
    for (int r = 1; r <= 100000; ++r) {
        worksheet_write_number(data, static_cast<lxw_row_t>(r), 0, r, nullptr);
        worksheet_write_string(data, static_cast<lxw_row_t>(r), 1, r % 2 ? "เชียงใหม่" : "ลำปาง",
                               nullptr);
        worksheet_write_datetime(data, static_cast<lxw_row_t>(r), 2, &when, date);
        worksheet_write_boolean(data, static_cast<lxw_row_t>(r), 3, r % 3 == 0, nullptr);
    }
    ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);

    auto first = OpenTable(path, "xlsx", "");
    EXPECT_EQ(first->Sheets(), (std::vector<std::string>{"คำอธิบาย", "ข้อมูล"}));
    EXPECT_EQ(All(*first).size(), 1u);  // the first sheet by default
    auto sheet = OpenTable(path, "", "ข้อมูล");
    auto rows = All(*sheet);
    ASSERT_EQ(rows.size(), 100001u);  // every row arrives
    EXPECT_EQ(rows[0], (std::vector<std::string>{"ลำดับ", "จังหวัด", "วันที่", "ผ่าน"}));
    EXPECT_EQ(rows[1], (std::vector<std::string>{"1", "เชียงใหม่", "2024-01-31", "false"}));
    EXPECT_EQ(rows[100000][0], "100000");
    EXPECT_EQ(rows[3][3], "true");
    EXPECT_THROW(OpenTable(path, "xlsx", "ไม่มีชีตนี้"), SourceError);
}

TEST(Spreadsheets, OdsWithRepeatedCellsAndTwoSheets) {
    std::string rows;
    for (int r = 1; r <= 100000; ++r)
        rows += "<table:table-row><table:table-cell office:value-type=\"float\" office:value=\"" +
                std::to_string(r) + "\"><text:p>" + std::to_string(r) +
                "</text:p></table:table-cell><table:table-cell office:value-type=\"string\">"
                "<text:p>ภาค<text:s/>เหนือ</text:p></table:table-cell>"
                "<table:table-cell office:value-type=\"date\" office:date-value=\"2024-01-31\">"
                "<text:p>31/01/2024</text:p></table:table-cell>"
                "<table:table-cell table:number-columns-repeated=\"1000\"/></table:table-row>";
    std::string content =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content "
        "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
        "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
        "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body>"
        "<office:spreadsheet><table:table table:name=\"ปก\"><table:table-row><table:table-cell "
        "office:value-type=\"string\"><text:p>หน้าปก</text:p></table:table-cell></table:table-row>"
        "</table:table><table:table table:name=\"ข้อมูล\"><table:table-row>"
        "<table:table-cell office:value-type=\"string\"><text:p>ลำดับ</text:p></table:table-cell>"
        "<table:table-cell office:value-type=\"string\"><text:p>ภูมิภาค</text:p></table:table-cell>"
        "<table:table-cell office:value-type=\"string\"><text:p>วันที่</text:p></table:table-cell>"
        "</table:table-row>" +
        rows +
        "<table:table-row "
        "table:number-rows-repeated=\"1048000\"><table:table-cell/></table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>";
    std::string path = (Dir() / "sheets.ods").string();
    Zip(path,
        {{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"}, {"content.xml", content}});
    auto s = OpenTable(path, "ods", "ข้อมูล");
    EXPECT_EQ(s->Sheets(), (std::vector<std::string>{"ปก", "ข้อมูล"}));
    auto all = All(*s);
    ASSERT_EQ(all.size(), 100001u);  // the million repeated empty rows are not rows
    EXPECT_EQ(all[1], (std::vector<std::string>{"1", "ภาค เหนือ", "2024-01-31"}));
    EXPECT_EQ(all[100000][0], "100000");
}

TEST(Spreadsheets, AZipBombAndDamagedFilesAreRefused) {
    // 320 MiB of spaces compresses to a few hundred KiB: far past any real workbook's ratio.
    std::string path = (Dir() / "bomb.xlsx").string();
    {
        archive* a = archive_write_new();
        archive_write_set_format_zip(a);
        archive_write_open_filename(a, path.c_str());
        auto add = [&](const std::string& name, const std::string& data) {
            archive_entry* e = archive_entry_new();
            archive_entry_set_pathname(e, name.c_str());
            archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_perm(e, 0644);
            archive_write_header(a, e);
            if (!data.empty()) archive_write_data(a, data.data(), data.size());
            archive_entry_free(e);
            return a;
        };
        add("xl/workbook.xml",
            "<workbook><sheets><sheet name=\"s\" r:id=\"rId1\"/></sheets></workbook>");
        add("xl/_rels/workbook.xml.rels",
            "<Relationships><Relationship Id=\"rId1\" "
            "Target=\"worksheets/sheet1.xml\"/></Relationships>");
        archive_entry* e = archive_entry_new();
        archive_entry_set_pathname(e, "xl/worksheets/sheet1.xml");
        archive_entry_set_size(e, la_int64_t{320} << 20);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_write_header(a, e);
        std::string zeros = "<worksheet><sheetData>" + std::string((1 << 20) - 22, ' ');
        archive_write_data(a, zeros.data(), zeros.size());
        zeros.assign(1 << 20, ' ');
        for (int i = 1; i < 320; ++i) archive_write_data(a, zeros.data(), zeros.size());
        archive_entry_free(e);
        archive_write_close(a);
        archive_write_free(a);
    }
    EXPECT_LT(std::filesystem::file_size(path), 16u << 20);
    auto s = OpenTable(path, "xlsx", "");
    try {
        All(*s);
        FAIL() << "the bomb was read";
    } catch (const SourceError& e) {
        EXPECT_NE(core::English(e.what()).find("zip bomb"), std::string::npos) << e.what();
    }
    // A truncated workbook: a clear error, not a partial table.
    std::string good = (Dir() / "small.xlsx").string();
    lxw_workbook* wb = workbook_new(good.c_str());
    lxw_worksheet* ws = workbook_add_worksheet(wb, "ข้อมูล");
    for (int r = 0; r < 5000; ++r)
        worksheet_write_string(ws, static_cast<lxw_row_t>(r), 0,
                               ("แถวที่ " + std::to_string(r)).c_str(), nullptr);
    ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);
    std::string cut = (Dir() / "cut.xlsx").string();
    std::ifstream in(good, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    EXPECT_THROW(
        {
            auto t = OpenTable(cut, "xlsx", "ข้อมูล");
            All(*t);
        },
        SourceError);
    std::filesystem::remove_all(Dir());
}

// content.xml of a one-sheet ODS whose one cell holds `text`, inside `depth` levels of elements
// in all.
std::string OdsWithDepth(int depth, const std::string& prolog = "",
                         const std::string& text = "ค่า") {
    std::string open, close;
    for (int i = 7; i < depth; ++i) {
        open += "<text:span>";
        close += "</text:span>";
    }
    return prolog +
           "<office:document-content "
           "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
           "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
           "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body>"
           "<office:spreadsheet><table:table table:name=\"s\"><table:table-row>"
           "<table:table-cell office:value-type=\"string\"><text:p>" +
           open + text + close +
           "</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet>"
           "</office:body></office:document-content>";
}

std::string ReadOds(const std::string& name, const std::string& content) {
    std::string path = (Dir() / name).string();
    Zip(path,
        {{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"}, {"content.xml", content}});
    try {
        auto s = OpenTable(path, "ods", "");
        All(*s);
        return "";
    } catch (const SourceError& e) {
        return core::English(e.what());
    }
}

TEST(Spreadsheets, XmlNestsAtMost256Levels) {
    EXPECT_EQ(ReadOds("deep-256.ods", OdsWithDepth(256)), "");
    EXPECT_NE(ReadOds("deep-257.ods", OdsWithDepth(257)).find("deeper than 256"),
              std::string::npos);
    // Far deeper still stops at the bound, without recursion.
    EXPECT_NE(ReadOds("deep-100k.ods", OdsWithDepth(100000)).find("deeper than 256"),
              std::string::npos);
}

TEST(Spreadsheets, XmlEntitiesAreNeverExpanded) {
    // "Billion laughs": ten entities of ten references each would expand to 10^10 bytes.
    std::string dtd =
        "<?xml version=\"1.0\"?><!DOCTYPE office:document-content [<!ENTITY l0 \"ha\">";
    for (int i = 1; i < 10; ++i) {
        dtd += "<!ENTITY l" + std::to_string(i) + " \"";
        for (int j = 0; j < 10; ++j) dtd += "&l" + std::to_string(i - 1) + ";";
        dtd += "\">";
    }
    dtd += "]>";
    std::string why = ReadOds("laughs.ods", OdsWithDepth(8, dtd, "&l9;"));
    EXPECT_NE(why.find("document type"), std::string::npos) << why;
    // Even a harmless internal entity is refused: workbooks declare none.
    why = ReadOds("entity.ods", OdsWithDepth(8, "<!DOCTYPE x [<!ENTITY e \"ค่า\">]>", "&e;"));
    EXPECT_NE(why.find("document type"), std::string::npos) << why;
}

// A workbook of one sheet whose sheetData is `rows`.
std::string XlsxWithRows(const std::string& name, const std::string& rows) {
    std::string path = (Dir() / name).string();
    Zip(path, {{"xl/workbook.xml",
                "<workbook><sheets><sheet name=\"s\" r:id=\"rId1\"/></sheets></workbook>"},
               {"xl/_rels/workbook.xml.rels",
                "<Relationships><Relationship Id=\"rId1\" "
                "Target=\"worksheets/sheet1.xml\"/></Relationships>"},
               {"xl/worksheets/sheet1.xml",
                "<worksheet><sheetData>" + rows + "</sheetData></worksheet>"}});
    return path;
}

// Found by fuzz/targets/xlsx (corpus: crash-column-ref-int-overflow.xlsx): a column reference of
// many letters overflowed int (undefined behaviour) before it was dropped.
TEST(Spreadsheets, XlsxColumnsPastXfdAreDroppedWithoutOverflow) {
    auto s =
        OpenTable(XlsxWithRows("columns.xlsx",
                               "<row><c r=\"ZZZZZZZZZZZZZZ1\"><v>1</v></c>"
                               "<c r=\"B1\"><v>2</v></c></row>"
                               "<row><c r=\"XFD2\"><v>3</v></c><c r=\"XFE2\"><v>4</v></c></row>"),
                  "xlsx", "");
    auto rows = All(*s);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0], (std::vector<std::string>{"", "2"}));
    ASSERT_EQ(rows[1].size(), 16384u);  // XFD is the last column; XFE is none
    EXPECT_EQ(rows[1].back(), "3");
}

// What a record callback throws (the loader's, from inside expat's handlers) reaches the caller
// as itself, and the source reads again after a Rewind.
TEST(Spreadsheets, AnExceptionFromACallbackCrossesTheXmlReader) {
    auto s = OpenTable(XlsxWithRows("throws.xlsx",
                                    "<row><c><v>1</v></c></row>"
                                    "<row><c><v>2</v></c></row>"),
                       "xlsx", "");
    s->Rewind();
    EXPECT_THROW(
        while (s->Step([](std::vector<std::string>&) { throw std::logic_error("stop"); })){},
        std::logic_error);
    EXPECT_EQ(All(*s).size(), 2u);
}

// content.xml of a one-sheet ODS with these rows.
std::string OdsWithRows(const std::string& rows) {
    return "<office:document-content "
           "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
           "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
           "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body>"
           "<office:spreadsheet><table:table table:name=\"s\">" +
           rows + "</table:table></office:spreadsheet></office:body></office:document-content>";
}

// Found reading the ODS reader for fuzz/targets/ods (corpus: bomb-*.ods): OpenDocument's repeats
// are compression the zip cap did not see. A few hundred bytes asked for 2 GB of spaces in one
// cell, 2^31 blank cells before a value, or a billion rows in one piece of XML.
TEST(Spreadsheets, OdsRepeatsCountAgainstTheZipBombCap) {
    auto count_rows = [](const std::string& name, const std::string& rows) {
        std::string path = (Dir() / name).string();
        Zip(path, {{"content.xml", OdsWithRows(rows)}});
        auto s = OpenTable(path, "ods", "");
        size_t n = 0;
        s->Rewind();
        while (s->Step([&](std::vector<std::string>&) { ++n; })) {
        }
        return n;
    };
    auto refusal = [&](const std::string& name, const std::string& rows) {
        try {
            count_rows(name, rows);
            return std::string("read");
        } catch (const SourceError& e) {
            return core::English(e.what());
        }
    };
    EXPECT_NE(refusal("spaces.ods",
                      "<table:table-row><table:table-cell><text:p><text:s text:c=\"2000000000\"/>"
                      "</text:p></table:table-cell></table:table-row>")
                  .find("zip bomb"),
              std::string::npos);
    std::string million =
        "<table:table-row table:number-rows-repeated=\"1000000\"><table:table-cell>"
        "<text:p>x</text:p></table:table-cell></table:table-row>";
    std::string many;
    for (int i = 0; i < 200; ++i) many += million;
    EXPECT_NE(refusal("rows.ods", many).find("zip bomb"), std::string::npos);
    // A value past the last column is dropped, not reached through 2^31 blank cells.
    std::string path = (Dir() / "far.ods").string();
    Zip(path, {{"content.xml",
                OdsWithRows("<table:table-row><table:table-cell "
                            "table:number-columns-repeated=\"2147483647\"/><table:table-cell>"
                            "<text:p>far</text:p></table:table-cell></table:table-row>"
                            "<table:table-row><table:table-cell><text:p>a</text:p>"
                            "</table:table-cell><table:table-cell "
                            "table:number-columns-repeated=\"3\"/><table:table-cell "
                            "table:number-columns-repeated=\"2\"><text:p>b<text:s "
                            "text:c=\"2\"/></text:p></table:table-cell></table:table-row>")}});
    auto s = OpenTable(path, "ods", "");
    EXPECT_EQ(All(*s), (std::vector<std::vector<std::string>>{{"a", "", "", "", "b  ", "b  "}}));
    // Repeats a real file uses are read as before.
    EXPECT_EQ(count_rows("repeats.ods", million), 1000000u);
}

// Legacy .xls workbooks are read by FreeXL in a child process: rows, sheets and refusals come
// through it as before.
TEST(Spreadsheets, XlsIsReadThroughTheChildProcess) {
    const std::string corpus = std::string(GOVHUB_SOURCE_DIR) + "/fuzz/corpus/xls/";
    auto s = OpenXls(corpus + "two-sheets.xls", "");
    EXPECT_EQ(s->Sheets().size(), 2u);
    auto first = All(*s);
    ASSERT_FALSE(first.empty());
    EXPECT_EQ(All(*s), first);  // a second pass reads the same rows
    auto second = OpenXls(corpus + "two-sheets.xls", s->Sheets()[1]);
    EXPECT_NE(All(*second), first);
    try {
        OpenXls(corpus + "two-sheets.xls", "ไม่มีชีตนี้");
        ADD_FAILURE() << "a sheet that does not exist was read";
    } catch (const SourceError& e) {
        EXPECT_NE(core::English(e.what()).find("ไม่มีชีตนี้"), std::string::npos) << e.what();
    }
    EXPECT_THROW(OpenXls(corpus + "ole2-header-only.xls", ""), SourceError);
    EXPECT_THROW(OpenXls(corpus + "crash-leak-handle-on-refused-file", ""), SourceError);
}

// Found by fuzz/targets/xls (corpus: crash-freexl-segv-in-open): FreeXL 1.0.6 writes through a
// wild pointer inside freexl_open on this file. In the server's process that was a crash of the
// whole site from one upload; now the child dies and the load fails with a message.
TEST(Spreadsheets, AnXlsThatCrashesFreexlFailsTheLoadNotTheServer) {
    const std::string corpus = std::string(GOVHUB_SOURCE_DIR) + "/fuzz/corpus/xls/";
    try {
        OpenXls(corpus + "crash-freexl-segv-in-open", "");
        ADD_FAILURE() << "the file was read";
    } catch (const SourceError& e) {
        EXPECT_EQ(core::English(e.what()),
                  "the .xls reader stopped on this file; save it as .xlsx or CSV and upload it "
                  "again");
    }
}

}  // namespace
}  // namespace govhub::datastore

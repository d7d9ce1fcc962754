// The encoding decision and the conversion to UTF-8: whatever the bytes, what the readers give
// the loader is valid UTF-8, the same in memory and streamed in pieces of any size.
#include "core/text_encoding.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/strings.hpp"

namespace govhub::core {
namespace {

struct Streamed {
    std::string text;
    uint64_t replaced = 0;
};

Streamed Stream(const std::string& bytes, const Encoding& enc, size_t piece) {
    auto path =
        std::filesystem::temp_directory_path() / ("govhub-encoding-" + std::to_string(::getpid()));
    std::ofstream(path, std::ios::binary) << bytes;
    Streamed out;
    {
        Utf8Reader reader(path.string(), enc);
        while (reader.Read(out.text, piece)) {
        }
        out.replaced = reader.replaced();
    }
    std::filesystem::remove(path);
    return out;
}

// Found by fuzz/targets/encoding (corpus: utf8-bom-invalid): a UTF-8 BOM was trusted, and the
// bytes after it went to the table as they were, invalid UTF-8 included.
TEST(Encoding, ABomBeforeInvalidUtf8StillGivesValidUtf8) {
    const std::string bytes =
        "\xEF\xBB\xBF"
        "a,\xFF\xFE\n\xED\xA0\x80,\xF4\x90\x80\x80,ก\n";
    Encoding enc = DetectEncodingOf(bytes);
    EXPECT_EQ(enc.name, "UTF-8");
    EXPECT_EQ(enc.bom, 3u);
    const std::string want = "a,\uFFFD\uFFFD\n\uFFFD\uFFFD\uFFFD,\uFFFD\uFFFD\uFFFD\uFFFD,ก\n";
    EXPECT_EQ(ToUtf8(bytes, enc), want);
    for (size_t piece : {size_t{1}, size_t{2}, size_t{7}, size_t{1} << 16}) {
        Streamed s = Stream(bytes, enc, piece);
        EXPECT_EQ(s.text, want) << "pieces of " << piece;
        EXPECT_EQ(s.replaced, 9u);
        EXPECT_TRUE(core::IsValidUtf8(s.text));
    }
}

TEST(Encoding, ValidUtf8AndCp874SplitAcrossPiecesStayWhole) {
    const std::string thai = "จังหวัด,๑๒๓\n";
    Encoding utf8 = DetectEncodingOf(thai);
    EXPECT_EQ(utf8.name, "UTF-8");
    for (size_t piece : {size_t{1}, size_t{2}, size_t{5}}) {
        Streamed s = Stream(thai, utf8, piece);
        EXPECT_EQ(s.text, thai);
        EXPECT_EQ(s.replaced, 0u);
    }
    // The same in cp874 (TIS-620 bytes 0xA1..0xFB).
    const std::string cp874 = "\xA8\xD1\xA7\xCB\xC7\xD1\xB4,\xF1\xF2\xF3\n";
    Encoding thai_enc = DetectEncodingOf(cp874);
    EXPECT_EQ(thai_enc.name, "CP874");
    EXPECT_EQ(ToUtf8(cp874, thai_enc), thai);
    EXPECT_EQ(Stream(cp874, thai_enc, 1).text, thai);
    // A sequence cut by the end of the file is replaced, not dropped or waited for.
    EXPECT_EQ(Stream("ab\xE0\xB8", utf8, 1).text, "ab\uFFFD\uFFFD");
}

}  // namespace
}  // namespace govhub::core

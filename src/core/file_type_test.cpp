#include "core/file_type.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace govhub::core {
namespace {

namespace fs = std::filesystem;

class SniffFileTypeTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("sniff-test-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string Sniff(std::string_view bytes) {
        std::string path = (dir_ / "f").string();
        std::ofstream(path, std::ios::binary | std::ios::trunc)
            .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        return SniffFileType(path);
    }
    fs::path dir_;
};

using namespace std::string_view_literals;

TEST_F(SniffFileTypeTest, KnowsEachTypeByItsFirstBytes) {
    EXPECT_EQ(Sniff("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"sv), "application/pdf");
    EXPECT_EQ(Sniff("\x89PNG\r\n\x1A\n\0\0\0\rIHDR"sv), "image/png");
    EXPECT_EQ(Sniff("\xFF\xD8\xFF\xE0\0\x10JFIF\0"sv), "image/jpeg");
    EXPECT_EQ(Sniff("\0\0\0\x20"
                    "ftypisom\0\0\x02\0"sv),
              "video/mp4");
    EXPECT_EQ(Sniff("\0\0\0\x18"
                    "ftypmp42"sv),
              "video/mp4");
    EXPECT_EQ(Sniff("\x1A\x45\xDF\xA3\x9F\x42\x86\x81\x01"sv), "video/webm");
    EXPECT_EQ(Sniff("PK\x03\x04\x14\0\0\0\x08\0"sv), "application/zip");
    EXPECT_EQ(Sniff("PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"sv), "application/zip");
}

TEST_F(SniffFileTypeTest, NamesNothingForOtherFiles) {
    EXPECT_EQ(Sniff("<html><body>%PDF-</body></html>"sv), "");  // the mark must come first
    EXPECT_EQ(Sniff("GIF89a\x01\0\x01\0"sv), "");
    EXPECT_EQ(Sniff("hello, world\n"sv), "");
    EXPECT_EQ(Sniff("\0\0\0\0\0\0\0\0\0\0\0\0"sv), "");
}

TEST_F(SniffFileTypeTest, EmptyTruncatedAndMissingFilesAreNothing) {
    EXPECT_EQ(Sniff(""sv), "");
    EXPECT_EQ(Sniff("%PDF"sv), "");             // one byte short of the mark
    EXPECT_EQ(Sniff("\x89PNG\r\n\x1A"sv), "");  // seven of eight
    EXPECT_EQ(Sniff("\xFF\xD8"sv), "");
    EXPECT_EQ(Sniff("\0\0\0\x20"
                    "ftypiso"sv),
              "");  // 11 bytes: the brand is cut
    EXPECT_EQ(Sniff("\x1A\x45\xDF"sv), "");
    EXPECT_EQ(Sniff("PK\x03"sv), "");
    EXPECT_EQ(SniffFileType((dir_ / "missing").string()), "");
    EXPECT_EQ(SniffFileType(dir_.string()), "");  // a directory
}

}  // namespace
}  // namespace govhub::core

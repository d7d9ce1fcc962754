// The request reader from memory (MemoryConnection over wire.hpp) answers what the server
// answers over a socket (server_test.cpp): the fuzz targets rely on it being the same code.
#include "http/memory_connection.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace govhub::http {
namespace {

namespace fs = std::filesystem;
using Kind = MemoryConnection::Result::Kind;

class WireTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("govhub-wire-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
        cfg_.upload_dir = dir_.string();
        cfg_.header_limit = 4096;
        cfg_.form_memory_limit = 4096;
        auto ok = [](Request&) { return Response::Text("ok"); };
        router_.Get("/hello", ok);
        router_.Post("/echo", ok, {.body_limit = 1000});
        router_.Post("/upload", ok, {.body_limit = 64 << 20, .upload = true});
    }
    void TearDown() override { fs::remove_all(dir_); }

    // The status the server answers (200 for a request read whole), over reads of `read` bytes.
    int Status(const std::string& raw, size_t read = 0) {
        MemoryConnection c(raw, cfg_, router_, {read});
        auto r = c.Next();
        if (r.kind == Kind::kRefused) return r.refusal->status();
        return r.kind == Kind::kRequest ? 200 : 0;
    }

    fs::path dir_;
    ServerConfig cfg_;
    Router router_;
};

TEST_F(WireTest, RefusesWhatTheServerRefuses) {
    struct Case {
        std::string raw;
        int status;
    } cases[] = {
        {"GET /hello HTTP/1.1\r\nHost: x\r\n\r\n", 200},
        {"GARBAGE\r\n\r\n", 400},
        {"GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'a') + "\r\n\r\n", 431},
        {"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400},
        {"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
         400},
        {"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\nabc", 413},
        {"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n" +
             std::string(600, 'x') + "\r\n258\r\n" + std::string(600, 'x') + "\r\n0\r\n\r\n",
         413},
        {"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400},
        {"GET /bad%zzpath HTTP/1.1\r\nHost: x\r\n\r\n", 400},
        {"GET /%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n", 400},
        {"GET http://evil/ HTTP/1.1\r\nHost: x\r\n\r\n", 400},
        {"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data\r\n"
         "Content-Length: 1\r\n\r\nx",
         400},
        // A head cut short, then the client closes: 400; a body cut short: nobody to answer.
        {"GET /hello HTTP/1.1\r\nHost: x\r\n", 400},
        {"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly-this", 0},
        {"", 0},
    };
    for (const auto& tc : cases)
        for (size_t read : {0, 1, 7})
            EXPECT_EQ(Status(tc.raw, read), tc.status) << tc.raw.substr(0, 60) << " / " << read;
}

TEST_F(WireTest, ReadsPipelinedRequestsAndMultipartUploads) {
    std::string body =
        "--B\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nงบ\r\n--B\r\n"
        "Content-Disposition: form-data; name=\"f\"; filename=\"a/b.csv\"\r\n\r\n1,2\r\n--B--\r\n";
    std::string raw =
        "GET /hello?n=1 HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n"
        "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=B\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body +
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nthree"
        "GET /hello HTTP/1.1\r\n\r\n";
    for (size_t read : {0, 1, 3}) {
        MemoryConnection c(raw, cfg_, router_, {read});
        auto r = c.Next();
        ASSERT_EQ(r.kind, Kind::kRequest);
        EXPECT_EQ(r.request->path, "/hello");
        EXPECT_EQ(r.request->Query("n"), "1");
        EXPECT_EQ(r.request->client_ip, "192.0.2.1");  // no trusted proxy
        EXPECT_TRUE(r.keep_alive);
        r = c.Next();
        ASSERT_EQ(r.kind, Kind::kRequest);
        ASSERT_EQ(r.request->parts.size(), 2u);
        EXPECT_EQ(r.request->FormValue("title"), "งบ");
        const Part* f = r.request->FilePart("f");
        ASSERT_NE(f, nullptr);
        EXPECT_EQ(f->filename, "b.csv");
        EXPECT_EQ(fs::file_size(f->file->path()), 3u);
        r = c.Next();
        ASSERT_EQ(r.kind, Kind::kRequest);
        EXPECT_EQ(r.request->body, "three");
        EXPECT_FALSE(r.keep_alive);
        EXPECT_EQ(c.Next().kind, Kind::kClosed);  // Connection: close
    }
    EXPECT_TRUE(fs::is_empty(dir_));  // the temp files went with their requests
}

}  // namespace
}  // namespace govhub::http

// Drives the real server over loopback sockets: uploads, limits, pipelining, streaming,
// ranges, malformed requests and graceful shutdown.
#include "http/server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/crypto.hpp"

namespace govhub::http {
namespace {

namespace fs = std::filesystem;

class Conn {
  public:
    explicit Conn(int port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        timeval tv{5, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
            ADD_FAILURE() << "connect";
    }
    ~Conn() { ::close(fd_); }
    void Send(const std::string& data) {
        size_t off = 0;
        while (off < data.size()) {
            ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
            if (n <= 0) return;
            off += static_cast<size_t>(n);
        }
    }
    // Reads until the peer closes (or the 5 s timeout).
    std::string ReadAll() {
        std::string out;
        char buf[65536];
        ssize_t n;
        while ((n = ::recv(fd_, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<size_t>(n));
        return out;
    }
    // Reads until `count` complete responses with Content-Length bodies have arrived.
    std::vector<std::string> ReadResponses(size_t count) {
        std::vector<std::string> out;
        std::string buf;
        char chunk[65536];
        while (out.size() < count) {
            size_t end = buf.find("\r\n\r\n");
            if (end != std::string::npos) {
                size_t cl = 0;
                auto pos = buf.find("Content-Length: ");
                if (pos != std::string::npos && pos < end) cl = std::stoul(buf.substr(pos + 16));
                if (buf.size() >= end + 4 + cl) {
                    out.push_back(buf.substr(0, end + 4 + cl));
                    buf.erase(0, end + 4 + cl);
                    continue;
                }
            }
            ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
            if (n <= 0) break;
            buf.append(chunk, static_cast<size_t>(n));
        }
        return out;
    }

  private:
    int fd_;
};

int Status(const std::string& response) {
    return response.size() > 12 ? std::stoi(response.substr(9, 3)) : 0;
}
std::string Body(const std::string& response) {
    auto p = response.find("\r\n\r\n");
    return p == std::string::npos ? "" : response.substr(p + 4);
}

class ServerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("govhub-http-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_ / "up");
        cfg_.port = 0;
        cfg_.address = "127.0.0.1";
        cfg_.upload_dir = (dir_ / "up").string();
        cfg_.form_memory_limit = 4096;
        cfg_.access_log = false;
        cfg_.header_limit = 4096;
        cfg_.header_timeout_seconds = 1;
        cfg_.shutdown_grace_seconds = 5;

        router_.Get("/hello", [](Request& r) { return Response::Text("hello " + r.Query("n")); });
        router_.Post("/echo", [](Request& r) { return Response::Text(r.body); },
                     {.body_limit = 1000});
        router_.Post("/upload",
                     [this](Request& r) {
                         std::ostringstream out;
                         for (const auto& p : r.parts) {
                             out << p.name << "|" << p.filename << "|" << p.size << "|";
                             if (p.file) {
                                 EXPECT_TRUE(fs::exists(p.file->path()));
                                 std::ifstream in(p.file->path(), std::ios::binary);
                                 std::string content((std::istreambuf_iterator<char>(in)),
                                                     std::istreambuf_iterator<char>());
                                 out << core::Sha256Hex(content);
                             } else {
                                 out << p.value;
                             }
                             out << "\n";
                         }
                         return Response::Text(out.str());
                     },
                     {.body_limit = 64 << 20, .upload = true});
        router_.Get("/stream", [](Request&) {
            Response r;
            auto n = std::make_shared<int>(0);
            r.producer = [n](std::string& chunk) {
                chunk += "chunk" + std::to_string(++*n) + ";";
                return *n < 5;
            };
            return r;
        });
        router_.Get("/file", [this](Request& r) {
            return FileResponse(r, (dir_ / "data.txt").string(), "text/plain");
        });
        std::ofstream(dir_ / "data.txt") << "0123456789";
        router_.Post("/slow", [](Request& r) { return Response::Text("got " + r.body); });

        server_ = std::make_unique<Server>(cfg_, router_);
        server_->Listen();
        port_ = server_->port();
        thread_ = std::thread([this] { server_->Run(); });
    }
    void TearDown() override {
        server_->Stop();
        thread_.join();
        server_.reset();
        fs::remove_all(dir_);
    }
    std::string Get(const std::string& path) {
        Conn c(port_);
        c.Send("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        return c.ReadAll();
    }

    fs::path dir_;
    ServerConfig cfg_;
    Router router_;
    std::unique_ptr<Server> server_;
    std::thread thread_;
    int port_ = 0;
};

TEST_F(ServerTest, MultipartUploadIsStreamedToTempFiles) {
    std::string file(3 << 20, '\0');
    for (size_t i = 0; i < file.size(); ++i) file[i] = static_cast<char>((i * 131) % 256);
    std::string b = "gh-boundary-123";
    std::string body =
        "--" + b + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nงบประมาณ\r\n--" + b +
        "\r\nContent-Disposition: form-data; name=\"data\"; filename=\"budget.bin\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n" +
        file + "\r\n--" + b + "--\r\n";
    Conn c(port_);
    c.Send(
        "POST /upload HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: "
        "multipart/form-data; boundary=" +
        b + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    std::string res = c.ReadAll();
    ASSERT_EQ(Status(res), 200) << res.substr(0, 300);
    EXPECT_EQ(Body(res), "title||24|งบประมาณ\ndata|budget.bin|" + std::to_string(file.size()) +
                             "|" + core::Sha256Hex(file) + "\n");
    // Temp files are gone once the request is over.
    EXPECT_TRUE(fs::is_empty(dir_ / "up"));
}

TEST_F(ServerTest, OversizedBodiesAre413BeforeTheyAreRead) {
    Conn c(port_);
    c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\nabc");
    std::string res = c.ReadAll();
    EXPECT_EQ(Status(res), 413);
    EXPECT_NE(res.find("Connection: close"), std::string::npos);
    // Chunked bodies have no length up front: the limit stops them while reading.
    Conn c2(port_);
    std::string chunk(600, 'x');
    c2.Send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n" + chunk +
            "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n");
    EXPECT_EQ(Status(c2.ReadAll()), 413);
    EXPECT_EQ(Status(Get("/hello")), 200);
}

TEST_F(ServerTest, MultipartFieldsInMemoryAreBounded) {
    std::string b = "B";
    std::string body = "--B\r\nContent-Disposition: form-data; name=\"big\"\r\n\r\n" +
                       std::string(10000, 'x') + "\r\n--B--\r\n";
    Conn c(port_);
    c.Send(
        "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
        "boundary=B\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body);
    EXPECT_EQ(Status(c.ReadAll()), 413);
}

TEST_F(ServerTest, MalformedMultipartIs400) {
    std::string body = "--B\r\nNo-Disposition: x\r\n\r\ndata\r\n--B--\r\n";
    Conn c(port_);
    c.Send(
        "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
        "boundary=B\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body);
    EXPECT_EQ(Status(c.ReadAll()), 400);
    EXPECT_TRUE(fs::is_empty(dir_ / "up"));
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
    Conn c(port_);
    c.Send(
        "GET /hello?n=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /hello?n=2 HTTP/1.1\r\nHost: x\r\n\r\n"
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nthreeGET /hello?n=4 "
        "HTTP/1.1\r\nHost: x\r\n\r\n");
    auto responses = c.ReadResponses(4);
    ASSERT_EQ(responses.size(), 4u);
    EXPECT_EQ(Body(responses[0]), "hello 1");
    EXPECT_EQ(Body(responses[1]), "hello 2");
    EXPECT_EQ(Body(responses[2]), "three");
    EXPECT_EQ(Body(responses[3]), "hello 4");
}

TEST_F(ServerTest, ProducersStreamChunked) {
    std::string res = Get("/stream");
    EXPECT_EQ(Status(res), 200);
    EXPECT_NE(res.find("Transfer-Encoding: chunked"), std::string::npos);
    EXPECT_NE(Body(res).find("chunk1;"), std::string::npos);
    EXPECT_NE(Body(res).find("chunk5;"), std::string::npos);
    EXPECT_NE(Body(res).find("\r\n0\r\n\r\n"), std::string::npos);
}

TEST_F(ServerTest, FilesHonourRangeAndConditionalRequests) {
    Conn c(port_);
    c.Send("GET /file HTTP/1.1\r\nHost: x\r\nRange: bytes=2-5\r\nConnection: close\r\n\r\n");
    std::string res = c.ReadAll();
    EXPECT_EQ(Status(res), 206);
    EXPECT_NE(res.find("Content-Range: bytes 2-5/10"), std::string::npos);
    EXPECT_EQ(Body(res), "2345");

    std::string full = Get("/file");
    auto pos = full.find("ETag: ");
    ASSERT_NE(pos, std::string::npos);
    std::string etag = full.substr(pos + 6, full.find("\r\n", pos) - pos - 6);
    Conn c2(port_);
    c2.Send("GET /file HTTP/1.1\r\nHost: x\r\nIf-None-Match: " + etag +
            "\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(Status(c2.ReadAll()), 304);
    Conn c3(port_);
    c3.Send("GET /file HTTP/1.1\r\nHost: x\r\nRange: bytes=50-60\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(Status(c3.ReadAll()), 416);
}

TEST_F(ServerTest, MalformedRequestsGetClearErrorsAndTheServerKeepsServing) {
    struct Case {
        std::string raw;
        int status;
    } cases[] = {
        {"GARBAGE\r\n\r\n", 400},
        {"GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'a') + "\r\n\r\n", 431},
        {"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400},
        {"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
         400},
        {"GET /bad%zzpath HTTP/1.1\r\nHost: x\r\n\r\n", 400},
        {"GET /%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n", 400},
        {"GET http://evil/ HTTP/1.1\r\nHost: x\r\n\r\n", 400},
        {"GET /nothing-here HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 404},
        {"DELETE /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 405},
    };
    for (const auto& tc : cases) {
        Conn c(port_);
        c.Send(tc.raw);
        std::string res = c.ReadAll();
        EXPECT_EQ(Status(res), tc.status) << tc.raw.substr(0, 60);
        EXPECT_EQ(Status(Get("/hello")), 200);
    }
    // A truncated body: the client gives up; nothing is answered and nothing breaks.
    {
        Conn c(port_);
        c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly-this");
    }
    EXPECT_EQ(Status(Get("/hello")), 200);
}

TEST_F(ServerTest, SlowHeadersTimeOut) {
    Conn c(port_);
    c.Send("GET /hello HTTP/1.1\r\nHost: x\r\n");  // never finishes the header
    std::string res = c.ReadAll();
    EXPECT_EQ(Status(res), 408);
}

TEST_F(ServerTest, ShutdownFinishesInFlightRequests) {
    Conn c(port_);
    c.Send("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhello");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    Conn idle(port_);  // an idle keep-alive connection is simply closed
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    server_->Stop();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    c.Send("world");
    std::string res = c.ReadAll();
    EXPECT_EQ(Status(res), 200);
    EXPECT_EQ(Body(res), "got helloworld");
    EXPECT_NE(res.find("Connection: close"), std::string::npos);
    EXPECT_EQ(idle.ReadAll(), "");
    thread_.join();
    thread_ = std::thread([] {});  // TearDown joins again
}

}  // namespace
}  // namespace govhub::http

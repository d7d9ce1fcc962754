// The resolver against real DNS servers on loopback: dnsmasq (Debian dnsmasq-base) serving a
// local zone, and tests/dns/bad_dns.py (python3-dnslib) for SERVFAIL, REFUSED, silence and a
// garbled answer. Both run as child processes of this test binary: they die with it
// (PR_SET_PDEATHSIG), and the suite kills them when it ends, passed or failed.
#include "workd/resolver.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace govhub::workd {
namespace {

using namespace std::chrono_literals;

constexpr uint8_t kCnameWire = 5;

// A child process killed (SIGKILL) and reaped when this goes out of scope.
class Child {
  public:
    Child() = default;
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    ~Child() { Stop(); }

    // Starts argv; with `capture_stdout`, its stdout is readable through ReadLine(); with
    // `stderr_path`, its stderr goes to that file.
    void Start(const std::vector<std::string>& argv, bool capture_stdout,
               const std::string& stderr_path = "") {
        int pipe_fds[2] = {-1, -1};
        if (capture_stdout && pipe(pipe_fds) != 0) throw std::runtime_error("pipe");
        // Everything the child needs is made before fork(): after it, only async-signal-safe
        // calls (other tests may have left threads running).
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        const pid_t parent = getpid();
        pid_ = fork();
        if (pid_ < 0) throw std::runtime_error("fork");
        if (pid_ == 0) {
            // Dies with the test binary, even when it crashes.
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent) _exit(127);
            if (capture_stdout) dup2(pipe_fds[1], STDOUT_FILENO);
            if (!stderr_path.empty()) {
                const int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
                if (err >= 0) dup2(err, STDERR_FILENO);
            }
            for (int fd = 3; fd < 1024; ++fd) close(fd);
            execv(args[0], args.data());
            _exit(127);
        }
        if (capture_stdout) {
            close(pipe_fds[1]);
            out_fd_ = pipe_fds[0];
        }
    }

    // One line of the child's stdout, or nullopt after `wait`.
    std::optional<std::string> ReadLine(std::chrono::milliseconds wait) {
        std::string line;
        const auto deadline = std::chrono::steady_clock::now() + wait;
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd p{out_fd_, POLLIN, 0};
            if (poll(&p, 1, 100) <= 0) continue;
            char c;
            if (read(out_fd_, &c, 1) != 1) return std::nullopt;
            if (c == '\n') return line;
            line += c;
        }
        return std::nullopt;
    }

    bool Running() const { return pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == 0; }

    void Stop() {
        if (out_fd_ >= 0) close(out_fd_);
        out_fd_ = -1;
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
        pid_ = -1;
    }

  private:
    pid_t pid_ = -1;
    int out_fd_ = -1;
};

// A port free for both UDP and TCP on 127.0.0.1 right now (dnsmasq binds both).
int FreePort() {
    for (int attempt = 0; attempt < 20; ++attempt) {
        int udp = socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        bind(udp, reinterpret_cast<sockaddr*>(&a), sizeof a);
        getsockname(udp, reinterpret_cast<sockaddr*>(&a), &len);
        int tcp = socket(AF_INET, SOCK_STREAM, 0);
        const bool ok = bind(tcp, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        close(tcp);
        close(udp);
        if (ok) return ntohs(a.sin_port);
    }
    throw std::runtime_error("no free port");
}

std::string Address(int port) {
    return "127.0.0.1:" + std::to_string(port);
}

const std::string kLongDkim = "v=DKIM1; k=rsa; p=" + std::string(400, 'B');  // > 255: split
std::string BigTxt(int i) {
    return "big-" + std::to_string(i) + "-" + std::string(200, 'x');
}

class ResolverTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dnsmasq_ = new Child;
        bad_ = new Child;
        StartDnsmasq();
        StartBadServer();
    }
    static void TearDownTestSuite() {
        delete dnsmasq_;
        delete bad_;
        dnsmasq_ = bad_ = nullptr;
    }

    // dnsmasq answers for example.test from its own records only (--local): NXDOMAIN for
    // unknown names, NODATA for a known name without the type.
    static void StartDnsmasq() {
        const std::string binary = "/usr/sbin/dnsmasq";
        ASSERT_EQ(access(binary.c_str(), X_OK), 0)
            << "dnsmasq missing: install dnsmasq-base (scripts/install-deps.sh)";
        // Its start-up chatter goes to a file, shown only when it does not come up.
        const std::string log = ::testing::TempDir() + "resolver_test_dnsmasq.log";
        for (int attempt = 0; attempt < 5; ++attempt) {
            const int port = FreePort();
            const std::string ready = std::to_string(getpid()) + "-" + std::to_string(port);
            std::vector<std::string> argv = {
                binary,
                "--no-daemon",
                "--conf-file=/dev/null",
                "--port=" + std::to_string(port),
                "--listen-address=127.0.0.1",
                "--bind-interfaces",
                "--no-resolv",
                "--no-hosts",
                "--pid-file=",
                "--local=/example.test/",
                // Unique to this instance: a dnsmasq of a parallel test run that took the
                // port first must not pass for ours.
                "--txt-record=ready.example.test," + ready,
                "--txt-record=example.test,v=spf1 mx -all",
                "--txt-record=example.test,_workd-challenge-other",
                "--txt-record=default._domainkey.example.test," + kLongDkim,
                "--txt-record=split.example.test,abc,def",
                "--mx-host=example.test,mx1.example.test,10",
                "--mx-host=example.test,mx2.example.test,20",
                "--srv-host=_imaps._tcp.example.test,mail.example.test,993,1,5",
                "--srv-host=_submission._tcp.example.test,mail.example.test,587,0,1",
                "--cname=autoconfig.example.test,mail.example.test",
                "--host-record=mail.example.test,192.0.2.10,2001:db8::10",
                "--host-record=v4only.example.test,192.0.2.11",
            };
            // As root dnsmasq would switch to "nobody"; stay who we are (CI runs as root).
            if (geteuid() == 0) argv.push_back("--user=root");
            for (int i = 0; i < 10; ++i)
                argv.push_back("--txt-record=big.example.test," + BigTxt(i));
            dnsmasq_->Start(argv, false, log);
            ResolverOptions o;
            o.servers = Address(port);
            o.timeout = 200ms;
            o.tries = 1;
            Resolver r(o);
            for (int i = 0; i < 50 && dnsmasq_->Running(); ++i) {
                if (r.Query("ready.example.test", DnsType::kTxt).texts ==
                    std::vector<std::string>{ready}) {
                    dnsmasq_port_ = port;
                    return;
                }
                std::this_thread::sleep_for(50ms);
            }
            dnsmasq_->Stop();  // lost the port to someone else, or slow: try another
        }
        std::ifstream in(log);
        FAIL() << "dnsmasq did not start: " << std::string(std::istreambuf_iterator<char>(in), {});
    }

    static void StartBadServer() {
        ASSERT_EQ(access("/usr/bin/python3", X_OK), 0) << "python3 missing";
        bad_->Start(
            {"/usr/bin/python3", std::string(GOVHUB_SOURCE_DIR) + "/tests/dns/bad_dns.py", "0"},
            true);
        auto line = bad_->ReadLine(10s);
        ASSERT_TRUE(line && line->starts_with("port "))
            << "tests/dns/bad_dns.py did not start (python3-dnslib installed?)";
        bad_port_ = std::stoi(line->substr(5));
    }

    static Resolver Good(ResolverOptions o = {}) {
        o.servers = Address(dnsmasq_port_);
        o.timeout = 500ms;
        return Resolver(o);
    }
    static Resolver Bad(std::chrono::milliseconds timeout = 500ms, int tries = 1) {
        ResolverOptions o;
        o.servers = Address(bad_port_);
        o.timeout = timeout;
        o.tries = tries;
        return Resolver(o);
    }

    void SetUp() override {
        ASSERT_GT(dnsmasq_port_, 0) << "dnsmasq not running";
        ASSERT_GT(bad_port_, 0) << "bad_dns.py not running";
    }

    static inline Child* dnsmasq_ = nullptr;
    static inline Child* bad_ = nullptr;
    static inline int dnsmasq_port_ = 0;
    static inline int bad_port_ = 0;
};

TEST_F(ResolverTest, TxtRecordsOnePerRecordWithTheirStringsJoined) {
    auto a = Good().Query("example.test", DnsType::kTxt);
    ASSERT_EQ(a.status, DnsStatus::kOk) << a.detail;
    EXPECT_EQ(a.texts.size(), 2u);
    EXPECT_NE(std::find(a.texts.begin(), a.texts.end(), "v=spf1 mx -all"), a.texts.end());
    EXPECT_FALSE(a.cut);

    // dnsmasq splits a text over 255 bytes into character-strings; they join with nothing.
    a = Good().Query("default._domainkey.example.test", DnsType::kTxt);
    ASSERT_EQ(a.status, DnsStatus::kOk) << a.detail;
    ASSERT_EQ(a.texts.size(), 1u);
    EXPECT_EQ(a.texts[0], kLongDkim);

    a = Good().Query("split.example.test.", DnsType::kTxt);  // trailing dot allowed
    ASSERT_EQ(a.status, DnsStatus::kOk) << a.detail;
    EXPECT_EQ(a.texts, std::vector<std::string>{"abcdef"});
}

TEST_F(ResolverTest, AnswerOverUdpSizeComesOverTcp) {
    auto a = Good().Query("big.example.test", DnsType::kTxt);  // ~2.1 KB > 1232 EDNS payload
    ASSERT_EQ(a.status, DnsStatus::kOk) << a.detail;
    ASSERT_EQ(a.texts.size(), 10u);
    std::sort(a.texts.begin(), a.texts.end());
    EXPECT_EQ(a.texts[0], BigTxt(0));
}

TEST_F(ResolverTest, MxSrvCnameAndAddresses) {
    auto mx = Good().Query("EXAMPLE.test", DnsType::kMx);
    ASSERT_EQ(mx.status, DnsStatus::kOk) << mx.detail;
    std::sort(mx.mx.begin(), mx.mx.end(),
              [](const MxRecord& x, const MxRecord& y) { return x.preference < y.preference; });
    EXPECT_EQ(mx.mx, (std::vector<MxRecord>{{10, "mx1.example.test"}, {20, "mx2.example.test"}}));

    auto srv = Good().Query("_imaps._tcp.example.test", DnsType::kSrv);
    ASSERT_EQ(srv.status, DnsStatus::kOk) << srv.detail;
    EXPECT_EQ(srv.srv, (std::vector<SrvRecord>{{1, 5, 993, "mail.example.test"}}));

    auto cname = Good().Query("autoconfig.example.test", DnsType::kCname);
    ASSERT_EQ(cname.status, DnsStatus::kOk) << cname.detail;
    EXPECT_EQ(cname.texts, std::vector<std::string>{"mail.example.test"});

    auto a = Good().Query("mail.example.test", DnsType::kA);
    ASSERT_EQ(a.status, DnsStatus::kOk) << a.detail;
    EXPECT_EQ(a.texts, std::vector<std::string>{"192.0.2.10"});
    auto aaaa = Good().Query("mail.example.test", DnsType::kAaaa);
    ASSERT_EQ(aaaa.status, DnsStatus::kOk) << aaaa.detail;
    EXPECT_EQ(aaaa.texts, std::vector<std::string>{"2001:db8::10"});
    // An address question for an alias follows it.
    auto via = Good().Query("autoconfig.example.test", DnsType::kA);
    ASSERT_EQ(via.status, DnsStatus::kOk) << via.detail;
    EXPECT_EQ(via.texts, std::vector<std::string>{"192.0.2.10"});
}

TEST_F(ResolverTest, NxdomainAndNodata) {
    auto a = Good().Query("_workd-challenge.nothere.example.test", DnsType::kTxt);
    EXPECT_EQ(a.status, DnsStatus::kNxdomain) << a.detail;
    EXPECT_NE(a.detail.find("TXT _workd-challenge.nothere.example.test: nxdomain"),
              std::string::npos)
        << a.detail;
    EXPECT_TRUE(a.texts.empty());

    EXPECT_EQ(Good().Query("v4only.example.test", DnsType::kAaaa).status, DnsStatus::kNodata);
    EXPECT_EQ(Good().Query("mail.example.test", DnsType::kMx).status, DnsStatus::kNodata);
    EXPECT_EQ(Good().Query("mail.example.test", DnsType::kCname).status, DnsStatus::kNodata);
    EXPECT_EQ(Good().Query("_dmarc.example.test", DnsType::kTxt).status, DnsStatus::kNxdomain);
}

TEST_F(ResolverTest, AnswersAreCutAtTheLimits) {
    ResolverOptions few;
    few.max_records = 3;
    auto a = Good(few).Query("big.example.test", DnsType::kTxt);
    ASSERT_EQ(a.status, DnsStatus::kOk) << a.detail;
    EXPECT_EQ(a.texts.size(), 3u);
    EXPECT_TRUE(a.cut);
    EXPECT_NE(a.detail.find("limits"), std::string::npos) << a.detail;

    // A record that would pass the byte limit is left out whole, never half taken.
    ResolverOptions small;
    small.max_text_bytes = 300;
    a = Good(small).Query("default._domainkey.example.test", DnsType::kTxt);
    EXPECT_EQ(a.status, DnsStatus::kOk) << a.detail;
    EXPECT_TRUE(a.texts.empty());
    EXPECT_TRUE(a.cut);

    small.max_text_bytes = 450;
    a = Good(small).Query("big.example.test", DnsType::kTxt);
    EXPECT_EQ(a.texts.size(), 2u);  // 206 bytes each
    EXPECT_TRUE(a.cut);
}

TEST_F(ResolverTest, ServfailRefusedTimeoutAndGarbled) {
    EXPECT_EQ(Bad().Query("up.bad.test", DnsType::kTxt).status, DnsStatus::kOk);

    auto a = Bad().Query("servfail.bad.test", DnsType::kTxt);
    EXPECT_EQ(a.status, DnsStatus::kServfail) << a.detail;
    EXPECT_NE(a.detail.find("servfail"), std::string::npos) << a.detail;
    EXPECT_EQ(Bad().Query("refused.bad.test", DnsType::kMx).status, DnsStatus::kRefused);

    const auto start = std::chrono::steady_clock::now();
    a = Bad(150ms, 2).Query("silent.bad.test", DnsType::kTxt);
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(a.status, DnsStatus::kTimeout) << a.detail;
    EXPECT_GE(took, 150ms);
    EXPECT_LT(took, 3s);  // 150 ms, then 300 ms on the retry

    a = Bad().Query("garbled.bad.test", DnsType::kTxt);
    EXPECT_EQ(a.status, DnsStatus::kMalformed) << a.detail;
    EXPECT_TRUE(a.texts.empty());
}

TEST_F(ResolverTest, NobodyListeningIsAnErrorOrTimeout) {
    ResolverOptions o;
    o.servers = Address(FreePort());
    o.timeout = 200ms;
    o.tries = 1;
    auto a = Resolver(o).Query("example.test", DnsType::kTxt);
    // Loopback sends back "port unreachable": c-ares reports a refused connection.
    EXPECT_TRUE(a.status == DnsStatus::kError || a.status == DnsStatus::kTimeout) << a.detail;
    EXPECT_FALSE(a.ok());
}

TEST_F(ResolverTest, ManyThreadsAtOnce) {
    std::atomic<int> good{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] {
            Resolver r = Good();
            for (int i = 0; i < 10; ++i) {
                if (r.Query("example.test", DnsType::kMx).mx.size() == 2 &&
                    r.Query("nothere.example.test", DnsType::kA).status == DnsStatus::kNxdomain)
                    ++good;
            }
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(good.load(), 80);
}

TEST(Resolver, RejectsBadSettingsAndNames) {
    EXPECT_THROW(Resolver({.servers = "not an address"}), std::invalid_argument);
    EXPECT_THROW(Resolver({.servers = "127.0.0.1:53", .tries = 0}), std::invalid_argument);
    EXPECT_THROW(Resolver({.servers = "127.0.0.1:53", .timeout = 0ms}), std::invalid_argument);
    EXPECT_NO_THROW(Resolver({.servers = "127.0.0.1:5353,[::1]:53"}));

    Resolver r({.servers = "127.0.0.1:9", .timeout = 50ms, .tries = 1});
    for (const std::string& name :
         std::vector<std::string>{"", ".", "a..b", "a b.test", std::string(64, 'a') + ".test",
                                  std::string(254, 'a'), "a\\.b", std::string("a\0b", 3)}) {
        auto a = r.Query(name, DnsType::kTxt);
        EXPECT_EQ(a.status, DnsStatus::kError) << name;
        EXPECT_NE(a.detail.find("not a name"), std::string::npos) << a.detail;
    }
}

// A NOERROR reply header with one question (example.test TXT) and `answers` answer records.
std::vector<uint8_t> Header(uint8_t rcode, uint16_t answers) {
    std::vector<uint8_t> b = {0x12,
                              0x34,
                              0x81,
                              static_cast<uint8_t>(0x80 | rcode),
                              0,
                              1,
                              static_cast<uint8_t>(answers >> 8),
                              static_cast<uint8_t>(answers),
                              0,
                              0,
                              0,
                              0};
    for (uint8_t c : std::string("\7example\4test")) b.push_back(c);
    b.insert(b.end(), {0, 0, 16, 0, 1});
    return b;
}

TEST(ReadDnsAnswer, ClassifiesRawReplies) {
    const ResolverOptions o;
    EXPECT_EQ(ReadDnsAnswer(nullptr, 0, DnsType::kTxt, o).status, DnsStatus::kMalformed);
    std::vector<uint8_t> b = Header(0, 0);
    EXPECT_EQ(ReadDnsAnswer(b.data(), 11, DnsType::kTxt, o).status, DnsStatus::kMalformed);
    EXPECT_EQ(ReadDnsAnswer(b.data(), b.size(), DnsType::kTxt, o).status, DnsStatus::kNodata);
    for (auto [rcode, status] : {std::pair{2, DnsStatus::kServfail},
                                 {3, DnsStatus::kNxdomain},
                                 {5, DnsStatus::kRefused},
                                 {4, DnsStatus::kError}}) {
        b = Header(static_cast<uint8_t>(rcode), 0);
        EXPECT_EQ(ReadDnsAnswer(b.data(), b.size(), DnsType::kMx, o).status, status) << rcode;
    }
    // One TXT answer, its name a pointer to the question, "hi" — then the same cut short.
    b = Header(0, 1);
    b.insert(b.end(), {0xC0, 12, 0, 16, 0, 1, 0, 0, 0, 60, 0, 3, 2, 'h', 'i'});
    auto a = ReadDnsAnswer(b.data(), b.size(), DnsType::kTxt, o);
    EXPECT_EQ(a.status, DnsStatus::kOk);
    EXPECT_EQ(a.texts, std::vector<std::string>{"hi"});
    EXPECT_EQ(ReadDnsAnswer(b.data(), b.size() - 1, DnsType::kTxt, o).status,
              DnsStatus::kMalformed);
    // A CNAME reply that claims two answers and holds one: malformed, with no records.
    b = Header(0, 2);
    b[b.size() - 3] = kCnameWire;
    b.insert(b.end(), {0xC0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xC0, 12});
    a = ReadDnsAnswer(b.data(), b.size(), DnsType::kCname, o);
    EXPECT_EQ(a.status, DnsStatus::kMalformed);
    EXPECT_TRUE(a.texts.empty());
    // A CNAME whose target points at itself: refused by name decompression, not a hang.
    b = Header(0, 1);
    b[b.size() - 3] = kCnameWire;
    const auto rdata = static_cast<uint8_t>(b.size() + 12);
    b.insert(b.end(), {0xC0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xC0, rdata});
    EXPECT_EQ(ReadDnsAnswer(b.data(), b.size(), DnsType::kCname, o).status, DnsStatus::kMalformed);
}

}  // namespace
}  // namespace govhub::workd

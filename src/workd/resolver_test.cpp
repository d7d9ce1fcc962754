// The resolver against real DNS servers on loopback: dnsmasq (Debian dnsmasq-base) serving a
// local zone, and tests/dns/bad_dns.py (python3-dnslib) for SERVFAIL, REFUSED, silence and a
// garbled answer. Both run as child processes of this test binary (dns_test_support.hpp, shared
// with checker_test.cpp): they die with it (PR_SET_PDEATHSIG), and the suite kills them when it
// ends, passed or failed.
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

#include "workd/dns_test_support.hpp"

namespace govhub::workd {
namespace {

using namespace std::chrono_literals;

constexpr uint8_t kCnameWire = 5;

using dns_test::Address;
using dns_test::Child;
using dns_test::FreePort;

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
        std::vector<std::string> records = {
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
        for (int i = 0; i < 10; ++i)
            records.push_back("--txt-record=big.example.test," + BigTxt(i));
        try {
            dnsmasq_port_ = dns_test::StartDnsmasq(*dnsmasq_, "example.test", "ready.example.test",
                                                   records, "resolver_test_dnsmasq.log");
        } catch (const std::exception& e) {
            FAIL() << e.what();
        }
    }

    static void StartBadServer() {
        try {
            bad_port_ = dns_test::StartBadDns(*bad_);
        } catch (const std::exception& e) {
            FAIL() << e.what();
        }
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

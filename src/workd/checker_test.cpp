// The DNS checker against real DNS servers on loopback: dnsmasq serving agencies' zones with
// each record right and wrong, and tests/dns/bad_dns.py for SERVFAIL and a timeout (both run as
// children of the test binary, as in resolver_test.cpp).
#include "workd/checker.hpp"

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

#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "workd/dkim_key.hpp"

namespace govhub::workd {
namespace {

using namespace std::chrono_literals;

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

MailHosts Hosts() {
    return MailHosts{.mx_host = "mx.mail.test",
                     .spf_include = "_spf.mail.test",
                     .imap_host = "imap.mail.test",
                     .submission_host = "smtp.mail.test",
                     .autoconfig_host = "autoconfig.mail.test",
                     .autodiscover_host = "autodiscover.mail.test"};
}

constexpr const char* kToken = "5f0c3a9e1d2b4c6a8e7f90123456789abcdef012";

class CheckerTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        ours_ = new DkimKeyPair(GenerateDkimKey());
        other_ = new DkimKeyPair(GenerateDkimKey());
        dnsmasq_ = new Child;
        bad_ = new Child;
        StartDnsmasq();
        StartBadServer();
    }
    static void TearDownTestSuite() {
        delete dnsmasq_;
        delete bad_;
        delete ours_;
        delete other_;
        dnsmasq_ = bad_ = nullptr;
    }

    // Every record an agency publishes for `d`, right.
    static void AddGood(std::vector<std::string>& a, const std::string& d,
                        const std::string& dmarc = "v=DMARC1; p=quarantine; rua=mailto:d@x.test") {
        a.push_back("--txt-record=_workd-challenge." + d + ",token=" + kToken);
        a.push_back("--mx-host=" + d + ",mx.mail.test,10");
        a.push_back("--txt-record=" + d + ",v=spf1 include:_spf.mail.test ~all");
        a.push_back("--txt-record=" + d + ",google-site-verification=abc");
        a.push_back("--txt-record=workd2569a._domainkey." + d +
                    ",v=DKIM1; k=rsa; p=" + ours_->public_key);
        a.push_back("--txt-record=_dmarc." + d + "," + dmarc);
        a.push_back("--cname=autoconfig." + d + ",autoconfig.mail.test");
        a.push_back("--cname=autodiscover." + d + ",autodiscover.mail.test");
        a.push_back("--srv-host=_autodiscover._tcp." + d + ",autodiscover.mail.test,443,0,1");
        a.push_back("--srv-host=_submission._tcp." + d + ",smtp.mail.test,587,0,1");
        a.push_back("--srv-host=_imaps._tcp." + d + ",imap.mail.test,993,0,1");
    }

    static void StartDnsmasq() {
        const std::string binary = "/usr/sbin/dnsmasq";
        ASSERT_EQ(access(binary.c_str(), X_OK), 0)
            << "dnsmasq missing: install dnsmasq-base (scripts/install-deps.sh)";
        const std::string log = ::testing::TempDir() + "checker_test_dnsmasq.log";
        for (int attempt = 0; attempt < 5; ++attempt) {
            const int port = FreePort();
            const std::string ready = std::to_string(getpid()) + "-" + std::to_string(port);
            std::vector<std::string> a = {
                binary,
                "--no-daemon",
                "--conf-file=/dev/null",
                "--port=" + std::to_string(port),
                "--listen-address=127.0.0.1",
                "--bind-interfaces",
                "--no-resolv",
                "--no-hosts",
                "--pid-file=",
                "--local=/test/",
                "--txt-record=ready.test," + ready,
                // The platform's own names.
                "--txt-record=_spf.mail.test,v=spf1 ip4:192.0.2.0/24 -all",
                "--host-record=mx.mail.test,192.0.2.25",
                "--host-record=autoconfig.mail.test,192.0.2.80",
                "--host-record=autodiscover.mail.test,192.0.2.81",
                "--host-record=smtp.mail.test,192.0.2.26",
                "--host-record=imap.mail.test,192.0.2.27",
                "--host-record=www.elsewhere.test,192.0.2.99",
                "--host-record=mx.elsewhere.test,192.0.2.98",
            };
            if (geteuid() == 0) a.push_back("--user=root");
            AddGood(a, "good.test");
            AddGood(a, "none.test", "v=DMARC1; p=none");
            // wrong.test: every required record there, each wrong.
            a.push_back("--txt-record=_workd-challenge.wrong.test,token=not-the-token");
            a.push_back("--mx-host=wrong.test,mx.elsewhere.test,10");
            a.push_back("--txt-record=wrong.test,v=spf1 include:_spf.mail.test ~all");
            a.push_back("--txt-record=wrong.test,v=spf1 mx -all");  // two SPF records
            a.push_back("--txt-record=workd2569a._domainkey.wrong.test,v=DKIM1; k=rsa; p=" +
                        other_->public_key);
            a.push_back("--txt-record=_dmarc.wrong.test,v=DMARC1; p=sometimes");
            a.push_back("--cname=autoconfig.wrong.test,www.elsewhere.test");
            a.push_back("--srv-host=_submission._tcp.wrong.test,smtp.mail.test,25,0,1");
            // noinclude.test: one SPF record that does not let us send; MX ours and another.
            a.push_back("--txt-record=noinclude.test,v=spf1 mx -all");
            a.push_back("--mx-host=noinclude.test,mx.mail.test,10");
            a.push_back("--mx-host=noinclude.test,mx.elsewhere.test,5");
            // many.test: our include, and eleven more lookups through includes.
            std::string spf = "v=spf1 include:_spf.mail.test";
            for (int i = 0; i < 11; ++i) {
                const std::string n = "i" + std::to_string(i) + ".many.test";
                spf += " include:" + n;
                a.push_back("--txt-record=" + n + ",v=spf1 ip4:198.51.100." + std::to_string(i) +
                            " -all");
            }
            a.push_back("--txt-record=many.test," + spf + " ~all");
            // broken.test: an SPF that does not parse, a DKIM with a bad version.
            a.push_back("--txt-record=broken.test,v=spf1 include:_spf.mail.test foo:bar ~all");
            a.push_back("--txt-record=workd2569a._domainkey.broken.test,v=DKIM2; p=" +
                        ours_->public_key);
            // sub.mail.test: a subdomain of the zone, published by the platform (no token).
            AddGood(a, "sub.zone.test");
            dnsmasq_->Start(a, false, log);
            Resolver r({.servers = Address(port), .timeout = 200ms, .tries = 1});
            for (int i = 0; i < 50 && dnsmasq_->Running(); ++i) {
                if (r.Query("ready.test", DnsType::kTxt).texts == std::vector<std::string>{ready}) {
                    dnsmasq_port_ = port;
                    return;
                }
                std::this_thread::sleep_for(50ms);
            }
            dnsmasq_->Stop();
        }
        std::ifstream in(log);
        FAIL() << "dnsmasq did not start: " << std::string(std::istreambuf_iterator<char>(in), {});
    }

    static void StartBadServer() {
        bad_->Start(
            {"/usr/bin/python3", std::string(GOVHUB_SOURCE_DIR) + "/tests/dns/bad_dns.py", "0"},
            true);
        auto line = bad_->ReadLine(10s);
        ASSERT_TRUE(line && line->starts_with("port "))
            << "tests/dns/bad_dns.py did not start (python3-dnslib installed?)";
        bad_port_ = std::stoi(line->substr(5));
    }

    void SetUp() override {
        ASSERT_GT(dnsmasq_port_, 0) << "dnsmasq not running";
        ASSERT_GT(bad_port_, 0) << "bad_dns.py not running";
    }

    static Resolver Good() {
        return Resolver({.servers = Address(dnsmasq_port_), .timeout = 500ms, .tries = 1});
    }

    static DomainSetup Setup(const std::string& domain, bool own = true) {
        return DomainSetup{.domain = domain,
                           .own_domain = own,
                           .hosts = Hosts(),
                           .dkim_selector = "workd2569a",
                           .dkim_public_key = ours_->public_key,
                           .verification_token = kToken};
    }

    // The check of the record with `purpose` (workd.dns.purpose.<purpose>).
    static const RecordCheck& Of(const DomainCheck& c, const std::string& purpose) {
        for (const auto& r : c.records)
            if (r.expected.purpose == "workd.dns.purpose." + purpose) return r;
        throw std::runtime_error("no record " + purpose);
    }

    static inline Child* dnsmasq_ = nullptr;
    static inline Child* bad_ = nullptr;
    static inline int dnsmasq_port_ = 0;
    static inline int bad_port_ = 0;
    static inline DkimKeyPair* ours_ = nullptr;
    static inline DkimKeyPair* other_ = nullptr;
};

TEST_F(CheckerTest, EveryRecordRightPasses) {
    auto c = CheckDomain(Good(), Setup("good.test"));
    ASSERT_EQ(c.records.size(), 10u);
    for (const auto& r : c.records)
        EXPECT_EQ(r.status, kCheckOk)
            << r.expected.name << " " << r.expected.type << ": " << r.reason << " " << r.detail;
    EXPECT_TRUE(c.required_pass);
    EXPECT_FALSE(c.dns_unavailable);
    // The SPF row shows the SPF record only, not the domain's other TXT.
    EXPECT_EQ(Of(c, "spf").found, std::vector<std::string>{"v=spf1 include:_spf.mail.test ~all"});
}

TEST_F(CheckerTest, NothingPublishedIsMissingEverywhere) {
    auto c = CheckDomain(Good(), Setup("nothing.test"));
    for (const auto& r : c.records) {
        EXPECT_EQ(r.status, kCheckMissing) << r.expected.name << " " << r.expected.type;
        EXPECT_EQ(r.reason, "workd.dns.check.missing");
        EXPECT_TRUE(r.agency_fault);
    }
    EXPECT_FALSE(c.required_pass);
}

TEST_F(CheckerTest, EachRequiredRecordWrongSaysWhy) {
    auto c = CheckDomain(Good(), Setup("wrong.test"));
    EXPECT_FALSE(c.required_pass);
    auto token = Of(c, "ownership");
    EXPECT_EQ(token.status, kCheckWrong);
    EXPECT_EQ(token.reason, "workd.dns.check.token_mismatch");
    EXPECT_EQ(token.detail, "token=not-the-token");                   // what was found
    EXPECT_EQ(token.expected.value, std::string("token=") + kToken);  // what is expected
    auto mx = Of(c, "mx");
    EXPECT_EQ(mx.status, kCheckWrong);
    EXPECT_EQ(mx.reason, "workd.dns.check.mx_wrong");
    EXPECT_EQ(mx.detail, "10 mx.elsewhere.test.");
    auto spf = Of(c, "spf");
    EXPECT_EQ(spf.status, kCheckWrong);
    EXPECT_EQ(spf.reason, "workd.dns.spf.multiple");
    EXPECT_EQ(spf.found.size(), 2u);
    auto dkim = Of(c, "dkim");
    EXPECT_EQ(dkim.status, kCheckWrong);
    EXPECT_EQ(dkim.reason, "workd.dns.dkim.mismatch");
    auto dmarc = Of(c, "dmarc");
    EXPECT_EQ(dmarc.status, kCheckWrong);
    EXPECT_EQ(dmarc.reason, "workd.dns.dmarc.bad_policy");
    auto autoconfig = Of(c, "autoconfig");
    EXPECT_EQ(autoconfig.status, kCheckWrong);
    EXPECT_EQ(autoconfig.reason, "workd.dns.check.value_wrong");
    EXPECT_EQ(autoconfig.detail, "www.elsewhere.test.");
    EXPECT_FALSE(autoconfig.expected.required);  // advice
    auto submission = Of(c, "srv_submission");
    EXPECT_EQ(submission.status, kCheckWrong);
    EXPECT_EQ(submission.detail, "0 1 25 smtp.mail.test.");
}

TEST_F(CheckerTest, SpfWithoutOurIncludeAndAnotherMxPreferred) {
    auto c = CheckDomain(Good(), Setup("noinclude.test"));
    auto spf = Of(c, "spf");
    EXPECT_EQ(spf.status, kCheckWrong);
    EXPECT_EQ(spf.reason, "workd.dns.spf.not_authorised");
    EXPECT_EQ(spf.detail, "include:_spf.mail.test");
    auto mx = Of(c, "mx");
    EXPECT_EQ(mx.status, kCheckWrong);
    EXPECT_EQ(mx.reason, "workd.dns.check.mx_others");
    EXPECT_EQ(mx.detail, "5 mx.elsewhere.test.");
}

TEST_F(CheckerTest, SpfOverTenLookupsCountedThroughIncludes) {
    auto spf = Of(CheckDomain(Good(), Setup("many.test")), "spf");
    EXPECT_EQ(spf.status, kCheckWrong);
    EXPECT_EQ(spf.reason, "workd.dns.spf.too_many_lookups");
    EXPECT_GT(std::stoi(spf.detail), 10);
}

TEST_F(CheckerTest, RecordsThatDoNotParse) {
    auto c = CheckDomain(Good(), Setup("broken.test"));
    EXPECT_EQ(Of(c, "spf").status, kCheckWrong);
    EXPECT_EQ(Of(c, "spf").reason, "workd.dns.spf.unknown_mechanism");
    EXPECT_EQ(Of(c, "dkim").status, kCheckWrong);
    EXPECT_EQ(Of(c, "dkim").reason, "workd.dns.dkim.bad_version");
}

TEST_F(CheckerTest, DmarcPolicyNoneWarnsButPasses) {
    auto c = CheckDomain(Good(), Setup("none.test"));
    auto dmarc = Of(c, "dmarc");
    EXPECT_EQ(dmarc.status, kCheckWarning);
    EXPECT_EQ(dmarc.reason, "workd.dns.dmarc.policy_none");
    EXPECT_TRUE(dmarc.passes());
    EXPECT_TRUE(c.required_pass);
}

TEST_F(CheckerTest, SubdomainOfTheZoneHasNoToken) {
    auto c = CheckDomain(Good(), Setup("sub.zone.test", false));
    EXPECT_EQ(c.records.size(), 9u);
    for (const auto& r : c.records) EXPECT_NE(r.expected.purpose, "workd.dns.purpose.ownership");
    EXPECT_TRUE(c.required_pass);
}

TEST_F(CheckerTest, ServfailAndTimeoutAreNotTheAgencysFault) {
    Resolver bad({.servers = Address(bad_port_), .timeout = 150ms, .tries = 1});
    // bad_dns.py answers by the first label: the MX and SPF of servfail.test fail.
    auto c = CheckDomain(bad, Setup("servfail.test"));
    auto mx = Of(c, "mx");
    EXPECT_EQ(mx.status, kCheckError);
    EXPECT_EQ(mx.reason, "workd.dns.check.servfail");
    EXPECT_FALSE(mx.agency_fault);
    EXPECT_TRUE(c.dns_unavailable);
    EXPECT_FALSE(c.required_pass);

    auto t = CheckRecord(bad, Setup("silent.test"),
                         {"silent.test", "MX", "10 mx.mail.test.", true, "workd.dns.purpose.mx"});
    EXPECT_EQ(t.status, kCheckError);
    EXPECT_EQ(t.reason, "workd.dns.check.timeout");
    EXPECT_FALSE(t.agency_fault);
}

TEST_F(CheckerTest, AfterATimeoutTheRestIsNotAsked) {
    Resolver bad({.servers = Address(bad_port_), .timeout = 150ms, .tries = 1});
    const auto started = std::chrono::steady_clock::now();
    // A subdomain's first record is the MX of silent.test: bad_dns.py never answers it.
    auto c = CheckDomain(bad, Setup("silent.test", false));
    const auto took = std::chrono::steady_clock::now() - started;
    ASSERT_EQ(c.records.size(), 9u);
    EXPECT_EQ(c.records[0].reason, "workd.dns.check.timeout");
    EXPECT_EQ(c.records[0].detail, "timeout");
    for (size_t i = 1; i < c.records.size(); ++i) {
        EXPECT_EQ(c.records[i].status, kCheckError);
        EXPECT_EQ(c.records[i].reason, "workd.dns.check.timeout");
        EXPECT_EQ(c.records[i].detail, "not asked");
        EXPECT_FALSE(c.records[i].agency_fault);
    }
    EXPECT_TRUE(c.dns_unavailable);
    EXPECT_LT(took, 2s);  // one timeout, not nine
}

TEST(CheckerJson, RoundTripsAndToleratesJunk) {
    RecordCheck r;
    r.expected = {"a.test", "MX", "10 mx.mail.test.", true, "workd.dns.purpose.mx"};
    r.status = kCheckWrong;
    r.reason = "workd.dns.check.mx_wrong";
    r.detail = "10 x.test.";
    r.found = {"10 x.test.", std::string("\xff\xfe bad utf-8")};
    auto back = ChecksFromJson(ChecksToJson({r}));
    ASSERT_EQ(back.size(), 1u);
    EXPECT_EQ(back[0].expected.name, "a.test");
    EXPECT_EQ(back[0].reason, "workd.dns.check.mx_wrong");
    EXPECT_EQ(back[0].found.size(), 2u);
    EXPECT_FALSE(RequiredPass(back));
    EXPECT_TRUE(ChecksFromJson("not json").empty());
    EXPECT_TRUE(ChecksFromJson("{}").empty());
    EXPECT_FALSE(RequiredPass({}));
}

}  // namespace
}  // namespace govhub::workd

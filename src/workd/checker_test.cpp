// The DNS checker against real DNS servers on loopback: dnsmasq serving agencies' zones with
// each record right and wrong, and tests/dns/bad_dns.py for SERVFAIL and a timeout (both run as
// children of the test binary: dns_test_support.hpp, shared with resolver_test.cpp).
#include "workd/checker.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "workd/dkim_key.hpp"
#include "workd/dns_test_support.hpp"

namespace govhub::workd {
namespace {

using namespace std::chrono_literals;

using dns_test::Address;
using dns_test::Child;

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
        std::vector<std::string> a = {
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
        // bare.test: registered (it has an address) but none of our records.
        a.push_back("--host-record=bare.test,192.0.2.50");
        try {
            dnsmasq_port_ = dns_test::StartDnsmasq(*dnsmasq_, "test", "ready.test", a,
                                                   "checker_test_dnsmasq.log");
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
    // The domain itself is not in the DNS: dnsmasq answers NXDOMAIN for its own name.
    EXPECT_EQ(c.outcome, kDomainNxdomain);
}

TEST_F(CheckerTest, TheDomainsOwnOutcomeIsRecorded) {
    // Registered (an address) but without our records: every record missing, the domain exists.
    auto bare = CheckDomain(Good(), Setup("bare.test"));
    for (const auto& r : bare.records) EXPECT_EQ(r.status, kCheckMissing) << r.expected.name;
    EXPECT_EQ(bare.outcome, kDomainExists);
    // Records there, right or wrong: it exists.
    EXPECT_EQ(CheckDomain(Good(), Setup("good.test")).outcome, kDomainExists);
    EXPECT_EQ(CheckDomain(Good(), Setup("wrong.test")).outcome, kDomainExists);
    // No MX but an SPF record (NODATA for the MX question): it exists.
    EXPECT_EQ(CheckDomain(Good(), Setup("broken.test")).outcome, kDomainExists);
    EXPECT_EQ(CheckDomain(Good(), Setup("sub.zone.test", false)).outcome, kDomainExists);
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
    EXPECT_EQ(c.outcome, kDomainUnanswered);  // SERVFAIL says nothing of the domain

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
    EXPECT_EQ(c.outcome, kDomainUnanswered);
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

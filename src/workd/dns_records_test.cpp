#include "workd/dns_records.hpp"

#include <gtest/gtest.h>

#include <map>

#include "workd/dkim_key.hpp"

namespace govhub::workd {
namespace {

// Published records as they were answered (google.com, microsoft.com, facebook.com, salesforce).
const char* kGoogleSpf = "v=spf1 include:_spf.google.com ~all";
const char* kGoogleSpfInclude =
    "v=spf1 include:_netblocks.google.com include:_netblocks2.google.com "
    "include:_netblocks3.google.com ~all";
const char* kGoogleNetblocks =
    "v=spf1 ip4:35.190.247.0/24 ip4:64.233.160.0/19 ip4:66.102.0.0/20 ip4:66.249.80.0/20 "
    "ip4:72.14.192.0/18 ip4:74.125.0.0/16 ip4:108.177.8.0/21 ip4:173.194.0.0/16 "
    "ip4:209.85.128.0/17 ip4:216.58.192.0/19 ip4:216.239.32.0/19 ~all";
const char* kGoogleNetblocks2 =
    "v=spf1 ip6:2001:4860:4000::/36 ip6:2404:6800:4000::/36 ip6:2607:f8b0:4000::/36 "
    "ip6:2800:3f0:4000::/36 ip6:2a00:1450:4000::/36 ip6:2c0f:fb50:4000::/36 ~all";
const char* kMicrosoftSpf =
    "v=spf1 include:_spf-a.microsoft.com include:_spf-b.microsoft.com "
    "include:_spf-c.microsoft.com include:_spf-ssg-a.msft.net include:spf-a.hotmail.com "
    "include:_spf1-meo.microsoft.com -all";

std::vector<std::string> Keys(const std::vector<Finding>& f) {
    std::vector<std::string> out;
    for (const auto& x : f) out.push_back(x.key);
    return out;
}

// A fake DNS: name -> TXT records; a name not in the map does not exist.
TxtFetcher FakeDns(const std::map<std::string, std::vector<std::string>>& zone,
                   int* calls = nullptr) {
    return [zone, calls](std::string_view name) -> std::optional<std::vector<std::string>> {
        if (calls) ++*calls;
        auto it = zone.find(std::string(name));
        if (it == zone.end()) return std::nullopt;
        return it->second;
    };
}

TEST(DnsTxt, SplitStringsJoinAndQuoteRoundTrips) {
    EXPECT_EQ(JoinTxtStrings({"v=DKIM1; k=rsa; ", "p=MIIB", "IjAN"}), "v=DKIM1; k=rsa; p=MIIBIjAN");
    EXPECT_EQ(UnquoteTxt(R"("v=DKIM1; k=rsa; " "p=MIIB" "IjAN")"), "v=DKIM1; k=rsa; p=MIIBIjAN");
    EXPECT_EQ(UnquoteTxt("  v=spf1 -all "), "v=spf1 -all");  // pasted without quotes
    // opendkim-genkey's output, parentheses, line breaks and the trailing comment included.
    EXPECT_EQ(UnquoteTxt("( \"v=DKIM1; h=sha256; k=rsa; \"\n\t  \"p=MIIBIjAN\"\n\t  \"Bgkq\" )  ; "
                         "----- DKIM key mail for example.com"),
              "v=DKIM1; h=sha256; k=rsa; p=MIIBIjANBgkq");
    EXPECT_EQ(UnquoteTxt(R"("a\"b\\c\065")"), "a\"b\\cA");
    EXPECT_FALSE(UnquoteTxt(R"("unterminated)"));
    EXPECT_FALSE(UnquoteTxt(R"("bad escape\9")"));
    EXPECT_FALSE(UnquoteTxt(R"("\999")"));
    EXPECT_FALSE(UnquoteTxt(R"("a" junk)"));

    std::string long_value = "v=DKIM1; k=rsa; p=" + std::string(400, 'A') + "\"\\\n";
    std::string quoted = QuoteTxt(long_value);
    EXPECT_EQ(quoted.find('\n'), std::string::npos);  // nothing can end the zone line
    EXPECT_EQ(UnquoteTxt(quoted), long_value);
    EXPECT_EQ(quoted.substr(0, 257), "\"" + long_value.substr(0, 255) + "\"");
    EXPECT_EQ(QuoteTxt(""), "\"\"");
}

TEST(Spf, RealRecordsParse) {
    for (const char* txt :
         {kGoogleSpf, kGoogleSpfInclude, kGoogleNetblocks, kGoogleNetblocks2, kMicrosoftSpf,
          "v=spf1 include:spf.protection.outlook.com -all", "v=spf1 redirect=_spf.facebook.com",
          "v=spf1 exists:%{i}._spf.mta.salesforce.com -all",
          "v=spf1 mx a:mail.example.go.th/28 a//64 mx:mx.example.go.th/24//64 ?all",
          "V=SPF1 IP4:192.0.2.1 Include:_SPF.Example.COM. -ALL", "v=spf1",
          "v=spf1  ptr   exp=explain._spf.%{d} foo-bar=%{l}x -all  "}) {
        SpfParse p = ParseSpf(txt);
        EXPECT_TRUE(p.record) << txt << " -> " << p.error.key << " " << p.error.detail;
    }
    auto r = ParseSpf("v=spf1 -ip4:10.0.0.0/8 ~mx:mx.example.com/24//64 ip6:2001:db8::/32 -all");
    ASSERT_TRUE(r.record);
    ASSERT_EQ(r.record->terms.size(), 4u);
    EXPECT_EQ(r.record->terms[0].qualifier, '-');
    EXPECT_EQ(r.record->terms[0].name, "ip4");
    EXPECT_EQ(r.record->terms[0].value, "10.0.0.0");
    EXPECT_EQ(r.record->terms[0].cidr, "/8");
    EXPECT_EQ(r.record->terms[1].value, "mx.example.com");
    EXPECT_EQ(r.record->terms[1].cidr, "/24//64");
    EXPECT_EQ(r.record->terms[2].value, "2001:db8::");
    EXPECT_EQ(r.record->terms[3].qualifier, '-');
    EXPECT_EQ(r.record->terms[3].name, "all");
}

TEST(Spf, BrokenRecordsSayWhy) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"v=spf1 include _spf.google.com ~all", "workd.dns.spf.syntax"},  // include without ':'
        {"v=spf1 ipv4:192.0.2.1 -all", "workd.dns.spf.unknown_mechanism"},
        {"v=spf1 ip4:192.0.2.256 -all", "workd.dns.spf.bad_address"},
        {"v=spf1 ip4:10.0.0.0/33 -all", "workd.dns.spf.bad_address"},
        {"v=spf1 ip4:010.0.0.1 -all", "workd.dns.spf.bad_address"},
        {"v=spf1 ip6:2001:db8::/129 -all", "workd.dns.spf.bad_address"},
        {"v=spf1 ip6:192.0.2.1 -all", "workd.dns.spf.bad_address"},
        {"v=spf1 a:localhost -all", "workd.dns.spf.syntax"},  // domain-end needs a dot
        {"v=spf1 a:example..com -all", "workd.dns.spf.syntax"},
        {"v=spf1 a/33 -all", "workd.dns.spf.syntax"},
        {"v=spf1 all:foo.com", "workd.dns.spf.syntax"},
        {"v=spf1 include:%{x}.example.com -all", "workd.dns.spf.syntax"},
        {"v=spf1 include:%{d.example.com -all", "workd.dns.spf.syntax"},
        {"v=spf1 redirect=a.example.com redirect=b.example.com",
         "workd.dns.spf.duplicate_modifier"},
        {"v=spf1 ~redirect=a.example.com", "workd.dns.spf.syntax"},
        {"v=spf1 include:ตัวอย่าง.ไทย -all", "workd.dns.spf.syntax"},
        {"v=spf1\tmx -all", "workd.dns.spf.not_spf"},
        {"v=spf10 mx", "workd.dns.spf.not_spf"},
        {"spf2.0/pra include:spf.example.com", "workd.dns.spf.not_spf"},
        {"v=spf1 mx -all " + std::string(kMaxTxtBytes, 'a'), "workd.dns.spf.too_large"},
    };
    for (const auto& [txt, key] : cases) {
        SpfParse p = ParseSpf(txt);
        EXPECT_FALSE(p.record) << txt;
        EXPECT_EQ(p.error.key, key) << txt.substr(0, 80);
    }
    EXPECT_EQ(ParseSpf("v=spf1 ipv4:192.0.2.1 -all").error.detail, "ipv4:192.0.2.1");
    // What a finding quotes is short printable ASCII, whatever the answer held.
    EXPECT_EQ(ParseSpf("v=spf1 include:\x01"
                       "ab\xff"
                       ".example.com -all")
                  .error.detail,
              "include:?ab?.example.com");
    EXPECT_EQ(ParseSpf("v=spf1 include:" + std::string(500, 'a') + " -all").error.detail.size(),
              100u);
    EXPECT_EQ(ParseDmarc("v=DMARC1; p=none; \x01x=1").error.detail, "?x=1");
}

TEST(Spf, OneRecordPerName) {
    EXPECT_EQ(SelectSpf({"google-site-verification=abc", kGoogleSpf}).record->terms.size(), 2u);
    EXPECT_EQ(SelectSpf({"MS=ms12345678"}).error.key, "workd.dns.spf.missing");
    EXPECT_EQ(SelectSpf({}).error.key, "workd.dns.spf.missing");
    auto two = SelectSpf({kGoogleSpf, "v=spf1 include:spf.protection.outlook.com -all"});
    EXPECT_FALSE(two.record);
    EXPECT_EQ(two.error, (Finding{"workd.dns.spf.multiple", "2"}));
    // A broken single record is reported as broken, not as missing.
    EXPECT_EQ(SelectSpf({"v=spf1 ip4:1.2.3 -all"}).error.key, "workd.dns.spf.bad_address");
}

TEST(Spf, CountsLookupTerms) {
    EXPECT_EQ(CountSpfLookups(*ParseSpf(kGoogleSpf).record), 1);
    EXPECT_EQ(CountSpfLookups(*ParseSpf(kGoogleNetblocks).record), 0);
    EXPECT_EQ(CountSpfLookups(*ParseSpf(kMicrosoftSpf).record), 6);
    EXPECT_EQ(CountSpfLookups(*ParseSpf("v=spf1 a mx ptr exists:%{i}.x.example.com "
                                        "redirect=_spf.example.com exp=exp.example.com")
                                   .record),
              5);
    // redirect is ignored when there is an "all" (RFC 7208 §6.1).
    EXPECT_EQ(CountSpfLookups(*ParseSpf("v=spf1 mx redirect=_spf.example.com -all").record), 1);
}

TEST(Spf, CountsAcrossIncludes) {
    auto dns = FakeDns({{"_spf.google.com", {kGoogleSpfInclude}},
                        {"_netblocks.google.com", {kGoogleNetblocks}},
                        {"_netblocks2.google.com", {kGoogleNetblocks2}},
                        {"_netblocks3.google.com", {"v=spf1 ~all"}}});
    auto google =
        CountSpfLookupsRecursive(*ParseSpf("v=spf1 mx " + std::string(kGoogleSpf)).record, dns);
    EXPECT_EQ(google.lookups, 5);  // mx, _spf.google.com, three netblocks
    EXPECT_TRUE(google.errors.empty());
    EXPECT_FALSE(google.over_limit());

    // An agency that adds every provider it ever used: 4 includes of 3 each = 16 lookups.
    std::map<std::string, std::vector<std::string>> zone;
    std::string top = "v=spf1";
    for (int i = 0; i < 4; ++i) {
        std::string inc = "_spf" + std::to_string(i) + ".vendor.example";
        top += " include:" + inc;
        zone[inc] = {"v=spf1 a mx include:_n" + std::to_string(i) + ".vendor.example -all"};
        zone["_n" + std::to_string(i) + ".vendor.example"] = {"v=spf1 ip4:192.0.2.0/24 -all"};
    }
    int calls = 0;
    auto many = CountSpfLookupsRecursive(*ParseSpf(top + " -all").record, FakeDns(zone, &calls));
    EXPECT_TRUE(many.over_limit());
    EXPECT_EQ(many.errors.front().key, "workd.dns.spf.too_many_lookups");
    EXPECT_LT(calls, 8);  // stopped once the answer was known
}

TEST(Spf, BrokenIncludesAreFound) {
    auto dns = FakeDns({{"loop.example.com", {"v=spf1 include:loop2.example.com -all"}},
                        {"loop2.example.com", {"v=spf1 include:LOOP.example.com. -all"}},
                        {"two.example.com", {"v=spf1 -all", "v=spf1 +all"}},
                        {"bad.example.com", {"v=spf1 ip4:999.1.1.1"}},
                        {"nospf.example.com", {"some other text"}}});
    auto r = CountSpfLookupsRecursive(
        *ParseSpf("v=spf1 include:loop.example.com include:gone.example.com "
                  "include:two.example.com include:bad.example.com include:nospf.example.com "
                  "include:%{d}.macro.example.com -all")
             .record,
        dns);
    EXPECT_EQ(Keys(r.errors), (std::vector<std::string>{
                                  "workd.dns.spf.loop", "workd.dns.spf.include_missing",
                                  "workd.dns.spf.include_multiple", "workd.dns.spf.include_syntax",
                                  "workd.dns.spf.include_missing"}));
    EXPECT_EQ(r.errors[0].detail, "loop.example.com");
    EXPECT_EQ(r.void_lookups, 1);
    EXPECT_EQ(r.lookups, 8);  // 6 includes + loop2 + its include of loop

    // A hostile chain of fresh names costs a bounded number of queries.
    int calls = 0;
    TxtFetcher endless =
        [&calls](std::string_view name) -> std::optional<std::vector<std::string>> {
        ++calls;
        return std::vector<std::string>{"v=spf1 include:x" + std::string(name.substr(0, 200)) +
                                        " -all"};
    };
    auto chain =
        CountSpfLookupsRecursive(*ParseSpf("v=spf1 include:a.example.com -all").record, endless);
    EXPECT_TRUE(chain.over_limit());
    EXPECT_LE(calls, 2 * kMaxSpfLookups);
}

TEST(Spf, AuthorisesOurInclude) {
    auto ok = [](const std::string& txt) {
        return SpfAuthorisesInclude(*ParseSpf(txt).record, "_spf.mail.go.th");
    };
    EXPECT_TRUE(ok("v=spf1 include:_spf.mail.go.th ~all"));
    EXPECT_TRUE(ok("v=spf1 mx include:_SPF.Mail.Go.Th. include:_spf.google.com -all"));
    EXPECT_TRUE(ok("v=spf1 +include:_spf.mail.go.th -all"));
    EXPECT_TRUE(ok("v=spf1 redirect=_spf.mail.go.th"));
    EXPECT_FALSE(ok(kGoogleSpf));
    EXPECT_FALSE(ok("v=spf1 -include:_spf.mail.go.th ~all"));
    EXPECT_FALSE(ok("v=spf1 ~all include:_spf.mail.go.th"));  // never reached
    EXPECT_FALSE(ok("v=spf1 include:x_spf.mail.go.th ~all"));
    EXPECT_FALSE(ok("v=spf1 redirect=_spf.mail.go.th -all"));  // redirect ignored with all

    // Inside the agency's own include, when the checker lends a fetcher.
    auto dns =
        FakeDns({{"_spf.agency.go.th", {"v=spf1 ip4:192.0.2.0/24 include:_spf.mail.go.th -all"}},
                 {"_old.agency.go.th", {"v=spf1 -all include:_spf.mail.go.th"}},
                 {"loop.agency.go.th", {"v=spf1 include:loop.agency.go.th -all"}},
                 {"deep0.agency.go.th", {"v=spf1 redirect=deep1.agency.go.th"}}});
    auto nested = [&](const std::string& txt) {
        return SpfAuthorisesInclude(*ParseSpf(txt).record, "_spf.mail.go.th", &dns);
    };
    EXPECT_FALSE(ok("v=spf1 include:_spf.agency.go.th -all"));  // without a fetcher
    EXPECT_TRUE(nested("v=spf1 include:_spf.agency.go.th -all"));
    EXPECT_TRUE(nested("v=spf1 redirect=_spf.agency.go.th"));
    EXPECT_FALSE(nested("v=spf1 ~include:_spf.agency.go.th -all"));
    EXPECT_FALSE(nested("v=spf1 include:_old.agency.go.th include:gone.agency.go.th -all"));
    EXPECT_FALSE(nested("v=spf1 include:loop.agency.go.th -all"));
    EXPECT_FALSE(nested("v=spf1 include:deep0.agency.go.th -all"));
    int calls = 0;
    TxtFetcher endless =
        [&calls](std::string_view name) -> std::optional<std::vector<std::string>> {
        ++calls;
        return std::vector<std::string>{"v=spf1 include:a" + std::string(name.substr(0, 40)) +
                                        " -all"};
    };
    EXPECT_FALSE(SpfAuthorisesInclude(*ParseSpf("v=spf1 include:x.example.com -all").record,
                                      "_spf.mail.go.th", &endless));
    EXPECT_LE(calls, kMaxSpfLookups);
}

class DkimRecords : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { key_ = new DkimKeyPair(GenerateDkimKey()); }
    static void TearDownTestSuite() { delete key_; }
    static DkimKeyPair* key_;
};
DkimKeyPair* DkimRecords::key_ = nullptr;

TEST_F(DkimRecords, PublishedKeyMatches) {
    const std::string& p = key_->public_key;
    EXPECT_TRUE(CheckDkim({DkimRecordValue(p)}, p).ok);
    // A long key split into 255-byte strings, joined back by the resolver.
    std::string record = DkimRecordValue(p);
    EXPECT_TRUE(CheckDkim({JoinTxtStrings({record.substr(0, 255), record.substr(255)})}, p).ok);
    // As people paste it: quoted pieces, spaces inside p=, no v= (optional), extra tags.
    std::string pasted = "\"k=rsa; h=sha256; s=email; p=" + p.substr(0, 100) + "\" \"" +
                         p.substr(100, 100) + " \" \"" + p.substr(200) + "\"";
    auto joined = UnquoteTxt(pasted);
    ASSERT_TRUE(joined);
    auto check = CheckDkim({*joined}, p);
    EXPECT_TRUE(check.ok) << (check.errors.empty() ? "" : check.errors[0].key);
    // Our key with line breaks (as stored in PEM-like wrapping) still compares equal.
    EXPECT_TRUE(CheckDkim({DkimRecordValue(p)}, p.substr(0, 64) + "\n" + p.substr(64)).ok);
    auto testing = CheckDkim({"v=DKIM1; t=y:s; p=" + p}, p);
    EXPECT_TRUE(testing.ok);
    EXPECT_EQ(Keys(testing.warnings), std::vector<std::string>{"workd.dns.dkim.testing"});
}

TEST_F(DkimRecords, WrongKeysSayWhy) {
    const std::string& p = key_->public_key;
    auto errors = [&](const std::vector<std::string>& txts) {
        return Keys(CheckDkim(txts, p).errors);
    };
    using V = std::vector<std::string>;
    EXPECT_EQ(errors({}), V{"workd.dns.dkim.missing"});
    EXPECT_EQ(errors({"v=DKIM1; k=rsa; p="}), V{"workd.dns.dkim.revoked"});
    EXPECT_EQ(errors({"v=DKIM1; k=rsa"}), V{"workd.dns.dkim.no_key"});
    EXPECT_EQ(errors({"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="}),
              V{"workd.dns.dkim.wrong_key_type"});
    EXPECT_EQ(errors({"v=DKIM1; k=dsa; p=" + p}), V{"workd.dns.dkim.unknown_key_type"});
    EXPECT_EQ(errors({"v=DKIM2; p=" + p}), V{"workd.dns.dkim.bad_version"});
    EXPECT_EQ(errors({"k=rsa; v=DKIM1; p=" + p}), V{"workd.dns.dkim.bad_version"});  // v= not first
    EXPECT_EQ(errors({"v=DKIM1; p=" + p + "; p=" + p}), V{"workd.dns.dkim.duplicate_tag"});
    EXPECT_EQ(errors({"v=DKIM1; p=not*base64"}), V{"workd.dns.dkim.bad_base64"});
    EXPECT_EQ(errors({"v=DKIM1; k=rsa p=" + p}),
              V{"workd.dns.dkim.unknown_key_type"});  // missing ';'
    EXPECT_EQ(errors({"v=DKIM1; garbage; p=" + p}), V{"workd.dns.dkim.syntax"});
    EXPECT_EQ(errors({"v=DKIM1; n=ทดสอบ; p=" + p}), V{"workd.dns.dkim.syntax"});
    // Google's key for another domain: valid, just not ours.
    EXPECT_EQ(errors({"v=DKIM1; k=rsa; p=" + GenerateDkimKey().public_key}),
              V{"workd.dns.dkim.mismatch"});
    // Two records at the selector: a verifier may take either, so both must be right.
    auto two = CheckDkim({DkimRecordValue(p), "v=DKIM1; p="}, p);
    EXPECT_FALSE(two.ok);
    EXPECT_EQ(Keys(two.warnings), V{"workd.dns.dkim.multiple"});
    EXPECT_EQ(errors({std::string(kMaxTxtBytes + 1, 'a')}), V{"workd.dns.dkim.too_large"});
}

TEST(Dmarc, RealRecordsParse) {
    auto google = ParseDmarc("v=DMARC1; p=reject; rua=mailto:mailauth-reports@google.com");
    ASSERT_TRUE(google.record);
    EXPECT_EQ(google.record->policy, "reject");
    EXPECT_TRUE(google.warnings.empty());
    auto ms = ParseDmarc(
        "v=DMARC1; p=reject; pct=100; rua=mailto:d@rua.agari.com; ruf=mailto:d@ruf.agari.com; "
        "fo=1");
    ASSERT_TRUE(ms.record);
    EXPECT_EQ(ms.record->ruf, std::vector<std::string>{"mailto:d@ruf.agari.com"});
    auto full = ParseDmarc(
        "v=DMARC1;p=quarantine;sp=none;adkim=s;aspf=r;pct=50;fo=0:d:s;rf=afrf;ri=3600;"
        "rua=mailto:dmarc@agency.go.th!10m, mailto:reports%2Bx@dmarc.example.com;");
    ASSERT_TRUE(full.record) << full.error.key << " " << full.error.detail;
    EXPECT_EQ(full.record->subdomain_policy, "none");
    EXPECT_EQ(full.record->adkim, 's');
    EXPECT_EQ(full.record->pct, 50);
    EXPECT_EQ(full.record->rua.size(), 2u);
    EXPECT_EQ(Keys(full.warnings), std::vector<std::string>{"workd.dns.dmarc.partial_pct"});
    auto none = ParseDmarc("v=DMARC1; p=none");
    ASSERT_TRUE(none.record);
    EXPECT_EQ(Keys(none.warnings), (std::vector<std::string>{"workd.dns.dmarc.policy_none",
                                                             "workd.dns.dmarc.no_reports"}));
    auto unknown = ParseDmarc("v=DMARC1; p=Reject; np=reject; rua=mailto:a@b.go.th");
    ASSERT_TRUE(unknown.record);
    EXPECT_EQ(unknown.record->policy, "reject");
    EXPECT_EQ(unknown.warnings, (std::vector<Finding>{{"workd.dns.dmarc.unknown_tag", "np"}}));
}

TEST(Dmarc, BrokenRecordsSayWhy) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"v=DMARC1", "workd.dns.dmarc.missing_policy"},
        {"v=DMARC1; rua=mailto:a@b.go.th", "workd.dns.dmarc.missing_policy"},
        {"v=DMARC1; p=monitor", "workd.dns.dmarc.bad_policy"},
        {"v=DMARC1; p=none; sp=block", "workd.dns.dmarc.bad_policy"},
        {"v=DMARC1; p=none; pct=101", "workd.dns.dmarc.bad_pct"},
        {"v=DMARC1; p=none; pct=-1", "workd.dns.dmarc.bad_pct"},
        {"v=DMARC1; p=none; pct=ten", "workd.dns.dmarc.bad_pct"},
        {"v=DMARC1; p=none; adkim=x", "workd.dns.dmarc.bad_alignment"},
        {"v=DMARC1; p=none; fo=2", "workd.dns.dmarc.bad_fo"},
        {"v=DMARC1; p=none; rua=dmarc@agency.go.th", "workd.dns.dmarc.bad_uri"},
        {"v=DMARC1; p=none; rua=https://example.com/report", "workd.dns.dmarc.bad_uri"},
        {"v=DMARC1; p=none; rua=mailto:not-an-address", "workd.dns.dmarc.bad_uri"},
        {"v=DMARC1; p=none; rua=mailto:a@b.go.th!10x", "workd.dns.dmarc.bad_uri"},
        {"v=DMARC1; p=none; rua=", "workd.dns.dmarc.bad_uri"},
        {"v=DMARC1; p=none; p=reject", "workd.dns.dmarc.duplicate_tag"},
        {"v=DMARC1; p none", "workd.dns.dmarc.syntax"},
        {"v=DMARC1; p=none; ri=soon", "workd.dns.dmarc.syntax"},
        {"p=reject; v=DMARC1", "workd.dns.dmarc.not_dmarc"},
        {"v=dmarc1; p=reject", "workd.dns.dmarc.not_dmarc"},
        {"v=DMARC1p=reject", "workd.dns.dmarc.not_dmarc"},
        {"v=DMARC1; p=reject; " + std::string(kMaxTxtBytes, ' '), "workd.dns.dmarc.too_large"},
    };
    for (const auto& [txt, key] : cases) {
        DmarcParse p = ParseDmarc(txt);
        EXPECT_FALSE(p.record) << txt;
        EXPECT_EQ(p.error.key, key) << txt.substr(0, 80);
        EXPECT_TRUE(p.warnings.empty());
    }
    EXPECT_EQ(SelectDmarc({"something else"}).error.key, "workd.dns.dmarc.missing");
    EXPECT_EQ(SelectDmarc({"v=DMARC1; p=none", "v=DMARC1; p=reject"}).error.key,
              "workd.dns.dmarc.multiple");
    EXPECT_TRUE(SelectDmarc({"google-site-verification=x", "v=DMARC1; p=reject"}).record);
}

TEST(DnsRecordBounds, AtTheLimitAndOnePast) {
    std::string spf = "v=spf1" + std::string(kMaxTxtBytes - 11, ' ') + " -all";
    ASSERT_EQ(spf.size(), kMaxTxtBytes);
    EXPECT_TRUE(ParseSpf(spf).record);
    EXPECT_EQ(ParseSpf(spf + " ").error.key, "workd.dns.spf.too_large");
    EXPECT_TRUE(SelectSpf({spf}).record);
    EXPECT_EQ(SelectSpf({spf, "x"}).error.key, "workd.dns.spf.too_large");  // the whole set counts

    // 64 KiB of distinct tags: duplicates are found without a quadratic scan, and the findings
    // stay a short list.
    std::string tags = "v=DMARC1; p=reject; rua=mailto:a@b.go.th";
    for (int i = 0; tags.size() < kMaxTxtBytes - 16; ++i) tags += "; x" + std::to_string(i) + "=1";
    auto many = ParseDmarc(tags);
    ASSERT_TRUE(many.record);
    EXPECT_EQ(many.warnings.size(), 16u);
    EXPECT_EQ(ParseDmarc(tags + "; x0=1").error, (Finding{"workd.dns.dmarc.duplicate_tag", "x0"}));
    std::vector<std::string> records;
    for (int i = 0; i < 3000; ++i) records.push_back("v=DKIM1; p=" + std::to_string(i) + "*");
    EXPECT_EQ(CheckDkim(records, "AAAA").errors.size(), 1u);  // the same finding once
    records.clear();
    for (int i = 0; i < 3000; ++i) records.push_back("v=DKIM1; x" + std::to_string(i));
    EXPECT_EQ(CheckDkim(records, "AAAA").errors.size(), 16u);
}

TEST(DnsChallenge, TokenFirstAnyRecord) {
    EXPECT_EQ(ChallengeValue("abc123"), "token=abc123");
    EXPECT_TRUE(ChallengeMatches({"other", "token=abc123"}, "abc123"));
    EXPECT_TRUE(ChallengeMatches({"token=abc123 expiry=2026-12-31T00:00:00Z"}, "abc123"));
    EXPECT_FALSE(ChallengeMatches({"token=abc1234"}, "abc123"));
    EXPECT_FALSE(ChallengeMatches({"x token=abc123"}, "abc123"));
    EXPECT_FALSE(ChallengeMatches({"token="}, ""));
    EXPECT_FALSE(ChallengeMatches({}, "abc123"));
}

MailHosts Hosts() {
    MailHosts h;
    h.mx_host = "mx.mail.go.th";
    h.spf_include = "_spf.mail.go.th";
    h.imap_host = "imap.mail.go.th";
    h.submission_host = "smtp.mail.go.th";
    h.autoconfig_host = "autoconfig.mail.go.th";
    h.autodiscover_host = "autodiscover.mail.go.th";
    h.dmarc_rua = "dmarc-reports@mail.go.th";
    return h;
}

TEST(ExpectedRecords, OwnDomainGetsEveryRecord) {
    DomainSetup s{"agency.go.th", true, Hosts(), "workd2569a", "MIIBIjANBgkq", "tok3n"};
    auto records = ExpectedRecords(s);
    std::map<std::string, ExpectedRecord> by_purpose;
    for (const auto& r : records) by_purpose[r.purpose] = r;
    ASSERT_EQ(records.size(), 10u);
    auto own = by_purpose["workd.dns.purpose.ownership"];
    EXPECT_EQ(own.name, "_workd-challenge.agency.go.th");
    EXPECT_TRUE(ChallengeMatches({own.value}, "tok3n"));
    EXPECT_EQ(by_purpose["workd.dns.purpose.mx"].value, "10 mx.mail.go.th.");
    auto spf = ParseSpf(by_purpose["workd.dns.purpose.spf"].value);
    ASSERT_TRUE(spf.record);
    EXPECT_TRUE(SpfAuthorisesInclude(*spf.record, "_spf.mail.go.th"));
    auto dkim = by_purpose["workd.dns.purpose.dkim"];
    EXPECT_EQ(dkim.name, "workd2569a._domainkey.agency.go.th");
    EXPECT_EQ(dkim.value, "v=DKIM1; k=rsa; p=MIIBIjANBgkq");
    auto dmarc = ParseDmarc(by_purpose["workd.dns.purpose.dmarc"].value);
    ASSERT_TRUE(dmarc.record);
    EXPECT_TRUE(dmarc.warnings.empty());
    EXPECT_EQ(dmarc.record->rua, std::vector<std::string>{"mailto:dmarc-reports@mail.go.th"});
    EXPECT_EQ(by_purpose["workd.dns.purpose.autodiscover"].value, "autodiscover.mail.go.th.");
    EXPECT_EQ(by_purpose["workd.dns.purpose.srv_submission"].name, "_submission._tcp.agency.go.th");
    EXPECT_EQ(by_purpose["workd.dns.purpose.srv_submission"].value, "0 1 587 smtp.mail.go.th.");
    EXPECT_EQ(by_purpose["workd.dns.purpose.srv_imaps"].value, "0 1 993 imap.mail.go.th.");
    EXPECT_EQ(by_purpose["workd.dns.purpose.srv_autodiscover"].value,
              "0 1 443 autodiscover.mail.go.th.");
    for (const auto& r : records)
        EXPECT_EQ(r.required, r.type == "TXT" || r.type == "MX") << r.purpose;
}

TEST(ExpectedRecords, SubdomainZoneFragment) {
    auto key = GenerateDkimKey();
    DomainSetup s{"moph.mail.go.th", false, Hosts(), "workd2569a", key.public_key, ""};
    auto records = ExpectedRecords(s);
    EXPECT_EQ(records.size(), 9u);  // no ownership token: the platform owns the zone
    std::string zone = ZoneFragment("moph.mail.go.th", records, 300);
    EXPECT_NE(zone.find("; workD records for moph.mail.go.th"), std::string::npos);
    EXPECT_NE(zone.find("\nmoph.mail.go.th. 300 IN MX 10 mx.mail.go.th.\n"), std::string::npos);
    EXPECT_NE(zone.find("\nmoph.mail.go.th. 300 IN TXT \"v=spf1 include:_spf.mail.go.th ~all\"\n"),
              std::string::npos);
    EXPECT_NE(
        zone.find("\n_submission._tcp.moph.mail.go.th. 300 IN SRV 0 1 587 smtp.mail.go.th.\n"),
        std::string::npos);
    // The DKIM line carries the key in 255-byte strings that join back to the record.
    size_t at = zone.find("workd2569a._domainkey.moph.mail.go.th. 300 IN TXT ");
    ASSERT_NE(at, std::string::npos);
    size_t start = zone.find('"', at), end = zone.find('\n', at);
    auto value = UnquoteTxt(zone.substr(start, end - start));
    ASSERT_TRUE(value);
    EXPECT_TRUE(CheckDkim({*value}, key.public_key).ok);
    EXPECT_EQ(std::count(zone.begin(), zone.end(), '\n'), 10);

    // Nothing from outside can add a line of its own.
    auto hostile = records;
    hostile[0].name = "moph.mail.go.th.\nevil 60 IN A 192.0.2.1";
    EXPECT_THROW(ZoneFragment("moph.mail.go.th", hostile), std::invalid_argument);
    hostile = records;
    hostile[0].value = "10 mx.mail.go.th.\n@ IN NS evil.example.";
    EXPECT_THROW(ZoneFragment("moph.mail.go.th", hostile), std::invalid_argument);
    hostile = records;
    hostile[0].type = "NS";
    EXPECT_THROW(ZoneFragment("moph.mail.go.th", hostile), std::invalid_argument);
    EXPECT_THROW(ZoneFragment("bad domain", records), std::invalid_argument);
    hostile = records;
    hostile[1].value = "v=spf1 -all\"\n@ IN NS evil.example. ;";  // TXT: quoted, escapes the quote
    std::string quoted = ZoneFragment("moph.mail.go.th", hostile);
    EXPECT_EQ(std::count(quoted.begin(), quoted.end(), '\n'), 10);
}

TEST(DnsNames, SubdomainLabels) {
    auto label = [](std::string_view typed) { return CheckSubdomainLabel(typed, "mail.go.th"); };
    EXPECT_EQ(label("moph").label, "moph");
    EXPECT_EQ(label("  DOPA-Bangkok ").label, "dopa-bangkok");
    EXPECT_EQ(label("a").label, "a");
    EXPECT_EQ(label("1111").label, "1111");
    EXPECT_EQ(label(std::string(63, 'a')).label, std::string(63, 'a'));
    EXPECT_EQ(label("").error_key, "workd.dns.label.empty");
    EXPECT_EQ(label(std::string(64, 'a')).error_key, "workd.dns.label.too_long");
    EXPECT_EQ(label("กรมการปกครอง").error_key, "workd.dns.label.idn");
    EXPECT_EQ(label("xn--12c1bik6bbd8ab6hd1b5jc6jta").error_key, "workd.dns.label.punycode");
    EXPECT_EQ(label("ab--c").error_key, "workd.dns.label.punycode");
    EXPECT_EQ(label("a--b").label, "a--b");
    EXPECT_EQ(label("-moph").error_key, "workd.dns.label.hyphen_edge");
    EXPECT_EQ(label("moph-").error_key, "workd.dns.label.hyphen_edge");
    EXPECT_EQ(label("mo_ph").error_key, "workd.dns.label.characters");
    EXPECT_EQ(label("moph.go").error_key, "workd.dns.label.characters");
    EXPECT_EQ(label("mo ph").error_key, "workd.dns.label.characters");
    for (const char* r : {"www", "mail", "Admin", "smtp", "imap", "pop", "autoconfig",
                          "autodiscover", "ns1", "ns", "mx2", "postmaster"})
        EXPECT_EQ(label(r).error_key, "workd.dns.label.reserved") << r;
    EXPECT_EQ(label("ns1a").label, "ns1a");
    EXPECT_EQ(CheckSubdomainLabel("dga", "mail.go.th", {"DGA"}).error_key,
              "workd.dns.label.reserved");
    EXPECT_EQ(CheckSubdomainLabel(std::string(63, 'a'), std::string(200, 'z')).error_key,
              "workd.dns.label.too_long");
}

TEST(DnsNames, OwnDomains) {
    EXPECT_EQ(CheckDomainName(" Agency.GO.th. ").label, "agency.go.th");
    EXPECT_EQ(CheckDomainName("xn--12c1bik6bbd8ab6hd1b5jc6jta.com").label,
              "xn--12c1bik6bbd8ab6hd1b5jc6jta.com");
    EXPECT_EQ(CheckDomainName("").error_key, "workd.dns.domain.empty");
    EXPECT_EQ(CheckDomainName("กรม.ไทย").error_key, "workd.dns.domain.idn");
    EXPECT_EQ(CheckDomainName("localhost").error_key, "workd.dns.domain.not_fqdn");
    EXPECT_EQ(CheckDomainName("192.0.2.1").error_key, "workd.dns.domain.not_fqdn");
    EXPECT_EQ(CheckDomainName("a..go.th").error_key, "workd.dns.domain.characters");
    EXPECT_EQ(CheckDomainName("-a.go.th").error_key, "workd.dns.domain.characters");
    EXPECT_EQ(CheckDomainName("a_b.go.th").error_key, "workd.dns.domain.characters");
    EXPECT_EQ(CheckDomainName("agency.go.th/x").error_key, "workd.dns.domain.characters");
    std::string label63(63, 'a');
    EXPECT_EQ(
        CheckDomainName(label63 + "." + label63 + "." + label63 + "." + label63 + ".th").error_key,
        "workd.dns.domain.too_long");
    EXPECT_TRUE(IsHostName("_dmarc.agency.go.th."));
    EXPECT_FALSE(IsHostName("a b.go.th"));
    EXPECT_FALSE(IsHostName(""));
    EXPECT_FALSE(IsHostName("."));
}

// One rule for the form, the live check and the reservation: each refusal once, in order, and
// the same refusal in the API's and the form's words.
TEST(DnsNames, RequestedNameOneRuleForEveryCaller) {
    std::vector<std::string> asked;
    auto taken = [&asked](const std::string& n) {
        asked.push_back(n);
        return n == "taken.mail.go.th" || n == "taken.go.th";
    };
    auto sub = CheckRequestedName("subdomain", " Dga-Test ", "Mail.Go.Th.", taken);
    EXPECT_TRUE(sub.ok());
    EXPECT_EQ(sub.normalised, "dga-test");
    EXPECT_EQ(sub.name, "dga-test.mail.go.th");  // the zone lower-cased, no trailing dot
    EXPECT_EQ(sub.Key(), "");

    auto held = CheckRequestedName("subdomain", "TAKEN", "mail.go.th", taken);
    EXPECT_EQ(held.refusal, NameRefusal::kTaken);
    EXPECT_EQ(held.normalised, "taken");  // the form keeps the label as it is stored
    EXPECT_EQ(held.Key(), "workd.domain.taken");
    EXPECT_EQ(held.FormKey(), "workd.form.error.domain_taken");
    EXPECT_EQ(CheckRequestedName("own", "Taken.go.th.", "mail.go.th", taken).Key(),
              "workd.domain.taken");

    auto bad = CheckRequestedName("subdomain", "www", "mail.go.th", taken);
    EXPECT_EQ(bad.refusal, NameRefusal::kNaming);
    EXPECT_EQ(bad.Key(), "workd.dns.label.reserved");
    EXPECT_EQ(bad.FormKey(), "workd.dns.label.reserved");  // naming keys are the same for both
    EXPECT_TRUE(bad.normalised.empty());
    EXPECT_EQ(CheckRequestedName("own", "agency", "mail.go.th", taken).Key(),
              "workd.dns.domain.not_fqdn");

    for (const char* zone : {"go.th", "ac.th", "or.th", "co.th", "in.th", "mi.th", "net.th"}) {
        auto r = CheckRequestedName("own", zone, "mail.go.th", taken);
        EXPECT_EQ(r.Key(), "workd.domain.registry_zone") << zone;
        EXPECT_EQ(r.FormKey(), "workd.form.error.own_registry_zone") << zone;
    }
    for (const char* own : {"x.mail.go.th", "MAIL.GO.TH", "a.b.mail.go.th"}) {
        auto r = CheckRequestedName("own", own, "mail.go.th", taken);
        EXPECT_EQ(r.Key(), "workd.domain.in_zone") << own;
        EXPECT_EQ(r.FormKey(), "workd.form.error.own_in_zone") << own;
    }
    // A name that merely ends like the zone is not under it.
    EXPECT_TRUE(CheckRequestedName("own", "xmail.go.th", "mail.go.th", taken).ok());

    auto kind = CheckRequestedName("other", "x", "mail.go.th", taken);
    EXPECT_EQ(kind.Key(), "workd.domain.bad_kind");
    EXPECT_EQ(kind.FormKey(), "workd.form.error.domain_kind");

    // "Taken" is asked only of a name every other rule accepts, and with its full name.
    asked.clear();
    CheckRequestedName("own", "x.mail.go.th", "mail.go.th", taken);
    CheckRequestedName("subdomain", "www", "mail.go.th", taken);
    CheckRequestedName("subdomain", "free", "mail.go.th", taken);
    EXPECT_EQ(asked, std::vector<std::string>{"free.mail.go.th"});
    // No predicate: nothing is taken.
    EXPECT_TRUE(CheckRequestedName("subdomain", "taken", "mail.go.th", {}).ok());
}

}  // namespace
}  // namespace govhub::workd

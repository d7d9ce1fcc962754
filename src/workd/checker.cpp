#include "workd/checker.hpp"

#include <nlohmann/json.hpp>

#include "core/json_reader.hpp"
#include "core/strings.hpp"

namespace govhub::workd {
namespace {

constexpr size_t kMaxFound = 8;         // values kept per record for the page
constexpr size_t kMaxFoundBytes = 600;  // each (a DKIM key is ~400)

std::string Host(std::string_view s) {
    std::string out = core::ToLower(core::Trim(s));
    while (!out.empty() && out.back() == '.') out.pop_back();
    return out;
}

std::string Clip(std::string s) {
    if (s.size() > kMaxFoundBytes) {
        s.resize(kMaxFoundBytes);
        // Do not end inside a UTF-8 sequence.
        while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
        if (!s.empty() && static_cast<unsigned char>(s.back()) >= 0xC0) s.pop_back();
        s += "…";
    }
    return s;
}

std::vector<std::string> Found(const DnsAnswer& a, DnsType type) {
    std::vector<std::string> out;
    if (type == DnsType::kMx) {
        for (const auto& m : a.mx) out.push_back(std::to_string(m.preference) + " " + m.host + ".");
    } else if (type == DnsType::kSrv) {
        for (const auto& s : a.srv)
            out.push_back(std::to_string(s.priority) + " " + std::to_string(s.weight) + " " +
                          std::to_string(s.port) + " " + (s.target.empty() ? "" : s.target) + ".");
    } else if (type == DnsType::kCname) {
        for (const auto& t : a.texts) out.push_back(t + ".");
    } else {
        out = a.texts;
    }
    if (out.size() > kMaxFound) out.resize(kMaxFound);
    for (auto& s : out) s = Clip(std::move(s));
    return out;
}

// A DNS answer that is not records nor a clean "none": servfail, timeout, refused ... Fills `r`
// and returns true.
bool Unanswered(const DnsAnswer& a, RecordCheck& r) {
    switch (a.status) {
        case DnsStatus::kOk:
        case DnsStatus::kNxdomain:
        case DnsStatus::kNodata:
            return false;
        case DnsStatus::kServfail:
            r.reason = "workd.dns.check.servfail";
            r.agency_fault = false;
            break;
        case DnsStatus::kTimeout:
            r.reason = "workd.dns.check.timeout";
            r.agency_fault = false;
            break;
        case DnsStatus::kRefused:
            r.reason = "workd.dns.check.refused";  // our resolver's configuration
            r.agency_fault = false;
            break;
        case DnsStatus::kMalformed:
            r.reason = "workd.dns.check.malformed";
            break;
        case DnsStatus::kError:
            r.reason = "workd.dns.check.error";
            r.agency_fault = false;
            break;
    }
    r.status = kCheckError;
    r.detail = std::string(kDnsStatusText.Name(a.status));
    return true;
}

// Asks the record's question and notes the answer's status on `r` (CheckDomain reads the
// domain's own outcome from it).
DnsAnswer Ask(const Resolver& resolver, RecordCheck& r, std::string_view name, DnsType type) {
    DnsAnswer a = resolver.Query(name, type);
    r.answer = a.status;
    return a;
}

bool Missing(const DnsAnswer& a) {
    return a.status == DnsStatus::kNxdomain || a.status == DnsStatus::kNodata;
}

void SetMissing(RecordCheck& r) {
    r.status = kCheckMissing;
    r.reason = "workd.dns.check.missing";
    r.detail.clear();
}

void SetWrong(RecordCheck& r, std::string reason, std::string detail = {}) {
    r.status = kCheckWrong;
    r.reason = std::move(reason);
    r.detail = std::move(detail);
}

void SetOk(RecordCheck& r) {
    r.status = kCheckOk;
    r.reason = "workd.dns.check.ok";
    r.detail.clear();
}

std::string Joined(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) {
        if (!out.empty()) out += ", ";
        out += s;
    }
    return Clip(out);
}

void CheckChallenge(const Resolver& resolver, const DomainSetup& setup, RecordCheck& r) {
    auto a = Ask(resolver, r, r.expected.name, DnsType::kTxt);
    r.found = Found(a, DnsType::kTxt);
    if (Unanswered(a, r)) return;
    if (Missing(a)) return SetMissing(r);
    if (ChallengeMatches(a.texts, setup.verification_token)) return SetOk(r);
    SetWrong(r, "workd.dns.check.token_mismatch", Joined(r.found));
}

void CheckMx(const Resolver& resolver, const DomainSetup& setup, RecordCheck& r) {
    auto a = Ask(resolver, r, r.expected.name, DnsType::kMx);
    r.found = Found(a, DnsType::kMx);
    if (Unanswered(a, r)) return;
    if (Missing(a)) return SetMissing(r);
    const std::string ours = Host(setup.hosts.mx_host);
    int our_pref = -1;
    for (const auto& m : a.mx)
        if (Host(m.host) == ours && (our_pref < 0 || m.preference < our_pref))
            our_pref = m.preference;
    if (our_pref < 0) return SetWrong(r, "workd.dns.check.mx_wrong", Joined(r.found));
    // Other hosts preferred to ours (or equal) take some of the agency's mail elsewhere.
    std::vector<std::string> others;
    for (const auto& m : a.mx)
        if (Host(m.host) != ours && m.preference <= our_pref)
            others.push_back(std::to_string(m.preference) + " " + m.host + ".");
    if (!others.empty()) {
        r.status = kCheckWrong;
        r.reason = "workd.dns.check.mx_others";
        r.detail = Joined(others);
        return;
    }
    SetOk(r);
}

void CheckSpf(const Resolver& resolver, const DomainSetup& setup, RecordCheck& r) {
    auto a = Ask(resolver, r, r.expected.name, DnsType::kTxt);
    // Only the SPF records are shown: the domain's other TXT (site verifications) are noise.
    for (const auto& t : a.texts)
        if (IsSpfRecord(t) && r.found.size() < kMaxFound) r.found.push_back(Clip(t));
    if (Unanswered(a, r)) return;
    if (Missing(a)) return SetMissing(r);
    auto spf = SelectSpf(a.texts);
    if (!spf.record) {
        if (spf.error.key == "workd.dns.spf.missing") return SetMissing(r);
        return SetWrong(r, spf.error.key, spf.error.detail);
    }
    // Includes are followed through the same resolver; a name that does not answer counts as
    // void (what a receiver would make of it at that moment).
    TxtFetcher fetch =
        [&resolver](std::string_view name) -> std::optional<std::vector<std::string>> {
        auto t = resolver.Query(name, DnsType::kTxt);
        if (!t.ok()) return std::nullopt;
        return t.texts;
    };
    if (!SpfAuthorisesInclude(*spf.record, setup.hosts.spf_include, &fetch))
        return SetWrong(r, "workd.dns.spf.not_authorised", "include:" + setup.hosts.spf_include);
    auto count = CountSpfLookupsRecursive(*spf.record, fetch);
    if (count.over_limit())
        return SetWrong(r, "workd.dns.spf.too_many_lookups", std::to_string(count.lookups));
    if (!count.errors.empty()) return SetWrong(r, count.errors[0].key, count.errors[0].detail);
    SetOk(r);
}

void CheckDkimRecord(const Resolver& resolver, const DomainSetup& setup, RecordCheck& r) {
    auto a = Ask(resolver, r, r.expected.name, DnsType::kTxt);
    r.found = Found(a, DnsType::kTxt);
    if (Unanswered(a, r)) return;
    if (Missing(a)) return SetMissing(r);
    auto d = CheckDkim(a.texts, setup.dkim_public_key);
    if (!d.ok) {
        const Finding f =
            d.errors.empty() ? Finding{"workd.dns.dkim.syntax", ""} : d.errors.front();
        if (f.key == "workd.dns.dkim.missing") return SetMissing(r);
        return SetWrong(r, f.key, f.detail);
    }
    if (!d.warnings.empty()) {
        r.status = kCheckWarning;
        r.reason = d.warnings.front().key;
        r.detail = d.warnings.front().detail;
        return;
    }
    SetOk(r);
}

void CheckDmarc(const Resolver& resolver, RecordCheck& r) {
    auto a = Ask(resolver, r, r.expected.name, DnsType::kTxt);
    r.found = Found(a, DnsType::kTxt);
    if (Unanswered(a, r)) return;
    if (Missing(a)) return SetMissing(r);
    auto d = SelectDmarc(a.texts);
    if (!d.record) {
        if (d.error.key == "workd.dns.dmarc.missing") return SetMissing(r);
        return SetWrong(r, d.error.key, d.error.detail);
    }
    // p=none first: it is the remark the agency should act on.
    const Finding* w = nullptr;
    for (const auto& f : d.warnings)
        if (f.key == "workd.dns.dmarc.policy_none") w = &f;
    if (!w && !d.warnings.empty()) w = &d.warnings.front();
    if (w) {
        r.status = kCheckWarning;
        r.reason = w->key;
        r.detail = w->detail;
        return;
    }
    SetOk(r);
}

void CheckCname(const Resolver& resolver, RecordCheck& r) {
    auto a = Ask(resolver, r, r.expected.name, DnsType::kCname);
    r.found = Found(a, DnsType::kCname);
    if (Unanswered(a, r)) return;
    if (Missing(a)) return SetMissing(r);
    const std::string want = Host(r.expected.value);
    for (const auto& t : a.texts)
        if (Host(t) == want) return SetOk(r);
    SetWrong(r, "workd.dns.check.value_wrong", Joined(r.found));
}

void CheckSrv(const Resolver& resolver, RecordCheck& r) {
    auto a = Ask(resolver, r, r.expected.name, DnsType::kSrv);
    r.found = Found(a, DnsType::kSrv);
    if (Unanswered(a, r)) return;
    if (Missing(a)) return SetMissing(r);
    auto f = core::Split(r.expected.value, ' ');  // "0 1 587 host."
    const int port = f.size() == 4 ? static_cast<int>(core::ParseInt(f[2]).value_or(0)) : 0;
    const std::string target = f.size() == 4 ? Host(f[3]) : "";
    for (const auto& s : a.srv)
        if (s.port == port && Host(s.target) == target) return SetOk(r);
    SetWrong(r, "workd.dns.check.value_wrong", Joined(r.found));
}

}  // namespace

RecordCheck CheckRecord(const Resolver& resolver, const DomainSetup& setup,
                        const ExpectedRecord& expected) {
    RecordCheck r;
    r.expected = expected;
    const std::string& p = expected.purpose;
    if (p == "workd.dns.purpose.ownership") {
        CheckChallenge(resolver, setup, r);
    } else if (expected.type == "MX") {
        CheckMx(resolver, setup, r);
    } else if (p == "workd.dns.purpose.spf") {
        CheckSpf(resolver, setup, r);
    } else if (p == "workd.dns.purpose.dkim") {
        CheckDkimRecord(resolver, setup, r);
    } else if (p == "workd.dns.purpose.dmarc") {
        CheckDmarc(resolver, r);
    } else if (expected.type == "CNAME") {
        CheckCname(resolver, r);
    } else if (expected.type == "SRV") {
        CheckSrv(resolver, r);
    } else {
        r.status = kCheckError;
        r.reason = "workd.dns.check.error";
        r.detail = expected.type;
        r.agency_fault = false;
    }
    return r;
}

DomainCheck CheckDomain(const Resolver& resolver, const DomainSetup& setup) {
    DomainCheck out;
    bool timed_out = false;
    for (const auto& e : ExpectedRecords(setup)) {
        if (timed_out) {
            // The DNS did not answer one question within timeout × tries: the rest of the
            // domain's names are not asked this time (each would cost the same wait, and a
            // check must stay short), and say so.
            RecordCheck r;
            r.expected = e;
            r.status = kCheckError;
            r.reason = "workd.dns.check.timeout";
            r.detail = "not asked";
            r.agency_fault = false;
            out.records.push_back(std::move(r));
        } else {
            out.records.push_back(CheckRecord(resolver, setup, e));
            timed_out = out.records.back().reason == "workd.dns.check.timeout";
        }
        const auto& r = out.records.back();
        if (e.required && r.status == kCheckError && !r.agency_fault) out.dns_unavailable = true;
    }
    // The domain itself: the first answer about its own name. Asked about nothing (a timeout
    // before), or answered with anything but NOERROR or NXDOMAIN, it is not known.
    const std::string apex = Host(setup.domain);
    out.outcome = kDomainUnanswered;
    for (const auto& r : out.records) {
        if (!r.answer || Host(r.expected.name) != apex) continue;
        if (*r.answer == DnsStatus::kNxdomain)
            out.outcome = kDomainNxdomain;
        else if (*r.answer == DnsStatus::kOk || *r.answer == DnsStatus::kNodata)
            out.outcome = kDomainExists;
        break;
    }
    out.required_pass = RequiredPass(out.records);
    return out;
}

bool RequiredPass(const std::vector<RecordCheck>& records) {
    if (records.empty()) return false;
    for (const auto& r : records)
        if (r.expected.required && !r.passes()) return false;
    return true;
}

std::string ChecksToJson(const std::vector<RecordCheck>& records) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& r : records) {
        a.push_back({{"name", r.expected.name},
                     {"type", r.expected.type},
                     {"value", r.expected.value},
                     {"required", r.expected.required},
                     {"purpose", r.expected.purpose},
                     {"status", r.status},
                     {"reason", r.reason},
                     {"detail", r.detail},
                     {"found", r.found},
                     {"agency_fault", r.agency_fault}});
    }
    // Answers are outside input: replace, never throw, on bytes that are not UTF-8.
    return a.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<RecordCheck> ChecksFromJson(const std::string& json) {
    std::vector<RecordCheck> out;
    try {
        auto a = core::ParseJsonBounded(json);
        if (!a.is_array()) return {};
        for (const auto& o : a) {
            if (!o.is_object()) continue;
            RecordCheck r;
            r.expected.name = o.value("name", "");
            r.expected.type = o.value("type", "");
            r.expected.value = o.value("value", "");
            r.expected.required = o.value("required", false);
            r.expected.purpose = o.value("purpose", "");
            r.status = o.value("status", "");
            r.reason = o.value("reason", "");
            r.detail = o.value("detail", "");
            r.agency_fault = o.value("agency_fault", true);
            if (auto f = o.find("found"); f != o.end() && f->is_array())
                for (const auto& s : *f)
                    if (s.is_string()) r.found.push_back(s.get<std::string>());
            out.push_back(std::move(r));
        }
    } catch (const std::exception&) {
        return {};
    }
    return out;
}

}  // namespace govhub::workd

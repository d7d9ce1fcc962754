#include "workd/dns_records.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <stdexcept>

#include "core/crypto.hpp"
#include "core/email_address.hpp"
#include "core/strings.hpp"

namespace govhub::workd {
namespace {

bool IsAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsDigit(char c) {
    return c >= '0' && c <= '9';
}
bool IsAlnum(char c) {
    return IsAlpha(c) || IsDigit(c);
}
bool IsWsp(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string DropTrailingDot(std::string_view s) {
    if (!s.empty() && s.back() == '.') s.remove_suffix(1);
    return std::string(s);
}

// Host names compare without case and without the root's trailing dot.
bool SameHost(std::string_view a, std::string_view b) {
    return core::IEquals(DropTrailingDot(a), DropTrailingDot(b));
}

size_t TotalSize(const std::vector<std::string>& v) {
    size_t n = 0;
    for (const auto& s : v) n += s.size();
    return n;
}

// The part of a record a finding names, as a page may show it: at most 100 bytes, anything but
// printable ASCII (which is all valid records hold) shown as '?', so a hostile answer cannot put
// control characters or broken UTF-8 on a page or in a log.
std::string SafeDetail(std::string_view s) {
    std::string out(s.substr(0, 100));
    for (auto& c : out)
        if (c < 0x20 || c > 0x7e) c = '?';
    return out;
}

// What one check reports at most: a page lists them, and thousands of tiny records must not
// make thousands of lines (or a quadratic search for duplicates).
constexpr size_t kMaxFindings = 16;

// A decimal number in [0, max] without sign, leading zeros or spaces (the RFCs' ABNF).
std::optional<int> SmallNumber(std::string_view s, int max) {
    if (s.empty() || s.size() > 9 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
    int n = 0;
    for (char c : s) {
        if (!IsDigit(c)) return std::nullopt;
        n = n * 10 + (c - '0');
    }
    if (n > max) return std::nullopt;
    return n;
}

// ---- SPF ----

// RFC 7208 §7.1 macro-string: macros well formed, every other byte printable ASCII.
bool ScanMacroString(std::string_view s, bool& ends_in_macro, bool& has_macro) {
    ends_in_macro = has_macro = false;
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        ends_in_macro = false;
        if (c == '%') {
            if (i + 1 >= s.size()) return false;
            char n = s[i + 1];
            if (n == '%' || n == '_' || n == '-') {
                ++i;
            } else if (n == '{') {
                size_t j = i + 2;
                if (j >= s.size()) return false;
                char letter = static_cast<char>(s[j] | 0x20);
                if (std::string_view("slodiphcrtv").find(letter) == std::string_view::npos)
                    return false;
                ++j;
                while (j < s.size() && IsDigit(s[j])) ++j;
                if (j < s.size() && (s[j] == 'r' || s[j] == 'R')) ++j;
                while (j < s.size() &&
                       std::string_view(".-+,/_=").find(s[j]) != std::string_view::npos)
                    ++j;
                if (j >= s.size() || s[j] != '}') return false;
                i = j;
            } else {
                return false;
            }
            ends_in_macro = true;
            has_macro = true;
            continue;
        }
        if (c < 0x21 || c > 0x7e) return false;
    }
    return true;
}

// domain-spec = macro-string domain-end: the name must end in "." toplabel or a macro.
bool ValidDomainSpec(std::string_view s) {
    bool ends_in_macro = false, has_macro = false;
    if (s.empty() || !ScanMacroString(s, ends_in_macro, has_macro)) return false;
    if (ends_in_macro) return true;
    std::string_view name = s;
    if (name.back() == '.') name.remove_suffix(1);
    size_t dot = name.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return false;
    std::string_view top = name.substr(dot + 1);
    // toplabel: alphanumerics with a letter, or LDH not starting or ending with a hyphen.
    if (top.empty() || top.front() == '-' || top.back() == '-') return false;
    bool letter = false, hyphen = false;
    for (char c : top) {
        if (IsAlpha(c))
            letter = true;
        else if (c == '-')
            hyphen = true;
        else if (!IsDigit(c))
            return false;
    }
    if (!letter && !hyphen) return false;
    // Without macros the name is looked up as it is, and DNS has no empty or 64-byte labels.
    if (!has_macro) {
        if (name.size() > 253) return false;
        for (const auto& label : core::Split(name, '.'))
            if (label.empty() || label.size() > 63) return false;
    }
    return true;
}

bool ValidIp4(std::string_view s) {
    auto parts = core::Split(s, '.');
    if (parts.size() != 4) return false;
    for (const auto& p : parts)
        if (!SmallNumber(p, 255)) return false;
    return true;
}

bool ValidIp6(std::string_view s) {
    if (s.empty() || s.size() > 45) return false;
    in6_addr addr{};
    return inet_pton(AF_INET6, std::string(s).c_str(), &addr) == 1;
}

// "/n", "//m" or "/n//m" after a or mx (dual-cidr-length).
bool ValidDualCidr(std::string_view c) {
    if (c.empty()) return true;
    size_t dbl = c.find("//");
    std::string_view v4 = dbl == std::string_view::npos ? c : c.substr(0, dbl);
    if (!v4.empty()) {
        if (v4[0] != '/' || !SmallNumber(v4.substr(1), 32)) return false;
    }
    if (dbl != std::string_view::npos && !SmallNumber(c.substr(dbl + 2), 128)) return false;
    return true;
}

Finding SpfError(std::string key, std::string_view term) {
    return {std::move(key), SafeDetail(term)};
}

const std::set<std::string, std::less<>> kMechanisms = {"all", "include", "a",   "mx",
                                                        "ptr", "ip4",     "ip6", "exists"};

// One term of the record, or the reason it is not one.
std::optional<Finding> ParseSpfTerm(std::string_view text, SpfTerm& term) {
    term = SpfTerm{};
    term.text = std::string(text);
    std::string_view rest = text;
    bool qualified = false;
    if (std::string_view("+-~?").find(rest[0]) != std::string_view::npos) {
        term.qualifier = rest[0];
        rest.remove_prefix(1);
        qualified = true;
    }
    size_t delim = rest.find_first_of(":/=");
    std::string name = core::ToLower(rest.substr(0, delim));
    char sep = delim == std::string_view::npos ? '\0' : rest[delim];

    if (sep == '=' && !kMechanisms.contains(name)) {
        // modifier = name "=" macro-string; name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )
        if (qualified || name.empty() || !IsAlpha(name[0]))
            return SpfError("workd.dns.spf.syntax", text);
        for (char c : name)
            if (!IsAlnum(c) && c != '-' && c != '_' && c != '.')
                return SpfError("workd.dns.spf.syntax", text);
        term.kind = SpfTerm::Kind::kModifier;
        term.name = name;
        term.value = std::string(rest.substr(delim + 1));
        if (name == "redirect" || name == "exp") {
            if (!ValidDomainSpec(term.value)) return SpfError("workd.dns.spf.syntax", text);
        } else {
            // Unknown modifiers are ignored by receivers but must still be a macro-string.
            bool ends_in_macro = false, has_macro = false;
            if (!ScanMacroString(term.value, ends_in_macro, has_macro))
                return SpfError("workd.dns.spf.syntax", text);
        }
        return std::nullopt;
    }
    if (!kMechanisms.contains(name)) return SpfError("workd.dns.spf.unknown_mechanism", text);
    term.kind = SpfTerm::Kind::kMechanism;
    term.name = name;
    std::string_view arg = delim == std::string_view::npos ? "" : rest.substr(delim);
    if (name == "all") {
        if (!arg.empty()) return SpfError("workd.dns.spf.syntax", text);
        return std::nullopt;
    }
    if (name == "include" || name == "exists" || name == "ptr") {
        if (arg.empty()) {
            if (name == "ptr") return std::nullopt;
            return SpfError("workd.dns.spf.syntax", text);
        }
        if (arg[0] != ':' || !ValidDomainSpec(arg.substr(1)))
            return SpfError("workd.dns.spf.syntax", text);
        term.value = std::string(arg.substr(1));
        return std::nullopt;
    }
    if (name == "a" || name == "mx") {
        std::string_view spec, cidr;
        if (!arg.empty() && arg[0] == ':') {
            size_t slash = arg.find('/');
            spec =
                arg.substr(1, slash == std::string_view::npos ? std::string_view::npos : slash - 1);
            cidr = slash == std::string_view::npos ? "" : arg.substr(slash);
            if (!ValidDomainSpec(spec)) return SpfError("workd.dns.spf.syntax", text);
        } else {
            cidr = arg;
        }
        if (!ValidDualCidr(cidr)) return SpfError("workd.dns.spf.syntax", text);
        term.value = std::string(spec);
        term.cidr = std::string(cidr);
        return std::nullopt;
    }
    // ip4 / ip6: the network after the first ':', an optional "/len".
    if (arg.empty() || arg[0] != ':') return SpfError("workd.dns.spf.bad_address", text);
    std::string_view net = arg.substr(1);
    size_t slash = net.find('/');
    std::string_view addr = net.substr(0, slash);
    std::string_view len = slash == std::string_view::npos ? "" : net.substr(slash);
    bool v4 = name == "ip4";
    if (!(v4 ? ValidIp4(addr) : ValidIp6(addr))) return SpfError("workd.dns.spf.bad_address", text);
    if (!len.empty() && !SmallNumber(len.substr(1), v4 ? 32 : 128))
        return SpfError("workd.dns.spf.bad_address", text);
    term.value = std::string(addr);
    term.cidr = std::string(len);
    return std::nullopt;
}

const SpfTerm* FindModifier(const SpfRecord& r, std::string_view name) {
    for (const auto& t : r.terms)
        if (t.kind == SpfTerm::Kind::kModifier && t.name == name) return &t;
    return nullptr;
}

bool HasAll(const SpfRecord& r) {
    return std::any_of(r.terms.begin(), r.terms.end(), [](const SpfTerm& t) {
        return t.kind == SpfTerm::Kind::kMechanism && t.name == "all";
    });
}

struct SpfWalk {
    const TxtFetcher& fetch;
    SpfLookupCount out;
    int fetches = 0;
    std::vector<std::string> path;  // names being evaluated: an include of one of them is a loop

    void AddError(std::string key, std::string detail) {
        Finding f{std::move(key), std::move(detail)};
        if (std::find(out.errors.begin(), out.errors.end(), f) == out.errors.end())
            out.errors.push_back(std::move(f));
    }

    void Record(const SpfRecord& record) {
        for (const auto& t : record.terms) {
            if (out.over_limit()) return;
            if (t.kind != SpfTerm::Kind::kMechanism) continue;
            if (t.name == "a" || t.name == "mx" || t.name == "ptr" || t.name == "exists") {
                ++out.lookups;
            } else if (t.name == "include") {
                ++out.lookups;
                Follow(t.value);
            }
        }
        const SpfTerm* redirect = FindModifier(record, "redirect");
        if (redirect && !HasAll(record) && !out.over_limit()) {
            ++out.lookups;
            Follow(redirect->value);
        }
    }

    void Follow(std::string_view target) {
        // A macro needs the message to expand; such a name counts but cannot be followed.
        if (target.find('%') != std::string_view::npos) return;
        if (out.over_limit() || fetches >= 2 * kMaxSpfLookups) return;
        std::string name = core::ToLower(DropTrailingDot(target));
        if (std::find(path.begin(), path.end(), name) != path.end()) {
            AddError("workd.dns.spf.loop", name);
            return;
        }
        ++fetches;
        auto txts = fetch(name);
        if (!txts) {
            ++out.void_lookups;
            AddError("workd.dns.spf.include_missing", name);
            return;
        }
        SpfParse sel = SelectSpf(*txts);
        if (!sel.record) {
            AddError(sel.error.key == "workd.dns.spf.missing"    ? "workd.dns.spf.include_missing"
                     : sel.error.key == "workd.dns.spf.multiple" ? "workd.dns.spf.include_multiple"
                                                                 : "workd.dns.spf.include_syntax",
                     name);
            return;
        }
        path.push_back(name);
        Record(*sel.record);
        path.pop_back();
    }
};

// ---- tag lists (DKIM and DMARC) ----

struct TagList {
    std::vector<std::pair<std::string, std::string>> tags;
    Finding error;
    bool ok() const { return error.key.empty(); }
};

// RFC 6376 §3.2: tag-spec *( ";" tag-spec ) [ ";" ], whitespace around names and values, values
// of VALCHAR with folded whitespace inside (kept as single spaces). Empty specs are skipped:
// published records with ";;" or "; ;" work with every verifier.
TagList ParseTagList(std::string_view text, std::string_view prefix, bool lower_names) {
    TagList out;
    std::set<std::string, std::less<>> seen;
    for (const auto& raw : core::Split(text, ';')) {
        std::string spec = core::Trim(raw);
        if (spec.empty()) continue;
        size_t eq = spec.find('=');
        if (eq == std::string::npos) {
            out.error = {std::string(prefix) + "syntax", SafeDetail(spec)};
            return out;
        }
        std::string name = core::Trim(std::string_view(spec).substr(0, eq));
        std::string value = core::Trim(std::string_view(spec).substr(eq + 1));
        if (lower_names) name = core::ToLower(name);
        bool name_ok = !name.empty() && IsAlpha(name[0]);
        for (char c : name) name_ok = name_ok && (IsAlnum(c) || c == '_');
        std::string folded;
        bool value_ok = true;
        for (size_t i = 0; i < value.size(); ++i) {
            char c = value[i];
            if (IsWsp(c)) {
                if (!folded.empty() && folded.back() != ' ') folded += ' ';
                continue;
            }
            if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e) {
                value_ok = false;
                break;
            }
            folded += c;
        }
        if (!name_ok || !value_ok) {
            out.error = {std::string(prefix) + "syntax", SafeDetail(name_ok ? name : spec)};
            return out;
        }
        // A set, not a scan of the tags so far: 64 KiB of "a=1;" is 16,000 tags.
        if (!seen.insert(name).second) {
            out.error = {std::string(prefix) + "duplicate_tag", name};
            return out;
        }
        out.tags.emplace_back(std::move(name), std::move(folded));
    }
    return out;
}

const std::string* Tag(const TagList& list, std::string_view name) {
    for (const auto& [n, v] : list.tags)
        if (n == name) return &v;
    return nullptr;
}

std::string RemoveWhitespace(std::string_view s) {
    std::string out;
    for (char c : s)
        if (!IsWsp(c)) out += c;
    return out;
}

// A DKIM key is at most a few KiB of DER (an 8192-bit RSA key is ~1 KiB).
constexpr size_t kMaxKeyBytes = 16 * 1024;

// ---- DMARC ----

bool IsDmarcRecord(std::string_view txt) {
    std::string t = core::Trim(txt);
    if (!core::StartsWith(t, "v=DMARC1")) return false;
    return t.size() == 8 || IsWsp(t[8]) || t[8] == ';';
}

// "mailto:addr" with an optional "!10m" size limit (RFC 7489 §6.4 dmarc-uri).
bool ValidDmarcUri(std::string_view uri) {
    size_t bang = uri.rfind('!');
    if (bang != std::string_view::npos) {
        std::string_view size = uri.substr(bang + 1);
        if (!size.empty() &&
            std::string_view("kmgtKMGT").find(size.back()) != std::string_view::npos)
            size.remove_suffix(1);
        if (size.empty() || size.size() > 12 ||
            !std::all_of(size.begin(), size.end(), [](char c) { return IsDigit(c); }))
            return false;
        uri = uri.substr(0, bang);
    }
    if (uri.size() < 7 || !core::IEquals(uri.substr(0, 7), "mailto:")) return false;
    std::string_view addr = uri.substr(7);
    addr = addr.substr(0, addr.find('?'));  // hfields (?subject=...) are allowed and ignored
    std::string decoded;
    if (!core::UrlDecode(addr, decoded, false)) return false;
    return core::IsValidEmail(decoded);
}

// ---- names ----

bool IsLdhLabel(std::string_view l) {
    if (l.empty() || l.size() > 63 || l.front() == '-' || l.back() == '-') return false;
    return std::all_of(l.begin(), l.end(), [](char c) { return IsAlnum(c) || c == '-'; });
}

bool NonAscii(std::string_view s) {
    return std::any_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) > 0x7e; });
}

// Names the platform uses or that people would take for the platform's own.
const std::set<std::string, std::less<>> kReservedLabels = {
    "www",        "mail",       "webmail", "admin",      "administrator", "root",      "smtp",
    "smtps",      "submission", "imap",    "imaps",      "pop",           "pop3",      "pop3s",
    "mx",         "ns",         "dns",     "autoconfig", "autodiscover",  "ftp",       "api",
    "postmaster", "hostmaster", "abuse",   "security",   "noc",           "localhost", "test",
    "example",    "invalid",    "dmarc",   "spf",        "dkim",          "mta-sts",   "wpad",
    "isatap",     "workd",      "govhub",  "relay",      "portal",        "vpn",       "ntp",
    "ldap",       "accounts",   "login",   "support",    "help",          "status"};

// ns1, mx2, smtp01, mail3: numbered hosts of the platform.
bool NumberedHost(std::string_view l) {
    for (std::string_view p : {"ns", "mx", "smtp", "mail", "imap", "pop"}) {
        if (l.size() > p.size() && l.substr(0, p.size()) == p &&
            std::all_of(l.begin() + p.size(), l.end(), [](char c) { return IsDigit(c); }))
            return true;
    }
    return false;
}

}  // namespace

// ---- TXT text ----

std::string JoinTxtStrings(const std::vector<std::string>& strings) {
    std::string out;
    for (const auto& s : strings) out += s;
    return out;
}

std::optional<std::string> UnquoteTxt(std::string_view p) {
    std::string trimmed = core::Trim(p);
    if (trimmed.size() > kMaxTxtBytes * 4) return std::nullopt;
    std::string_view s = trimmed;
    if (s.empty() || (s[0] != '"' && s[0] != '(')) return std::string(s);
    std::string out;
    size_t i = 0;
    while (i < s.size()) {
        char c = s[i];
        if (IsWsp(c) || c == '(' || c == ')') {
            ++i;
            continue;
        }
        if (c == ';') break;  // a zone file comment, as opendkim-genkey writes after the key
        if (c != '"') return std::nullopt;
        ++i;
        bool closed = false;
        while (i < s.size()) {
            char d = s[i++];
            if (d == '"') {
                closed = true;
                break;
            }
            if (d != '\\') {
                out += d;
                continue;
            }
            if (i >= s.size()) return std::nullopt;
            if (IsDigit(s[i])) {
                if (i + 3 > s.size() || !IsDigit(s[i + 1]) || !IsDigit(s[i + 2]))
                    return std::nullopt;
                int v = (s[i] - '0') * 100 + (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
                if (v > 255) return std::nullopt;
                out += static_cast<char>(v);
                i += 3;
            } else {
                out += s[i++];
            }
        }
        if (!closed) return std::nullopt;
    }
    return out;
}

std::string QuoteTxt(std::string_view value) {
    std::string out;
    if (value.empty()) return "\"\"";
    for (size_t start = 0; start < value.size(); start += 255) {
        if (start) out += ' ';
        out += '"';
        for (char c : value.substr(start, 255)) {
            auto u = static_cast<unsigned char>(c);
            if (c == '"' || c == '\\') {
                out += '\\';
                out += c;
            } else if (u >= 0x20 && u <= 0x7e) {
                out += c;
            } else {
                char buf[5];
                std::snprintf(buf, sizeof buf, "\\%03u", u);
                out += buf;
            }
        }
        out += '"';
    }
    return out;
}

// ---- SPF ----

bool IsSpfRecord(std::string_view txt) {
    if (txt.size() < 6 || !core::IEquals(txt.substr(0, 6), "v=spf1")) return false;
    return txt.size() == 6 || txt[6] == ' ';
}

SpfParse ParseSpf(std::string_view txt) {
    SpfParse out;
    if (txt.size() > kMaxTxtBytes) {
        out.error = {"workd.dns.spf.too_large", ""};
        return out;
    }
    if (!IsSpfRecord(txt)) {
        out.error = {"workd.dns.spf.not_spf", SafeDetail(txt.substr(0, 64))};
        return out;
    }
    SpfRecord record;
    bool seen_redirect = false, seen_exp = false;
    for (const auto& text : core::Split(txt.substr(6), ' ')) {
        if (text.empty()) continue;
        SpfTerm term;
        if (auto err = ParseSpfTerm(text, term)) {
            out.error = std::move(*err);
            return out;
        }
        if (term.kind == SpfTerm::Kind::kModifier &&
            (term.name == "redirect" || term.name == "exp")) {
            bool& seen = term.name == "redirect" ? seen_redirect : seen_exp;
            if (seen) {
                out.error = {"workd.dns.spf.duplicate_modifier", term.name};
                return out;
            }
            seen = true;
        }
        record.terms.push_back(std::move(term));
    }
    out.record = std::move(record);
    return out;
}

SpfParse SelectSpf(const std::vector<std::string>& txt_records) {
    if (TotalSize(txt_records) > kMaxTxtBytes)
        return {std::nullopt, {"workd.dns.spf.too_large", ""}};
    const std::string* found = nullptr;
    int count = 0;
    for (const auto& t : txt_records) {
        if (IsSpfRecord(t)) {
            found = &t;
            ++count;
        }
    }
    if (count == 0) return {std::nullopt, {"workd.dns.spf.missing", ""}};
    if (count > 1) return {std::nullopt, {"workd.dns.spf.multiple", std::to_string(count)}};
    return ParseSpf(*found);
}

int CountSpfLookups(const SpfRecord& record) {
    int n = 0;
    for (const auto& t : record.terms) {
        if (t.kind == SpfTerm::Kind::kMechanism &&
            (t.name == "include" || t.name == "a" || t.name == "mx" || t.name == "ptr" ||
             t.name == "exists"))
            ++n;
    }
    if (FindModifier(record, "redirect") && !HasAll(record)) ++n;
    return n;
}

SpfLookupCount CountSpfLookupsRecursive(const SpfRecord& record, const TxtFetcher& fetch) {
    SpfWalk walk{fetch, {}, 0, {}};
    walk.Record(record);
    if (walk.out.over_limit())
        walk.out.errors.insert(walk.out.errors.begin(), {"workd.dns.spf.too_many_lookups",
                                                         std::to_string(walk.out.lookups)});
    return walk.out;
}

namespace {

bool Authorises(const SpfRecord& record, std::string_view ours, const TxtFetcher* fetch,
                int& budget, std::vector<std::string>& path) {
    // A name this record sends to: ours, or one whose own record authorises ours.
    auto reaches = [&](std::string_view target) {
        if (SameHost(target, ours)) return true;
        if (!fetch || budget <= 0 || target.find('%') != std::string_view::npos) return false;
        std::string name = core::ToLower(DropTrailingDot(target));
        if (std::find(path.begin(), path.end(), name) != path.end()) return false;
        --budget;
        auto txts = (*fetch)(name);
        if (!txts) return false;
        SpfParse sel = SelectSpf(*txts);
        if (!sel.record) return false;
        path.push_back(name);
        bool ok = Authorises(*sel.record, ours, fetch, budget, path);
        path.pop_back();
        return ok;
    };
    for (const auto& t : record.terms) {
        if (t.kind != SpfTerm::Kind::kMechanism) continue;
        if (t.name == "all") return false;  // evaluation ends here: later terms are never reached
        if (t.name == "include" && t.qualifier == '+' && reaches(t.value)) return true;
    }
    const SpfTerm* redirect = FindModifier(record, "redirect");
    return redirect && reaches(redirect->value);
}

}  // namespace

bool SpfAuthorisesInclude(const SpfRecord& record, std::string_view include_domain,
                          const TxtFetcher* fetch) {
    int budget = kMaxSpfLookups;
    std::vector<std::string> path;
    return Authorises(record, include_domain, fetch, budget, path);
}

// ---- DKIM ----

DkimParse ParseDkimKey(std::string_view txt) {
    DkimParse out;
    if (txt.size() > kMaxTxtBytes) {
        out.error = {"workd.dns.dkim.too_large", ""};
        return out;
    }
    TagList list = ParseTagList(txt, "workd.dns.dkim.", false);
    if (!list.ok()) {
        out.error = list.error;
        return out;
    }
    DkimKeyRecord rec;
    if (const auto* v = Tag(list, "v")) {
        // §3.6.1: if present, v= must be the first tag and exactly "DKIM1".
        if (list.tags.front().first != "v" || *v != "DKIM1") {
            out.error = {"workd.dns.dkim.bad_version", *v};
            return out;
        }
        rec.version = *v;
    }
    rec.key_type = "rsa";
    if (const auto* k = Tag(list, "k")) {
        if (*k != "rsa" && *k != "ed25519") {
            out.error = {"workd.dns.dkim.unknown_key_type", *k};
            return out;
        }
        rec.key_type = *k;
    }
    const auto* p = Tag(list, "p");
    if (!p) {
        out.error = {"workd.dns.dkim.no_key", ""};
        return out;
    }
    rec.public_key = RemoveWhitespace(*p);
    if (!rec.public_key.empty() &&
        !core::Base64Decode(rec.public_key, core::Base64Variant::kStandard, kMaxKeyBytes)) {
        out.error = {"workd.dns.dkim.bad_base64", ""};
        return out;
    }
    if (const auto* h = Tag(list, "h")) rec.hash_algorithms = *h;
    if (const auto* s = Tag(list, "s")) rec.service_types = *s;
    if (const auto* t = Tag(list, "t")) {
        rec.flags = *t;
        for (const auto& f : core::Split(*t, ':'))
            if (core::Trim(f) == "y") rec.testing = true;
    }
    out.record = std::move(rec);
    return out;
}

DkimCheck CheckDkim(const std::vector<std::string>& txt_records, std::string_view our_public_key) {
    DkimCheck out;
    auto add = [](std::vector<Finding>& v, Finding f) {
        if (v.size() < kMaxFindings && std::find(v.begin(), v.end(), f) == v.end())
            v.push_back(std::move(f));
    };
    if (TotalSize(txt_records) > kMaxTxtBytes) {
        out.errors.push_back({"workd.dns.dkim.too_large", ""});
        return out;
    }
    if (txt_records.empty()) {
        out.errors.push_back({"workd.dns.dkim.missing", ""});
        return out;
    }
    // A verifier may take any one of several records (§3.6.2.2), so each must be right.
    if (txt_records.size() > 1)
        add(out.warnings, {"workd.dns.dkim.multiple", std::to_string(txt_records.size())});
    auto ours = core::Base64Decode(RemoveWhitespace(our_public_key), core::Base64Variant::kStandard,
                                   kMaxKeyBytes);
    for (const auto& txt : txt_records) {
        DkimParse parsed = ParseDkimKey(txt);
        if (!parsed.record) {
            add(out.errors, parsed.error);
            continue;
        }
        const auto& rec = *parsed.record;
        if (rec.public_key.empty()) {
            add(out.errors, {"workd.dns.dkim.revoked", ""});
            continue;
        }
        if (rec.key_type != "rsa") {
            add(out.errors, {"workd.dns.dkim.wrong_key_type", rec.key_type});
            continue;
        }
        auto theirs =
            core::Base64Decode(rec.public_key, core::Base64Variant::kStandard, kMaxKeyBytes);
        if (!ours || !theirs || !core::ConstantTimeEqual(*ours, *theirs)) {
            add(out.errors, {"workd.dns.dkim.mismatch", ""});
            continue;
        }
        if (rec.testing) add(out.warnings, {"workd.dns.dkim.testing", ""});
    }
    out.ok = out.errors.empty();
    return out;
}

// ---- DMARC ----

DmarcParse ParseDmarc(std::string_view txt) {
    DmarcParse out;
    auto fail = [&](std::string key, std::string detail) {
        out.error = {std::move(key), SafeDetail(detail)};
        out.warnings.clear();
        return out;
    };
    if (txt.size() > kMaxTxtBytes) return fail("workd.dns.dmarc.too_large", "");
    if (!IsDmarcRecord(txt))
        return fail("workd.dns.dmarc.not_dmarc", std::string(txt.substr(0, 64)));
    TagList list = ParseTagList(txt, "workd.dns.dmarc.", true);
    if (!list.ok()) return fail(list.error.key, list.error.detail);
    DmarcRecord rec;
    const auto* p = Tag(list, "p");
    if (!p) return fail("workd.dns.dmarc.missing_policy", "");
    auto policy_ok = [](const std::string& v) {
        return v == "none" || v == "quarantine" || v == "reject";
    };
    rec.policy = core::ToLower(*p);
    if (!policy_ok(rec.policy)) return fail("workd.dns.dmarc.bad_policy", *p);
    for (const auto& [name, value] : list.tags) {
        if (name == "v" || name == "p") continue;
        if (name == "sp") {
            rec.subdomain_policy = core::ToLower(value);
            if (!policy_ok(rec.subdomain_policy)) return fail("workd.dns.dmarc.bad_policy", value);
        } else if (name == "pct") {
            auto n = SmallNumber(value, 100);
            if (!n) return fail("workd.dns.dmarc.bad_pct", value);
            rec.pct = *n;
        } else if (name == "adkim" || name == "aspf") {
            std::string v = core::ToLower(value);
            if (v != "r" && v != "s")
                return fail("workd.dns.dmarc.bad_alignment", name + "=" + value);
            (name == "adkim" ? rec.adkim : rec.aspf) = v[0];
        } else if (name == "fo") {
            for (const auto& o : core::Split(value, ':')) {
                std::string t = core::Trim(o);
                if (t != "0" && t != "1" && t != "d" && t != "s")
                    return fail("workd.dns.dmarc.bad_fo", value);
            }
            rec.fo = value;
        } else if (name == "rua" || name == "ruf") {
            auto& list_out = name == "rua" ? rec.rua : rec.ruf;
            for (const auto& u : core::Split(value, ',')) {
                std::string uri = core::Trim(u);
                if (!ValidDmarcUri(uri)) return fail("workd.dns.dmarc.bad_uri", uri);
                list_out.push_back(uri);
            }
        } else if (name == "rf") {
            for (const auto& f : core::Split(value, ':')) {
                std::string t = core::Trim(f);
                if (t.empty() ||
                    !std::all_of(t.begin(), t.end(), [](char c) { return IsAlnum(c) || c == '-'; }))
                    return fail("workd.dns.dmarc.syntax", "rf=" + value);
            }
            rec.rf = value;
        } else if (name == "ri") {
            auto n = SmallNumber(value, 999999999);
            if (!n) return fail("workd.dns.dmarc.syntax", "ri=" + value);
            rec.ri = *n;
        } else {
            if (out.warnings.size() < kMaxFindings)
                out.warnings.push_back({"workd.dns.dmarc.unknown_tag", SafeDetail(name)});
        }
    }
    if (rec.policy == "none") out.warnings.push_back({"workd.dns.dmarc.policy_none", ""});
    if (rec.pct < 100)
        out.warnings.push_back({"workd.dns.dmarc.partial_pct", std::to_string(rec.pct)});
    if (rec.rua.empty()) out.warnings.push_back({"workd.dns.dmarc.no_reports", ""});
    out.record = std::move(rec);
    return out;
}

DmarcParse SelectDmarc(const std::vector<std::string>& txt_records) {
    DmarcParse out;
    if (TotalSize(txt_records) > kMaxTxtBytes) {
        out.error = {"workd.dns.dmarc.too_large", ""};
        return out;
    }
    const std::string* found = nullptr;
    int count = 0;
    for (const auto& t : txt_records) {
        if (IsDmarcRecord(t)) {
            found = &t;
            ++count;
        }
    }
    if (count == 0) {
        out.error = {"workd.dns.dmarc.missing", ""};
        return out;
    }
    if (count > 1) {
        out.error = {"workd.dns.dmarc.multiple", std::to_string(count)};
        return out;
    }
    return ParseDmarc(*found);
}

// ---- ownership ----

std::string ChallengeValue(std::string_view token) {
    return "token=" + std::string(token);
}

bool ChallengeMatches(const std::vector<std::string>& txt_records, std::string_view token) {
    if (token.empty() || TotalSize(txt_records) > kMaxTxtBytes) return false;
    bool found = false;
    for (const auto& t : txt_records) {
        // "token=<token>" then the end or a space before further key=value pairs.
        std::string_view v = t;
        size_t end = v.find(' ');
        std::string_view first = v.substr(0, end);
        if (!core::StartsWith(first, "token=")) continue;
        if (core::ConstantTimeEqual(first.substr(6), token)) found = true;
    }
    return found;
}

// ---- expected records ----

std::string DkimRecordValue(std::string_view public_key) {
    return "v=DKIM1; k=rsa; p=" + std::string(public_key);
}

std::vector<ExpectedRecord> ExpectedRecords(const DomainSetup& s) {
    const std::string d = DropTrailingDot(s.domain);
    const MailHosts& h = s.hosts;
    std::vector<ExpectedRecord> out;
    if (s.own_domain)
        out.push_back({"_workd-challenge." + d, "TXT", ChallengeValue(s.verification_token), true,
                       "workd.dns.purpose.ownership"});
    out.push_back({d, "MX", std::to_string(h.mx_preference) + " " + h.mx_host + ".", true,
                   "workd.dns.purpose.mx"});
    // ~all rather than -all: an agency may send from places it has not listed yet, and DMARC
    // carries the policy for what fails.
    out.push_back(
        {d, "TXT", "v=spf1 include:" + h.spf_include + " ~all", true, "workd.dns.purpose.spf"});
    out.push_back({s.dkim_selector + "._domainkey." + d, "TXT", DkimRecordValue(s.dkim_public_key),
                   true, "workd.dns.purpose.dkim"});
    std::string dmarc = "v=DMARC1; p=quarantine; adkim=r; aspf=r";
    if (!h.dmarc_rua.empty()) dmarc += "; rua=mailto:" + h.dmarc_rua;
    // Required to exist (issue 18); the checker accepts any valid policy and warns on p=none.
    out.push_back({"_dmarc." + d, "TXT", dmarc, true, "workd.dns.purpose.dmarc"});
    // Client discovery (workd.md §2.3): advice, the service works without it.
    if (!h.autoconfig_host.empty())
        out.push_back({"autoconfig." + d, "CNAME", h.autoconfig_host + ".", false,
                       "workd.dns.purpose.autoconfig"});
    if (!h.autodiscover_host.empty()) {
        out.push_back({"autodiscover." + d, "CNAME", h.autodiscover_host + ".", false,
                       "workd.dns.purpose.autodiscover"});
        out.push_back({"_autodiscover._tcp." + d, "SRV", "0 1 443 " + h.autodiscover_host + ".",
                       false, "workd.dns.purpose.srv_autodiscover"});
    }
    if (!h.submission_host.empty())
        out.push_back({"_submission._tcp." + d, "SRV", "0 1 587 " + h.submission_host + ".", false,
                       "workd.dns.purpose.srv_submission"});
    if (!h.imap_host.empty())
        out.push_back({"_imaps._tcp." + d, "SRV", "0 1 993 " + h.imap_host + ".", false,
                       "workd.dns.purpose.srv_imaps"});
    return out;
}

std::string ZoneFragment(std::string_view domain, const std::vector<ExpectedRecord>& records,
                         int ttl) {
    auto bad = [](const std::string& what) {
        throw std::invalid_argument("zone fragment: " + what);
    };
    if (!IsHostName(domain)) bad("domain");
    if (ttl < 0 || ttl > 604800) bad("ttl");
    auto target = [&](std::string_view t, bool root_ok) {
        if (root_ok && t == ".") return;
        if (t.size() < 2 || t.back() != '.' || !IsHostName(t)) bad("target");
    };
    std::string out = "; workD records for " + DropTrailingDot(domain) +
                      " (written by govhub: edits here are overwritten)\n";
    for (const auto& r : records) {
        if (!IsHostName(r.name)) bad("name");
        std::string value;
        auto fields = core::Split(r.value, ' ');
        if (r.type == "TXT") {
            value = QuoteTxt(r.value);
        } else if (r.type == "CNAME") {
            target(r.value, false);
            value = r.value;
        } else if (r.type == "MX") {
            if (fields.size() != 2 || !SmallNumber(fields[0], 65535)) bad("mx");
            target(fields[1], true);
            value = r.value;
        } else if (r.type == "SRV") {
            if (fields.size() != 4) bad("srv");
            for (int i = 0; i < 3; ++i)
                if (!SmallNumber(fields[i], 65535)) bad("srv");
            target(fields[3], true);
            value = r.value;
        } else {
            bad("type");
        }
        out += DropTrailingDot(r.name) + ". " + std::to_string(ttl) + " IN " + r.type + " " +
               value + "\n";
    }
    return out;
}

// ---- names ----

bool IsHostName(std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    if (name.empty() || name.size() > 253) return false;
    for (const auto& label : core::Split(name, '.')) {
        if (label.empty() || label.size() > 63) return false;
        for (char c : label)
            if (!IsAlnum(c) && c != '-' && c != '_') return false;
    }
    return true;
}

LabelCheck CheckSubdomainLabel(std::string_view typed, std::string_view zone,
                               const std::vector<std::string>& extra_reserved) {
    std::string label = core::ToLower(core::Trim(typed));
    if (label.empty()) return {"", "workd.dns.label.empty"};
    if (NonAscii(label)) return {"", "workd.dns.label.idn"};
    if (label.size() > 63) return {"", "workd.dns.label.too_long"};
    if (!std::all_of(label.begin(), label.end(), [](char c) { return IsAlnum(c) || c == '-'; }))
        return {"", "workd.dns.label.characters"};
    if (label.front() == '-' || label.back() == '-') return {"", "workd.dns.label.hyphen_edge"};
    // "xn--" and every other "??--" are reserved for IDNA (RFC 5891 §4.2.3.1).
    if (label.size() >= 4 && label[2] == '-' && label[3] == '-')
        return {"", "workd.dns.label.punycode"};
    if (kReservedLabels.contains(label) || NumberedHost(label))
        return {"", "workd.dns.label.reserved"};
    for (const auto& r : extra_reserved)
        if (core::IEquals(r, label)) return {"", "workd.dns.label.reserved"};
    if (label.size() + 1 + DropTrailingDot(zone).size() > 253)
        return {"", "workd.dns.label.too_long"};
    return {label, ""};
}

LabelCheck CheckDomainName(std::string_view typed) {
    std::string name = core::ToLower(DropTrailingDot(core::Trim(typed)));
    if (name.empty()) return {"", "workd.dns.domain.empty"};
    if (NonAscii(name)) return {"", "workd.dns.domain.idn"};
    if (name.size() > 253) return {"", "workd.dns.domain.too_long"};
    auto labels = core::Split(name, '.');
    for (const auto& l : labels)
        if (!IsLdhLabel(l)) return {"", "workd.dns.domain.characters"};
    // At least a name and a top level, and a top level that is not a number (an IP address).
    const std::string& top = labels.back();
    if (labels.size() < 2 || std::all_of(top.begin(), top.end(), [](char c) { return IsDigit(c); }))
        return {"", "workd.dns.domain.not_fqdn"};
    return {name, ""};
}

// ---- the name a request asks for ----

std::string RequestedName::Key() const {
    switch (refusal) {
        case NameRefusal::kNone:
            return "";
        case NameRefusal::kBadKind:
            return "workd.domain.bad_kind";
        case NameRefusal::kNaming:
            return naming_key;
        case NameRefusal::kRegistryZone:
            return "workd.domain.registry_zone";
        case NameRefusal::kInZone:
            return "workd.domain.in_zone";
        case NameRefusal::kTaken:
            return "workd.domain.taken";
    }
    return "";
}

std::string RequestedName::FormKey() const {
    switch (refusal) {
        case NameRefusal::kNone:
            return "";
        case NameRefusal::kBadKind:
            return "workd.form.error.domain_kind";
        case NameRefusal::kNaming:
            return naming_key;
        case NameRefusal::kRegistryZone:
            return "workd.form.error.own_registry_zone";
        case NameRefusal::kInZone:
            return "workd.form.error.own_in_zone";
        case NameRefusal::kTaken:
            return "workd.form.error.domain_taken";
    }
    return "";
}

RequestedName CheckRequestedName(std::string_view kind, std::string_view typed,
                                 std::string_view zone,
                                 const std::function<bool(const std::string&)>& taken) {
    RequestedName out;
    const std::string platform = core::ToLower(DropTrailingDot(core::Trim(zone)));
    if (kind == "subdomain") {
        auto label = CheckSubdomainLabel(typed, platform);
        if (!label.error_key.empty()) {
            out.refusal = NameRefusal::kNaming;
            out.naming_key = label.error_key;
            return out;
        }
        out.normalised = label.label;
        out.name = label.label + "." + platform;
    } else if (kind == "own") {
        auto domain = CheckDomainName(typed);
        if (!domain.error_key.empty()) {
            out.refusal = NameRefusal::kNaming;
            out.naming_key = domain.error_key;
            return out;
        }
        out.normalised = out.name = domain.label;
        // A registry's zone is no agency's own: a bare TLD, or a Thai second level.
        static constexpr std::string_view kRegistryZones[] = {"go.th", "or.th", "ac.th", "co.th",
                                                              "in.th", "mi.th", "net.th"};
        bool registry = out.name.find('.') == std::string::npos;
        for (auto z : kRegistryZones)
            if (out.name == z) registry = true;
        if (registry) {
            out.refusal = NameRefusal::kRegistryZone;
            return out;
        }
        // The platform's zone is ours: a name under it is asked for as a subdomain.
        if (!platform.empty() && (out.name == platform || out.name.ends_with("." + platform))) {
            out.refusal = NameRefusal::kInZone;
            return out;
        }
    } else {
        out.refusal = NameRefusal::kBadKind;
        return out;
    }
    if (taken && taken(out.name)) out.refusal = NameRefusal::kTaken;
    return out;
}

}  // namespace govhub::workd

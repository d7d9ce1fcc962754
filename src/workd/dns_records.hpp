#pragma once
// workD's DNS records as text: the SPF (RFC 7208), DKIM key (RFC 6376 §3.6.1) and DMARC
// (RFC 7489 §6.3) parsers the checker judges an agency's answers with, the records govhub asks
// an agency to publish (and the BIND zone fragment for a subdomain of the platform's zone), and
// the naming rule for those subdomains. Pure text in, text out: no DNS queries here (the resolver
// is resolver.hpp), so every rule can be tested and fuzzed on its own.
//
// Every refusal or remark is a Finding: an i18n key ("workd.dns.spf.syntax") and the part of the
// record it is about, which the status page shows beside the key's words.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace govhub::workd {

// A name's whole TXT record set is at most ~64 KiB on the wire; anything longer is refused
// before it is parsed (an answer is outside input).
inline constexpr size_t kMaxTxtBytes = 64 * 1024;

struct Finding {
    std::string key;     // i18n key, "workd.dns.<record>.<what>"
    std::string detail;  // the term, tag or value concerned; may be empty
    bool operator==(const Finding&) const = default;
};

// ---- TXT text ---------------------------------------------------------------------------------

// One TXT record's character-strings joined without separators (RFC 7208 §3.3, RFC 6376 §3.6.2.2).
std::string JoinTxtStrings(const std::vector<std::string>& strings);
// What people paste from a zone file or a DNS panel: `"v=DKIM1; k=rsa; " "p=MIIB..."`, with
// \" \\ and \DDD escapes, back to the record's text. Text without quotes is taken as it is
// (trimmed). nullopt for an unterminated quote or a bad escape.
std::optional<std::string> UnquoteTxt(std::string_view presentation);
// The zone-file form of a TXT value: quoted character-strings of at most 255 bytes, '"' and '\'
// escaped, bytes outside printable ASCII as \DDD, so no value can end the line or the record.
std::string QuoteTxt(std::string_view value);

// ---- SPF (RFC 7208) ---------------------------------------------------------------------------

inline constexpr int kMaxSpfLookups = 10;  // §4.6.4
inline constexpr int kMaxSpfVoidLookups = 2;

struct SpfTerm {
    enum class Kind { kMechanism, kModifier };
    Kind kind = Kind::kMechanism;
    char qualifier = '+';  // + - ~ ? (mechanisms; '+' when not written)
    std::string name;      // lower case: all include a mx ptr ip4 ip6 exists | redirect exp | other
    std::string value;     // after ':' or '=' (domain-spec, network), without the CIDR lengths
    std::string cidr;      // "/24", "//64", "/24//64" as written, or empty
    std::string text;      // the term as written
};

struct SpfRecord {
    std::vector<SpfTerm> terms;
};

struct SpfParse {
    std::optional<SpfRecord> record;  // set when the record parses
    Finding error;                    // otherwise why not (workd.dns.spf.*)
};

// Whether a TXT string is an SPF record at all: "v=spf1" then a space or the end (§4.5).
bool IsSpfRecord(std::string_view txt);
// The record's terms, or the first syntax error (a permerror for a receiver).
SpfParse ParseSpf(std::string_view txt);
// The one SPF record among a name's TXT records (each already joined): "workd.dns.spf.missing"
// when there is none, "workd.dns.spf.multiple" when there are two or more (§4.5: permerror).
SpfParse SelectSpf(const std::vector<std::string>& txt_records);
// The terms of one record that make a DNS query and count towards the limit of 10: include, a,
// mx, ptr, exists and redirect (redirect only when there is no "all", §6.1).
int CountSpfLookups(const SpfRecord& record);

// The TXT records of a name (each joined), nullopt when the name has none or does not exist
// (a "void lookup", §4.6.4). The checker passes a function that asks the resolver.
using TxtFetcher = std::function<std::optional<std::vector<std::string>>(std::string_view name)>;

struct SpfLookupCount {
    int lookups = 0;              // DNS-querying terms over the record and what it includes
    int void_lookups = 0;         // includes/redirects whose name has no TXT at all
    std::vector<Finding> errors;  // too_many_lookups, include_missing, loop, include_syntax, ...
    bool over_limit() const { return lookups > kMaxSpfLookups; }
};

// Counts lookups the way a receiver evaluates them, following include: and redirect= through
// `fetch`. It stops fetching once the count passes the limit (the answer is then known) and
// never fetches more than 2 × the limit names, so a hostile chain costs a bounded number of
// queries. Names with macros (%{d}) cannot be followed without a message and count once.
SpfLookupCount CountSpfLookupsRecursive(const SpfRecord& record, const TxtFetcher& fetch);

// Whether the record lets our platform send: a pass-qualified include:<domain> (or
// redirect=<domain>) that a receiver reaches, i.e. before any "all" term. Case and a trailing
// dot do not matter. With `fetch`, it also looks inside the record's own pass-qualified
// includes and redirect (an agency that keeps its senders in `include:_spf.agency.go.th`),
// fetching at most 10 names.
bool SpfAuthorisesInclude(const SpfRecord& record, std::string_view include_domain,
                          const TxtFetcher* fetch = nullptr);

// ---- DKIM key records (RFC 6376 §3.6.1) -------------------------------------------------------

struct DkimKeyRecord {
    std::string version;          // "DKIM1" or empty when v= is absent
    std::string key_type;         // k=, "rsa" by default
    std::string public_key;       // p= with whitespace removed; empty = revoked
    std::string hash_algorithms;  // h=
    std::string service_types;    // s=
    std::string flags;            // t=
    bool testing = false;         // t=y
};

struct DkimParse {
    std::optional<DkimKeyRecord> record;
    Finding error;  // workd.dns.dkim.*
};

// A tag=value list (RFC 6376 §3.2): tags once each, whitespace around tags and inside values
// folded. Refuses duplicate tags, v= that is not first or not "DKIM1", a missing p=, a k= other
// than rsa/ed25519 and a p= that is not base64 (an empty p= parses: the key is revoked).
DkimParse ParseDkimKey(std::string_view txt);

struct DkimCheck {
    bool ok = false;
    std::vector<Finding> errors;    // missing, syntax, revoked, wrong_key_type, mismatch, ...
    std::vector<Finding> warnings;  // testing (t=y), multiple records
};

// Judges the TXT records found at `<selector>._domainkey.<domain>` (each joined) against our
// public key (base64 DER SubjectPublicKeyInfo; whitespace and line breaks ignored, the decoded
// bytes compared).
DkimCheck CheckDkim(const std::vector<std::string>& txt_records, std::string_view our_public_key);

// ---- DMARC (RFC 7489 §6.3) --------------------------------------------------------------------

struct DmarcRecord {
    std::string policy;            // p: none | quarantine | reject
    std::string subdomain_policy;  // sp, empty = as p
    std::vector<std::string> rua;  // the URIs as written (mailto:...)
    std::vector<std::string> ruf;
    int pct = 100;
    char adkim = 'r';
    char aspf = 'r';
    std::string fo = "0";
    std::string rf = "afrf";
    long long ri = 86400;
};

struct DmarcParse {
    std::optional<DmarcRecord> record;
    Finding error;                  // workd.dns.dmarc.*
    std::vector<Finding> warnings;  // policy_none, partial_pct, unknown_tag, no_reports
};

// v=DMARC1 first (exactly), then tags in any order, each at most once; values checked (p/sp,
// pct 0–100, adkim/aspf r|s, fo 0|1|d|s joined by ':', rua/ruf mailto: URIs with an optional
// !size). Unknown tags are a warning, as receivers ignore them.
DmarcParse ParseDmarc(std::string_view txt);
// The one DMARC record among `_dmarc.<domain>`'s TXT records: missing, or multiple (§6.6.3:
// no policy at all then).
DmarcParse SelectDmarc(const std::vector<std::string>& txt_records);

// ---- Ownership token ---------------------------------------------------------------------------

// The value asked for at `_workd-challenge.<domain>`: "token=<token>" (the draft on domain
// verification techniques: the token first, other key=value pairs may follow).
std::string ChallengeValue(std::string_view token);
// Whether any of the records (each joined) carries the token (compared in constant time).
bool ChallengeMatches(const std::vector<std::string>& txt_records, std::string_view token);

// ---- What an agency publishes -------------------------------------------------------------------

// The platform's mail hosts (configuration), absolute names without the trailing dot.
struct MailHosts {
    std::string mx_host;  // mx.mail.go.th
    int mx_preference = 10;
    std::string spf_include;        // _spf.mail.go.th
    std::string imap_host;          // imap.mail.go.th (993, implicit TLS)
    std::string submission_host;    // smtp.mail.go.th (587, STARTTLS)
    std::string autoconfig_host;    // autoconfig.mail.go.th (Thunderbird)
    std::string autodiscover_host;  // autodiscover.mail.go.th (Outlook)
    std::string dmarc_rua;          // mailto: address for aggregate reports, may be empty
};

struct DomainSetup {
    std::string domain;      // agency.go.th, or label.mail.go.th
    bool own_domain = true;  // false for a subdomain of the platform's zone: no ownership token
    MailHosts hosts;
    std::string dkim_selector;
    std::string dkim_public_key;  // base64 SPKI
    std::string verification_token;
};

struct ExpectedRecord {
    std::string name;      // absolute, without the trailing dot
    std::string type;      // TXT MX CNAME SRV
    std::string value;     // TXT: the text itself (unquoted); MX: "10 host."; CNAME: "host.";
                           // SRV: "0 1 587 host."
    bool required = true;  // needed before the service opens (client records are advice)
    std::string purpose;   // i18n key, workd.dns.purpose.*
};

std::vector<ExpectedRecord> ExpectedRecords(const DomainSetup& setup);
// "v=DKIM1; k=rsa; p=<key>"
std::string DkimRecordValue(std::string_view public_key);

// The BIND lines govhub writes for the operator's DNS server (one line per record, absolute
// names, TXT quoted and split by QuoteTxt), headed by a comment naming the domain. Throws
// std::invalid_argument when a name, target or number is not what the type takes, so nothing
// from a form can add a line of its own to the zone.
std::string ZoneFragment(std::string_view domain, const std::vector<ExpectedRecord>& records,
                         int ttl = 3600);

// ---- Names --------------------------------------------------------------------------------------

struct LabelCheck {
    std::string label;      // lower-cased, trimmed, when ok
    std::string error_key;  // empty when ok: workd.dns.label.*
};

// The label an agency asks for under the platform's zone (`<label>.mail.go.th`): ASCII letters,
// digits and hyphens only, 1–63, no hyphen first or last, lower-cased. Thai (IDN) names are
// refused, punycode ("xn--") too: a mailbox under an IDN needs SMTPUTF8 everywhere it is written
// to, which government correspondents cannot count on. Reserved labels (www, mail, admin, smtp,
// imap, pop, ns1, ...) and `extra_reserved` are refused; `zone` bounds the whole name to 253.
LabelCheck CheckSubdomainLabel(std::string_view typed, std::string_view zone,
                               const std::vector<std::string>& extra_reserved = {});
// An agency's own domain: at least two labels of letters, digits and hyphens (A-labels allowed),
// at most 253, lower-cased, trailing dot dropped. Same result shape, keys workd.dns.domain.*.
LabelCheck CheckDomainName(std::string_view typed);
// Whether `name` is a plain host name (LDH labels, underscores allowed for _dmarc and SRV
// owners), at most 253 bytes: what ZoneFragment accepts.
bool IsHostName(std::string_view name);

// ---- The name a request asks for
// ----------------------------------------------------------------- One rule for "may this name be
// asked for": the request form's check (form.cpp Validate), the form's live check
// (DomainService::Available, GET /api/workd/availability) and the approval's reservation
// (DomainService::OnApproved) all call CheckRequestedName, so they cannot disagree.

enum class NameRefusal {
    kNone,
    kBadKind,       // kind is neither "subdomain" nor "own"
    kNaming,        // the naming rule (naming_key: workd.dns.label.* / workd.dns.domain.*)
    kRegistryZone,  // own: a registry's zone (a bare TLD, or go.th, ac.th, ... ), no agency's
    kInZone,        // own: the platform's zone or a name under it (asked for as a subdomain)
    kTaken,         // a live domain holds the name
};

struct RequestedName {
    NameRefusal refusal = NameRefusal::kNone;
    std::string naming_key;  // kNaming: the naming rule's key
    // Once the naming rule passed (even when refused later): the label (subdomain) or the
    // domain (own) as it is stored, lower-cased and trimmed; and the full name
    // (`<label>.<zone>` or the domain), lower-case, no trailing dot.
    std::string normalised;
    std::string name;

    bool ok() const { return refusal == NameRefusal::kNone; }
    // The refusal as an i18n key for the API and the reservation: the naming key,
    // workd.domain.bad_kind, workd.domain.registry_zone, workd.domain.in_zone or
    // workd.domain.taken; "" when ok.
    std::string Key() const;
    // The same refusal in the request form's words (a field's error under the form's choices):
    // the naming key, workd.form.error.domain_kind, own_registry_zone, own_in_zone or
    // domain_taken; "" when ok.
    std::string FormKey() const;
};

// Whether `typed` may be asked for as a domain of `kind` ("subdomain": a label under `zone`;
// "own": the agency's own domain), given the platform's `zone` and `taken` (whether a live
// domain holds a full name; not asked unless every other rule passed; may be empty: nothing
// taken). Checks in this order: the kind, the naming rule, the registry zones, the platform's
// zone, taken. Pure but for `taken`.
RequestedName CheckRequestedName(std::string_view kind, std::string_view typed,
                                 std::string_view zone,
                                 const std::function<bool(const std::string&)>& taken);

}  // namespace govhub::workd

#pragma once
// workD's DNS client (issue 18, domains): asks one question (TXT, MX, CNAME, SRV, A or AAAA) of
// the configured resolver through c-ares and says what came back — the records, or why there are
// none (nxdomain, nodata, servfail, refused, timeout, a malformed answer, another error) with a
// text for the logs. The DNS checker reads agencies' records with it; it caches nothing (the
// checker runs on a schedule and wants what the DNS says now).
//
// Query() blocks the calling thread until the answer or the timeout. Each call builds its own
// c-ares channel (reads /etc/resolv.conf when no servers are set, opens one UDP socket, maybe one
// TCP) and tears it down, so calls from many threads share nothing: about 50 µs and two system
// files per call on top of the round trip, cheap next to a network round trip.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/enum_text.hpp"

namespace govhub::workd {

enum class DnsType { kA, kAaaa, kCname, kMx, kSrv, kTxt };
inline constexpr auto kDnsTypeText = core::MakeEnumText<DnsType>({{DnsType::kA, "A"},
                                                                  {DnsType::kAaaa, "AAAA"},
                                                                  {DnsType::kCname, "CNAME"},
                                                                  {DnsType::kMx, "MX"},
                                                                  {DnsType::kSrv, "SRV"},
                                                                  {DnsType::kTxt, "TXT"}});

enum class DnsStatus {
    kOk,         // at least one record of the asked type
    kNxdomain,   // the name does not exist
    kNodata,     // the name exists but has no record of this type
    kServfail,   // the resolver could not get an answer (broken zone, DNSSEC failure ...)
    kRefused,    // the resolver will not answer us (not allowed to recurse for us)
    kTimeout,    // no answer within timeout × tries
    kMalformed,  // an answer came that cannot be read, or one bigger than we take
    kError,      // anything else: unreachable resolver, a name that cannot be asked, ...
};
inline constexpr auto kDnsStatusText =
    core::MakeEnumText<DnsStatus>({{DnsStatus::kOk, "ok"},
                                   {DnsStatus::kNxdomain, "nxdomain"},
                                   {DnsStatus::kNodata, "nodata"},
                                   {DnsStatus::kServfail, "servfail"},
                                   {DnsStatus::kRefused, "refused"},
                                   {DnsStatus::kTimeout, "timeout"},
                                   {DnsStatus::kMalformed, "malformed"},
                                   {DnsStatus::kError, "error"}});

struct MxRecord {
    int preference = 0;
    std::string host;  // without the trailing dot
    bool operator==(const MxRecord&) const = default;
};

struct SrvRecord {
    int priority = 0;
    int weight = 0;
    int port = 0;
    std::string target;  // "" for "." (service not offered, RFC 2782)
    bool operator==(const SrvRecord&) const = default;
};

struct DnsAnswer {
    DnsStatus status = DnsStatus::kError;
    // For the logs: the question and what went wrong ("TXT _dmarc.example.go.th: servfail ...").
    std::string detail;
    // TXT: one string per record, its character-strings joined with nothing between them
    // (RFC 7208 §3.3); CNAME: the targets; A/AAAA: the addresses as text.
    std::vector<std::string> texts;
    std::vector<MxRecord> mx;
    std::vector<SrvRecord> srv;
    // Records beyond the limits were left out (see ResolverOptions).
    bool cut = false;

    bool ok() const { return status == DnsStatus::kOk; }
};

struct ResolverOptions {
    // "" = the system's resolvers (/etc/resolv.conf); else "host[:port][,host[:port]]...",
    // IPv6 as "[::1]:53". Operators set it to a validating resolver of their own.
    std::string servers;
    std::chrono::milliseconds timeout{2000};  // first try; c-ares doubles it on each retry
    int tries = 2;
    // Bounds on what one answer may bring in (an answer is outside input): records taken, and
    // bytes of text across them. The rest is dropped and `cut` is set.
    size_t max_records = 32;
    size_t max_text_bytes = 16 * 1024;
};

class Resolver {
  public:
    // Throws std::invalid_argument for a servers text c-ares cannot read or bad limits.
    explicit Resolver(ResolverOptions options = {});
    // Asks `type` for `name` ("example.go.th", a trailing dot is allowed). Never throws for
    // anything the network or the answer does (std::bad_alloc aside).
    DnsAnswer Query(std::string_view name, DnsType type) const;
    const ResolverOptions& options() const { return options_; }

  private:
    ResolverOptions options_;
};

// Reads a raw DNS response to a `type` question into a DnsAnswer, within `options`' bounds: the
// part of Query() that reads outside bytes (fuzz/targets/workd_dns_answer.cpp). The response
// code decides nxdomain/servfail/refused; NOERROR without a record of the type is nodata.
DnsAnswer ReadDnsAnswer(const uint8_t* data, size_t size, DnsType type,
                        const ResolverOptions& options);

}  // namespace govhub::workd

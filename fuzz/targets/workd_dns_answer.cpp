// A DNS server's reply as workD's resolver reads it (workd/resolver.hpp: ReadDnsAnswer, c-ares'
// ares_parse_*_reply and name decompression, then the bounds and conversion). The first byte
// picks the question's type (mod 6: A, AAAA, CNAME, MX, SRV, TXT) and the record limit; the rest
// is the raw response. The answer must stay within the limits, and "ok" must carry records.
#include "fuzz_target.hpp"
#include "workd/resolver.hpp"

GOVHUB_FUZZ_TARGET(workd_dns_answer) {
    using namespace govhub::workd;
    if (size == 0) return;
    const auto type = static_cast<DnsType>(data[0] % 6);
    ResolverOptions options;
    options.max_records = 1 + (data[0] / 6) % 40;
    options.max_text_bytes = 2048;
    auto answer = ReadDnsAnswer(data + 1, size - 1, type, options);

    size_t records = answer.texts.size() + answer.mx.size() + answer.srv.size(), bytes = 0;
    for (const auto& t : answer.texts) bytes += t.size();
    for (const auto& m : answer.mx) bytes += m.host.size();
    for (const auto& s : answer.srv) bytes += s.target.size();
    if (records > options.max_records || bytes > options.max_text_bytes) __builtin_trap();
    if (answer.ok() && records == 0 && !answer.cut) __builtin_trap();
    if (!answer.ok() && records != 0) __builtin_trap();
    // Each list holds only what its type asks for.
    if ((type != DnsType::kMx && !answer.mx.empty()) ||
        (type != DnsType::kSrv && !answer.srv.empty()))
        __builtin_trap();
}

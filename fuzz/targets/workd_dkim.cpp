// workD's DKIM check reads the TXT records at an agency's selector, often pasted in zone-file
// form (quoted strings), and compares the key with ours (workd/dns_records.hpp). The input is
// such text. Only our own key may pass, quoting must round-trip, and a zone fragment line holds
// any value without a line break of its own.
#include <algorithm>

#include "core/crypto.hpp"
#include "fuzz_target.hpp"
#include "workd/dns_records.hpp"

GOVHUB_FUZZ_TARGET(workd_dkim) {
    using namespace govhub::workd;
    // A real public key (1024 bits, from dkim_key_test.cpp) stands in for ours.
    static const std::string ours =
        "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCqz2e3h4IIBFspuC2V43VFmVf0rQQ34Ku6ZCfS2qC8r2mhzsu9"
        "05vAGXBzyjXdyYJuhr89zBxbKGT7ar2htWPhYhtRxRIl3yic41USTkFy9/KjxvfzZcoy3eGUH2hvO103qXZSry09"
        "dZBrN8DPF6Bsi2ai9WfshhmvISZZT4tt0QIDAQAB";
    static const std::string our_der = *govhub::core::Base64Decode(ours);
    auto text = govhub::fuzz::AsText(data, size);
    if (text.size() > kMaxTxtBytes + 16) return;
    auto joined = UnquoteTxt(text);
    std::string record = joined ? *joined : std::string(text);
    DkimParse parsed = ParseDkimKey(record);
    if (!parsed.record && parsed.error.key.empty()) __builtin_trap();
    DkimCheck check = CheckDkim({record}, ours);
    if (check.ok != check.errors.empty()) __builtin_trap();
    if (check.ok) {
        // Only a record whose p= decodes to our key passes.
        if (!parsed.record) __builtin_trap();
        auto der = govhub::core::Base64Decode(parsed.record->public_key);
        if (!der || *der != our_der) __builtin_trap();
    }
    // Quoting round-trips whatever the bytes.
    std::string quoted = QuoteTxt(record);
    auto back = UnquoteTxt(quoted);
    if (!back || *back != record) __builtin_trap();
    // The value as a TXT line of a zone fragment: one header line and one record line.
    std::string zone =
        ZoneFragment("a.mail.go.th", {{"sel._domainkey.a.mail.go.th", "TXT", record}});
    if (std::count(zone.begin(), zone.end(), '\n') != 2) __builtin_trap();
}

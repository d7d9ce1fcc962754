// workD's DMARC check reads the TXT records at `_dmarc.<domain>` (workd/dns_records.hpp), and
// the request form's subdomain label and own domain go through the naming rules. The input is
// TXT records, one per line. A parsed record holds only values the RFC allows, and an accepted
// name is a host name.
#include "fuzz_target.hpp"
#include "workd/dns_records.hpp"

GOVHUB_FUZZ_TARGET(workd_dmarc) {
    using namespace govhub::workd;
    auto text = govhub::fuzz::AsText(data, size);
    if (text.size() > kMaxTxtBytes + 16) return;
    auto fields = govhub::fuzz::Fields(text, 8);
    std::vector<std::string> records(fields.begin(), fields.end());
    for (const auto& r : records) {
        DmarcParse p = ParseDmarc(r);
        if (!p.record) {
            if (p.error.key.empty() || !p.warnings.empty()) __builtin_trap();
            continue;
        }
        const auto& d = *p.record;
        auto policy_ok = [](const std::string& v) {
            return v == "none" || v == "quarantine" || v == "reject";
        };
        if (!policy_ok(d.policy) || (!d.subdomain_policy.empty() && !policy_ok(d.subdomain_policy)))
            __builtin_trap();
        if (d.pct < 0 || d.pct > 100 || (d.adkim != 'r' && d.adkim != 's') ||
            (d.aspf != 'r' && d.aspf != 's'))
            __builtin_trap();
        for (const auto& u : d.rua)
            if (u.size() < 7) __builtin_trap();
    }
    SelectDmarc(records);
    for (const auto& r : records) {
        auto label = CheckSubdomainLabel(r, "mail.go.th");
        if (label.error_key.empty() && (!IsHostName(label.label) || label.label.size() > 63))
            __builtin_trap();
        auto domain = CheckDomainName(r);
        if (domain.error_key.empty() && !IsHostName(domain.label)) __builtin_trap();
    }
}

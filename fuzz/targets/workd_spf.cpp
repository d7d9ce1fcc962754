// workD's SPF checker reads an agency's TXT records and, through include: and redirect=, the
// records of names the agency chose (workd/dns_records.hpp). The input is several TXT records,
// one per line: the first is the agency's, the others are served for every name the counter
// follows. The counter must never fetch more than its bound, and an authorised include must sit
// before any "all".
#include <algorithm>

#include "fuzz_target.hpp"
#include "workd/dns_records.hpp"

GOVHUB_FUZZ_TARGET(workd_spf) {
    using namespace govhub::workd;
    auto text = govhub::fuzz::AsText(data, size);
    if (text.size() > kMaxTxtBytes + 16) return;  // the checker refuses these before parsing
    std::vector<std::string> records;
    for (auto f : govhub::fuzz::Fields(text, 8))
        if (!f.empty()) records.emplace_back(f);
    SpfParse selected = SelectSpf(records);
    if (!selected.record && selected.error.key.empty()) __builtin_trap();
    if (records.empty()) return;
    SpfParse parsed = ParseSpf(records[0]);
    if (!parsed.record) {
        if (parsed.error.key.empty()) __builtin_trap();
        return;
    }
    const SpfRecord& record = *parsed.record;
    for (const auto& t : record.terms)
        if (t.text.empty() || t.name.empty()) __builtin_trap();
    int direct = CountSpfLookups(record);
    if (direct < 0 || direct > static_cast<int>(record.terms.size())) __builtin_trap();
    int calls = 0;
    size_t next = 1;
    TxtFetcher fetch = [&](std::string_view) -> std::optional<std::vector<std::string>> {
        ++calls;
        if (records.size() < 2) return std::nullopt;
        std::string r = records[next];
        next = next + 1 < records.size() ? next + 1 : 1;
        if (r == "-") return std::nullopt;  // a line "-" answers "no such name"
        return std::vector<std::string>{r};
    };
    auto count = CountSpfLookupsRecursive(record, fetch);
    if (calls > 2 * kMaxSpfLookups) __builtin_trap();
    if (count.lookups < std::min(direct, kMaxSpfLookups + 1)) __builtin_trap();
    calls = 0;
    bool nested = SpfAuthorisesInclude(record, "_spf.mail.go.th", &fetch);
    if (calls > kMaxSpfLookups) __builtin_trap();
    if (SpfAuthorisesInclude(record, "_spf.mail.go.th")) {
        if (!nested) __builtin_trap();  // the fetcher can only find more
        bool reached = false;
        for (const auto& t : record.terms) {
            if (t.kind == SpfTerm::Kind::kMechanism && t.name == "all") break;
            if (t.name == "include" || t.name == "redirect") reached = true;
        }
        if (!reached) __builtin_trap();
    }
}

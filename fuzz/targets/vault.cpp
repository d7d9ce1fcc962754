// The vault's two readers of stored text (core/vault.hpp): the key ring (a file or the
// GOVHUB_VAULT_KEYS variable an operator writes) and a sealed value read back from the database.
// The first line of the input is parsed as key text on its own, the whole input too; the input
// after the first line is opened as a sealed value under a fixed ring. What parses must write
// back the same ring, and whatever opens must seal and open again to itself.
#include <stdexcept>

#include "core/vault.hpp"
#include "fuzz_target.hpp"

namespace {
constexpr const char* kRing =
    "v1 2026-01-01 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= "
    "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=\n"
    "v2 2026-06-01 AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI= "
    "AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwM=\n";

void ParseRing(std::string_view text) {
    using govhub::core::ParseVaultKeys;
    try {
        auto ring = ParseVaultKeys(text);
        for (size_t i = 0; i < ring.size(); ++i) {
            if (ring[i].hash_key.size() != 32 || ring[i].enc_key.size() != 32) __builtin_trap();
            if (i && ring[i - 1].version >= ring[i].version) __builtin_trap();
        }
        auto again = ParseVaultKeys(govhub::core::FormatVaultKeys(ring));
        if (again.size() != ring.size()) __builtin_trap();
        for (size_t i = 0; i < ring.size(); ++i)
            if (again[i].version != ring[i].version || again[i].hash_key != ring[i].hash_key ||
                again[i].enc_key != ring[i].enc_key || again[i].created != ring[i].created)
                __builtin_trap();
    } catch (const std::runtime_error&) {
        // an ordinary refusal
    }
}
}  // namespace

GOVHUB_FUZZ_TARGET(vault) {
    static const auto vault = govhub::core::Vault::FromText(kRing);
    auto text = govhub::fuzz::AsText(data, size);
    auto fields = govhub::fuzz::Fields(text, 2);
    ParseRing(fields[0]);
    ParseRing(text);
    std::string_view sealed = fields.size() > 1 ? fields[1] : text;
    for (const char* purpose : {"p", "workflow.officer_membership.citizen_id"}) {
        auto plain = vault->Open(purpose, sealed);
        if (!plain) continue;
        if (plain->size() > govhub::core::kVaultMaxSealed) __builtin_trap();
        if (vault->Open(purpose, vault->Seal(purpose, *plain)) != plain) __builtin_trap();
    }
    // LooksSealed and VersionOf agree.
    if (govhub::core::Vault::LooksSealed(sealed) != (govhub::core::Vault::VersionOf(sealed) > 0))
        __builtin_trap();
    if (sealed.size() <= govhub::core::kVaultMaxValue) {
        std::string round = vault->Seal("p", sealed);
        if (vault->Open("p", round) != std::string(sealed) || !vault->IsCurrent(round))
            __builtin_trap();
    }
}

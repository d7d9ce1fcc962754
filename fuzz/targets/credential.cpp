// What a credential verifier reads from outside (learning/credential.hpp): a compact JWS and a
// Bitstring Status List's encodedList. The first byte picks which; a token must never verify
// unless it was signed by the key (the fuzzer cannot forge Ed25519, so any "valid" from bytes
// that were not made by SignJwt is a bug), and a decoded list stays within its bit cap.
#include "learning/credential.hpp"
#include "fuzz_target.hpp"

GOVHUB_FUZZ_TARGET(credential) {
    using namespace govhub::learning;
    static const SigningKey key = SigningKeyFromSeed(std::string(32, '\x07'));
    static const std::string signed_token = SignJwt(Json{{"a", 1}}, key);
    auto text = govhub::fuzz::AsText(data, size);
    if (text.empty()) return;
    std::string_view rest = text.substr(1);
    if (text[0] % 2 == 0) {
        auto r = VerifyJwt(rest, {{key.kid, key.public_key}});
        if (r.valid && rest.substr(rest.rfind('.')) != signed_token.substr(signed_token.rfind('.')))
            __builtin_trap();  // only the one signature made here verifies
    } else {
        auto bits = StatusBits::Decode(rest);
        if (bits && (bits->size() == 0 || bits->size() > kMaxStatusListBits)) __builtin_trap();
    }
}

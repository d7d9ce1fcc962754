#include "accounts/password.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <stdexcept>
#include <vector>

#include "core/strings.hpp"

namespace govhub::accounts {

std::string HashPassword(const std::string& password) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium init failed");
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        throw std::runtime_error("out of memory while hashing a password");
    return out;
}

namespace {

constexpr std::string_view kPbkdf2Prefix = "$pbkdf2-sha512$";
// CKAN's passlib writes 25,000 to 29,000 rounds; 100,000 bounds one login at about 0.3 s.
constexpr int64_t kMinRounds = 1000, kMaxRounds = 100'000;

// passlib's adapted base64: '.' for '+', no padding.
std::optional<std::vector<unsigned char>> DecodeAb64(std::string_view text) {
    std::vector<unsigned char> out;
    uint32_t acc = 0;
    int bits = 0;
    for (char ch : text) {
        int v;
        if (ch >= 'A' && ch <= 'Z')
            v = ch - 'A';
        else if (ch >= 'a' && ch <= 'z')
            v = ch - 'a' + 26;
        else if (ch >= '0' && ch <= '9')
            v = ch - '0' + 52;
        else if (ch == '.' || ch == '+')
            v = 62;
        else if (ch == '/')
            v = 63;
        else
            return std::nullopt;
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<unsigned char>((acc >> bits) & 0xff));
        }
    }
    return out;
}

struct Pbkdf2Hash {
    int rounds;
    std::vector<unsigned char> salt, checksum;
};

std::optional<Pbkdf2Hash> ParsePbkdf2(std::string_view hash) {
    if (!hash.starts_with(kPbkdf2Prefix) || hash.size() > 512) return std::nullopt;
    hash.remove_prefix(kPbkdf2Prefix.size());
    size_t a = hash.find('$');
    if (a == std::string_view::npos) return std::nullopt;
    size_t b = hash.find('$', a + 1);
    if (b == std::string_view::npos) return std::nullopt;
    int64_t rounds = 0;
    auto rounds_text = hash.substr(0, a);
    auto [end, ec] =
        std::from_chars(rounds_text.data(), rounds_text.data() + rounds_text.size(), rounds);
    if (ec != std::errc() || end != rounds_text.data() + rounds_text.size() ||
        rounds < kMinRounds || rounds > kMaxRounds)
        return std::nullopt;
    auto salt = DecodeAb64(hash.substr(a + 1, b - a - 1));
    auto checksum = DecodeAb64(hash.substr(b + 1));
    if (!salt || salt->size() < 8 || !checksum || checksum->size() != 64) return std::nullopt;
    return Pbkdf2Hash{static_cast<int>(rounds), std::move(*salt), std::move(*checksum)};
}

bool IsArgon2id(const std::string& hash) {
    return hash.starts_with(crypto_pwhash_argon2id_STRPREFIX);
}

// The cost an argon2id string asks for ("$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$..."),
// within what one login may spend: a hash given by user_create (a dump from elsewhere) must not
// make every later login of that name take minutes or gigabytes. nullopt: out of bounds or
// unreadable.
constexpr int64_t kMaxArgonMemoryKib = 256 * 1024, kMaxArgonPasses = 10, kMaxArgonLanes = 4;
bool Argon2CostWithinBounds(std::string_view hash) {
    size_t at = hash.find("$m=");
    if (at == std::string_view::npos) return false;
    std::string_view rest = hash.substr(at + 1);
    rest = rest.substr(0, rest.find('$'));
    int64_t m = -1, t = -1, p = -1;
    while (!rest.empty()) {
        std::string_view part = rest.substr(0, rest.find(','));
        rest.remove_prefix(std::min(rest.size(), part.size() + 1));
        if (part.size() < 3 || part[1] != '=') return false;
        int64_t value = 0;
        auto [end, ec] = std::from_chars(part.data() + 2, part.data() + part.size(), value);
        if (ec != std::errc() || end != part.data() + part.size()) return false;
        if (part[0] == 'm')
            m = value;
        else if (part[0] == 't')
            t = value;
        else if (part[0] == 'p')
            p = value;
        else
            return false;
    }
    return m >= 8 && m <= kMaxArgonMemoryKib && t >= 1 && t <= kMaxArgonPasses && p >= 1 &&
           p <= kMaxArgonLanes;
}

}  // namespace

bool VerifyPassword(const std::string& hash, const std::string& password) {
    if (hash.empty()) return false;
    if (auto p = ParsePbkdf2(hash)) {
        unsigned char out[64];
        if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), p->salt.data(),
                              static_cast<int>(p->salt.size()), p->rounds, EVP_sha512(), sizeof out,
                              out) != 1)
            return false;
        return CRYPTO_memcmp(out, p->checksum.data(), sizeof out) == 0;
    }
    // A stored hash asking for more than a login may spend is refused unread.
    if (!IsArgon2id(hash) || !Argon2CostWithinBounds(hash)) return false;
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool IsKnownPasswordHash(const std::string& hash) {
    if (ParsePbkdf2(hash)) return true;
    if (!IsArgon2id(hash) || hash.size() >= crypto_pwhash_STRBYTES || !Argon2CostWithinBounds(hash))
        return false;
    if (sodium_init() < 0) return false;
    // -1: not a string libsodium can read.
    return crypto_pwhash_str_needs_rehash(hash.c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != -1;
}

bool NeedsRehash(const std::string& hash) {
    if (!IsArgon2id(hash)) return true;
    return crypto_pwhash_str_needs_rehash(hash.c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
}

std::string CheckPasswordPolicy(const std::string& password, const std::string& user_name) {
    size_t len = core::Utf8Length(password);
    if (len < 10) return "password.too_short";
    if (password.size() > 1024) return "password.too_long";
    if (!user_name.empty() &&
        core::ToLower(password).find(core::ToLower(user_name)) != std::string::npos)
        return "password.contains_name";
    // At least two kinds of character: ASCII letters, digits, anything else (symbols, Thai).
    bool letter = false, digit = false, other = false;
    for (unsigned char c : password) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            letter = true;
        else if (c >= '0' && c <= '9')
            digit = true;
        else
            other = true;
    }
    if (int{letter} + int{digit} + int{other} < 2) return "password.too_simple";
    return {};
}

}  // namespace govhub::accounts

#include "core/crypto.hpp"

#include <sodium.h>

#include <cstdio>
#include <stdexcept>
#include <vector>

namespace govhub::core {
namespace {
struct SodiumInit {
    SodiumInit() {
        if (sodium_init() < 0) throw std::runtime_error("libsodium init failed");
    }
};
void EnsureSodium() {
    static SodiumInit init;
}
}  // namespace

std::string NewUuid() {
    EnsureSodium();
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    static const char* hex = "0123456789abcdef";
    std::string out;
    out.reserve(36);
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
        out += hex[b[i] >> 4];
        out += hex[b[i] & 15];
    }
    return out;
}

bool IsUuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

namespace {
int SodiumVariant(Base64Variant v) {
    return v == Base64Variant::kUrlNoPadding ? sodium_base64_VARIANT_URLSAFE_NO_PADDING
                                             : sodium_base64_VARIANT_ORIGINAL;
}
}  // namespace

std::string Base64Encode(std::string_view bytes, Base64Variant variant) {
    int v = SodiumVariant(variant);
    std::string out(sodium_base64_ENCODED_LEN(bytes.size(), v), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                      bytes.size(), v);
    out.resize(out.find('\0'));
    return out;
}

std::optional<std::string> Base64Decode(std::string_view text, Base64Variant variant,
                                        size_t max_bytes) {
    std::string out(text.size() / 4 * 3 + 3, '\0');
    size_t len = 0;
    const char* end = nullptr;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                          text.size(), nullptr, &len, &end, SodiumVariant(variant)) != 0 ||
        end != text.data() + text.size() || len > max_bytes)
        return std::nullopt;
    out.resize(len);
    return out;
}

std::string RandomToken(size_t bytes) {
    return Base64Encode(RandomBytes(bytes), Base64Variant::kUrlNoPadding);
}

std::string Sha256Hex(std::string_view data) {
    EnsureSodium();
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string Sha256FileHex(const std::string& path) {
    EnsureSodium();
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return {};
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    std::vector<unsigned char> buf(1 << 20);
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0)
        crypto_hash_sha256_update(&state, buf.data(), n);
    bool failed = std::ferror(f);
    std::fclose(f);
    if (failed) return {};
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&state, digest);
    return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string HexEncode(std::string_view data) {
    static const char* hex = "0123456789abcdef";
    std::string out;
    out.reserve(data.size() * 2);
    for (unsigned char c : data) {
        out += hex[c >> 4];
        out += hex[c & 15];
    }
    return out;
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string RandomFrom(std::string_view alphabet, size_t length) {
    EnsureSodium();
    std::string out;
    for (size_t i = 0; i < length; ++i)
        out += alphabet[randombytes_uniform(static_cast<uint32_t>(alphabet.size()))];
    return out;
}

std::string RandomPassword(size_t length) {
    return RandomFrom("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", length);
}

std::string RandomBytes(size_t bytes) {
    EnsureSodium();
    std::string raw(bytes, '\0');
    randombytes_buf(raw.data(), raw.size());
    return raw;
}

}  // namespace govhub::core

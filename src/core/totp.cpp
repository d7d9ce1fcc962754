#include "core/totp.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/crypto.hpp"
#include "core/strings.hpp"

namespace govhub::core {
namespace {
constexpr const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
}

std::string Base32Encode(std::string_view bytes) {
    std::string out;
    uint32_t buffer = 0;
    int bits = 0;
    for (unsigned char c : bytes) {
        buffer = (buffer << 8) | c;
        bits += 8;
        while (bits >= 5) {
            out += kAlphabet[(buffer >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
    return out;
}

std::optional<std::string> Base32Decode(std::string_view text) {
    std::string out;
    uint32_t buffer = 0;
    int bits = 0;
    for (char ch : text) {
        if (ch == ' ' || ch == '-' || ch == '=') continue;
        int v;
        if (ch >= 'A' && ch <= 'Z')
            v = ch - 'A';
        else if (ch >= 'a' && ch <= 'z')
            v = ch - 'a';
        else if (ch >= '2' && ch <= '7')
            v = ch - '2' + 26;
        else
            return std::nullopt;
        buffer = (buffer << 5) | static_cast<uint32_t>(v);
        bits += 5;
        if (bits >= 8) {
            out += static_cast<char>((buffer >> (bits - 8)) & 0xFF);
            bits -= 8;
        }
    }
    return out;
}

std::string HmacSha1(std::string_view key, std::string_view message) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &len);
    return std::string(reinterpret_cast<const char*>(out), len);
}

std::string TotpCode(std::string_view secret, int64_t step, int digits) {
    char counter[8];
    for (int i = 7; i >= 0; --i) {
        counter[i] = static_cast<char>(step & 0xFF);
        step >>= 8;
    }
    std::string mac = HmacSha1(secret, std::string_view(counter, 8));
    int offset = mac[19] & 0x0F;
    uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7F) << 24) |
                      (static_cast<uint32_t>(mac[offset + 1] & 0xFF) << 16) |
                      (static_cast<uint32_t>(mac[offset + 2] & 0xFF) << 8) |
                      static_cast<uint32_t>(mac[offset + 3] & 0xFF);
    uint32_t modulus = 1;
    for (int i = 0; i < digits; ++i) modulus *= 10;
    std::string code = std::to_string(binary % modulus);
    return std::string(static_cast<size_t>(digits) - code.size(), '0') + code;
}

std::optional<int64_t> MatchTotp(std::string_view secret, std::string_view typed,
                                 int64_t now_epoch_seconds, int window) {
    auto digits = TypedDigits(typed);
    if (!digits || digits->size() != 6) return std::nullopt;
    int64_t now_step = now_epoch_seconds / kTotpStepSeconds;
    for (int64_t d = -window; d <= window; ++d)
        if (ConstantTimeEqual(TotpCode(secret, now_step + d), *digits)) return now_step + d;
    return std::nullopt;
}

std::string TotpUri(const std::string& issuer, const std::string& account,
                    const std::string& secret_base32) {
    return "otpauth://totp/" + UrlEncode(issuer) + ":" + UrlEncode(account) +
           "?secret=" + secret_base32 + "&issuer=" + UrlEncode(issuer) +
           "&algorithm=SHA1&digits=6&period=30";
}

}  // namespace govhub::core

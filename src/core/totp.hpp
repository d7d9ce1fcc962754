#pragma once
// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP, HMAC-SHA1, 6 digits, 30 s),
// as Google Authenticator, Microsoft Authenticator, FreeOTP and 1Password read them from an
// otpauth:// URI; secrets travel in RFC 4648 base32.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace govhub::core {

std::string Base32Encode(std::string_view bytes);  // no padding, upper case
// Case-insensitive; spaces, hyphens and padding ignored. nullopt on any other character.
std::optional<std::string> Base32Decode(std::string_view text);

std::string HmacSha1(std::string_view key, std::string_view message);

inline constexpr int kTotpStepSeconds = 30;

// The code for one time step (epoch seconds / 30), zero-padded to `digits`.
std::string TotpCode(std::string_view secret, int64_t step, int digits = 6);
// The step whose code `typed` is, within `window` steps either side of now (clocks drift);
// nullopt when none. Spaces in what was typed are ignored; Thai digits are read.
std::optional<int64_t> MatchTotp(std::string_view secret, std::string_view typed,
                                 int64_t now_epoch_seconds, int window = 1);
// otpauth://totp/<issuer>:<account>?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30
std::string TotpUri(const std::string& issuer, const std::string& account,
                    const std::string& secret_base32);

}  // namespace govhub::core

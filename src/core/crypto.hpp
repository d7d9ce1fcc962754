#pragma once
// Random ids and tokens, hashing and constant-time comparison (libsodium).
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace govhub::core {

// RFC 4122 version-4 UUID, lower case.
std::string NewUuid();
bool IsUuid(std::string_view s);
// `bytes` random bytes, URL-safe base64 without padding (256 bits -> 43 chars).
std::string RandomToken(size_t bytes = 32);
std::string RandomBytes(size_t bytes);
std::string Sha256Hex(std::string_view data);
// SHA-256 of a file's content, read in chunks; empty when the file cannot be read.
std::string Sha256FileHex(const std::string& path);
std::string HexEncode(std::string_view data);
bool ConstantTimeEqual(std::string_view a, std::string_view b);
// Base64 (libsodium): the standard alphabet with padding (MIME, the vault's key file), or the
// URL-safe one without padding (tokens, JWS). Decoding refuses anything but the whole text in
// that alphabet, and more than `max_bytes` of result.
enum class Base64Variant { kStandard, kUrlNoPadding };
std::string Base64Encode(std::string_view bytes, Base64Variant variant = Base64Variant::kStandard);
std::optional<std::string> Base64Decode(std::string_view text,
                                        Base64Variant variant = Base64Variant::kStandard,
                                        size_t max_bytes = std::numeric_limits<size_t>::max());
// Readable one-time password: letters and digits without look-alikes.
std::string RandomPassword(size_t length = 16);
// `length` random characters drawn from `alphabet` (uniformly).
std::string RandomFrom(std::string_view alphabet, size_t length);

}  // namespace govhub::core

#pragma once
// Signed credentials for certificates (issue 17): an Ed25519 signing key kept in a file of the
// data directory (shared by nodes), compact JWS (EdDSA) signing and verification, the issuer's
// public keys as a JWKS and a did:web document, Open Badges 3.0 `OpenBadgeCredential`s as
// VC-JWT (the credential's members at the top of the JWT payload with iss/nbf/jti/sub/exp, as
// OB 3.0 §8.2 says), and W3C Bitstring Status Lists for revocation.
//
// Pure: no SQL, no HTTP. Bounds on outside input: a token over kMaxJwtBytes, a header or payload
// JSON beyond core::ParseJsonBounded's limits, an encoded status list over kMaxEncodedListBytes
// or inflating past kMaxStatusListBits are refused, never read further.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace govhub::learning {

using Json = nlohmann::json;

inline constexpr size_t kMaxJwtBytes = 64 * 1024;
inline constexpr size_t kMaxEncodedListBytes = 256 * 1024;
inline constexpr size_t kMinStatusListBits = 131072;  // 16 KiB: the spec's herd-privacy floor
inline constexpr size_t kMaxStatusListBits = 8 * 1024 * 1024 * 8;  // 8 MiB of bits

struct SigningKey {
    std::string kid;         // RFC 7638 JWK thumbprint of the public key (base64url)
    std::string public_key;  // 32 bytes
    std::string secret_key;  // 64 bytes (libsodium: seed || public key)
};

// The same seed always gives the same key (tests; keys restored from a backup).
SigningKey SigningKeyFromSeed(std::string_view seed32);
// Reads the key file, or creates it (mode 0600, created exclusively so two nodes starting at
// once end up with the same key: the loser reads the winner's). Format: one line
// "ed25519 <base64url seed>". Throws std::runtime_error when the file is unreadable or malformed.
SigningKey LoadOrCreateSigningKey(const std::string& path);

// JOSE's base64url (no padding): core::Base64Encode/Decode with the URL-safe alphabet.
std::string Base64UrlEncode(std::string_view bytes);
std::optional<std::string> Base64UrlDecode(std::string_view text);

// {"kty":"OKP","crv":"Ed25519","x":…,"kid":…,"alg":"EdDSA","use":"sig"}
Json PublicJwk(const SigningKey& key);
Json Jwks(const std::vector<SigningKey>& keys);
// did:web for a site: "https://learn.example.go.th" -> "did:web:learn.example.go.th";
// a port is kept as %3A, a path's slashes become colons. Empty when the URL is not http(s).
std::string DidWebFor(std::string_view site_url);
// The DID document served at /.well-known/did.json: each key a JsonWebKey2020 method
// "<did>#<kid>" usable for assertions (signing credentials).
Json DidDocument(const std::string& did, const std::vector<SigningKey>& keys);

// Compact JWS: header {"alg":"EdDSA","typ":…,"kid":<kid_prefix + key.kid>}.
std::string SignJwt(const Json& payload, const SigningKey& key, const std::string& kid_prefix = "",
                    const std::string& typ = "JWT");

struct PublicKey {
    std::string kid;  // matched against the header's kid after the last '#'
    std::string key;  // 32 bytes
};
struct JwtCheck {
    bool valid = false;
    std::string error;  // why not, in English (for logs and the verification page's detail)
    Json header, payload;
};
// Checks the form, the algorithm (EdDSA only: "none" and HMAC are refused), the key (by kid;
// the only key when the header names none) and the signature. Times are the caller's business.
JwtCheck VerifyJwt(std::string_view token, const std::vector<PublicKey>& keys);

// What an Open Badges 3.0 credential says.
struct BadgeInput {
    std::string credential_id;  // URL of the certificate's verification page
    std::string issuer_id;      // the issuer's did:web
    std::string issuer_name;
    std::string issuer_url;
    std::string subject_name;    // as the learner chose to be named (full or initials)
    std::string achievement_id;  // URL of the course
    std::string achievement_name;
    std::string achievement_description;
    std::string criteria;         // how it was earned, in words
    int64_t valid_from = 0;       // epoch seconds
    int64_t valid_until = 0;      // 0: does not expire
    std::string status_list_url;  // the Bitstring Status List credential; empty: none
    int64_t status_index = -1;
};
Json OpenBadgeCredential(const BadgeInput& in);
// The credential as a VC-JWT: its members at the top level plus iss, nbf, jti (and exp).
std::string IssueOpenBadgeJwt(const BadgeInput& in, const SigningKey& key);

// A W3C Bitstring Status List: bit i is index i, the leftmost bit of byte 0 first.
class StatusBits {
  public:
    explicit StatusBits(size_t bits = kMinStatusListBits);
    size_t size() const { return bits_; }
    void Set(size_t index, bool value);
    bool Get(size_t index) const;
    // Multibase base64url ("u" prefix, no padding) of the GZIP-compressed bits.
    std::string Encode() const;
    static std::optional<StatusBits> Decode(std::string_view encoded);

  private:
    size_t bits_;
    std::string bytes_;
};

// The status list as a credential (signed like a badge with IssueStatusListJwt).
Json StatusListCredential(const std::string& list_url, const std::string& issuer_id,
                          const StatusBits& bits, int64_t valid_from);
std::string IssueStatusListJwt(const std::string& list_url, const std::string& issuer_id,
                               const StatusBits& bits, int64_t valid_from, const SigningKey& key);

// The xsd:dateTime credentials use: "2026-12-07T02:30:00Z".
std::string CredentialTime(int64_t epoch_seconds);

}  // namespace govhub::learning

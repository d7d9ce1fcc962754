#pragma once
// The vault: one mechanism for personal values the site must not keep in clear (citizen ID
// numbers of verified learners, sensitive fields of requests). Each value is kept two ways:
//   Hash   a keyed BLAKE2b-256 (crypto_generichash) for lookups and uniqueness: a site secret
//          makes the 10^12 possible citizen IDs impossible to enumerate from a stolen database;
//   Seal   XChaCha20-Poly1305-IETF with a random nonce, the purpose as additional data, for
//          showing the value to authorised staff (a sealed value moved to another purpose or
//          edited does not open).
// The keys form a ring of versions 1..n, the highest current. They come from the environment
// (GOVHUB_VAULT_KEYS, the file's text) or from <data_dir>/secrets/vault.keys (mode 0600, its
// directory 0700), created with one fresh version on first use. Every node of a multi-node site
// must share the same keys. Rotation: Rotate() adds a version, a job re-hashes and re-seals
// every row, then RetireBefore() drops the old versions; other nodes see the new file within a
// second (ReloadIfChanged, also done by every call).
//
// Text format (one line per version, '#' comments):
//   v<N> <created YYYY-MM-DD> <hash key, base64> <encryption key, base64>
// Limits: the text at most 64 KiB and 100 versions, N from 1 to 999999, each key exactly 32
// bytes; a purpose 1..200 bytes without NUL; a value to hash or seal at most 64 KiB (more is a
// programming error: std::length_error); a sealed text over 96 KiB does not open.
#include <sys/types.h>
#include <cstdint>

#include <ctime>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace govhub::core {

inline constexpr size_t kVaultKeyBytes = 32;
inline constexpr size_t kVaultMaxText = 64 * 1024;
inline constexpr size_t kVaultMaxVersions = 100;
inline constexpr size_t kVaultMaxValue = 64 * 1024;
inline constexpr size_t kVaultMaxSealed = 96 * 1024;
inline constexpr size_t kVaultMaxPurpose = 200;
inline constexpr const char* kVaultEnv = "GOVHUB_VAULT_KEYS";

struct VaultKey {
    int version = 0;
    std::string created;   // YYYY-MM-DD
    std::string hash_key;  // 32 raw bytes
    std::string enc_key;   // 32 raw bytes
};

// The ring in the text, lowest version first; throws std::runtime_error naming the line at
// fault (never quoting a key). An empty ring is an error.
std::vector<VaultKey> ParseVaultKeys(std::string_view text);
// The text of a ring, with the comment header saying what the file is.
std::string FormatVaultKeys(const std::vector<VaultKey>& ring);
// A new version with fresh random keys, created today (UTC).
VaultKey NewVaultKey(int version);

class Vault {
  public:
    // Keys from GOVHUB_VAULT_KEYS when it is set (and not empty), else from `key_file`, created
    // (with its directory) when absent. Throws std::runtime_error when the keys cannot be read.
    static std::unique_ptr<Vault> Open(const std::string& key_file);
    // Keys from text, held in memory only (the environment's way; tests).
    static std::unique_ptr<Vault> FromText(std::string_view text);
    // Keys from `key_file`, created when absent.
    static std::unique_ptr<Vault> FromFile(const std::string& key_file);

    // "v<N>$" + 64 hex digits: keyed BLAKE2b-256 over purpose || 0x00 || value, current version.
    std::string Hash(std::string_view purpose, std::string_view value) const;
    // The value's hash under every version, current first: a lookup during a rotation finds
    // rows not re-hashed yet.
    std::vector<std::string> LookupHashes(std::string_view purpose, std::string_view value) const;
    // "v<N>$" + base64(24-byte nonce || ciphertext || 16-byte tag), current version.
    std::string Seal(std::string_view purpose, std::string_view plain) const;
    // The plain value; nullopt for a changed or malformed value, an unknown (retired) version, or
    // another purpose.
    std::optional<std::string> Open(std::string_view purpose, std::string_view sealed) const;
    // Whether a sealed value or hash carries the current version's prefix.
    bool IsCurrent(std::string_view sealed_or_hash) const;
    // Whether the text has the shape of a sealed value or hash ("v<digits>$..."), whatever its
    // version; a value that does not is plain.
    static bool LooksSealed(std::string_view text);
    // The version a sealed value or hash names; 0 when it names none.
    static int VersionOf(std::string_view sealed_or_hash);

    int current_version() const;
    std::vector<int> versions() const;  // lowest first
    bool from_environment() const { return path_.empty(); }
    const std::string& path() const { return path_; }

    // Adds a version with fresh keys and makes it current; rewrites the file atomically and
    // returns the new version. Throws std::runtime_error for keys from the environment (add a
    // line to GOVHUB_VAULT_KEYS on every node and restart them instead).
    int Rotate();
    // Removes every version below `version` (never the current one): only once every row was
    // re-hashed and re-sealed. Throws std::runtime_error for keys from the environment.
    void RetireBefore(int version);
    // Reads the file again if it changed (another node rotated); looks at most once a second.
    void ReloadIfChanged() const;

  private:
    struct Ring {
        std::vector<VaultKey> keys;  // lowest version first
        const VaultKey* Find(int version) const;
        const VaultKey& Current() const { return keys.back(); }
    };
    Vault(std::string path, std::vector<VaultKey> keys);
    std::shared_ptr<const Ring> Snapshot() const;
    // Rewrites the file with `keys` under its lock, after re-reading it.
    void Rewrite(const std::function<std::vector<VaultKey>(std::vector<VaultKey>)>& change);

    std::string path_;  // empty: keys from the environment or text
    mutable std::shared_mutex mu_;
    mutable std::shared_ptr<const Ring> ring_;
    mutable std::mutex reload_mu_;
    mutable int64_t last_check_ = 0;  // epoch seconds of the last stat
    mutable struct timespec mtime_ = {};
    mutable ino_t inode_ = 0;
    mutable off_t size_ = 0;
};

}  // namespace govhub::core

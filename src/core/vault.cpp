#include "core/vault.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/durable_file.hpp"
#include "core/log.hpp"

namespace govhub::core {
namespace {

constexpr int kMaxVersion = 999999;
constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == kVaultKeyBytes);
static_assert(crypto_generichash_BYTES == 32 && crypto_generichash_KEYBYTES_MAX >= kVaultKeyBytes);

void EnsureSodium() {
    static const bool ready = sodium_init() >= 0;
    if (!ready) throw std::runtime_error("libsodium init failed");
}

void CheckPurpose(std::string_view purpose) {
    // The purpose is the code's own constant: a bad one is a programming error.
    if (purpose.empty() || purpose.size() > kVaultMaxPurpose ||
        purpose.find('\0') != std::string_view::npos)
        throw std::invalid_argument("vault: a purpose is 1 to 200 bytes without NUL");
}

void CheckValue(std::string_view value) {
    if (value.size() > kVaultMaxValue) throw std::length_error("vault: value over 64 KiB");
}

std::string Prefix(int version) {
    return "v" + std::to_string(version) + "$";
}

// "v<N>$rest" -> N and rest; nullopt when not so shaped.
std::optional<std::pair<int, std::string_view>> SplitPrefix(std::string_view s) {
    if (s.size() < 3 || s[0] != 'v') return std::nullopt;
    size_t i = 1;
    int version = 0;
    while (i < s.size() && i <= 7 && s[i] >= '0' && s[i] <= '9')
        version = version * 10 + (s[i++] - '0');
    if (i == 1 || i >= s.size() || s[i] != '$' || version < 1 || version > kMaxVersion)
        return std::nullopt;
    return std::make_pair(version, s.substr(i + 1));
}

std::string KeyedHash(const VaultKey& key, std::string_view purpose, std::string_view value) {
    crypto_generichash_state st;
    crypto_generichash_init(&st, reinterpret_cast<const unsigned char*>(key.hash_key.data()),
                            key.hash_key.size(), crypto_generichash_BYTES);
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(purpose.data()),
                              purpose.size());
    const unsigned char zero = 0;  // purpose "a", value "bc" never hashes as "ab", "c"
    crypto_generichash_update(&st, &zero, 1);
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(value.data()),
                              value.size());
    unsigned char out[crypto_generichash_BYTES];
    crypto_generichash_final(&st, out, sizeof out);
    return Prefix(key.version) +
           HexEncode(std::string_view(reinterpret_cast<char*>(out), sizeof out));
}

bool IsDate(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

std::string ReadKeyFile(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw std::runtime_error("vault: cannot read " + path + ": " + std::strerror(errno));
    struct stat st {};
    ::fstat(fd, &st);
    if (st.st_mode & 077)
        LogWarn("vault.mode", "the vault's key file can be read by others than its owner",
                "\"path\":\"" + path + "\"");
    std::string text;
    char buf[4096];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) != 0;) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 || text.size() + static_cast<size_t>(n) > kVaultMaxText) {
            ::close(fd);
            throw std::runtime_error("vault: " + path + " cannot be read or is over 64 KiB");
        }
        text.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return text;
}

// Writes the ring beside `path` (mode 0600) and renames it into place.
void WriteKeyFile(const std::string& path, const std::vector<VaultKey>& ring) {
    std::string tmp = path + ".tmp-" + RandomToken(6);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        throw std::runtime_error("vault: cannot write " + tmp + ": " + std::strerror(errno));
    std::string text = FormatVaultKeys(ring);
    size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ::close(fd);
            ::unlink(tmp.c_str());
            throw std::runtime_error("vault: cannot write " + tmp);
        }
        done += static_cast<size_t>(n);
    }
    ::close(fd);
    if (!DurableRename(tmp, path)) {
        int saved = errno;
        ::unlink(tmp.c_str());
        throw std::runtime_error("vault: cannot put " + path +
                                 " in place: " + std::strerror(saved));
    }
}

// Holds an exclusive lock on <dir>/vault.keys.lock: two nodes rotating (or creating the first
// file) at once take turns, and the second sees the first's keys.
class FileLock {
  public:
    explicit FileLock(const std::string& key_file) {
        std::string lock = key_file + ".lock";
        fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd_ < 0) throw std::runtime_error("vault: cannot open " + lock);
        while (::flock(fd_, LOCK_EX) != 0)
            if (errno != EINTR) throw std::runtime_error("vault: cannot lock " + lock);
    }
    ~FileLock() { ::close(fd_); }
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

  private:
    int fd_ = -1;
};

void MakeSecretDir(const std::string& key_file) {
    std::filesystem::path dir = std::filesystem::path(key_file).parent_path();
    if (dir.empty()) return;
    std::error_code ec;
    bool made = std::filesystem::create_directories(dir, ec);
    if (ec) throw std::runtime_error("vault: cannot create " + dir.string() + ": " + ec.message());
    if (made) ::chmod(dir.c_str(), 0700);
}

}  // namespace

std::vector<VaultKey> ParseVaultKeys(std::string_view text) {
    if (text.size() > kVaultMaxText) throw std::runtime_error("vault keys: over 64 KiB");
    std::vector<VaultKey> ring;
    size_t line_no = 0;
    for (size_t pos = 0; pos <= text.size();) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        auto fail = [&](const std::string& why) {
            throw std::runtime_error("vault keys, line " + std::to_string(line_no) + ": " + why);
        };
        std::vector<std::string_view> words;
        for (size_t i = 0; i < line.size();) {
            while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
            size_t start = i;
            while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
            if (i > start) words.push_back(line.substr(start, i - start));
        }
        if (words.empty() || words[0][0] == '#') continue;
        if (words.size() != 4) fail("expected v<N> <date> <hash key> <encryption key>");
        VaultKey k;
        std::string_view v = words[0];
        if (v.size() < 2 || v.size() > 7 || v[0] != 'v' ||
            !std::all_of(v.begin() + 1, v.end(), [](char c) { return c >= '0' && c <= '9'; }))
            fail("a version is v1 to v999999");
        k.version = std::stoi(std::string(v.substr(1)));
        if (k.version < 1) fail("a version is v1 to v999999");
        if (!IsDate(words[1])) fail("the date is YYYY-MM-DD");
        k.created = std::string(words[1]);
        auto hash_key = Base64Decode(words[2], Base64Variant::kStandard, kVaultKeyBytes);
        auto enc_key = Base64Decode(words[3], Base64Variant::kStandard, kVaultKeyBytes);
        if (!hash_key || hash_key->size() != kVaultKeyBytes || !enc_key ||
            enc_key->size() != kVaultKeyBytes)
            fail("each key is 32 bytes in base64");
        k.hash_key = std::move(*hash_key);
        k.enc_key = std::move(*enc_key);
        for (const auto& other : ring)
            if (other.version == k.version) fail("v" + std::to_string(k.version) + " twice");
        if (ring.size() >= kVaultMaxVersions) fail("more than 100 versions");
        ring.push_back(std::move(k));
    }
    if (ring.empty()) throw std::runtime_error("vault keys: no key version");
    std::sort(ring.begin(), ring.end(),
              [](const VaultKey& a, const VaultKey& b) { return a.version < b.version; });
    return ring;
}

std::string FormatVaultKeys(const std::vector<VaultKey>& ring) {
    std::string out =
        "# govhub vault keys: the keys that hash and encrypt citizen ID numbers and other\n"
        "# sensitive values in the database (src/core/vault.hpp, docs/operators.md).\n"
        "# LOSING THIS FILE LOSES EVERY SEALED VALUE: back it up, apart from the database "
        "backups.\n"
        "# Every node of a site must use the same file. Keep it mode 0600. Do not edit by hand:\n"
        "# `govhub admin vault-rotate` adds a version; the highest version is current.\n"
        "# v<N> <created> <hash key, base64> <encryption key, base64>\n";
    for (const auto& k : ring)
        out += "v" + std::to_string(k.version) + " " + k.created + " " + Base64Encode(k.hash_key) +
               " " + Base64Encode(k.enc_key) + "\n";
    return out;
}

VaultKey NewVaultKey(int version) {
    EnsureSodium();
    VaultKey k;
    k.version = version;
    k.created = NowIso().substr(0, 10);
    k.hash_key = RandomBytes(kVaultKeyBytes);
    k.enc_key = RandomBytes(kVaultKeyBytes);
    return k;
}

const VaultKey* Vault::Ring::Find(int version) const {
    for (const auto& k : keys)
        if (k.version == version) return &k;
    return nullptr;
}

Vault::Vault(std::string path, std::vector<VaultKey> keys) : path_(std::move(path)) {
    EnsureSodium();
    ring_ = std::make_shared<const Ring>(Ring{std::move(keys)});
}

std::unique_ptr<Vault> Vault::Open(const std::string& key_file) {
    if (const char* env = std::getenv(kVaultEnv); env && *env) return FromText(env);
    return FromFile(key_file);
}

std::unique_ptr<Vault> Vault::FromText(std::string_view text) {
    return std::unique_ptr<Vault>(new Vault("", ParseVaultKeys(text)));
}

std::unique_ptr<Vault> Vault::FromFile(const std::string& key_file) {
    if (key_file.empty()) throw std::runtime_error("vault: no key file");
    MakeSecretDir(key_file);
    std::vector<VaultKey> keys;
    {
        FileLock lock(key_file);
        std::error_code ec;
        if (!std::filesystem::exists(key_file, ec)) {
            keys = {NewVaultKey(1)};
            WriteKeyFile(key_file, keys);
            LogInfo("vault.created", "created the vault's key file (back it up)",
                    "\"path\":\"" + key_file + "\"");
        } else {
            keys = ParseVaultKeys(ReadKeyFile(key_file));
        }
    }
    std::unique_ptr<Vault> v(new Vault(key_file, std::move(keys)));
    struct stat st {};
    if (::stat(key_file.c_str(), &st) == 0) {
        v->mtime_ = st.st_mtim;
        v->inode_ = st.st_ino;
        v->size_ = st.st_size;
    }
    v->last_check_ = NowEpochSeconds();
    return v;
}

std::shared_ptr<const Vault::Ring> Vault::Snapshot() const {
    ReloadIfChanged();
    std::shared_lock lock(mu_);
    return ring_;
}

void Vault::ReloadIfChanged() const {
    if (path_.empty()) return;
    std::lock_guard guard(reload_mu_);
    int64_t now = NowEpochSeconds();
    if (now == last_check_) return;
    last_check_ = now;
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) {
        LogError("vault.reload", "the vault's key file is gone; keeping the keys in memory",
                 "\"path\":\"" + path_ + "\"");
        return;
    }
    if (st.st_ino == inode_ && st.st_size == size_ && st.st_mtim.tv_sec == mtime_.tv_sec &&
        st.st_mtim.tv_nsec == mtime_.tv_nsec)
        return;
    try {
        auto keys = ParseVaultKeys(ReadKeyFile(path_));
        std::unique_lock lock(mu_);
        ring_ = std::make_shared<const Ring>(Ring{std::move(keys)});
        mtime_ = st.st_mtim;
        inode_ = st.st_ino;
        size_ = st.st_size;
        LogInfo("vault.reloaded", "read the vault's keys again",
                "\"current\":" + std::to_string(ring_->Current().version));
    } catch (const std::exception& e) {
        // A half-edited file must not take the keys away from a running node.
        LogError("vault.reload", e.what());
    }
}

std::string Vault::Hash(std::string_view purpose, std::string_view value) const {
    CheckPurpose(purpose);
    CheckValue(value);
    return KeyedHash(Snapshot()->Current(), purpose, value);
}

std::vector<std::string> Vault::LookupHashes(std::string_view purpose,
                                             std::string_view value) const {
    CheckPurpose(purpose);
    CheckValue(value);
    auto ring = Snapshot();
    std::vector<std::string> out;
    for (auto it = ring->keys.rbegin(); it != ring->keys.rend(); ++it)
        out.push_back(KeyedHash(*it, purpose, value));
    return out;
}

std::string Vault::Seal(std::string_view purpose, std::string_view plain) const {
    CheckPurpose(purpose);
    CheckValue(plain);
    auto ring = Snapshot();
    const VaultKey& key = ring->Current();
    std::string box(kNonceBytes + plain.size() + kTagBytes, '\0');
    auto* out = reinterpret_cast<unsigned char*>(box.data());
    randombytes_buf(out, kNonceBytes);  // 192 random bits: no nonce is ever reused
    unsigned long long len = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        out + kNonceBytes, &len, reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
        reinterpret_cast<const unsigned char*>(purpose.data()), purpose.size(), nullptr, out,
        reinterpret_cast<const unsigned char*>(key.enc_key.data()));
    box.resize(kNonceBytes + len);
    return Prefix(key.version) + Base64Encode(box);
}

std::optional<std::string> Vault::Open(std::string_view purpose, std::string_view sealed) const {
    CheckPurpose(purpose);
    if (sealed.size() > kVaultMaxSealed) return std::nullopt;
    auto parts = SplitPrefix(sealed);
    if (!parts) return std::nullopt;
    auto ring = Snapshot();
    const VaultKey* key = ring->Find(parts->first);
    if (!key) return std::nullopt;
    auto box = Base64Decode(parts->second, Base64Variant::kStandard, kVaultMaxSealed);
    if (!box || box->size() < kNonceBytes + kTagBytes) return std::nullopt;
    const auto* in = reinterpret_cast<const unsigned char*>(box->data());
    std::string plain(box->size() - kNonceBytes - kTagBytes, '\0');
    unsigned long long len = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            reinterpret_cast<unsigned char*>(plain.data()), &len, nullptr, in + kNonceBytes,
            box->size() - kNonceBytes, reinterpret_cast<const unsigned char*>(purpose.data()),
            purpose.size(), in, reinterpret_cast<const unsigned char*>(key->enc_key.data())) != 0)
        return std::nullopt;
    plain.resize(len);
    return plain;
}

bool Vault::IsCurrent(std::string_view sealed_or_hash) const {
    return VersionOf(sealed_or_hash) == Snapshot()->Current().version;
}

bool Vault::LooksSealed(std::string_view text) {
    return SplitPrefix(text).has_value();
}

int Vault::VersionOf(std::string_view sealed_or_hash) {
    auto parts = SplitPrefix(sealed_or_hash);
    return parts ? parts->first : 0;
}

int Vault::current_version() const {
    return Snapshot()->Current().version;
}

std::vector<int> Vault::versions() const {
    std::vector<int> out;
    for (const auto& k : Snapshot()->keys) out.push_back(k.version);
    return out;
}

void Vault::Rewrite(const std::function<std::vector<VaultKey>(std::vector<VaultKey>)>& change) {
    if (path_.empty())
        throw std::runtime_error(
            "the vault's keys come from GOVHUB_VAULT_KEYS: rotate by adding a line "
            "(v<N+1> <date> <hash key> <encryption key>, 32 random bytes each in base64) to it "
            "on every node, restarting them, then running `govhub admin vault-reseal`; remove the "
            "old line once that job has finished");
    std::vector<VaultKey> keys;
    {
        FileLock lock(path_);
        // The file, not this process's copy: another node may have changed it meanwhile.
        keys = change(ParseVaultKeys(ReadKeyFile(path_)));
        WriteKeyFile(path_, keys);
    }
    struct stat st {};
    std::lock_guard guard(reload_mu_);
    std::unique_lock lock(mu_);
    ring_ = std::make_shared<const Ring>(Ring{std::move(keys)});
    if (::stat(path_.c_str(), &st) == 0) {
        mtime_ = st.st_mtim;
        inode_ = st.st_ino;
        size_ = st.st_size;
    }
}

int Vault::Rotate() {
    int added = 0;
    Rewrite([&](std::vector<VaultKey> keys) {
        if (keys.size() >= kVaultMaxVersions)
            throw std::runtime_error("vault: 100 versions already; retire old ones first");
        added = keys.back().version + 1;
        if (added > kMaxVersion) throw std::runtime_error("vault: no version number left");
        keys.push_back(NewVaultKey(added));
        return keys;
    });
    LogInfo("vault.rotated", "added a key version", "\"current\":" + std::to_string(added));
    return added;
}

void Vault::RetireBefore(int version) {
    Rewrite([&](std::vector<VaultKey> keys) {
        int keep = std::min(version, keys.back().version);  // the current one always stays
        keys.erase(std::remove_if(keys.begin(), keys.end(),
                                  [&](const VaultKey& k) { return k.version < keep; }),
                   keys.end());
        return keys;
    });
    LogInfo("vault.retired", "removed old key versions", "\"before\":" + std::to_string(version));
}

}  // namespace govhub::core

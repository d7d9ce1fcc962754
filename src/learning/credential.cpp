#include "learning/credential.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "core/crypto.hpp"
#include "core/json_reader.hpp"
#include "core/strings.hpp"

namespace govhub::learning {

std::string Base64UrlEncode(std::string_view bytes) {
    return core::Base64Encode(bytes, core::Base64Variant::kUrlNoPadding);
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
    return core::Base64Decode(text, core::Base64Variant::kUrlNoPadding);
}

namespace {

const char* const kObContext = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
const char* const kVcContext = "https://www.w3.org/ns/credentials/v2";

std::string Sha256Raw(std::string_view data) {
    std::string out(crypto_hash_sha256_BYTES, '\0');
    crypto_hash_sha256(reinterpret_cast<unsigned char*>(out.data()),
                       reinterpret_cast<const unsigned char*>(data.data()), data.size());
    return out;
}

std::string Thumbprint(const std::string& public_key) {
    // RFC 7638: the required members in lexicographic order, no spaces.
    std::string canonical =
        R"({"crv":"Ed25519","kty":"OKP","x":")" + Base64UrlEncode(public_key) + R"("})";
    return Base64UrlEncode(Sha256Raw(canonical));
}

std::optional<std::string> ReadKeyFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

SigningKey ParseKeyFile(const std::string& text, const std::string& path) {
    std::string line = core::Trim(text);
    const std::string prefix = "ed25519 ";
    if (!core::StartsWith(line, prefix))
        throw std::runtime_error("signing key file " + path + ": not \"ed25519 <seed>\"");
    auto seed = Base64UrlDecode(core::Trim(line.substr(prefix.size())));
    if (!seed || seed->size() != crypto_sign_SEEDBYTES)
        throw std::runtime_error("signing key file " + path + ": the seed is not 32 bytes");
    return SigningKeyFromSeed(*seed);
}

// Inflates a gzip stream, refusing more than `max_out` bytes of output (a zip bomb).
std::optional<std::string> Gunzip(std::string_view in, size_t max_out) {
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 16) != Z_OK) return std::nullopt;
    std::string out;
    char buf[16384];
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) break;
        size_t got = sizeof buf - zs.avail_out;
        if (out.size() + got > max_out) {
            rc = Z_MEM_ERROR;
            break;
        }
        out.append(buf, got);
        if (rc == Z_OK && got == 0 && zs.avail_in == 0) break;  // truncated input
    }
    inflateEnd(&zs);
    if (rc != Z_STREAM_END) return std::nullopt;
    return out;
}

std::string Gzip(std::string_view in) {
    z_stream zs{};
    if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("gzip: deflateInit2 failed");
    std::string out(deflateBound(&zs, in.size()) + 32, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) throw std::runtime_error("gzip: deflate failed");
    return out;
}

}  // namespace

SigningKey SigningKeyFromSeed(std::string_view seed32) {
    if (seed32.size() != crypto_sign_SEEDBYTES)
        throw std::invalid_argument("an Ed25519 seed is 32 bytes");
    if (sodium_init() < 0) throw std::runtime_error("libsodium did not start");
    SigningKey k;
    k.public_key.assign(crypto_sign_PUBLICKEYBYTES, '\0');
    k.secret_key.assign(crypto_sign_SECRETKEYBYTES, '\0');
    crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(k.public_key.data()),
                             reinterpret_cast<unsigned char*>(k.secret_key.data()),
                             reinterpret_cast<const unsigned char*>(seed32.data()));
    k.kid = Thumbprint(k.public_key);
    return k;
}

SigningKey LoadOrCreateSigningKey(const std::string& path) {
    if (auto text = ReadKeyFile(path)) return ParseKeyFile(*text, path);
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    std::string seed = core::RandomBytes(crypto_sign_SEEDBYTES);
    std::string line = "ed25519 " + Base64UrlEncode(seed) + "\n";
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno != EEXIST)
            throw std::runtime_error("signing key file " + path + ": " + std::strerror(errno));
        // Another node made it a moment ago: wait for its line.
        for (int i = 0; i < 50; ++i) {
            auto text = ReadKeyFile(path);
            if (text && text->find('\n') != std::string::npos) return ParseKeyFile(*text, path);
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        throw std::runtime_error("signing key file " + path + ": empty");
    }
    bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
              ::fsync(fd) == 0;
    ::close(fd);
    sodium_memzero(line.data(), line.size());
    if (!ok) throw std::runtime_error("signing key file " + path + ": could not be written");
    SigningKey k = SigningKeyFromSeed(seed);
    sodium_memzero(seed.data(), seed.size());
    return k;
}

Json PublicJwk(const SigningKey& key) {
    return Json{{"kty", "OKP"},   {"crv", "Ed25519"}, {"x", Base64UrlEncode(key.public_key)},
                {"kid", key.kid}, {"alg", "EdDSA"},   {"use", "sig"}};
}

Json Jwks(const std::vector<SigningKey>& keys) {
    Json list = Json::array();
    for (const auto& k : keys) list.push_back(PublicJwk(k));
    return Json{{"keys", list}};
}

std::string DidWebFor(std::string_view site_url) {
    std::string url(site_url);
    size_t scheme = url.find("://");
    if (scheme == std::string::npos) return "";
    std::string s = core::ToLower(url.substr(0, scheme));
    if (s != "https" && s != "http") return "";
    std::string rest = url.substr(scheme + 3);
    size_t slash = rest.find('/');
    std::string host = core::ToLower(rest.substr(0, slash));
    std::string path = slash == std::string::npos ? "" : rest.substr(slash);
    if (host.empty() || host.find_first_of("@?#%") != std::string::npos) return "";
    std::string did = "did:web:";
    for (char c : host) did += c == ':' ? std::string("%3A") : std::string(1, c);
    for (const auto& seg : core::Split(path, '/'))
        if (!seg.empty()) did += ":" + seg;
    return did;
}

Json DidDocument(const std::string& did, const std::vector<SigningKey>& keys) {
    Json methods = Json::array(), refs = Json::array();
    for (const auto& k : keys) {
        Json jwk = PublicJwk(k);
        jwk.erase("use");
        std::string id = did + "#" + k.kid;
        methods.push_back(Json{
            {"id", id}, {"type", "JsonWebKey2020"}, {"controller", did}, {"publicKeyJwk", jwk}});
        refs.push_back(id);
    }
    return Json{{"@context", Json::array({"https://www.w3.org/ns/did/v1",
                                          "https://w3id.org/security/suites/jws-2020/v1"})},
                {"id", did},
                {"verificationMethod", methods},
                {"assertionMethod", refs},
                {"authentication", refs}};
}

std::string SignJwt(const Json& payload, const SigningKey& key, const std::string& kid_prefix,
                    const std::string& typ) {
    Json header{{"alg", "EdDSA"}, {"typ", typ}, {"kid", kid_prefix + key.kid}};
    std::string input = Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(payload.dump());
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(input.data()),
                         input.size(),
                         reinterpret_cast<const unsigned char*>(key.secret_key.data()));
    return input + "." +
           Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(sig), sizeof sig));
}

JwtCheck VerifyJwt(std::string_view token, const std::vector<PublicKey>& keys) {
    JwtCheck r;
    auto fail = [&](std::string why) {
        r.error = std::move(why);
        r.valid = false;
        return r;
    };
    if (token.size() > kMaxJwtBytes) return fail("the token is too long");
    size_t a = token.find('.');
    size_t b = a == std::string_view::npos ? a : token.find('.', a + 1);
    if (b == std::string_view::npos || token.find('.', b + 1) != std::string_view::npos)
        return fail("not a compact JWS (three parts)");
    auto header_raw = Base64UrlDecode(token.substr(0, a));
    auto payload_raw = Base64UrlDecode(token.substr(a + 1, b - a - 1));
    auto sig = Base64UrlDecode(token.substr(b + 1));
    if (!header_raw || !payload_raw || !sig) return fail("a part is not base64url");
    try {
        r.header = core::ParseJsonBounded(*header_raw);
    } catch (const std::exception&) {
        return fail("the header is not JSON within limits");
    }
    if (!r.header.is_object()) return fail("the header is not a JSON object");
    auto alg = r.header.find("alg");
    if (alg == r.header.end() || !alg->is_string() || *alg != "EdDSA")
        return fail("the algorithm is not EdDSA");
    if (r.header.contains("crit")) return fail("unsupported critical header parameters");
    const PublicKey* key = nullptr;
    auto kid = r.header.find("kid");
    if (kid != r.header.end()) {
        if (!kid->is_string()) return fail("kid is not a string");
        std::string k = kid->get<std::string>();
        size_t hash = k.rfind('#');
        if (hash != std::string::npos) k = k.substr(hash + 1);
        for (const auto& pk : keys)
            if (pk.kid == k) key = &pk;
    } else if (keys.size() == 1) {
        key = &keys.front();
    }
    if (!key || key->key.size() != crypto_sign_PUBLICKEYBYTES) return fail("unknown key");
    if (sig->size() != crypto_sign_BYTES) return fail("the signature is not 64 bytes");
    if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig->data()),
                                    reinterpret_cast<const unsigned char*>(token.data()), b,
                                    reinterpret_cast<const unsigned char*>(key->key.data())) != 0)
        return fail("the signature does not match");
    // Read only once it is known to come from the key's holder.
    try {
        r.payload = core::ParseJsonBounded(*payload_raw);
    } catch (const std::exception&) {
        return fail("the payload is not JSON within limits");
    }
    if (!r.payload.is_object()) return fail("the payload is not a JSON object");
    r.valid = true;
    return r;
}

std::string CredentialTime(int64_t epoch_seconds) {
    std::time_t t = static_cast<std::time_t>(epoch_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

Json OpenBadgeCredential(const BadgeInput& in) {
    Json issuer{{"id", in.issuer_id}, {"type", Json::array({"Profile"})}, {"name", in.issuer_name}};
    if (!in.issuer_url.empty()) issuer["url"] = in.issuer_url;
    Json achievement{{"id", in.achievement_id},
                     {"type", Json::array({"Achievement"})},
                     {"name", in.achievement_name},
                     {"description", in.achievement_description},
                     {"criteria", Json{{"narrative", in.criteria}}}};
    // The learner has no DID: they are named (as they chose) by an IdentityObject.
    Json subject{{"type", Json::array({"AchievementSubject"})},
                 {"identifier", Json::array({Json{{"type", "IdentityObject"},
                                                  {"identityType", "name"},
                                                  {"hashed", false},
                                                  {"identityHash", in.subject_name}}})},
                 {"achievement", achievement}};
    Json vc{{"@context", Json::array({kVcContext, kObContext})},
            {"id", in.credential_id},
            {"type", Json::array({"VerifiableCredential", "OpenBadgeCredential"})},
            {"issuer", issuer},
            {"name", in.achievement_name},
            {"validFrom", CredentialTime(in.valid_from)},
            {"credentialSubject", subject}};
    if (in.valid_until > 0) vc["validUntil"] = CredentialTime(in.valid_until);
    if (!in.status_list_url.empty() && in.status_index >= 0)
        vc["credentialStatus"] =
            Json{{"id", in.status_list_url + "#" + std::to_string(in.status_index)},
                 {"type", "BitstringStatusListEntry"},
                 {"statusPurpose", "revocation"},
                 {"statusListIndex", std::to_string(in.status_index)},
                 {"statusListCredential", in.status_list_url}};
    return vc;
}

namespace {
// OB 3.0 §8.2: the JWT payload is the credential itself, with the registered claims beside it.
Json WithClaims(Json vc, const std::string& issuer_id, int64_t nbf, int64_t exp) {
    vc["iss"] = issuer_id;
    vc["nbf"] = nbf;
    vc["jti"] = vc["id"];
    if (exp > 0) vc["exp"] = exp;
    return vc;
}
}  // namespace

std::string IssueOpenBadgeJwt(const BadgeInput& in, const SigningKey& key) {
    Json payload = WithClaims(OpenBadgeCredential(in), in.issuer_id, in.valid_from, in.valid_until);
    return SignJwt(payload, key, in.issuer_id + "#");
}

StatusBits::StatusBits(size_t bits) : bits_(bits), bytes_((bits + 7) / 8, '\0') {}

void StatusBits::Set(size_t index, bool value) {
    if (index >= bits_) throw std::out_of_range("status list index");
    auto mask = static_cast<unsigned char>(0x80u >> (index % 8));
    auto& byte = reinterpret_cast<unsigned char&>(bytes_[index / 8]);
    byte = value ? (byte | mask) : (byte & static_cast<unsigned char>(~mask));
}

bool StatusBits::Get(size_t index) const {
    if (index >= bits_) throw std::out_of_range("status list index");
    return (static_cast<unsigned char>(bytes_[index / 8]) & (0x80u >> (index % 8))) != 0;
}

std::string StatusBits::Encode() const {
    return "u" + Base64UrlEncode(Gzip(bytes_));
}

std::optional<StatusBits> StatusBits::Decode(std::string_view encoded) {
    if (encoded.size() > kMaxEncodedListBytes || encoded.empty() || encoded[0] != 'u')
        return std::nullopt;
    auto gz = Base64UrlDecode(encoded.substr(1));
    if (!gz) return std::nullopt;
    auto raw = Gunzip(*gz, kMaxStatusListBits / 8);
    if (!raw || raw->empty()) return std::nullopt;
    StatusBits bits(raw->size() * 8);
    bits.bytes_ = std::move(*raw);
    return bits;
}

Json StatusListCredential(const std::string& list_url, const std::string& issuer_id,
                          const StatusBits& bits, int64_t valid_from) {
    return Json{{"@context", Json::array({kVcContext})},
                {"id", list_url},
                {"type", Json::array({"VerifiableCredential", "BitstringStatusListCredential"})},
                {"issuer", issuer_id},
                {"validFrom", CredentialTime(valid_from)},
                {"credentialSubject", Json{{"id", list_url + "#list"},
                                           {"type", "BitstringStatusList"},
                                           {"statusPurpose", "revocation"},
                                           {"encodedList", bits.Encode()}}}};
}

std::string IssueStatusListJwt(const std::string& list_url, const std::string& issuer_id,
                               const StatusBits& bits, int64_t valid_from, const SigningKey& key) {
    Json payload = WithClaims(StatusListCredential(list_url, issuer_id, bits, valid_from),
                              issuer_id, valid_from, 0);
    return SignJwt(payload, key, issuer_id + "#");
}

}  // namespace govhub::learning

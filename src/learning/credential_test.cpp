// Signed credentials: keys (RFC 8037's vector), JWS signing and what verification refuses,
// did:web, Open Badges 3.0 claims and Bitstring Status Lists.
#include "learning/credential.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "core/crypto.hpp"

namespace govhub::learning {
namespace {

// RFC 8037 appendix A.1: the private key d and its public key x.
const char* const kRfcSeed = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
const char* const kRfcX = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

SigningKey RfcKey() {
    return SigningKeyFromSeed(*Base64UrlDecode(kRfcSeed));
}
std::vector<PublicKey> PublicOf(const SigningKey& k) {
    return {{k.kid, k.public_key}};
}

TEST(CredentialKeys, Rfc8037VectorGivesItsPublicKeyAndThumbprint) {
    SigningKey k = RfcKey();
    EXPECT_EQ(Base64UrlEncode(k.public_key), kRfcX);
    // RFC 8037 A.3: the JWK thumbprint of that key.
    EXPECT_EQ(k.kid, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    Json jwk = PublicJwk(k);
    EXPECT_EQ(jwk["kty"], "OKP");
    EXPECT_EQ(jwk["crv"], "Ed25519");
    EXPECT_EQ(jwk["x"], kRfcX);
    EXPECT_FALSE(jwk.contains("d"));
}

TEST(CredentialKeys, Rfc8037SignatureVerifies) {
    // RFC 8037 A.4: {"alg":"EdDSA"} over "Example of Ed25519 signing". Its payload is not JSON,
    // so verification goes past the signature and stops at the payload.
    std::string token =
        "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
        "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
    auto r = VerifyJwt(token, PublicOf(RfcKey()));
    EXPECT_FALSE(r.valid);
    EXPECT_EQ(r.error, "the payload is not JSON within limits");
    std::string bad = token;
    bad[bad.size() - 5] = bad[bad.size() - 5] == 'A' ? 'B' : 'A';
    EXPECT_EQ(VerifyJwt(bad, PublicOf(RfcKey())).error, "the signature does not match");
}

TEST(CredentialKeys, KeyFileIsCreatedOnceReadByEveryoneAfterAndPrivate) {
    auto dir = std::filesystem::temp_directory_path() / ("govhub-cred-" + core::RandomToken(6));
    std::string path = (dir / "secrets" / "credential.key").string();
    SigningKey a = LoadOrCreateSigningKey(path);
    SigningKey b = LoadOrCreateSigningKey(path);
    EXPECT_EQ(a.kid, b.kid);
    EXPECT_EQ(a.secret_key, b.secret_key);
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    std::ofstream(path) << "rsa whatever\n";
    EXPECT_THROW(LoadOrCreateSigningKey(path), std::runtime_error);
    std::ofstream(path) << "ed25519 c2hvcnQ\n";
    EXPECT_THROW(LoadOrCreateSigningKey(path), std::runtime_error);
    std::filesystem::remove_all(dir);
}

TEST(CredentialJwt, RoundTripAndWhatIsRefused) {
    SigningKey k = RfcKey();
    SigningKey other = SigningKeyFromSeed(std::string(32, 'x'));
    std::string t = SignJwt(Json{{"name", "ผู้ใหญ่"}}, k, "did:web:example.go.th#");
    auto ok = VerifyJwt(t, {{other.kid, other.public_key}, {k.kid, k.public_key}});
    ASSERT_TRUE(ok.valid) << ok.error;
    EXPECT_EQ(ok.payload["name"], "ผู้ใหญ่");
    EXPECT_EQ(ok.header["kid"], "did:web:example.go.th#" + k.kid);

    EXPECT_EQ(VerifyJwt(t, PublicOf(other)).error, "unknown key");
    // Another key under this key's kid.
    EXPECT_EQ(VerifyJwt(t, {{k.kid, other.public_key}}).error, "the signature does not match");
    // A changed payload.
    size_t a = t.find('.'), b = t.rfind('.');
    std::string forged = t.substr(0, a) + "." + Base64UrlEncode(R"({"name":"x"})") + t.substr(b);
    EXPECT_EQ(VerifyJwt(forged, PublicOf(k)).error, "the signature does not match");
    // "none" and HMAC are not EdDSA.
    std::string none =
        Base64UrlEncode(R"({"alg":"none"})") + "." + t.substr(a + 1, b - a - 1) + ".";
    EXPECT_EQ(VerifyJwt(none, PublicOf(k)).error, "the algorithm is not EdDSA");
    none = Base64UrlEncode(R"({"alg":"none"})") + "." + t.substr(a + 1);
    EXPECT_EQ(VerifyJwt(none, PublicOf(k)).error, "the algorithm is not EdDSA");
    std::string hs = Base64UrlEncode(R"({"alg":"HS256"})") + "." + t.substr(a + 1);
    EXPECT_EQ(VerifyJwt(hs, PublicOf(k)).error, "the algorithm is not EdDSA");
    std::string crit =
        Base64UrlEncode(R"({"alg":"EdDSA","crit":["b64"],"b64":false})") + "." + t.substr(a + 1);
    EXPECT_EQ(VerifyJwt(crit, PublicOf(k)).error, "unsupported critical header parameters");
    // Form and size.
    EXPECT_FALSE(VerifyJwt("a.b", PublicOf(k)).valid);
    EXPECT_FALSE(VerifyJwt(t + ".x", PublicOf(k)).valid);
    EXPECT_EQ(VerifyJwt(std::string(kMaxJwtBytes + 1, 'a'), PublicOf(k)).error,
              "the token is too long");
    std::string deep = Base64UrlEncode(std::string(5000, '[') + std::string(5000, ']'));
    EXPECT_EQ(VerifyJwt(deep + "." + t.substr(a + 1), PublicOf(k)).error,
              "the header is not JSON within limits");
}

TEST(CredentialDid, DidWebForSiteUrls) {
    EXPECT_EQ(DidWebFor("https://learn.example.go.th"), "did:web:learn.example.go.th");
    EXPECT_EQ(DidWebFor("https://Learn.Example.go.th/"), "did:web:learn.example.go.th");
    EXPECT_EQ(DidWebFor("http://localhost:8080"), "did:web:localhost%3A8080");
    EXPECT_EQ(DidWebFor("https://example.go.th/learning/certs"),
              "did:web:example.go.th:learning:certs");
    EXPECT_EQ(DidWebFor("ftp://example.go.th"), "");
    EXPECT_EQ(DidWebFor("example.go.th"), "");
    EXPECT_EQ(DidWebFor("https://user@example.go.th"), "");
    Json doc = DidDocument("did:web:example.go.th", {RfcKey()});
    EXPECT_EQ(doc["id"], "did:web:example.go.th");
    EXPECT_EQ(doc["verificationMethod"][0]["id"],
              "did:web:example.go.th#kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    EXPECT_EQ(doc["verificationMethod"][0]["publicKeyJwk"]["x"], kRfcX);
    EXPECT_EQ(doc["assertionMethod"][0], doc["verificationMethod"][0]["id"]);
}

BadgeInput Badge() {
    BadgeInput in;
    in.credential_id = "https://example.go.th/learning/verify/ABCD-EFGH";
    in.issuer_id = "did:web:example.go.th";
    in.issuer_name = "สำนักงานพัฒนารัฐบาลดิจิทัล";
    in.subject_name = "สมชาย ใจดี";
    in.achievement_id = "https://example.go.th/learning/course/open-data-basics";
    in.achievement_name = "พื้นฐานข้อมูลเปิดภาครัฐ";
    in.achievement_description = "หลักสูตร 3 ชั่วโมง";
    in.criteria = "เรียนครบทุกบทและผ่านแบบทดสอบ";
    in.valid_from = 1796000000;
    in.status_list_url = "https://example.go.th/learning/credentials/status/1";
    in.status_index = 42;
    return in;
}

TEST(CredentialBadge, VcJwtCarriesTheCredentialAndItsClaims) {
    SigningKey k = RfcKey();
    std::string jwt = IssueOpenBadgeJwt(Badge(), k);
    auto r = VerifyJwt(jwt, PublicOf(k));
    ASSERT_TRUE(r.valid) << r.error;
    const Json& p = r.payload;
    EXPECT_EQ(p["iss"], "did:web:example.go.th");
    EXPECT_EQ(p["nbf"], 1796000000);
    EXPECT_EQ(p["jti"], Badge().credential_id);
    EXPECT_FALSE(p.contains("exp"));
    EXPECT_FALSE(p.contains("vc"));  // OB 3.0 §8.2: the members sit at the top level
    EXPECT_EQ(p["type"], Json::array({"VerifiableCredential", "OpenBadgeCredential"}));
    EXPECT_EQ(p["@context"][1], "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json");
    EXPECT_EQ(p["validFrom"], CredentialTime(1796000000));
    EXPECT_EQ(p["credentialSubject"]["achievement"]["name"], "พื้นฐานข้อมูลเปิดภาครัฐ");
    EXPECT_EQ(p["credentialSubject"]["identifier"][0]["identityHash"], "สมชาย ใจดี");
    EXPECT_EQ(p["credentialStatus"]["statusListIndex"], "42");
    EXPECT_EQ(p["credentialStatus"]["type"], "BitstringStatusListEntry");
    EXPECT_EQ(r.header["kid"], "did:web:example.go.th#" + k.kid);
    EXPECT_EQ(CredentialTime(0), "1970-01-01T00:00:00Z");
}

TEST(CredentialStatus, BitsEncodeAsTheSpecSaysAndDecodeBack) {
    StatusBits bits;
    EXPECT_EQ(bits.size(), kMinStatusListBits);
    bits.Set(0, true);
    bits.Set(42, true);
    bits.Set(kMinStatusListBits - 1, true);
    std::string enc = bits.Encode();
    ASSERT_EQ(enc[0], 'u');
    auto back = StatusBits::Decode(enc);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->size(), kMinStatusListBits);
    EXPECT_TRUE(back->Get(0));
    EXPECT_TRUE(back->Get(42));
    EXPECT_FALSE(back->Get(41));
    EXPECT_TRUE(back->Get(kMinStatusListBits - 1));
    // Index 0 is the leftmost bit of the first byte.
    auto gz = Base64UrlDecode(enc.substr(1));
    ASSERT_TRUE(gz);
    EXPECT_EQ(static_cast<unsigned char>((*gz)[0]), 0x1f);  // a gzip stream
    bits.Set(42, false);
    EXPECT_FALSE(StatusBits::Decode(bits.Encode())->Get(42));
    EXPECT_THROW(bits.Set(kMinStatusListBits, true), std::out_of_range);
}

TEST(CredentialStatus, HostileEncodedListsAreRefused) {
    EXPECT_FALSE(StatusBits::Decode(""));
    EXPECT_FALSE(StatusBits::Decode("zAAAA"));  // another multibase
    EXPECT_FALSE(StatusBits::Decode("u!!!!"));  // not base64url
    EXPECT_FALSE(StatusBits::Decode("u" + Base64UrlEncode("not gzip at all")));
    EXPECT_FALSE(StatusBits::Decode(std::string(kMaxEncodedListBytes + 1, 'u')));
    // A bomb: 64 MiB of zeros compresses to ~64 KiB; refused past the bit cap.
    std::string zeros(64u << 20, '\0');
    z_stream zs{};
    ASSERT_EQ(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    std::string out(deflateBound(&zs, zeros.size()), '\0');
    zs.next_in = reinterpret_cast<Bytef*>(zeros.data());
    zs.avail_in = static_cast<uInt>(zeros.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    ASSERT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    std::string bomb = "u" + Base64UrlEncode(out);
    ASSERT_LE(bomb.size(), kMaxEncodedListBytes);
    EXPECT_FALSE(StatusBits::Decode(bomb));
    // A truncated stream.
    std::string enc = StatusBits().Encode();
    EXPECT_FALSE(StatusBits::Decode(enc.substr(0, enc.size() / 2)));
}

TEST(CredentialStatus, StatusListCredentialIsSignedAndNamesItsList) {
    SigningKey k = RfcKey();
    StatusBits bits;
    bits.Set(7, true);
    std::string url = "https://example.go.th/learning/credentials/status/1";
    auto r = VerifyJwt(IssueStatusListJwt(url, "did:web:example.go.th", bits, 1796000000, k),
                       PublicOf(k));
    ASSERT_TRUE(r.valid) << r.error;
    EXPECT_EQ(r.payload["type"][1], "BitstringStatusListCredential");
    EXPECT_EQ(r.payload["credentialSubject"]["statusPurpose"], "revocation");
    EXPECT_EQ(r.payload["credentialSubject"]["id"], url + "#list");
    auto back =
        StatusBits::Decode(r.payload["credentialSubject"]["encodedList"].get<std::string>());
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->Get(7));
    EXPECT_FALSE(back->Get(8));
}

}  // namespace
}  // namespace govhub::learning

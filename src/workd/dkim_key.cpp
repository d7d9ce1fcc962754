#include "workd/dkim_key.hpp"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <stdexcept>

#include "core/crypto.hpp"
#include "core/strings.hpp"

namespace govhub::workd {
namespace {

struct PkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Bio = std::unique_ptr<BIO, BioFree>;

constexpr size_t kMaxPemBytes = 64 * 1024;

std::optional<std::string> PublicKeyBase64(EVP_PKEY* key) {
    int len = i2d_PUBKEY(key, nullptr);
    if (len <= 0) return std::nullopt;
    std::string der(static_cast<size_t>(len), '\0');
    auto* p = reinterpret_cast<unsigned char*>(der.data());
    if (i2d_PUBKEY(key, &p) != len) return std::nullopt;
    return core::Base64Encode(der);
}

}  // namespace

DkimKeyPair GenerateDkimKey(int bits) {
    if (bits < 1024 || bits > 8192) throw std::invalid_argument("DKIM key size");
    Pkey key(EVP_RSA_gen(static_cast<unsigned int>(bits)));
    if (!key) {
        ERR_clear_error();
        throw std::runtime_error("DKIM key generation failed");
    }
    Bio bio(BIO_new(BIO_s_mem()));
    if (!bio ||
        PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        throw std::runtime_error("DKIM key PEM encoding failed");
    char* data = nullptr;
    long size = BIO_get_mem_data(bio.get(), &data);
    DkimKeyPair pair;
    pair.private_pem.assign(data, static_cast<size_t>(size));
    // The memory BIO held the private key: wipe it before it is freed.
    OPENSSL_cleanse(data, static_cast<size_t>(size));
    auto pub = PublicKeyBase64(key.get());
    if (!pub) throw std::runtime_error("DKIM public key encoding failed");
    pair.public_key = std::move(*pub);
    return pair;
}

std::optional<std::string> DkimPublicKeyFromPrivatePem(std::string_view pem) {
    if (pem.empty() || pem.size() > kMaxPemBytes) return std::nullopt;
    Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) return std::nullopt;
    // An empty passphrase callback result: an encrypted PEM fails instead of prompting.
    Pkey key(PEM_read_bio_PrivateKey(
        bio.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr));
    if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
        // A failed read leaves errors in the thread's OpenSSL queue, where a later TLS call on
        // this worker thread (libcurl, libpq) would take them for its own.
        ERR_clear_error();
        return std::nullopt;
    }
    return PublicKeyBase64(key.get());
}

std::string DkimSelector(int buddhist_year, int rotation) {
    if (rotation < 0) rotation = 0;
    // Bijective base 26: a..z, aa..zz, ...
    std::string suffix;
    for (int n = rotation + 1; n > 0; n = (n - 1) / 26)
        suffix.insert(suffix.begin(), static_cast<char>('a' + (n - 1) % 26));
    return "workd" + std::to_string(buddhist_year) + suffix;
}

bool IsValidDkimSelector(std::string_view s) {
    if (s.empty() || s.size() > 63) return false;
    for (const auto& label : core::Split(s, '.')) {
        if (label.empty() || label.front() == '-' || label.back() == '-') return false;
        for (char c : label) {
            bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-';
            if (!ok) return false;
        }
    }
    return true;
}

}  // namespace govhub::workd

#pragma once
// The DKIM key pair govhub makes for each agency domain (issue 18): RSA-2048 with OpenSSL's
// libcrypto, the private key as PEM for the caller to seal with the vault (the signer that
// provisioning sets up reads it), the public key as the `p=` of the DNS record.
#include <optional>
#include <string>
#include <string_view>

namespace govhub::workd {

struct DkimKeyPair {
    std::string private_pem;  // PKCS#8 "-----BEGIN PRIVATE KEY-----", unencrypted: seal it
    std::string public_key;   // base64 of the DER SubjectPublicKeyInfo, as p= carries it
};

// 2048 bits: what Google and Microsoft publish; 1024 is too weak, and 4096 makes a record that
// some DNS panels refuse. Throws std::runtime_error when libcrypto fails.
DkimKeyPair GenerateDkimKey(int bits = 2048);
// The p= of a private key PEM (PKCS#8 or PKCS#1), to check a stored key against the published
// record; nullopt when the PEM is not an RSA private key (or is over 64 KiB).
std::optional<std::string> DkimPublicKeyFromPrivatePem(std::string_view pem);

// Selectors: "workd" + the Buddhist-era year + a letter per key made that year
// (workd2569a, workd2569b, ...), so a new key gets a new name and the old record can stay
// published while mail signed with it is still in flight. `rotation` 0 → a, 25 → z, 26 → aa.
std::string DkimSelector(int buddhist_year, int rotation = 0);
// A selector as RFC 6376 §3.1 allows it (dot-separated labels of letters, digits and hyphens),
// at most 63 bytes so `<selector>._domainkey.<domain>` stays a usable name.
bool IsValidDkimSelector(std::string_view selector);

}  // namespace govhub::workd

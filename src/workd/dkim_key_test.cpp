#include "workd/dkim_key.hpp"

#include <gtest/gtest.h>

#include "core/crypto.hpp"
#include "workd/dns_records.hpp"

namespace govhub::workd {
namespace {

TEST(DkimKey, GeneratesRsa2048WithMatchingPublicKey) {
    DkimKeyPair pair = GenerateDkimKey();
    EXPECT_TRUE(pair.private_pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    // SubjectPublicKeyInfo of RSA-2048: 294 bytes of DER, starting with the rsaEncryption header
    // every 2048-bit p= published by Google and Microsoft starts with.
    auto der = core::Base64Decode(pair.public_key);
    ASSERT_TRUE(der);
    EXPECT_EQ(der->size(), 294u);
    EXPECT_TRUE(pair.public_key.starts_with("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"));
    EXPECT_EQ(DkimPublicKeyFromPrivatePem(pair.private_pem), pair.public_key);
    // The published record built from it passes the checker.
    EXPECT_TRUE(CheckDkim({DkimRecordValue(pair.public_key)}, pair.public_key).ok);
    // Two keys differ.
    EXPECT_NE(GenerateDkimKey().public_key, pair.public_key);
}

TEST(DkimKey, DerivesFromPkcs1PemAndRefusesOthers) {
    // A PKCS#1 key as `openssl genrsa -traditional 1024` (and opendkim-genkey) writes it, made
    // once for this test, and its public key from `openssl rsa -pubout -outform DER | base64`.
    const char* pkcs1 =
        "-----BEGIN RSA PRIVATE KEY-----\n"
        "MIICXAIBAAKBgQCqz2e3h4IIBFspuC2V43VFmVf0rQQ34Ku6ZCfS2qC8r2mhzsu9\n"
        "05vAGXBzyjXdyYJuhr89zBxbKGT7ar2htWPhYhtRxRIl3yic41USTkFy9/Kjxvfz\n"
        "Zcoy3eGUH2hvO103qXZSry09dZBrN8DPF6Bsi2ai9WfshhmvISZZT4tt0QIDAQAB\n"
        "AoGAR8J801jloxKZbgyHcjouEYBbuFpbtFH6M4NSS7432y1ilmz3oZdeDrVhTfP8\n"
        "72FyH5cSjxbKLu3ohsuQQXigLec/wBUAI646Nug6z+zFdveCs4kgAy/pQvPgUNK/\n"
        "9ZBV9NaVf2racJd7hJgXTM4T9k8seWVY4yAvR2OBKtUXMTECQQDTajQu2fxa6Vf4\n"
        "vKUTSpULxemYA0ZpYLvunxmowYERQpXYyi+jc8q0rGY1cAVx8yXIGZBrmrd/8bSA\n"
        "U6l4lJdVAkEAztUMi8aXRBemQvmR7uKQCLQwPatXC7/X+dHT0OZboFTrUc7rotq2\n"
        "Tb57rEOhz7JGbUmzhjzjtoP+zhSFvHvEjQJAMmAcDw3iE8eGLr7EltQur595Cb++\n"
        "B14FadZ/RrbVCkfTbNTAhTISGvr5X8JRidVmK0fsIbe8AcCWQf2tZA4EAQJAHPzM\n"
        "+lYF4zwxSBe0NTe5mg6u6CW4WGQ1v8SBnDh8xPbB2EBY1AU1IaY9rQH5jqNcrXpz\n"
        "16929qB/OKC1sZnjDQJBAKhkjECIlcedfUiqaYcnkM5xYgAy/IxSPXGF1jYBIT9z\n"
        "y75xvTkeARRHwp88X6ipV/TjWJMuTftOXRq3mjSSHp8=\n"
        "-----END RSA PRIVATE KEY-----\n";
    EXPECT_EQ(
        DkimPublicKeyFromPrivatePem(pkcs1),
        "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCqz2e3h4IIBFspuC2V43VFmVf0rQQ34Ku6ZCfS2qC8r2mhzsu9"
        "05vAGXBzyjXdyYJuhr89zBxbKGT7ar2htWPhYhtRxRIl3yic41USTkFy9/KjxvfzZcoy3eGUH2hvO103qXZSry09"
        "dZBrN8DPF6Bsi2ai9WfshhmvISZZT4tt0QIDAQAB");
    std::string truncated(pkcs1);
    truncated.erase(200, 300);
    EXPECT_FALSE(DkimPublicKeyFromPrivatePem(truncated));
    EXPECT_FALSE(DkimPublicKeyFromPrivatePem(""));
    EXPECT_FALSE(DkimPublicKeyFromPrivatePem("not a pem"));
    EXPECT_FALSE(DkimPublicKeyFromPrivatePem(std::string(70 * 1024, 'A')));
    // An Ed25519 key (`openssl genpkey -algorithm ed25519`) is not what our k=rsa record carries.
    const char* ed25519 =
        "-----BEGIN PRIVATE KEY-----\n"
        "MC4CAQAwBQYDK2VwBCIEII1HTYloSE76YL8I3rq79Utk6KD94Veeth2jTz+SzRij\n"
        "-----END PRIVATE KEY-----\n";
    EXPECT_FALSE(DkimPublicKeyFromPrivatePem(ed25519));
    // An encrypted PEM (`openssl pkcs8 -topk8 -v2 aes-256-cbc`) fails instead of asking for a
    // passphrase on the terminal.
    const char* encrypted =
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
        "MIIC3TBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQIzi4f+i6ugF0CAggA\n"
        "MAwGCCqGSIb3DQIJBQAwHQYJYIZIAWUDBAEqBBCD7gRS3Gdekeh4RDflkNiQBIIC\n"
        "gB8JgDkXvCU41MtW1O+scRdOVYl61ejmHnjMRRfI1FFXEUSdcVNzwBQzOLatZJDd\n"
        "zHgq/gJwpEYR9xiRYtTtS2iGXkIGPh2oyl/7HISBgYog+QNnvgZ/hOYRjxYMc4Ze\n"
        "T4mY0CVmSF1ftc7soeMgWeCFqdOoLYEF16WLA9P4bcXKx9TROesvnHCqxiEwMONf\n"
        "/WRwXQVijpUiqUObr+8WCuxDn5idwUBEVPCGX7XP/7VyRAfhhIjuM6P2jAbb8k0h\n"
        "rzzqa+Ow4MmkOcNyhy2B41aRhhNfwLlDilcSh6RSZ52+bjzKy8ecOQd9Vycnv2fR\n"
        "Wu7yv90KyIC508g6jKSSiN4MKv7UxBuOKGyVvzdAI6ieMEVpi7/nXBKM+z6a8DgE\n"
        "9phBOnhqylF3vXdAQHT02DJ+gh9oWQ0+jWhbcbDJclvgdu5hfOABoxwqZik/87Yj\n"
        "iG+oKHKqpU12MN68JzHMAIrNyQcW+OBQnkcM+eMcmKbRwypHXwGWlZEKzZwXyCis\n"
        "zzZ0H+ytC68uidTdJTmXQmxxZABybMnqR4vEZOniSM1GobeFKnpy4Ke6N3Q4d6HE\n"
        "xvTLvTBBJ/FyvIEr40Hrf/CnLlr26ZlfViAxWdLXGKE483wn9N+li1Z5/XQZsdtK\n"
        "SHNIcLcOD7WGfnITxZLU6UTFnjTv1bA+gD9wqd9wD7EpOgDAErKmC+FwVjVvfFJe\n"
        "8xMlJA/QVBkSSBYVIQMKahBJQk4WrBEW7ezF/l1zJoNQT3aa6w3dBEhGxu4ou3zf\n"
        "KGdeWRUivpsUS2A4D7Sg9SnWaFw/9MdrY7VvBpKV8bcaOv5g9JEG8zXrXGWMrR8y\n"
        "S7RmVmCamGrrQI+9FxNKzrI=\n"
        "-----END ENCRYPTED PRIVATE KEY-----\n";
    EXPECT_FALSE(DkimPublicKeyFromPrivatePem(encrypted));
}

TEST(DkimKey, SmallerKeySizesWork) {
    DkimKeyPair pair = GenerateDkimKey(1024);
    EXPECT_EQ(DkimPublicKeyFromPrivatePem(pair.private_pem), pair.public_key);
    EXPECT_THROW(GenerateDkimKey(512), std::invalid_argument);
}

TEST(DkimKey, SelectorsPerYearAndRotation) {
    EXPECT_EQ(DkimSelector(2569), "workd2569a");
    EXPECT_EQ(DkimSelector(2569, 1), "workd2569b");
    EXPECT_EQ(DkimSelector(2569, 25), "workd2569z");
    EXPECT_EQ(DkimSelector(2569, 26), "workd2569aa");
    EXPECT_EQ(DkimSelector(2570, 27), "workd2570ab");
    EXPECT_TRUE(IsValidDkimSelector("workd2569a"));
    EXPECT_TRUE(IsValidDkimSelector("google"));
    EXPECT_TRUE(IsValidDkimSelector("selector1.2026"));  // RFC 6376 allows dotted selectors
    EXPECT_FALSE(IsValidDkimSelector(""));
    EXPECT_FALSE(IsValidDkimSelector("-a"));
    EXPECT_FALSE(IsValidDkimSelector("a..b"));
    EXPECT_FALSE(IsValidDkimSelector("a_b"));
    EXPECT_FALSE(IsValidDkimSelector("ทดสอบ"));
    EXPECT_FALSE(IsValidDkimSelector(std::string(64, 'a')));
}

}  // namespace
}  // namespace govhub::workd

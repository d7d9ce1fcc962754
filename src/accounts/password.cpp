#include "accounts/password.hpp"

#include <sodium.h>

#include <stdexcept>

#include "core/strings.hpp"

namespace govhub::accounts {

std::string HashPassword(const std::string& password) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium init failed");
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        throw std::runtime_error("out of memory while hashing a password");
    return out;
}

bool VerifyPassword(const std::string& hash, const std::string& password) {
    if (hash.empty()) return false;
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string CheckPasswordPolicy(const std::string& password, const std::string& user_name) {
    size_t len = core::Utf8Length(password);
    if (len < 10) return "password.too_short";
    if (password.size() > 1024) return "password.too_long";
    if (!user_name.empty() &&
        core::ToLower(password).find(core::ToLower(user_name)) != std::string::npos)
        return "password.contains_name";
    // At least two kinds of character: ASCII letters, digits, anything else (symbols, Thai).
    bool letter = false, digit = false, other = false;
    for (unsigned char c : password) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            letter = true;
        else if (c >= '0' && c <= '9')
            digit = true;
        else
            other = true;
    }
    if (int{letter} + int{digit} + int{other} < 2) return "password.too_simple";
    return {};
}

}  // namespace govhub::accounts

#pragma once
// Password hashing with argon2id (libsodium), and the password policy.
#include <string>

namespace govhub::accounts {

std::string HashPassword(const std::string& password);
bool VerifyPassword(const std::string& hash, const std::string& password);
// Empty when acceptable, else an i18n key explaining why not.
std::string CheckPasswordPolicy(const std::string& password, const std::string& user_name);

}  // namespace govhub::accounts

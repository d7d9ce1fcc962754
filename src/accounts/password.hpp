#pragma once
// Password hashing with argon2id (libsodium), and the password policy.
#include <string>

namespace govhub::accounts {

std::string HashPassword(const std::string& password);
// Checks `password` against govhub's argon2id hashes and against the hashes a CKAN site stores
// (passlib's "$pbkdf2-sha512$<rounds>$<salt>$<checksum>", adapted base64), so people moved in
// from CKAN keep their passwords; NeedsRehash then says to store HashPassword at this login.
bool VerifyPassword(const std::string& hash, const std::string& password);
// A hash VerifyPassword can check: what a sysadmin may give user_create as password_hash.
// Its cost is bounded so an imported hash cannot make a login slow or big: pbkdf2 rounds
// 1,000..100,000; argon2id at most 256 MiB, 10 passes, 4 lanes. VerifyPassword refuses (false)
// a stored hash outside these bounds without computing it.
bool IsKnownPasswordHash(const std::string& hash);
// Not govhub's current argon2id parameters (a CKAN hash, or older settings).
bool NeedsRehash(const std::string& hash);
// Empty when acceptable, else an i18n key explaining why not.
std::string CheckPasswordPolicy(const std::string& password, const std::string& user_name);

}  // namespace govhub::accounts

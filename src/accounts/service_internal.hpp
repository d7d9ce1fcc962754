#pragma once
// Pieces the account service's own files share (service.cpp, second_factor.cpp, closing.cpp);
// not for other modules.
#include <algorithm>
#include <string>

#include "accounts/auth.hpp"
#include "accounts/service.hpp"
#include "audit/audit.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/i18n.hpp"
#include "core/strings.hpp"

namespace govhub::accounts::internal {

// Keys of the failure counters, hashed: people sometimes type a password into the name field.
inline std::string PasswordFailureKey(const std::string& login) {
    return core::Sha256Hex("password:" + login);
}
inline std::string CodeFailureKey(const std::string& user_id) {
    return core::Sha256Hex("code:" + user_id);
}

// A lock-out message with the minutes left (`key` holds a {minutes} placeholder).
inline std::string LockedMessage(std::string_view key, int64_t until, int64_t now) {
    int64_t minutes = std::max<int64_t>(1, (until - now + 59) / 60);
    return core::Message(key, {{"minutes", std::to_string(minutes)}});
}

// Names a person may not take: the words of the /user/... pages.
inline bool IsReservedUserName(const std::string& name) {
    for (const char* word : {"register", "login", "logout", "verify", "reset", "password", "me",
                             "new", "edit", "api", "static"})
        if (name == word) return true;
    return false;
}

// The first gate of the administrator's actions (auth.hpp: CanAdministerUsers); the rules on the
// target (not oneself) are asked once it is found.
inline void RequireSysadmin(const Principal& p) {
    if (!CanAdministerUsers(&p)) throw HttpError::Forbidden("admin.sysadmin_only");
}

}  // namespace govhub::accounts::internal

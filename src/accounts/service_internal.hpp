#pragma once
// Pieces the account service's own files share (service.cpp, second_factor.cpp, closing.cpp);
// not for other modules.
#include <algorithm>
#include <string>

#include "accounts/service.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/i18n.hpp"
#include "core/strings.hpp"
#include "workflow/audit.hpp"

namespace govhub::accounts::internal {

// A JSON string literal.
inline std::string Q(const std::string& s) {
    return "\"" + core::JsonEscape(s) + "\"";
}

// Records an account event in the caller's transaction; the actor is `actor` when given (a
// person acting on themselves before they are signed in), else the caller.
inline void Audit(db::Connection& c, const Caller& caller, const std::string& action,
                  const std::string& type, const std::string& id, const std::string& details = "{}",
                  const std::string& actor = {}) {
    workflow::RecordAudit(c, {.actor_id = !actor.empty()     ? actor
                                          : caller.principal ? caller.principal->user_id
                                                             : "",
                              .action = action,
                              .object_type = type,
                              .object_id = id,
                              .details_json = details,
                              .ip = caller.ip});
}

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

inline void RequireSysadmin(const Principal& p) {
    if (!p.sysadmin) throw HttpError::Forbidden("admin.sysadmin_only");
}

}  // namespace govhub::accounts::internal

#pragma once
// Pieces the account service's own files share (service.cpp, second_factor.cpp, closing.cpp);
// not for other modules.
#include <string>

#include "accounts/service.hpp"
#include "core/error.hpp"
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

inline void RequireSysadmin(const Principal& p) {
    if (!p.sysadmin) throw HttpError::Forbidden("admin.sysadmin_only");
}

}  // namespace govhub::accounts::internal

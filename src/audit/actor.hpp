#pragma once
// Who did something, as the audit log records it (audit/audit.hpp); a small header of its own so
// the caller types that carry it need not pull in the log's.
#include <string>

namespace govhub::audit {

// An empty user id is the system or an anonymous visitor; an empty ip is stored as NULL.
struct Actor {
    std::string user_id;
    std::string ip;
};

}  // namespace govhub::audit

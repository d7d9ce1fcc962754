#pragma once
// The platform's one append-only audit log: every change and decision, by whom, on what.
// Activity streams and workflow history are views over it (DESIGN.md §4).
#include <string>
#include <vector>

#include "db/database.hpp"
#include "db/migrations.hpp"

namespace govhub::workflow {

struct AuditEvent {
    std::string actor_id;     // user id, or empty for the system / anonymous
    std::string action;       // "user.register", "api_token.create", ...
    std::string object_type;  // "user", "api_token", ...
    std::string object_id;
    std::string details_json = "{}";  // a JSON object
    std::string ip;
};

struct AuditEntry : AuditEvent {
    int64_t id = 0;
    std::string at;  // ISO-8601 UTC
};

void AddAuditMigrations(db::MigrationSet& set);

// Appends within the caller's transaction, so the record and the change commit together.
void RecordAudit(db::Connection& c, const AuditEvent& e);

std::vector<AuditEntry> AuditForObject(db::Connection& c, const std::string& object_type,
                                       const std::string& object_id, int limit = 100);
std::vector<AuditEntry> AuditForActor(db::Connection& c, const std::string& actor_id,
                                      int limit = 100);
// A cancelled account's personal data out of the log (PDPA): the IP addresses of what the
// person did, and names or e-mail addresses in the details of records about them. The user id
// stays, and with the profile anonymised it is only a pseudonym. Returns the records changed.
int RedactPerson(db::Connection& c, const std::string& user_id);

}  // namespace govhub::workflow

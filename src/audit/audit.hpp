#pragma once
// The platform's one append-only audit log: every change and decision, by whom, from where, on
// what. Activity streams and workflow history are views over it (DESIGN.md §4). Triggers on both
// engines refuse UPDATE and DELETE, except the PDPA redaction of RedactPerson.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "audit/actor.hpp"
#include "db/database.hpp"
#include "db/migrations.hpp"

namespace govhub::audit {

struct Entry {
    int64_t id = 0;
    std::string at;           // ISO-8601 UTC
    std::string actor_id;     // user id, or empty for the system / anonymous
    std::string action;       // "user.register", "dataset.update", ...
    std::string object_type;  // "user", "dataset", "workflow_request", ...
    std::string object_id;
    std::string details_json = "{}";  // a JSON object
    std::string ip;
};

void AddMigrations(db::MigrationSet& set);

// Appends one record within the caller's transaction, so the record and the change commit
// together. `details` must be a JSON object (anything else is a programming error and throws
// std::invalid_argument); text that is not valid UTF-8 is stored with U+FFFD in its place.
void Record(db::Connection& c, const Actor& actor, const std::string& action,
            const std::string& object_type, const std::string& object_id,
            const nlohmann::json& details = nlohmann::json::object());

std::vector<Entry> ForObject(db::Connection& c, const std::string& object_type,
                             const std::string& object_id, int limit = 100);
std::vector<Entry> ForActor(db::Connection& c, const std::string& actor_id, int limit = 100);

// A cancelled account's personal data out of the log (PDPA): the IP addresses of what the
// person did, and names or e-mail addresses in the details of records about them. The user id
// stays, and with the profile anonymised it is only a pseudonym. Returns the records changed.
int RedactPerson(db::Connection& c, const std::string& user_id);

}  // namespace govhub::audit

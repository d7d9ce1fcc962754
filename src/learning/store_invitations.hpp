#pragma once
// Invitations to a course (learning_invitations, migration learning:6): sent by bulk enrolment
// (bulk_enrol.hpp) to an e-mail address without an account, or to an account that has no
// verified identity yet; accepted (the person enrolled) when that address signs up or adds its
// identity. One per (e-mail, course).
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace govhub::learning {

struct Invitation {
    std::string id;
    std::string email;  // lower case
    std::string course_id, agency_id, invited_by;
    std::string created, accepted_at;  // accepted_at "" while pending
};

namespace store {

// False when (email, course) already has an invitation (nothing is written).
bool InsertInvitation(db::Connection& c, const Invitation& inv);
// The invitations of an address not yet accepted, oldest first.
std::vector<Invitation> PendingInvitations(db::Connection& c, const std::string& email);
void MarkInvitationAccepted(db::Connection& c, const std::string& id, const std::string& at);

}  // namespace store
}  // namespace govhub::learning

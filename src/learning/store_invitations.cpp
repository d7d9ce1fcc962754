// SQL of learning_invitations (the table comes with migration learning:6).
#include "learning/store_invitations.hpp"

#include "db/row_reader.hpp"

namespace govhub::learning::store {

bool InsertInvitation(db::Connection& c, const Invitation& inv) {
    // ON CONFLICT DO NOTHING: two jobs inviting one address to one course at once both end
    // without an error, and only one mail goes out (the caller sends it when this is true).
    return c.Exec(
               "INSERT INTO learning_invitations (id, email, course_id, agency_id, invited_by, "
               "created, accepted_at) VALUES (?, ?, ?, ?, ?, ?, '') "
               "ON CONFLICT (email, course_id) DO NOTHING",
               {inv.id, inv.email, inv.course_id,
                inv.agency_id.empty() ? db::Value(nullptr) : db::Value(inv.agency_id),
                inv.invited_by, inv.created}) > 0;
}

std::vector<Invitation> PendingInvitations(db::Connection& c, const std::string& email) {
    std::vector<Invitation> out;
    for (const auto& row :
         c.Query("SELECT id, email, course_id, agency_id, invited_by, created, accepted_at "
                 "FROM learning_invitations WHERE email = ? AND accepted_at = '' "
                 "ORDER BY created, id",
                 {email})) {
        db::RowReader r(row);
        Invitation inv;
        inv.id = r.Str();
        inv.email = r.Str();
        inv.course_id = r.Str();
        inv.agency_id = r.Str();
        inv.invited_by = r.Str();
        inv.created = r.Str();
        inv.accepted_at = r.Str();
        out.push_back(std::move(inv));
    }
    return out;
}

void MarkInvitationAccepted(db::Connection& c, const std::string& id, const std::string& at) {
    c.Exec("UPDATE learning_invitations SET accepted_at = ? WHERE id = ?", {at, id});
}

}  // namespace govhub::learning::store

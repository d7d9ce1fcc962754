#pragma once
// All SQL of the agency directory: the `organizations` table (the catalog's organizations are
// its view of this directory) and the agency rows of accounts' generic `memberships` table
// (object_type 'organization'; the table also holds workflow staff roles and groups, so it stays
// accounts').
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agencies/model.hpp"
#include "db/database.hpp"
#include "db/migrations.hpp"

namespace govhub::agencies::store {

// The membership object type of an agency (kept from the catalog's organizations).
inline constexpr const char* kObjectType = "organization";

// agencies:1 creates `organizations` (if the catalog's older migration has not), agencies:2 adds
// the English title and the kind and lets the state be `pending`, in place on both engines.
void AddMigrations(db::MigrationSet& set);

void Insert(db::Connection& c, const Agency& a);
void Update(db::Connection& c, const Agency& a);  // every field but id and created
std::optional<Agency> Find(db::Connection& c, const std::string& id_or_name);

struct ListFilter {
    bool include_pending = false;
    bool include_deleted = false;
    std::optional<AgencyKind> kind;
    std::optional<std::string> parent_id;  // "" lists agencies without a parent
};
// By name.
std::vector<Agency> List(db::Connection& c, const ListFilter& filter = {});

// The active agencies where the user holds a role, with it, by name.
std::vector<std::pair<Agency, Role>> OfUser(db::Connection& c, const std::string& user_id);
// The agency's members, by user id.
std::vector<Member> Members(db::Connection& c, const std::string& agency_id);
std::optional<Role> RoleOf(db::Connection& c, const std::string& user_id,
                           const std::string& agency_id);
void SetMember(db::Connection& c, const std::string& agency_id, const Member& m);
void RemoveMember(db::Connection& c, const std::string& agency_id, const std::string& user_id);

}  // namespace govhub::agencies::store

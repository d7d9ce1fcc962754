#pragma once
// The government agency directory: ministries, their departments, the agencies under no ministry
// (the service guide's "อื่น ๆ" / "Other"), and the people who act for each of them.
#include <optional>
#include <string>
#include <string_view>

#include "core/enum_text.hpp"

namespace govhub::agencies {

// Where an agency sits in the directory. A ministry has no parent; a department has a ministry as
// its parent; an agency under no ministry (the guide's "อื่น ๆ": independent bodies, public
// organizations, local government, ...) has no parent and the kind `other`. The parent alone
// cannot tell a ministry from an "other" agency, hence the kind.
enum class AgencyKind { kMinistry, kDepartment, kOther };

// active: listed and usable; pending: a body that asked for a service (e.g. workD) and is not
// approved yet, seen by sysadmins only; deleted: kept for history, seen by sysadmins only.
enum class AgencyState { kActive, kPending, kDeleted };

// A member's role in one agency, lowest first (CKAN's member capacities).
enum class Role { kMember, kEditor, kAdmin };

// The stored (and API) text of each value: one table per enum writes the column and reads it back.
inline constexpr auto kAgencyKindText =
    core::MakeEnumText<AgencyKind>({{AgencyKind::kMinistry, "ministry"},
                                    {AgencyKind::kDepartment, "department"},
                                    {AgencyKind::kOther, "other"}});
inline constexpr auto kAgencyStateText =
    core::MakeEnumText<AgencyState>({{AgencyState::kActive, "active"},
                                     {AgencyState::kPending, "pending"},
                                     {AgencyState::kDeleted, "deleted"}});
inline constexpr auto kRoleText = core::MakeEnumText<Role>(
    {{Role::kMember, "member"}, {Role::kEditor, "editor"}, {Role::kAdmin, "admin"}});

constexpr std::string_view ToString(AgencyKind k) {  // "ministry", "department", "other"
    return kAgencyKindText.Name(k);
}
constexpr std::string_view ToString(AgencyState s) {  // "active", "pending", "deleted"
    return kAgencyStateText.Name(s);
}
constexpr std::string_view ToString(Role r) {  // "member", "editor", "admin"
    return kRoleText.Name(r);
}
std::optional<AgencyKind> ParseAgencyKind(std::string_view s);
std::optional<AgencyState> ParseAgencyState(std::string_view s);
std::optional<Role> ParseRole(std::string_view s);

struct Agency {
    std::string id;        // UUID (the catalog's organization id)
    std::string name;      // URL slug, unique: [a-z0-9_-], 2..100
    std::string title;     // Thai
    std::string title_en;  // English; may be empty
    std::string description;
    std::string description_en;  // English; may be empty
    std::string image_url;
    std::string parent_id;  // empty: no parent (a ministry, or an "other" agency)
    AgencyKind kind = AgencyKind::kOther;
    AgencyState state = AgencyState::kActive;
    std::string created;  // ISO-8601 UTC
    std::string modified;

    // The title in the reader's language: the English one on English pages when there is one,
    // else the Thai one.
    const std::string& Title(const std::string& locale) const {
        return locale == "en" && !title_en.empty() ? title_en : title;
    }
};

struct Member {
    std::string user_id;
    Role role = Role::kMember;
};

// Why `a` cannot sit where it is, given its parent (nullptr: none), as an i18n key; nullptr when
// it can. A ministry and an "other" agency have no parent; a department has one, and it is not a
// department itself (the directory is two levels deep: ministry -> department).
const char* PlacementProblem(const Agency& a, const Agency* parent);

}  // namespace govhub::agencies

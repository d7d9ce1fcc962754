#include "agencies/model.hpp"

#include "db/row_reader.hpp"

namespace govhub::agencies {

namespace {
constexpr auto kKindText = db::MakeEnumText<AgencyKind>({{AgencyKind::kMinistry, "ministry"},
                                                         {AgencyKind::kDepartment, "department"},
                                                         {AgencyKind::kOther, "other"}});
constexpr auto kStateText = db::MakeEnumText<AgencyState>({{AgencyState::kActive, "active"},
                                                           {AgencyState::kPending, "pending"},
                                                           {AgencyState::kDeleted, "deleted"}});
constexpr auto kRoleText = db::MakeEnumText<Role>(
    {{Role::kMember, "member"}, {Role::kEditor, "editor"}, {Role::kAdmin, "admin"}});
}  // namespace

// The tables' names are string literals, so their views are NUL-terminated.
const char* ToString(AgencyKind k) {
    return kKindText.Name(k).data();
}
const char* ToString(AgencyState s) {
    return kStateText.Name(s).data();
}
const char* ToString(Role r) {
    return kRoleText.Name(r).data();
}
std::optional<AgencyKind> ParseAgencyKind(const std::string& s) {
    return kKindText.Parse(s);
}
std::optional<AgencyState> ParseAgencyState(const std::string& s) {
    return kStateText.Parse(s);
}
std::optional<Role> ParseRole(const std::string& s) {
    return kRoleText.Parse(s);
}

const char* PlacementProblem(const Agency& a, const Agency* parent) {
    if (a.kind == AgencyKind::kDepartment) {
        if (!parent) return "agencies.department_needs_parent";
        if (parent->id == a.id || parent->kind == AgencyKind::kDepartment)
            return "agencies.parent_is_department";
        return nullptr;
    }
    return parent ? "agencies.parentless_kind" : nullptr;
}

}  // namespace govhub::agencies

#include "agencies/model.hpp"

namespace govhub::agencies {

std::optional<AgencyKind> ParseAgencyKind(std::string_view s) {
    return kAgencyKindText.Parse(s);
}
std::optional<AgencyState> ParseAgencyState(std::string_view s) {
    return kAgencyStateText.Parse(s);
}
std::optional<Role> ParseRole(std::string_view s) {
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

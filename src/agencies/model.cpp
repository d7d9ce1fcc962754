#include "agencies/model.hpp"

namespace govhub::agencies {

const char* ToString(AgencyKind k) {
    switch (k) {
        case AgencyKind::kMinistry:
            return "ministry";
        case AgencyKind::kDepartment:
            return "department";
        case AgencyKind::kOther:
            return "other";
    }
    return "other";
}

const char* ToString(AgencyState s) {
    switch (s) {
        case AgencyState::kActive:
            return "active";
        case AgencyState::kPending:
            return "pending";
        case AgencyState::kDeleted:
            return "deleted";
    }
    return "active";
}

const char* ToString(Role r) {
    switch (r) {
        case Role::kMember:
            return "member";
        case Role::kEditor:
            return "editor";
        case Role::kAdmin:
            return "admin";
    }
    return "member";
}

std::optional<AgencyKind> ParseAgencyKind(const std::string& s) {
    if (s == "ministry") return AgencyKind::kMinistry;
    if (s == "department") return AgencyKind::kDepartment;
    if (s == "other") return AgencyKind::kOther;
    return std::nullopt;
}

std::optional<AgencyState> ParseAgencyState(const std::string& s) {
    if (s == "active") return AgencyState::kActive;
    if (s == "pending") return AgencyState::kPending;
    if (s == "deleted") return AgencyState::kDeleted;
    return std::nullopt;
}

std::optional<Role> ParseRole(const std::string& s) {
    if (s == "member") return Role::kMember;
    if (s == "editor") return Role::kEditor;
    if (s == "admin") return Role::kAdmin;
    return std::nullopt;
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

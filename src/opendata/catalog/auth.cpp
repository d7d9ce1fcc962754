#include "opendata/catalog/auth.hpp"

namespace govhub::catalog {

namespace {
using agencies::HasRole;
using agencies::Role;

bool Sysadmin(const Principal* p) {
    return p && p->sysadmin;
}
}  // namespace

DatasetFacts FactsOf(const Dataset& d) {
    DatasetFacts f;
    f.state = d.state;
    f.private_ = d.private_;
    f.creator_user_id = d.creator_user_id;
    return f;
}

bool CanReadDataset(const Principal* p, const DatasetFacts& d, Held held) {
    if (Sysadmin(p)) return true;
    if (d.state == DatasetState::kDeleted) return false;
    if (d.state == DatasetState::kDraft)
        return p && (p->user_id == d.creator_user_id || HasRole(p, held, Role::kEditor));
    if (!d.private_) return true;
    return HasRole(p, held, Role::kMember);
}

bool CanFindDataset(const Principal* p, const DatasetFacts& d, Held held, bool include_private,
                    bool include_drafts) {
    if (d.state == DatasetState::kDeleted) return false;
    if (d.state == DatasetState::kDraft) return include_drafts && HasRole(p, held, Role::kEditor);
    if (!d.private_ || Sysadmin(p)) return true;
    return include_private && HasRole(p, held, Role::kMember);
}

bool CanStartDataset(const Principal* p) {
    return p != nullptr;
}

bool CanCreateDataset(const Principal* p, Held held_in_owner_org) {
    return HasRole(p, held_in_owner_org, Role::kEditor);
}

bool CanMoveDataset(const Principal* p, Held held_in_new_org) {
    return HasRole(p, held_in_new_org, Role::kEditor);
}

bool CanEditDataset(const Principal* p, Held held) {
    return HasRole(p, held, Role::kEditor);
}

bool CanDeleteDataset(const Principal* p, Held held) {
    return HasRole(p, held, Role::kEditor);
}

bool CanPurgeDataset(const Principal* p) {
    return Sysadmin(p);
}

bool CanSeeTrash(const Principal* p) {
    return Sysadmin(p);
}

bool CanSeeDatasetActivity(const Principal* p, const DatasetFacts& d, Held held) {
    return CanReadDataset(p, d, held);
}

bool CanSeePrivateResources(const Principal* p, Held held) {
    return HasRole(p, held, Role::kEditor);
}

bool CanReadResource(const Principal* p, const DatasetFacts& d, bool resource_private, Held held) {
    if (!CanReadDataset(p, d, held)) return false;
    return !resource_private || CanSeePrivateResources(p, held);
}

bool CanCreateResource(const Principal* p, Held held) {
    return CanEditDataset(p, held);
}

bool CanEditResource(const Principal* p, Held held) {
    return CanEditDataset(p, held);
}

bool CanDeleteResource(const Principal* p, Held held) {
    return CanEditDataset(p, held);
}

bool CanCreateGroup(const Principal* p) {
    return Sysadmin(p);
}

bool CanEditGroup(const Principal* p) {
    return Sysadmin(p);
}

bool CanDeleteGroup(const Principal* p) {
    return Sysadmin(p);
}

bool CanManageGroupMembers(const Principal* p, Held held_in_dataset_org) {
    return CanEditDataset(p, held_in_dataset_org);
}

bool CanBulkUpdate(const Principal* p, Held held_in_org) {
    return HasRole(p, held_in_org, Role::kEditor);
}

}  // namespace govhub::catalog

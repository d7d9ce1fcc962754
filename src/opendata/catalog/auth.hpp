#pragma once
// Who may do what in the catalog: named predicates, pure (no database), as CKAN's logic/auth
// mirrors logic/action. The caller passes what it found: the facts of the dataset and the role the
// principal holds in the dataset's organization (std::nullopt: none). They keep exactly the rules
// service.cpp applied inline before them:
//   read a dataset ..................... sysadmin; nobody else once deleted; a draft: its creator
//                                        and editors of its organization; a private one: members
//                                        of its organization; a public active one: anyone
//   find it in package_search .......... sysadmin; a draft: editors, and only with
//                                        include_drafts; a private one: members, and only with
//                                        include_private (a sysadmin sees private ones always)
//   start a dataset (before validation)  signed in
//   create a dataset in an organization  editor or admin of it, sysadmin
//   move a dataset into an organization  editor or admin of the new one, sysadmin
//   edit, delete a dataset ............. editor or admin of its organization, sysadmin
//   purge a dataset, see the trash ..... sysadmin
//   read a resource .................... who may read its dataset; a private resource: editors
//   create, edit, delete a resource .... editor or admin of the dataset's organization, sysadmin
//   create, edit, delete a group ....... sysadmin
//   put a dataset in a group, take it out  editor or admin of the dataset's organization
//   bulk update an organization's datasets editor or admin of the organization, sysadmin
//   see a dataset's activity ........... who may read the dataset
// Organizations (agencies) are asked of agencies/auth.hpp. A sysadmin holds every role everywhere.
#include <optional>
#include <string>

#include "agencies/auth.hpp"
#include "agencies/model.hpp"
#include "api/principal.hpp"
#include "opendata/catalog/model.hpp"

namespace govhub::catalog {

using Principal = api::Principal;

// What the rules need to know of a dataset.
struct DatasetFacts {
    DatasetState state = DatasetState::kActive;
    bool private_ = false;
    std::string creator_user_id;
};

// The facts of a stored dataset.
DatasetFacts FactsOf(const Dataset& d);

using Held = std::optional<agencies::Role>;  // the principal's role in the organization

bool CanReadDataset(const Principal* p, const DatasetFacts& d, Held held);
// Whether package_search lists the dataset (it does not look at the creator).
bool CanFindDataset(const Principal* p, const DatasetFacts& d, Held held, bool include_private,
                    bool include_drafts);
bool CanStartDataset(const Principal* p);
bool CanCreateDataset(const Principal* p, Held held_in_owner_org);
bool CanMoveDataset(const Principal* p, Held held_in_new_org);
bool CanEditDataset(const Principal* p, Held held);
bool CanDeleteDataset(const Principal* p, Held held);
bool CanPurgeDataset(const Principal* p);
bool CanSeeTrash(const Principal* p);
bool CanSeeDatasetActivity(const Principal* p, const DatasetFacts& d, Held held);

// A resource's private flag hides it from all but the editors of its dataset.
bool CanSeePrivateResources(const Principal* p, Held held);
bool CanReadResource(const Principal* p, const DatasetFacts& d, bool resource_private, Held held);
bool CanCreateResource(const Principal* p, Held held);
bool CanEditResource(const Principal* p, Held held);
bool CanDeleteResource(const Principal* p, Held held);

bool CanCreateGroup(const Principal* p);
bool CanEditGroup(const Principal* p);
bool CanDeleteGroup(const Principal* p);
// Put a dataset in a group or take it out: the role held in the dataset's organization.
bool CanManageGroupMembers(const Principal* p, Held held_in_dataset_org);

bool CanBulkUpdate(const Principal* p, Held held_in_org);

}  // namespace govhub::catalog

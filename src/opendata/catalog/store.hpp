#pragma once
// Every SQL statement of the catalog.
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "db/migrations.hpp"
#include "opendata/catalog/model.hpp"

namespace govhub::catalog::store {

void AddMigrations(db::MigrationSet& set);

// Organizations: the agency directory's rows and members are agencies/store.hpp's.

// Groups
void InsertGroup(db::Connection& c, const Group& g);
void UpdateGroup(db::Connection& c, const Group& g);
std::optional<Group> FindGroup(db::Connection& c, const std::string& id_or_name);
std::vector<Group> ListGroups(db::Connection& c);

// Datasets
void InsertDataset(db::Connection& c, const Dataset& d);
void UpdateDataset(db::Connection& c, const Dataset& d);
// With tags, groups and resources.
std::optional<Dataset> FindDataset(db::Connection& c, const std::string& id_or_name);
// The datasets with these ids (with tags, groups and resources), in the order given; unknown ids
// are skipped. One statement per table, for result pages.
std::vector<Dataset> FindDatasets(db::Connection& c, const std::vector<std::string>& ids);
bool DatasetNameTaken(db::Connection& c, const std::string& name,
                      const std::string& except_id = {});
void SetTags(db::Connection& c, const std::string& dataset_id,
             const std::vector<std::string>& tags);
void SetGroups(db::Connection& c, const std::string& dataset_id,
               const std::vector<std::string>& group_ids);
void PurgeDataset(db::Connection& c, const std::string& dataset_id);
void CountView(db::Connection& c, const std::string& dataset_id);

// Resources
void InsertResource(db::Connection& c, const Resource& r);
void UpdateResource(db::Connection& c, const Resource& r);
std::optional<Resource> FindResource(db::Connection& c, const std::string& id);
void DeleteResource(db::Connection& c, const std::string& id);
// CKAN's datastore_active. Returns the resource's dataset id when the flag changed.
std::optional<std::string> SetDatastoreActive(db::Connection& c, const std::string& id,
                                              bool active);
std::vector<std::string> DatastoreActiveResourceIds(db::Connection& c);
// Whether any row of that kind has the id, deleted ones too (a sysadmin's chosen id).
enum class IdKind { kDataset, kResource, kGroup };
bool IdTaken(db::Connection& c, IdKind kind, const std::string& id);
// format_autocomplete: the formats of public resources (lower-case), most used first.
std::vector<std::string> FormatsInUse(db::Connection& c, const std::string& contains, int limit);
// resource_search. `terms` and `order_by` name resource columns the service has checked.
struct ResourceQuery {
    std::vector<std::pair<std::string, std::string>> terms;  // column, text (hash: exact)
    std::string order_by;
    bool order_numeric = false;
    int offset = 0, limit = 100;
    bool everything = false;  // a sysadmin: every resource of a dataset not deleted
    std::string user_id;
    std::vector<std::string> member_orgs, editor_orgs;  // the caller's organizations
};
struct ResourcePage {
    int64_t count = 0;
    std::vector<Resource> resources;
};
ResourcePage SearchResources(db::Connection& c, const ResourceQuery& q);

// The rows package_search filters and facets. since_version < 0: every dataset not deleted;
// otherwise up to `limit` datasets (any state) whose search_version is above it, in that order.
struct DatasetSummary {
    std::string id, name, owner_org, data_type, license_id;
    DatasetState state = DatasetState::kActive;
    std::string metadata_modified, title, extras, metadata_created, notes;
    std::string title_en, notes_en;
    bool private_ = false;
    int64_t views = 0, search_version = 0;
    std::vector<std::string> tags, group_ids, formats;
};
std::vector<DatasetSummary> SearchRows(db::Connection& c, int64_t since_version, int limit = 500);
// (id, views) of the datasets viewed at least once.
std::vector<std::pair<std::string, int64_t>> DatasetViews(db::Connection& c);
// Counts and lists the service needs.
int64_t PublicDatasetCountOfOrganization(db::Connection& c, const std::string& org_id);
bool OrganizationHasDatasets(db::Connection& c, const std::string& org_id);  // not deleted
int64_t PublicDatasetCountOfGroup(db::Connection& c, const std::string& group_id);
void AddToGroup(db::Connection& c, const std::string& dataset_id, const std::string& group_id);
void RemoveFromGroup(db::Connection& c, const std::string& dataset_id, const std::string& group_id);
void EmptyGroup(db::Connection& c, const std::string& group_id);
std::vector<std::string> DatasetIdsInGroup(db::Connection& c, const std::string& group_id);
std::vector<std::string> DatasetIdsOfOrganization(db::Connection& c, const std::string& org_id);
std::vector<std::string> LiveDatasetIds(db::Connection& c);  // every dataset not deleted
void CountDownload(db::Connection& c, const std::string& dataset_id);
struct DeletedDataset {
    std::string id, name, title, deleted_at, organization_title;
};
std::vector<DeletedDataset> DeletedDatasets(db::Connection& c);

// Every catalog change moves `version` (in its own transaction), so each node knows when its
// in-memory search snapshot is stale; a dataset's change also stamps the dataset with the new
// version, so the snapshot re-reads only those; `structure` moves when organizations, groups or
// purges change what lies around the datasets.
struct CatalogVersions {
    int64_t version = 0, structure = 0;
};
void BumpVersion(db::Connection& c);
void MarkDatasetChanged(db::Connection& c, const std::string& dataset_id);
void MarkStructureChanged(db::Connection& c);
CatalogVersions Versions(db::Connection& c);
std::vector<std::string> ActiveDatasetNames(db::Connection& c, bool include_private);
std::vector<std::pair<std::string, int64_t>> TagCounts(db::Connection& c, const std::string& prefix,
                                                       int limit);

}  // namespace govhub::catalog::store

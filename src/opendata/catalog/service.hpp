#pragma once
// Catalog rules: CKAN's logic layer for organizations, groups, datasets and resources, with
// the GD-Catalog schema, permissions (member < editor < admin per organization; sysadmins
// everything), the search index and the audit trail. Dictionaries in and out are CKAN's.
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "accounts/service.hpp"
#include "db/database.hpp"
#include "opendata/catalog/model.hpp"
#include "opendata/catalog/schema.hpp"

namespace govhub::catalog {

using Json = nlohmann::json;

struct SearchParams {
    std::string q;
    std::vector<std::string> fq;  // fq and every fq_list entry
    int rows = 10;
    int start = 0;
    std::string sort;
    std::vector<std::string> facet_fields;
    int facet_limit = 50;
    int facet_mincount = 1;
    bool include_private = false;
    bool include_drafts = false;
};

// A file the server streamed to disk for a resource upload.
struct UploadedFile {
    std::string temp_path;
    std::string filename;  // as the client named it
    uint64_t size = 0;
    std::function<bool(const std::string& dest)> keep;  // moves the temp file to `dest`
};

struct ResourceFile {
    std::string path, filename, mimetype;
};

class SearchSnapshots;

// What other modules (the datastore) learn about resources, without the catalog knowing them.
struct ResourceEvents {
    // Inside the write transaction that stored a new resource, or changed one's file, link or
    // format (so work it enqueues commits with it).
    std::function<void(db::Connection&, const Resource& r, const Dataset& d,
                       const std::string& actor_id)>
        changed;
    // After the commit that deleted resources (or purged their dataset).
    std::function<void(const std::vector<std::string>& resource_ids)> removed;
};

// A resource as the system sees it (no permission check): for background work.
struct ResourceSource {
    Resource resource;
    Dataset dataset;        // without its resources
    std::string file_path;  // the stored file of an upload, empty for links
};

// A resource the caller may read (CatalogService::ResourceAccess), and the role the caller holds
// in its dataset's organization: what the datastore's and the views' predicates are asked with.
struct ReadableResource {
    ResourceSource source;
    std::optional<agencies::Role> held;
};

class CatalogService {
  public:
    // `files_dir` holds uploaded resource files (<files_dir>/<resource id>/<file name>).
    CatalogService(db::Database& db, const CatalogSchema& schema,
                   accounts::AccountService& accounts, std::string site_url, std::string files_dir,
                   uint64_t max_upload_bytes);
    ~CatalogService();

    const CatalogSchema& schema() const { return schema_; }
    void SetResourceEvents(ResourceEvents events) { events_ = std::move(events); }
    // Nullopt when the resource or its dataset is gone.
    std::optional<ResourceSource> FindResourceSource(const std::string& resource_id);
    // Geodata's extent fills a geospatial dataset's bounding-box fields that are still empty
    // (a change by the system, audited). Returns whether anything changed.
    bool FillBoundingBox(const std::string& dataset_id, double west, double east, double south,
                         double north);
    // The resource and its dataset when `p` may read it (CanReadResource; 404 otherwise), with
    // the role `p` holds in the dataset's organization, for the callers' own predicates.
    ReadableResource ResourceAccess(const accounts::Principal* p, const std::string& resource_id);
    const std::string& site_url() const { return site_url_; }
    void CountView(const std::string& dataset_id);

    // Organizations. `form_errors`: what a form's own rules found already; they are reported
    // together with the service's (409 validation), so a person sees every problem at once.
    Json OrganizationCreate(const accounts::Principal* p, const Json& dict,
                            const accounts::Caller& caller,
                            std::vector<FieldError> form_errors = {});
    Json OrganizationUpdate(const accounts::Principal* p, const Json& dict, bool patch,
                            const accounts::Caller& caller,
                            std::vector<FieldError> form_errors = {});
    void OrganizationDelete(const accounts::Principal* p, const std::string& id,
                            const accounts::Caller& caller);
    Json OrganizationShow(const accounts::Principal* p, const std::string& id,
                          bool include_datasets);
    Json OrganizationList(bool all_fields);
    Json OrganizationListForUser(const accounts::Principal* p, const std::string& permission);
    // Members: `user` is an id, a user name or an e-mail address. An agency keeps at least one
    // admin: demoting or removing its last admin is refused (409, field "username") unless a
    // sysadmin acts.
    void OrganizationMemberCreate(const accounts::Principal* p, const std::string& org,
                                  const std::string& user, const std::string& role,
                                  const accounts::Caller& caller);
    void OrganizationMemberDelete(const accounts::Principal* p, const std::string& org,
                                  const std::string& user, const accounts::Caller& caller);

    // Groups (inside the seven GD-Catalog group types)
    // `form_errors`: problems the group form found itself, reported with the service's own.
    Json GroupCreate(const accounts::Principal* p, const Json& dict, const accounts::Caller& caller,
                     std::vector<FieldError> form_errors = {});
    Json GroupShow(const std::string& id);
    Json GroupUpdate(const accounts::Principal* p, const Json& dict, bool patch,
                     const accounts::Caller& caller, std::vector<FieldError> form_errors = {});
    void GroupDelete(const accounts::Principal* p, const std::string& id,
                     const accounts::Caller& caller);
    // CKAN's member_*: datasets in groups, users in organizations.
    void MemberCreate(const accounts::Principal* p, const std::string& group,
                      const std::string& object, const std::string& object_type,
                      const std::string& capacity, const accounts::Caller& caller);
    void MemberDelete(const accounts::Principal* p, const std::string& group,
                      const std::string& object, const std::string& object_type,
                      const accounts::Caller& caller);
    Json MemberList(const accounts::Principal* p, const std::string& id,
                    const std::string& object_type);
    Json GroupList(bool all_fields);

    // Datasets
    Json PackageCreate(const accounts::Principal* p, const Json& dict,
                       const accounts::Caller& caller);
    // patch: only the given keys change; update: the dict replaces the dataset.
    Json PackageUpdate(const accounts::Principal* p, const Json& dict, bool patch,
                       const accounts::Caller& caller);
    Json PackageShow(const accounts::Principal* p, const std::string& id);
    // CKAN's package_revise: `match` finds the dataset (every key must equal its value),
    // `filter` removes fields ("-key", "-resources__<index>"), `update` is merged in (objects
    // deeply, lists replaced); returns {"package": ...} limited to `include` when given.
    Json PackageRevise(const accounts::Principal* p, const Json& match, const Json& filter,
                       const Json& update, const Json& include, const accounts::Caller& caller);
    void PackageDelete(const accounts::Principal* p, const std::string& id,
                       const accounts::Caller& caller);
    void DatasetPurge(const accounts::Principal* p, const std::string& id,
                      const accounts::Caller& caller);
    Json PackageList();
    Json PackageSearch(const accounts::Principal* p, const SearchParams& params);
    // Brings this node's search snapshot up to date (the server calls it at start).
    void WarmSearch();

    // Resources: links, and uploads streamed to disk by the caller (`upload`).
    Json ResourceCreate(const accounts::Principal* p, const Json& dict,
                        const accounts::Caller& caller, const UploadedFile* upload = nullptr);
    // The stored file of an uploaded resource the caller may read; counts a download.
    ResourceFile ResourceDownload(const accounts::Principal* p, const std::string& dataset,
                                  const std::string& resource_id);
    uint64_t max_upload_bytes() const { return max_upload_bytes_; }
    Json ResourceShow(const accounts::Principal* p, const std::string& id);
    // `upload` replaces the resource's file (a link becomes an upload): the old file is served
    // until the new one is stored, and the datastore reloads its table from the new one.
    Json ResourceUpdate(const accounts::Principal* p, const Json& dict, bool patch,
                        const accounts::Caller& caller, const UploadedFile* upload = nullptr);
    // CKAN's resource_search: `query` holds "field:term" pairs (all must match); only resources
    // the caller may read (CanReadResource). {count, results}.
    Json ResourceSearch(const accounts::Principal* p, const std::vector<std::string>& query,
                        const std::string& order_by, int offset, int limit);
    // format_autocomplete: the formats of public resources containing `q`, most used first.
    Json FormatAutocomplete(const std::string& q, int limit);
    // CKAN's datastore_active, which the datastore sets when a resource's table is loaded (true)
    // or dropped (false); the dataset is stamped for the search snapshots.
    void SetDatastoreActive(const std::string& resource_id, bool active);
    // At the datastore's start: the flags follow the tables that exist (`loaded`: their ids).
    void SyncDatastoreActive(const std::vector<std::string>& loaded);
    // vocabulary_list / vocabulary_show: the GD-Catalog schema's choice lists, read-only, in
    // CKAN's shape {id, name, tags: [{id, name, display_name, vocabulary_id}]}.
    Json VocabularyList(const std::string& locale) const;
    Json VocabularyShow(const std::string& id, const std::string& locale) const;
    // CKAN's package_resource_reorder: the resources named in `order` (ids) come first, in that
    // order; the others keep theirs after them. Returns {"id": ..., "order": [every id]}.
    Json PackageResourceReorder(const accounts::Principal* p, const std::string& id,
                                const std::vector<std::string>& order,
                                const accounts::Caller& caller);
    void ResourceDelete(const accounts::Principal* p, const std::string& id,
                        const accounts::Caller& caller);

    // Activity streams: views over the audit log (CKAN's activity dicts, newest first).
    Json PackageActivityList(const accounts::Principal* p, const std::string& id, int limit);
    Json OrganizationActivityList(const accounts::Principal* p, const std::string& id, int limit);
    // The dataset page's stream: PackageActivityList's entries with what a person reads beside
    // them and the API does not give out: `user_fullname` ({"th", "en"}, the actor's full
    // names, when the account has one) and, for an entry about one resource, `resource_name`
    // (its name now, a deleted one's too), or `resource_hidden` (true) for a private resource
    // the reader may not see.
    Json PackageActivityForPage(const accounts::Principal* p, const std::string& id, int limit);

    Json PackageAutocomplete(const accounts::Principal* p, const std::string& q, int limit);
    Json OrganizationAutocomplete(const std::string& q, int limit);
    Json CurrentPackageListWithResources(const accounts::Principal* p, int limit, int offset);
    // bulk_update_private / _public / _delete on datasets of one organization.
    void BulkUpdate(const accounts::Principal* p, const std::string& org,
                    const std::vector<std::string>& ids, const std::string& change,
                    const accounts::Caller& caller);

    // Deleted datasets waiting in the trash (sysadmins), newest first.
    Json Trash(const accounts::Principal* p);
    // Rebuilds the full-text index of every dataset (after copy-db); returns how many.
    int64_t ReindexAll();

    Json LicenseList(const std::string& locale) const;
    Json TagList(const std::string& query, int limit);

    // Permissions (the API and the pages ask the same questions).
    // They ask the predicates of auth.hpp with the role read from the database.
    bool CanRead(const accounts::Principal* p, const Dataset& d);           // CanReadDataset
    bool CanEdit(const accounts::Principal* p, const std::string& org_id);  // CanEditDataset
    // The role `p` holds in the organization (none when anonymous; a sysadmin's is not read).
    std::optional<agencies::Role> HeldIn(const accounts::Principal* p, const std::string& org_id);

  private:
    Json DatasetDict(const Dataset& d, const accounts::Principal* p);
    // The same for a list, reading the organizations and groups of all of them once.
    Json DatasetDicts(const std::vector<Dataset>& datasets, const accounts::Principal* p);
    Json OrgDict(const Organization& o, bool with_counts);
    Json GroupDict(const Group& g);
    Json ResourceDict(const Resource& r, const Dataset& d);
    Dataset ValidateDataset(const Json& dict, const Dataset* existing, const accounts::Principal* p,
                            std::vector<FieldError>& errors);
    Resource ValidateResource(const Json& dict, const Dataset& d, const Resource* existing,
                              std::vector<FieldError>& errors);
    void Reindex(db::Connection& c, const Dataset& d);
    Dataset RequireDataset(const accounts::Principal* p, const std::string& id);

    db::Database& db_;
    const CatalogSchema& schema_;
    accounts::AccountService& accounts_;
    std::string site_url_;
    std::string files_dir_;
    uint64_t max_upload_bytes_;

    // What package_search filters, ranks and facets: this node's in-memory snapshot, which
    // follows the catalog's version in the database.
    std::unique_ptr<SearchSnapshots> snapshots_;
    ResourceEvents events_;
    void ResourceChanged(db::Connection& c, const Resource& r, const Dataset& d,
                         const accounts::Caller& caller);
    void ResourcesRemoved(const std::vector<std::string>& ids);
};

}  // namespace govhub::catalog

// Resources: links and uploads, their download, and what the datastore learns of them.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>

#include "agencies/auth.hpp"
#include "agencies/store.hpp"
#include "api/params.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/strings.hpp"
#include "opendata/catalog/auth.hpp"
#include "opendata/catalog/format.hpp"
#include "opendata/catalog/service.hpp"
#include "opendata/catalog/service_internal.hpp"
#include "opendata/catalog/store.hpp"

namespace govhub::catalog {

using accounts::Principal;
using internal::Diff;
using internal::Invalid;
using internal::RecordChange;
using internal::Str;

Resource CatalogService::ValidateResource(const Json& dict, const Dataset& d,
                                          const Resource* existing,
                                          std::vector<FieldError>& errors) {
    Resource r = existing ? *existing : Resource{};
    if (!dict.is_object()) {
        errors.push_back({"resources", "schema.must_be_list"});
        return r;
    }
    static const std::set<std::string> kCore = {
        "id", "package_id", "name", "description", "format", "url", "resource_private", "position",
        "url_type", "size", "hash", "mimetype", "state", "created", "last_modified",
        "datastore_active",
        // What CKAN's resource_show adds, so a dump loads.
        "cache_url", "cache_last_updated", "mimetype_inner", "metadata_modified", "resource_type",
        "tracking_summary", "original_url", "ignore_hash",
        "datastore_contains_all_records_of_source_file"};
    for (auto it = dict.begin(); it != dict.end(); ++it)
        if (!kCore.count(it.key()) && !schema_.ResourceField(it.key()))
            errors.push_back({it.key(), "catalog.unknown_field"});
    if (dict.contains("name")) r.name = Str(dict, "name");
    if (dict.contains("description")) r.description = Str(dict, "description");
    if (dict.contains("format")) r.format = core::Trim(Str(dict, "format"));
    if (dict.contains("url") && r.url_type != "upload") r.url = Str(dict, "url");
    // A link's media type is the publisher's word (CKAN keeps it); an upload's is detected.
    if (dict.contains("mimetype") && r.url_type != "upload")
        r.mimetype = Str(dict, "mimetype").substr(0, 200);
    if (r.name.empty()) errors.push_back({"name", "schema.required"});
    if (r.url_type != "upload" && !core::StartsWith(r.url, "http://") &&
        !core::StartsWith(r.url, "https://"))
        errors.push_back({"url", "schema.bad_url"});
    if (r.format.empty() && r.url_type != "upload") {
        // The extension of the link's path, as CKAN guesses it.
        std::string path = r.url.substr(0, r.url.find_first_of("?#"));
        auto dot = path.rfind('.');
        if (dot != std::string::npos && path.size() - dot <= 8 &&
            path.find('/', dot) == std::string::npos)
            r.format = core::ToLower(path.substr(dot + 1));
        for (auto& ch : r.format)
            ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    }
    r.resource_private = api::Params(dict).Bool("resource_private", r.resource_private);
    Json schema_input = Json::parse(r.extras.empty() ? "{}" : r.extras, nullptr, false);
    if (!schema_input.is_object()) schema_input = Json::object();
    for (auto it = dict.begin(); it != dict.end(); ++it)
        if (schema_.ResourceField(it.key())) schema_input[it.key()] = it.value();
    Json normalized;
    const DataType* type = schema_.FindDataType(d.data_type);
    schema_.Validate(schema_input, true, type ? type->key : "", normalized, errors);
    r.extras = normalized.dump(-1, ' ', false, Json::error_handler_t::replace);
    return r;
}

namespace {
// What an uploaded file makes of a resource (`r`: the resource before, or a new one): uploads
// keep their file name as the url (CKAN) and are served by govhub.
void TakeUpload(Resource& r, const UploadedFile& upload, uint64_t max_bytes) {
    if (upload.size > max_bytes) throw HttpError(413, "too_large", "error.too_large");
    r.url_type = "upload";
    r.url = SafeFileName(upload.filename);
    std::string head(512, '\0');
    if (FILE* f = std::fopen(upload.temp_path.c_str(), "rb")) {
        head.resize(std::fread(head.data(), 1, head.size(), f));
        std::fclose(f);
    } else {
        head.clear();
    }
    DetectedFormat fmt = DetectFormat(r.url, head);
    // A file whose format cannot be told (sent as "download", as ckanapi names a file by its
    // url's last segment) keeps the format the resource had.
    if (!fmt.format.empty() || r.format.empty()) {
        r.format = fmt.format;
        r.mimetype = fmt.mimetype;
    }
    r.size = static_cast<int64_t>(upload.size);
    r.hash = "sha256:" + core::Sha256FileHex(upload.temp_path);
    if (r.name.empty()) r.name = r.url;
}

// The directory of a resource's uploaded file: <files_dir>/<resource id>. An id that could
// leave files_dir (".", "..", a slash) is refused here too, whatever let it into the database.
std::string ResourceDir(const std::string& files_dir, const std::string& id) {
    if (id.empty() || id[0] == '.' || id.find('/') != std::string::npos ||
        id.find('\\') != std::string::npos)
        throw HttpError(500, "internal", "error.storage");
    return files_dir + "/" + id;
}

// Puts a new resource's upload in its own folder (a replaced file: ResourceUpdate, which keeps
// the old one served until the row names the new one).
void KeepUpload(const std::string& files_dir, const Resource& r, const UploadedFile& upload) {
    std::string dir = ResourceDir(files_dir, r.id);
    std::filesystem::create_directories(dir);
    if (!upload.keep(dir + "/" + r.url)) throw HttpError(500, "internal", "error.storage");
}
}  // namespace

Json CatalogService::ResourceCreate(const Principal* p, const Json& dict,
                                    const accounts::Caller& caller, const UploadedFile* upload) {
    Dataset d = RequireDataset(p, Str(dict, "package_id"));
    if (!CanCreateResource(p, HeldIn(p, d.owner_org)))
        throw HttpError(403, "forbidden", "catalog.not_an_editor");
    std::vector<FieldError> errors;
    Resource seed;
    if (upload) TakeUpload(seed, *upload, max_upload_bytes_);
    Json input = dict;
    if (upload && Str(input, "name").empty()) input["name"] = seed.url;
    // An upload's format left empty is the one its content showed.
    if (upload && Str(input, "format").empty()) input.erase("format");
    Resource r = ValidateResource(input, d, upload ? &seed : nullptr, errors);
    std::string chosen_id = internal::ChosenId(p, dict, errors);
    if (!chosen_id.empty() && db_.Read([&](db::Connection& c) {
            return store::IdTaken(c, store::IdKind::kResource, chosen_id);
        }))
        errors.push_back({"id", "catalog.id_taken"});
    if (!errors.empty()) throw Invalid(errors);
    r.id = chosen_id.empty() ? core::NewUuid() : chosen_id;
    if (upload) KeepUpload(files_dir_, r, *upload);
    r.package_id = d.id;
    r.position = static_cast<int>(d.resources.size());
    r.created = r.last_modified = core::NowIso();
    db_.Write([&](db::Connection& c) {
        store::InsertResource(c, r);
        d.metadata_modified = r.created;
        store::UpdateDataset(c, d);
        RecordChange(c, caller, "resource.create", "dataset", d.id,
                     {{"resource_id", r.id}, {"name", r.name}});
        ResourceChanged(c, r, d, caller);
    });
    return ResourceDict(r, d);
}

ResourceFile CatalogService::ResourceDownload(const Principal* p, const std::string& dataset,
                                              const std::string& resource_id) {
    Dataset d = RequireDataset(p, dataset);
    auto r = db_.Read([&](db::Connection& c) { return store::FindResource(c, resource_id); });
    if (!r || r->package_id != d.id || r->state == ResourceState::kDeleted ||
        r->url_type != "upload")
        throw HttpError::NotFound("catalog.no_such_resource");
    if (r->resource_private && !CanSeePrivateResources(p, HeldIn(p, d.owner_org)))
        throw HttpError::NotFound("catalog.no_such_resource");
    db_.Write([&](db::Connection& c) { store::CountDownload(c, d.id); });
    return {ResourceDir(files_dir_, r->id) + "/" + r->url, r->url, r->mimetype};
}

Json CatalogService::ResourceShow(const Principal* p, const std::string& id) {
    auto r = db_.Read([&](db::Connection& c) { return store::FindResource(c, id); });
    if (!r || r->state == ResourceState::kDeleted)
        throw HttpError::NotFound("catalog.no_such_resource");
    Dataset d = RequireDataset(p, r->package_id);
    if (r->resource_private && !CanSeePrivateResources(p, HeldIn(p, d.owner_org)))
        throw HttpError::NotFound("catalog.no_such_resource");
    return ResourceDict(*r, d);
}

Json CatalogService::ResourceUpdate(const Principal* p, const Json& dict, bool patch,
                                    const accounts::Caller& caller, const UploadedFile* upload) {
    std::string id = Str(dict, "id");
    auto r = db_.Read([&](db::Connection& c) { return store::FindResource(c, id); });
    if (!r || r->state == ResourceState::kDeleted)
        throw HttpError::NotFound("catalog.no_such_resource");
    Dataset d = RequireDataset(p, r->package_id);
    if (!CanEditResource(p, HeldIn(p, d.owner_org)))
        throw HttpError(403, "forbidden", "catalog.not_an_editor");
    if (upload && upload->size > max_upload_bytes_)
        throw HttpError(413, "too_large", "error.too_large");
    Json input = dict;
    if (!patch)
        for (const char* k : {"description", "format"})
            if (!input.contains(k)) input[k] = "";
    Resource seed = *r;
    if (upload) {
        // A new file replaces the old one (or a link); its format is detected unless given.
        TakeUpload(seed, *upload, max_upload_bytes_);
        if (Str(input, "format").empty()) input.erase("format");
        input.erase("url");
    }
    std::vector<FieldError> errors;
    Json before = ResourceDict(*r, d);
    Resource updated = ValidateResource(input, d, &seed, errors);
    if (!errors.empty()) throw Invalid(errors);
    updated.last_modified = core::NowIso();
    std::string old_file =
        r->url_type == "upload" ? ResourceDir(files_dir_, r->id) + "/" + r->url : std::string();
    std::string new_file;
    if (upload) {
        // Stored first under its final name (a rename: a reader has the old file or the new
        // one, never a part); the row points at it in the transaction below.
        std::string dir = ResourceDir(files_dir_, r->id);
        std::filesystem::create_directories(dir);
        new_file = dir + "/" + updated.url;
        if (!upload->keep(new_file)) throw HttpError(500, "internal", "error.storage");
    }
    db_.Write([&](db::Connection& c) {
        store::UpdateResource(c, updated);
        d.metadata_modified = updated.last_modified;
        store::UpdateDataset(c, d);
        Json details = {{"resource_id", r->id},
                        {"changes", Diff(before, ResourceDict(updated, d))}};
        if (upload) details["file"] = updated.url;
        RecordChange(c, caller, "resource.update", "dataset", d.id, details);
        if (upload || updated.url != r->url || updated.format != r->format ||
            updated.hash != r->hash)
            ResourceChanged(c, updated, d, caller);
    });
    // The old file under another name is gone once the row names the new one (a download
    // already reading it keeps its open file).
    if (!old_file.empty() && !new_file.empty() && old_file != new_file) {
        std::error_code ec;
        std::filesystem::remove(old_file, ec);
    }
    return ResourceDict(updated, d);
}

Json CatalogService::PackageResourceReorder(const Principal* p, const std::string& id,
                                            const std::vector<std::string>& order,
                                            const accounts::Caller& caller) {
    Dataset d = RequireDataset(p, id);
    if (!CanEditDataset(p, HeldIn(p, d.owner_org)))
        throw HttpError(403, "forbidden", "catalog.not_an_editor");
    std::vector<Resource> now = d.resources;
    std::vector<Resource> next;
    std::set<std::string> seen;
    for (const auto& rid : order) {
        auto it =
            std::find_if(now.begin(), now.end(), [&](const Resource& r) { return r.id == rid; });
        // CKAN: every id in the order must be a resource of the dataset, once.
        if (it == now.end() || !seen.insert(rid).second)
            throw HttpError::Validation({{"order", "catalog.bad_resource_order"}});
        next.push_back(*it);
    }
    for (const auto& r : now)
        if (!seen.count(r.id)) next.push_back(r);
    Json before = Json::array(), after = Json::array();
    for (const auto& r : now) before.push_back(r.id);
    for (const auto& r : next) after.push_back(r.id);
    if (before != after) {
        std::string when = core::NowIso();
        db_.Write([&](db::Connection& c) {
            int pos = 0;
            for (auto& r : next) {
                r.position = pos++;
                store::UpdateResource(c, r);
            }
            d.metadata_modified = when;
            store::UpdateDataset(c, d);
            RecordChange(c, caller, "resource.reorder", "dataset", d.id,
                         {{"order", after}, {"before", before}});
        });
    }
    return {{"id", d.id}, {"order", after}};
}

void CatalogService::ResourceDelete(const Principal* p, const std::string& id,
                                    const accounts::Caller& caller) {
    auto r = db_.Read([&](db::Connection& c) { return store::FindResource(c, id); });
    if (!r || r->state == ResourceState::kDeleted)
        throw HttpError::NotFound("catalog.no_such_resource");
    Dataset d = RequireDataset(p, r->package_id);
    if (!CanDeleteResource(p, HeldIn(p, d.owner_org)))
        throw HttpError(403, "forbidden", "catalog.not_an_editor");
    db_.Write([&](db::Connection& c) {
        store::DeleteResource(c, r->id);
        d.metadata_modified = core::NowIso();
        store::UpdateDataset(c, d);
        RecordChange(c, caller, "resource.delete", "dataset", d.id,
                     {{"resource_id", r->id}, {"name", r->name}});
    });
    ResourcesRemoved({r->id});
}

void CatalogService::ResourceChanged(db::Connection& c, const Resource& r, const Dataset& d,
                                     const accounts::Caller& caller) {
    if (events_.changed)
        events_.changed(c, r, d, caller.principal ? caller.principal->user_id : "");
}

void CatalogService::ResourcesRemoved(const std::vector<std::string>& ids) {
    if (events_.removed && !ids.empty()) events_.removed(ids);
}

std::optional<ResourceSource> CatalogService::FindResourceSource(const std::string& resource_id) {
    return db_.Read([&](db::Connection& c) -> std::optional<ResourceSource> {
        auto r = store::FindResource(c, resource_id);
        if (!r || r->state == ResourceState::kDeleted) return std::nullopt;
        auto d = store::FindDataset(c, r->package_id);
        if (!d || d->state == DatasetState::kDeleted) return std::nullopt;
        d->resources.clear();
        ResourceSource src{*r, *d, ""};
        if (r->url_type == "upload") src.file_path = ResourceDir(files_dir_, r->id) + "/" + r->url;
        return src;
    });
}

bool CatalogService::FillBoundingBox(const std::string& dataset_id, double west, double east,
                                     double south, double north) {
    bool changed = false;
    db_.Write([&](db::Connection& c) {
        auto d = store::FindDataset(c, dataset_id);
        if (!d || d->state == DatasetState::kDeleted) return;
        const DataType* type = schema_.FindDataType(d->data_type);
        if (!type || type->key != "geospatial") return;
        Json extras = Json::parse(d->extras.empty() ? "{}" : d->extras, nullptr, false);
        if (!extras.is_object()) extras = Json::object();
        Json before = extras;
        auto fill = [&](const char* key, double v) {
            if (!extras.contains(key) || extras[key].is_null() ||
                (extras[key].is_string() && extras[key].get<std::string>().empty()))
                extras[key] = std::round(v * 1e6) / 1e6;
        };
        // The schema's own names (data.go.th calls the north and south bounds "longitude").
        fill("west_bound_longitude", west);
        fill("east_bound_longitude", east);
        fill("north_bound_longitude", north);
        fill("south_bound_longitude", south);
        if (extras == before) return;
        d->extras = extras.dump();
        d->metadata_modified = core::NowIso();
        store::UpdateDataset(c, *d);
        RecordChange(c, {}, "dataset.update", "dataset", d->id,
                     {{"changes", Diff(before, extras)}, {"by", "geodata bounding box"}});
        changed = true;
    });
    return changed;
}

ReadableResource CatalogService::ResourceAccess(const Principal* p,
                                                const std::string& resource_id) {
    auto src = FindResourceSource(resource_id);
    if (!src) throw HttpError::NotFound("catalog.no_such_resource");
    auto held = HeldIn(p, src->dataset.owner_org);
    if (!CanReadResource(p, FactsOf(src->dataset), src->resource.resource_private, held))
        throw HttpError::NotFound("catalog.no_such_resource");
    return {*src, held};
}

void CatalogService::SetDatastoreActive(const std::string& resource_id, bool active) {
    db_.Write([&](db::Connection& c) {
        // Not an edit of the dataset (no activity): it changes what its dictionaries say, so the
        // search snapshots re-read it.
        if (auto dataset_id = store::SetDatastoreActive(c, resource_id, active))
            store::MarkDatasetChanged(c, *dataset_id);
    });
}

void CatalogService::SyncDatastoreActive(const std::vector<std::string>& loaded) {
    std::set<std::string> tables(loaded.begin(), loaded.end());
    auto flagged = db_.Read([](db::Connection& c) { return store::DatastoreActiveResourceIds(c); });
    for (const auto& id : flagged)
        if (!tables.count(id)) SetDatastoreActive(id, false);
    std::set<std::string> already(flagged.begin(), flagged.end());
    for (const auto& id : tables)
        if (!already.count(id)) SetDatastoreActive(id, true);
}

Json CatalogService::ResourceSearch(const Principal* p, const std::vector<std::string>& query,
                                    const std::string& order_by, int offset, int limit) {
    // CKAN's resource_search: "field:term" pairs over the resources' own fields, all of which
    // must match (case-insensitive substring; hash exactly).
    static const std::set<std::string> kText = {
        "id", "package_id", "name", "description", "format", "url", "mimetype", "url_type", "hash"};
    static const std::set<std::string> kNumeric = {"position", "size", "created", "last_modified"};
    store::ResourceQuery q;
    for (const auto& term : query) {
        auto colon = term.find(':');
        std::string field = colon == std::string::npos ? "" : core::Trim(term.substr(0, colon));
        if (colon == std::string::npos || field.empty())
            throw HttpError::Validation({{"query", "catalog.resource_query_form"}});
        if (!kText.count(field))
            throw HttpError::Validation({{"query", "catalog.resource_query_field"}});
        std::string text = core::Trim(term.substr(colon + 1));
        if (text.size() > 1000) throw HttpError::Validation({{"query", "error.field_too_long"}});
        q.terms.emplace_back(field, text);
    }
    if (!order_by.empty()) {
        if (!kText.count(order_by) && !kNumeric.count(order_by))
            throw HttpError::Validation({{"order_by", "catalog.resource_query_field"}});
        q.order_by = order_by;
        q.order_numeric = kNumeric.count(order_by) > 0;
    }
    q.offset = offset;
    q.limit = limit;
    q.everything = p && p->sysadmin;
    if (p && !p->sysadmin) {
        q.user_id = p->user_id;
        for (const auto& [o, role] :
             db_.Read([&](db::Connection& c) { return agencies::store::OfUser(c, p->user_id); })) {
            q.member_orgs.push_back(o.id);
            if (agencies::HasRole(p, role, agencies::Role::kEditor)) q.editor_orgs.push_back(o.id);
        }
    }
    store::ResourcePage page;
    std::vector<Dataset> datasets;
    db_.Read([&](db::Connection& c) {
        page = store::SearchResources(c, q);
        std::vector<std::string> ids;
        for (const auto& r : page.resources)
            if (std::find(ids.begin(), ids.end(), r.package_id) == ids.end())
                ids.push_back(r.package_id);
        datasets = store::FindDatasets(c, ids);
    });
    Json results = Json::array();
    for (const auto& r : page.resources)
        for (const auto& d : datasets)
            if (d.id == r.package_id) results.push_back(ResourceDict(r, d));
    return {{"count", page.count}, {"results", results}};
}

Json CatalogService::FormatAutocomplete(const std::string& q, int limit) {
    Json out = Json::array();
    for (auto& f : db_.Read([&](db::Connection& c) { return store::FormatsInUse(c, q, limit); }))
        out.push_back(std::move(f));
    return out;
}

}  // namespace govhub::catalog

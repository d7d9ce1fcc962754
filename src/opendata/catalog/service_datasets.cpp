// Datasets: validation against the GD-Catalog schema, create, update, patch, revise, delete,
// purge, and the full-text index kept current.
#include <algorithm>
#include <set>

#include "agencies/store.hpp"
#include "api/params.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/strings.hpp"
#include "opendata/catalog/auth.hpp"
#include "opendata/catalog/search_snapshot.hpp"
#include "opendata/catalog/service.hpp"
#include "opendata/catalog/service_internal.hpp"
#include "opendata/catalog/store.hpp"
#include "search/index.hpp"

namespace govhub::catalog {

using accounts::Principal;
using internal::CheckName;
using internal::Diff;
using internal::Invalid;
using internal::kSearchType;
using internal::RecordChange;
using internal::Str;

namespace {

std::vector<std::string> ParseTags(const Json& dict, std::vector<FieldError>& errors) {
    std::vector<std::string> tags;
    auto add = [&](std::string t) {
        t = core::Trim(t);
        if (t.empty()) return;
        if (core::Utf8Length(t) > 100 || t.size() < 2 || !core::IsValidUtf8(t)) {
            errors.push_back({"tags", "catalog.bad_tag"});
            return;
        }
        if (std::find(tags.begin(), tags.end(), t) == tags.end()) tags.push_back(t);
    };
    if (auto it = dict.find("tags"); it != dict.end() && !it->is_null()) {
        if (!it->is_array()) {
            errors.push_back({"tags", "schema.must_be_list"});
        } else {
            for (const auto& t : *it) {
                if (t.is_object() && t.contains("name") && t["name"].is_string())
                    add(t["name"].get<std::string>());
                else if (t.is_string())
                    add(t.get<std::string>());
                else
                    errors.push_back({"tags", "catalog.bad_tag"});
            }
        }
    }
    if (auto it = dict.find("tag_string"); it != dict.end() && it->is_string())
        for (const auto& t : core::Split(it->get<std::string>(), ',')) add(t);
    return tags;
}

// The ids a sysadmin chose for new resources are free: no resource has them (deleted ones
// too, except the dataset's own: `own`), and the list names each once.
void CheckResourceIdsFree(db::Connection& c, const std::vector<Resource>& resources,
                          const std::set<std::string>& own, std::vector<FieldError>& errors) {
    std::set<std::string> seen;
    for (const auto& r : resources) {
        if (r.id.empty() || own.count(r.id)) continue;
        if (!seen.insert(r.id).second || store::IdTaken(c, store::IdKind::kResource, r.id)) {
            errors.push_back({"resources", "catalog.id_taken"});
            return;
        }
    }
}

}  // namespace

Dataset CatalogService::ValidateDataset(const Json& dict, const Dataset* existing,
                                        const Principal* p, std::vector<FieldError>& errors) {
    if (!dict.is_object()) throw HttpError(400, "bad_json", "error.bad_json");
    // Keys govhub computes itself; clients that send package_show's output back are fine.
    static const std::set<std::string> kReadOnly = {"id",
                                                    "type",
                                                    "metadata_created",
                                                    "metadata_modified",
                                                    "organization",
                                                    "num_resources",
                                                    "num_tags",
                                                    "creator_user_id",
                                                    "license_title",
                                                    "license_url",
                                                    "tracking_summary",
                                                    "revision_id",
                                                    "isopen",
                                                    "relationships_as_object",
                                                    "relationships_as_subject",
                                                    "author",
                                                    "author_email",
                                                    "version",
                                                    "extras"};
    static const std::set<std::string> kCore = {"name",
                                                "title",
                                                "owner_org",
                                                "private",
                                                "state",
                                                "data_type",
                                                "notes",
                                                "url",
                                                "tags",
                                                "tag_string",
                                                "groups",
                                                "resources",
                                                "title_translated",
                                                "notes_translated",
                                                "title_en",
                                                "notes_en"};
    for (auto it = dict.begin(); it != dict.end(); ++it) {
        const std::string& k = it.key();
        if (kReadOnly.count(k) || kCore.count(k) || schema_.DatasetField(k)) continue;
        errors.push_back({k, "catalog.unknown_field"});
    }
    if (auto ex = dict.find("extras"); ex != dict.end() && ex->is_array() && !ex->empty())
        errors.push_back({"extras", "catalog.extras_not_supported"});

    Dataset d = existing ? *existing : Dataset{};
    d.name = dict.contains("name") ? core::ToLower(Str(dict, "name")) : d.name;
    // Thai and English (ckanext-fluent's title_translated / notes_translated, the forms'
    // title_en / notes_en); an English key left out keeps the English text (PackageUpdate
    // gives an update's absent keys as empty ones, so an update clears it).
    internal::TakeTranslated(dict, "title", internal::kMaxEnglishTitle, true, d.title, d.title_en,
                             errors);
    internal::TakeTranslated(dict, "notes", internal::kMaxEnglishText, true, d.notes, d.notes_en,
                             errors);
    d.url = dict.contains("url") ? Str(dict, "url") : d.url;
    CheckName(d.name, existing ? existing->name : std::string(), errors);
    if (d.title.empty())
        errors.push_back({"title", "schema.required"});
    else if (core::Utf8Length(d.title) > 500)
        errors.push_back({"title", "error.field_too_long"});
    if (d.notes.empty()) errors.push_back({"notes", "schema.required"});
    if (!d.url.empty() && !core::StartsWith(d.url, "http://") &&
        !core::StartsWith(d.url, "https://"))
        errors.push_back({"url", "schema.bad_url"});
    d.private_ = api::Params(dict).Bool("private", d.private_);
    if (dict.contains("state")) {
        // A client may make a draft or an active dataset; deleting is package_delete's.
        auto st = kDatasetStateText.Parse(Str(dict, "state"));
        if (!st || *st == DatasetState::kDeleted)
            errors.push_back({"state", "catalog.bad_state"});
        else
            d.state = *st;
    }
    std::string dt = dict.contains("data_type") ? Str(dict, "data_type") : d.data_type;
    const DataType* type = schema_.FindDataType(dt);
    if (!type)
        errors.push_back({"data_type", dt.empty() ? "schema.required" : "schema.invalid_choice"});
    else
        d.data_type = type->value;

    std::string org = dict.contains("owner_org") ? Str(dict, "owner_org") : d.owner_org;
    db_.Read([&](db::Connection& c) {
        auto o = org.empty() ? std::nullopt : agencies::store::Find(c, org);
        if (!o || o->state != agencies::AgencyState::kActive)
            errors.push_back(
                {"owner_org", org.empty() ? "schema.required" : "catalog.no_such_organization"});
        else
            d.owner_org = o->id;
        if (dict.contains("groups")) {
            d.group_ids.clear();
            const Json& gs = dict["groups"];
            if (!gs.is_array())
                errors.push_back({"groups", "schema.must_be_list"});
            else
                for (const auto& g : gs) {
                    std::string key = g.is_object()
                                          ? (g.contains("id") ? Str(g, "id") : Str(g, "name"))
                                      : g.is_string() ? g.get<std::string>()
                                                      : "";
                    auto found = key.empty() ? std::nullopt : store::FindGroup(c, key);
                    if (!found)
                        errors.push_back({"groups", "catalog.no_such_group"});
                    else
                        d.group_ids.push_back(found->id);
                }
        }
        if (!d.name.empty() && store::DatasetNameTaken(c, d.name, d.id))
            errors.push_back({"name", "catalog.name_taken"});
    });
    // Created in, or moved to, the organization: an editor of it.
    if (!d.owner_org.empty()) {
        auto held = HeldIn(p, d.owner_org);
        if (existing ? !CanMoveDataset(p, held) : !CanCreateDataset(p, held))
            throw HttpError(403, "forbidden", "catalog.not_an_editor");
    }

    if (dict.contains("tags") || dict.contains("tag_string")) d.tags = ParseTags(dict, errors);
    if (d.tags.empty()) errors.push_back({"tag_string", "schema.required"});

    // The GD-Catalog fields: on update, the dict replaces them; on patch, the given keys do.
    Json schema_input = existing ? Json::parse(existing->extras, nullptr, false) : Json::object();
    if (!schema_input.is_object()) schema_input = Json::object();
    if (existing) {
        schema_input["maintainer"] = existing->maintainer;
        schema_input["maintainer_email"] = existing->maintainer_email;
        schema_input["license_id"] = existing->license_id;
    }
    for (auto it = dict.begin(); it != dict.end(); ++it)
        if (schema_.DatasetField(it.key())) schema_input[it.key()] = it.value();
    schema_input["data_type"] = d.data_type;
    Json normalized;
    schema_.Validate(schema_input, false, type ? type->key : "", normalized, errors);
    d.maintainer = normalized.value("maintainer", "");
    d.maintainer_email = normalized.value("maintainer_email", "");
    d.license_id = normalized.value("license_id", "");
    normalized.erase("maintainer");
    normalized.erase("maintainer_email");
    normalized.erase("license_id");
    d.extras = normalized.dump(-1, ' ', false, Json::error_handler_t::replace);
    return d;
}

void CatalogService::Reindex(db::Connection& c, const Dataset& d) {
    if (d.state == DatasetState::kDeleted) {
        search::RemoveDocument(c, kSearchType, d.id);
        return;
    }
    std::string org_title, org_title_en;
    if (auto o = agencies::store::Find(c, d.owner_org)) {
        org_title = o->title;
        org_title_en = o->title_en;
    }
    search::IndexDocument(
        c, DatasetSearchDocument(d.id, {d.title, d.title_en, d.tags, d.notes, d.notes_en, org_title,
                                        org_title_en, d.name}));
}

Json CatalogService::PackageCreate(const Principal* p, const Json& dict,
                                   const accounts::Caller& caller) {
    if (!CanStartDataset(p)) throw HttpError(403, "forbidden", "catalog.not_an_editor");
    std::vector<FieldError> errors;
    Dataset d = ValidateDataset(dict, nullptr, p, errors);
    std::vector<Resource> resources;
    if (auto rs = dict.find("resources"); rs != dict.end() && !rs->is_null()) {
        if (!rs->is_array())
            errors.push_back({"resources", "schema.must_be_list"});
        else
            for (const auto& r : *rs) {
                resources.push_back(ValidateResource(r, d, nullptr, errors));
                resources.back().id = internal::ChosenId(p, r, errors, "resources");
            }
    }
    std::string chosen_id = internal::ChosenId(p, dict, errors);
    db_.Read([&](db::Connection& c) {
        // As an id (without case) or as a name: IdTaken looks at both.
        if (!chosen_id.empty() && store::IdTaken(c, store::IdKind::kDataset, chosen_id))
            errors.push_back({"id", "catalog.id_taken"});
        CheckResourceIdsFree(c, resources, {}, errors);
    });
    if (!errors.empty()) throw Invalid(errors);
    d.id = chosen_id.empty() ? core::NewUuid() : chosen_id;
    d.creator_user_id = p->user_id;
    d.metadata_created = d.metadata_modified = core::NowIso();
    db_.Write([&](db::Connection& c) {
        store::InsertDataset(c, d);
        store::SetTags(c, d.id, d.tags);
        store::SetGroups(c, d.id, d.group_ids);
        int pos = 0;
        for (auto& r : resources) {
            if (r.id.empty()) r.id = core::NewUuid();
            r.package_id = d.id;
            r.position = pos++;
            r.created = r.last_modified = d.metadata_created;
            store::InsertResource(c, r);
        }
        d.resources = resources;
        Reindex(c, d);
        RecordChange(c, caller, "dataset.create", "dataset", d.id,
                     {{"name", d.name}, {"title", d.title}});
        for (const auto& r : resources) ResourceChanged(c, r, d, caller);
    });
    return DatasetDict(d, p);
}

Dataset CatalogService::RequireDataset(const Principal* p, const std::string& id) {
    if (id.empty()) throw HttpError::Validation({{"id", "schema.required"}});
    auto d = db_.Read([&](db::Connection& c) { return store::FindDataset(c, id); });
    if (!d || !CanRead(p, *d)) throw HttpError::NotFound("catalog.no_such_dataset");
    return *d;
}

Json CatalogService::PackageUpdate(const Principal* p, const Json& dict, bool patch,
                                   const accounts::Caller& caller) {
    std::string id = Str(dict, "id");
    if (id.empty()) id = Str(dict, "name");
    Dataset existing = RequireDataset(p, id);
    if (!CanEditDataset(p, HeldIn(p, existing.owner_org)))
        throw HttpError(403, "forbidden", "catalog.not_an_editor");
    Json before = DatasetDict(existing, p);
    std::vector<FieldError> errors;
    Json input = dict;
    if (!patch) {
        // An update replaces: fields it leaves out are emptied (CKAN's package_update).
        for (const auto& f : schema_.dataset_fields())
            if (!input.contains(f.name) && f.name != "name" && f.name != "title" &&
                f.name != "owner_org" && f.name != "data_type" && f.name != "notes" &&
                f.name != "tag_string")
                input[f.name] = nullptr;
        // ... the English texts too.
        for (const char* base : {"title", "notes"})
            if (!input.contains(std::string(base) + "_translated") &&
                !input.contains(std::string(base) + "_en"))
                input[std::string(base) + "_en"] = "";
    }
    Dataset d = ValidateDataset(input, &existing, p, errors);
    if (!patch && !dict.contains("tags") && !dict.contains("tag_string")) d.tags = existing.tags;
    std::vector<Resource> resources;
    bool replace_resources = dict.contains("resources") && dict["resources"].is_array();
    if (replace_resources) {
        for (const auto& r : dict["resources"]) {
            const Resource* old = nullptr;
            std::string rid = r.is_object() ? Str(r, "id") : "";
            for (const auto& er : existing.resources)
                if (er.id == rid) old = &er;
            resources.push_back(ValidateResource(r, d, old, errors));
            if (!old) resources.back().id = internal::ChosenId(p, r, errors, "resources");
        }
        db_.Read([&](db::Connection& c) {
            std::set<std::string> own;
            for (const auto& er : existing.resources) own.insert(er.id);
            CheckResourceIdsFree(c, resources, own, errors);
        });
    }
    if (!errors.empty()) throw Invalid(errors);
    d.metadata_modified = core::NowIso();
    std::vector<Resource> changed;
    std::vector<std::string> removed;
    db_.Write([&](db::Connection& c) {
        store::UpdateDataset(c, d);
        store::SetTags(c, d.id, d.tags);
        store::SetGroups(c, d.id, d.group_ids);
        if (replace_resources) {
            std::set<std::string> kept;
            int pos = 0;
            for (auto& r : resources) {
                r.package_id = d.id;
                r.position = pos++;
                r.last_modified = d.metadata_modified;
                bool is_new = std::none_of(existing.resources.begin(), existing.resources.end(),
                                           [&](const Resource& e) { return e.id == r.id; });
                if (r.id.empty() || is_new) {
                    if (r.id.empty()) r.id = core::NewUuid();
                    r.created = d.metadata_modified;
                    store::InsertResource(c, r);
                    changed.push_back(r);
                } else {
                    store::UpdateResource(c, r);
                    auto old = std::find_if(existing.resources.begin(), existing.resources.end(),
                                            [&](const Resource& e) { return e.id == r.id; });
                    if (old == existing.resources.end() || old->url != r.url ||
                        old->format != r.format)
                        changed.push_back(r);
                }
                kept.insert(r.id);
            }
            for (const auto& er : existing.resources)
                if (!kept.count(er.id)) {
                    store::DeleteResource(c, er.id);
                    removed.push_back(er.id);
                }
        }
        d = *store::FindDataset(c, d.id);
        Reindex(c, d);
        RecordChange(c, caller, patch ? "dataset.patch" : "dataset.update", "dataset", d.id,
                     {{"changes", Diff(before, DatasetDict(d, p))}});
        for (const auto& r : changed) ResourceChanged(c, r, d, caller);
    });
    ResourcesRemoved(removed);
    return DatasetDict(d, p);
}

Json CatalogService::PackageShow(const Principal* p, const std::string& id) {
    return DatasetDict(RequireDataset(p, id), p);
}

namespace {
void DeepMerge(Json& into, const Json& from) {
    for (auto it = from.begin(); it != from.end(); ++it) {
        if (it->is_object() && into.contains(it.key()) && into[it.key()].is_object())
            DeepMerge(into[it.key()], *it);
        else
            into[it.key()] = *it;
    }
}
}  // namespace

Json CatalogService::PackageRevise(const Principal* p, const Json& match, const Json& filter,
                                   const Json& update, const Json& include,
                                   const accounts::Caller& caller) {
    if (!match.is_object() || match.empty())
        throw HttpError::Validation({{"match", "schema.required"}});
    std::string key =
        match.contains("id") && match["id"].is_string()       ? match["id"].get<std::string>()
        : match.contains("name") && match["name"].is_string() ? match["name"].get<std::string>()
                                                              : "";
    if (key.empty()) throw HttpError::Validation({{"match", "catalog.match_needs_id"}});
    Json current = PackageShow(p, key);
    for (auto it = match.begin(); it != match.end(); ++it)
        if (!current.contains(it.key()) || current[it.key()] != *it)
            throw HttpError::Validation({{"match", "catalog.match_differs"}});
    Json revised = current;
    if (!filter.is_null()) {
        if (!filter.is_array()) throw HttpError::Validation({{"filter", "schema.must_be_list"}});
        for (const auto& f : filter) {
            if (!f.is_string() || f.get<std::string>().size() < 2 || f.get<std::string>()[0] != '-')
                throw HttpError::Validation({{"filter", "catalog.bad_filter"}});
            std::string path = f.get<std::string>().substr(1);
            auto sep = path.find("__");
            if (sep == std::string::npos) {
                revised.erase(path);
                continue;
            }
            std::string list = path.substr(0, sep), which = path.substr(sep + 2);
            if (!revised.contains(list) || !revised[list].is_array()) continue;
            // As CKAN: an integer is a position (negative counts from the end); anything else
            // is the start of an item's id.
            Json kept = Json::array();
            const auto size = static_cast<int64_t>(revised[list].size());
            std::optional<int64_t> position;
            if (auto n = core::ParseInt(which)) position = *n < 0 ? size + *n : *n;
            int64_t index = 0;
            for (const auto& item : revised[list]) {
                bool drop = position ? *position == index
                                     : item.is_object() && item.contains("id") &&
                                           item["id"].is_string() &&
                                           item["id"].get<std::string>().rfind(which, 0) == 0;
                if (!drop) kept.push_back(item);
                ++index;
            }
            revised[list] = kept;
        }
    }
    if (!update.is_null()) {
        if (!update.is_object())
            throw HttpError::Validation({{"update", "catalog.must_be_object"}});
        DeepMerge(revised, update);
    }
    revised["id"] = current["id"];
    Json result = PackageUpdate(p, revised, false, caller);
    if (include.is_array() && !include.empty()) {
        Json limited = Json::object();
        for (const auto& k : include)
            if (k.is_string() && result.contains(k.get<std::string>()))
                limited[k.get<std::string>()] = result[k.get<std::string>()];
        result = limited;
    }
    return {{"package", result}};
}

void CatalogService::PackageDelete(const Principal* p, const std::string& id,
                                   const accounts::Caller& caller) {
    Dataset d = RequireDataset(p, id);
    if (!CanDeleteDataset(p, HeldIn(p, d.owner_org)))
        throw HttpError(403, "forbidden", "catalog.not_an_editor");
    db_.Write([&](db::Connection& c) {
        d.state = DatasetState::kDeleted;
        d.metadata_modified = core::NowIso();
        store::UpdateDataset(c, d);
        Reindex(c, d);
        RecordChange(c, caller, "dataset.delete", "dataset", d.id, {{"name", d.name}});
    });
}

void CatalogService::DatasetPurge(const Principal* p, const std::string& id,
                                  const accounts::Caller& caller) {
    if (!CanPurgeDataset(p)) throw HttpError::Forbidden();
    auto d = db_.Read([&](db::Connection& c) { return store::FindDataset(c, id); });
    if (!d) throw HttpError::NotFound("catalog.no_such_dataset");
    db_.Write([&](db::Connection& c) {
        search::RemoveDocument(c, kSearchType, d->id);
        store::PurgeDataset(c, d->id);
        RecordChange(c, caller, "dataset.purge", "dataset", d->id, {{"name", d->name}});
    });
    std::vector<std::string> removed;
    for (const auto& r : d->resources) removed.push_back(r.id);
    ResourcesRemoved(removed);
}

void CatalogService::CountView(const std::string& dataset_id) {
    db_.Write([&](db::Connection& c) { store::CountView(c, dataset_id); });
}

Json CatalogService::PackageList() {
    Json out = Json::array();
    for (const auto& n :
         db_.Read([](db::Connection& c) { return store::ActiveDatasetNames(c, false); }))
        out.push_back(n);
    return out;
}

}  // namespace govhub::catalog

#include "opendata/catalog/service.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "accounts/store.hpp"
#include "agencies/auth.hpp"
#include "agencies/store.hpp"
#include "api/params.hpp"
#include "audit/audit.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/strings.hpp"
#include "opendata/catalog/auth.hpp"
#include "opendata/catalog/format.hpp"
#include "opendata/catalog/search_snapshot.hpp"
#include "opendata/catalog/store.hpp"
#include "search/index.hpp"

namespace govhub::catalog {

using accounts::Principal;

namespace {

constexpr const char* kSearchType = "dataset";

HttpError Invalid(std::vector<FieldError> errors) {
    return HttpError::Validation(std::move(errors));
}

bool ValidName(const std::string& s) {
    return accounts::IsValidSlug(s, 2, 100);
}

std::string Str(const Json& d, const char* key) {
    auto it = d.find(key);
    if (it == d.end() || it->is_null()) return {};
    if (it->is_string()) return core::Trim(it->get<std::string>());
    return {};
}

// The descriptive fields organizations and groups share, from a CKAN dict: a key that is
// absent keeps its value when `patch`, and is cleared otherwise. An empty title is the name.
template <class OrgOrGroup>
void TakeDescription(OrgOrGroup& x, const Json& dict, bool patch) {
    for (auto [key, field] :
         {std::pair{"title", &x.title}, std::pair{"description", &x.description},
          std::pair{"image_url", &x.image_url}}) {
        if (dict.contains(key))
            *field = Str(dict, key);
        else if (!patch)
            field->clear();
    }
    if (x.title.empty()) x.title = x.name;
}

// Every catalog change is audited (audit::Record); the same call marks the change for the search
// snapshots of every node: a dataset's change (its resources' included) stamps that dataset;
// organizations, groups and purges move the structure version.
void RecordChange(db::Connection& c, const accounts::Caller& caller, const std::string& action,
                  const std::string& type, const std::string& id, const Json& details) {
    if (type == "dataset" && action != "dataset.purge")
        store::MarkDatasetChanged(c, id);
    else if (action.find(".member_") != std::string::npos)
        store::BumpVersion(c);  // who may see what is decided per query, not held in snapshots
    else
        store::MarkStructureChanged(c);
    audit::Record(c, caller.actor(), action, type, id, details);
}

// The role the principal holds in an organization (agencies::Role), none when anonymous.
std::optional<agencies::Role> RoleIn(db::Connection& c, const Principal* p,
                                     const std::string& org_id) {
    if (!p) return std::nullopt;
    return agencies::store::RoleOf(c, p->user_id, org_id);
}

// Field-level differences between two dictionaries (top-level keys): {"field": [old, new]}.
Json Diff(const Json& before, const Json& after) {
    static const std::set<std::string> kIgnore = {"metadata_modified", "num_resources", "num_tags",
                                                  "organization"};
    Json out = Json::object();
    std::set<std::string> keys;
    for (auto it = before.begin(); it != before.end(); ++it) keys.insert(it.key());
    for (auto it = after.begin(); it != after.end(); ++it) keys.insert(it.key());
    for (const auto& k : keys) {
        if (kIgnore.count(k)) continue;
        Json a = before.contains(k) ? before[k] : Json(nullptr);
        Json b = after.contains(k) ? after[k] : Json(nullptr);
        if (a != b) out[k] = Json::array({a, b});
    }
    return out;
}

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

}  // namespace

CatalogService::CatalogService(db::Database& db, const CatalogSchema& schema,
                               accounts::AccountService& accounts, std::string site_url,
                               std::string files_dir, uint64_t max_upload_bytes)
    : db_(db),
      schema_(schema),
      accounts_(accounts),
      site_url_(std::move(site_url)),
      files_dir_(std::move(files_dir)),
      max_upload_bytes_(max_upload_bytes),
      snapshots_(std::make_unique<SearchSnapshots>(db)) {}

CatalogService::~CatalogService() = default;

std::optional<agencies::Role> CatalogService::HeldIn(const Principal* p,
                                                     const std::string& org_id) {
    // Anonymous callers hold nothing and sysadmins everything: no need to ask the database.
    if (!p || p->sysadmin) return std::nullopt;
    return db_.Read([&](db::Connection& c) { return RoleIn(c, p, org_id); });
}

bool CatalogService::CanEdit(const Principal* p, const std::string& org_id) {
    return CanEditDataset(p, HeldIn(p, org_id));
}

bool CatalogService::CanRead(const Principal* p, const Dataset& d) {
    // A role only ever adds rights: the role is read only when the answer without one is no.
    DatasetFacts f = FactsOf(d);
    return CanReadDataset(p, f, std::nullopt) || CanReadDataset(p, f, HeldIn(p, d.owner_org));
}

// ---- organizations

Json CatalogService::OrgDict(const Organization& o, bool with_counts) {
    Json j = {
        {"id", o.id},
        {"name", o.name},
        {"title", o.title},
        {"display_name", o.title},
        {"description", o.description},
        {"image_url", o.image_url},
        {"type", "organization"},
        {"is_organization", true},
        {"title_en", o.title_en},
        {"kind", agencies::ToString(o.kind)},
        {"state", agencies::ToString(o.state)},
        {"created", o.created},
        {"approval_status", o.state == agencies::AgencyState::kPending ? "pending" : "approved"}};
    j["parent"] = o.parent_id.empty() ? Json(nullptr) : Json(o.parent_id);
    if (with_counts) {
        db_.Read([&](db::Connection& c) {
            j["package_count"] = store::PublicDatasetCountOfOrganization(c, o.id);
        });
    }
    return j;
}

Json CatalogService::OrganizationCreate(const Principal* p, const Json& dict,
                                        const accounts::Caller& caller) {
    if (!agencies::CanCreateAgency(p))
        throw HttpError(403, "forbidden", "catalog.org_create_forbidden");
    Organization o;
    o.name = core::ToLower(Str(dict, "name"));
    TakeDescription(o, dict, false);
    o.title_en = Str(dict, "title_en");
    std::vector<FieldError> errors;
    if (!ValidName(o.name)) errors.push_back({"name", "register.name_invalid"});
    std::string parent = Str(dict, "parent");
    std::optional<agencies::AgencyKind> kind;
    if (std::string k = Str(dict, "kind"); !k.empty()) {
        kind = agencies::ParseAgencyKind(k);
        if (!kind) errors.push_back({"kind", "agencies.bad_kind"});
    }
    db_.Write([&](db::Connection& c) {
        if (!o.name.empty() && agencies::store::Find(c, o.name))
            errors.push_back({"name", "catalog.name_taken"});
        std::optional<Organization> po;
        if (!parent.empty()) {
            po = agencies::store::Find(c, parent);
            if (!po || po->state == agencies::AgencyState::kDeleted)
                errors.push_back({"parent", "catalog.no_such_organization"});
            else
                o.parent_id = po->id;
        }
        o.kind = kind.value_or(o.parent_id.empty() ? agencies::AgencyKind::kOther
                                                   : agencies::AgencyKind::kDepartment);
        if (errors.empty())
            if (const char* problem = agencies::PlacementProblem(o, po ? &*po : nullptr))
                errors.push_back({po ? "parent" : "kind", problem});
        if (!errors.empty()) throw Invalid(errors);
        o.id = core::NewUuid();
        o.created = o.modified = core::NowIso();
        agencies::store::Insert(c, o);
        // A parentless agency given a department is a ministry (as the upgrade decided).
        if (po && po->kind == agencies::AgencyKind::kOther) {
            po->kind = agencies::AgencyKind::kMinistry;
            po->modified = o.modified;
            agencies::store::Update(c, *po);
            RecordChange(c, caller, "organization.update", "organization", po->id,
                         {{"changes", {{"kind", {"other", "ministry"}}}}});
        }
        RecordChange(c, caller, "organization.create", "organization", o.id, {{"name", o.name}});
    });
    return OrgDict(o, true);
}

Json CatalogService::OrganizationUpdate(const Principal* p, const Json& dict, bool patch,
                                        const accounts::Caller& caller) {
    std::string id = Str(dict, "id");
    if (id.empty()) throw HttpError::Validation({{"id", "schema.required"}});
    Organization before;
    Organization o;
    db_.Write([&](db::Connection& c) {
        auto found = agencies::store::Find(c, id);
        if (!found || found->state == agencies::AgencyState::kDeleted)
            throw HttpError::NotFound("catalog.no_such_organization");
        if (!agencies::CanEditAgency(p, RoleIn(c, p, found->id))) throw HttpError::Forbidden();
        before = o = *found;
        TakeDescription(o, dict, patch);
        if (dict.contains("title_en"))
            o.title_en = Str(dict, "title_en");
        else if (!patch)
            o.title_en.clear();
        o.modified = core::NowIso();
        agencies::store::Update(c, o);
        // The organization's title is part of each of its datasets' indexed text.
        if (o.title != before.title)
            for (const auto& dataset_id : store::DatasetIdsOfOrganization(c, o.id))
                if (auto d = store::FindDataset(c, dataset_id); d && d->state != "deleted") {
                    Reindex(c, *d);
                    store::MarkDatasetChanged(c, d->id);
                }
        RecordChange(c, caller, "organization.update", "organization", o.id,
                     {{"changes", Diff(OrgDict(before, false), OrgDict(o, false))}});
    });
    return OrgDict(o, true);
}

void CatalogService::OrganizationDelete(const Principal* p, const std::string& id,
                                        const accounts::Caller& caller) {
    if (!agencies::CanDeleteAgency(p)) throw HttpError::Forbidden();
    db_.Write([&](db::Connection& c) {
        auto o = agencies::store::Find(c, id);
        if (!o || o->state == agencies::AgencyState::kDeleted)
            throw HttpError::NotFound("catalog.no_such_organization");
        if (store::OrganizationHasDatasets(c, o->id))
            throw HttpError(409, "validation", "catalog.org_has_datasets");
        o->state = agencies::AgencyState::kDeleted;
        o->modified = core::NowIso();
        agencies::store::Update(c, *o);
        RecordChange(c, caller, "organization.delete", "organization", o->id, Json::object());
    });
}

Json CatalogService::OrganizationShow(const Principal* p, const std::string& id,
                                      bool include_datasets) {
    std::optional<Organization> o;
    db_.Read([&](db::Connection& c) { o = agencies::store::Find(c, id); });
    if (!o || !agencies::CanSeeAgency(p, o->state))
        throw HttpError::NotFound("catalog.no_such_organization");
    Json j = OrgDict(*o, true);
    if (include_datasets) {
        SearchParams sp;
        sp.fq = {"owner_org:" + o->id};
        sp.rows = 1000;
        sp.include_private = true;
        j["packages"] = PackageSearch(p, sp)["results"];
    }
    Json users = Json::array();
    std::optional<agencies::Role> held;
    db_.Read([&](db::Connection& c) {
        held = RoleIn(c, p, o->id);
        for (const auto& m : agencies::store::Members(c, o->id)) {
            auto u = accounts::store::FindUserById(c, m.user_id);
            if (u)
                users.push_back(
                    {{"id", u->id}, {"name", u->name}, {"capacity", agencies::ToString(m.role)}});
        }
    });
    // Members are listed for the organization's own people and sysadmins only.
    if (agencies::CanSeeMembers(p, held)) j["users"] = users;
    return j;
}

Json CatalogService::OrganizationList(bool all_fields) {
    std::vector<Organization> orgs;
    db_.Read([&](db::Connection& c) { orgs = agencies::store::List(c); });
    Json out = Json::array();
    for (const auto& o : orgs) out.push_back(all_fields ? OrgDict(o, true) : Json(o.name));
    return out;
}

Json CatalogService::OrganizationListForUser(const Principal* p, const std::string& permission) {
    Json out = Json::array();
    if (!p) return out;
    agencies::Role need = permission == "admin" ? agencies::Role::kAdmin
                          : permission == "read" || permission == "member"
                              ? agencies::Role::kMember
                              : agencies::Role::kEditor;
    if (p->sysadmin) {
        for (const auto& o : db_.Read([](db::Connection& c) { return agencies::store::List(c); }))
            out.push_back(OrgDict(o, false));
        return out;
    }
    auto mine = db_.Read([&](db::Connection& c) { return agencies::store::OfUser(c, p->user_id); });
    for (const auto& [o, role] : mine) {
        if (agencies::HasRole(p, role, need)) {
            Json j = OrgDict(o, false);
            j["capacity"] = agencies::ToString(role);
            out.push_back(j);
        }
    }
    return out;
}

void CatalogService::OrganizationMemberCreate(const Principal* p, const std::string& org,
                                              const std::string& user, const std::string& role,
                                              const accounts::Caller& caller) {
    auto cap = agencies::ParseRole(role);
    if (!cap) throw HttpError::Validation({{"role", "catalog.bad_role"}});
    db_.Write([&](db::Connection& c) {
        auto o = agencies::store::Find(c, org);
        if (!o || o->state == agencies::AgencyState::kDeleted)
            throw HttpError::NotFound("catalog.no_such_organization");
        if (!agencies::CanManageMembers(p, RoleIn(c, p, o->id))) throw HttpError::Forbidden();
        auto u = accounts::store::FindUser(c, user);
        if (!u) throw HttpError::NotFound("error.user_not_found");
        agencies::store::SetMember(c, o->id, {u->id, *cap});
        RecordChange(c, caller, "organization.member_set", "organization", o->id,
                     {{"user_id", u->id}, {"capacity", role}});
    });
}

void CatalogService::OrganizationMemberDelete(const Principal* p, const std::string& org,
                                              const std::string& user,
                                              const accounts::Caller& caller) {
    db_.Write([&](db::Connection& c) {
        auto o = agencies::store::Find(c, org);
        if (!o) throw HttpError::NotFound("catalog.no_such_organization");
        if (!agencies::CanManageMembers(p, RoleIn(c, p, o->id))) throw HttpError::Forbidden();
        auto u = accounts::store::FindUser(c, user);
        if (!u) throw HttpError::NotFound("error.user_not_found");
        agencies::store::RemoveMember(c, o->id, u->id);
        RecordChange(c, caller, "organization.member_remove", "organization", o->id,
                     {{"user_id", u->id}});
    });
}

// ---- groups

Json CatalogService::GroupDict(const Group& g) {
    Json j = {{"id", g.id},
              {"name", g.name},
              {"title", g.title},
              {"display_name", g.title},
              {"description", g.description},
              {"image_url", g.image_url},
              {"type", "group"},
              {"is_organization", false},
              {"category", g.category},
              {"state", g.state},
              {"created", g.created}};
    db_.Read(
        [&](db::Connection& c) { j["package_count"] = store::PublicDatasetCountOfGroup(c, g.id); });
    return j;
}

Json CatalogService::GroupCreate(const Principal* p, const Json& dict,
                                 const accounts::Caller& caller) {
    if (!CanCreateGroup(p)) throw HttpError::Forbidden();
    Group g;
    g.name = core::ToLower(Str(dict, "name"));
    TakeDescription(g, dict, false);
    g.category = Str(dict, "category");
    std::vector<FieldError> errors;
    if (!ValidName(g.name)) errors.push_back({"name", "register.name_invalid"});
    static const std::set<std::string> kCategories = {"category01", "category02", "category03",
                                                      "category04", "category05", "category06",
                                                      "category07"};
    if (!kCategories.count(g.category))
        errors.push_back({"category", "catalog.bad_group_category"});
    db_.Write([&](db::Connection& c) {
        if (!g.name.empty() && store::FindGroup(c, g.name))
            errors.push_back({"name", "catalog.name_taken"});
        if (!errors.empty()) throw Invalid(errors);
        g.id = core::NewUuid();
        g.created = g.modified = core::NowIso();
        store::InsertGroup(c, g);
        RecordChange(c, caller, "group.create", "group", g.id,
                     {{"name", g.name}, {"category", g.category}});
    });
    return GroupDict(g);
}

Json CatalogService::GroupShow(const std::string& id) {
    auto g = db_.Read([&](db::Connection& c) { return store::FindGroup(c, id); });
    if (!g || g->state == "deleted") throw HttpError::NotFound("catalog.no_such_group");
    return GroupDict(*g);
}

Json CatalogService::GroupUpdate(const Principal* p, const Json& dict, bool patch,
                                 const accounts::Caller& caller) {
    if (!CanEditGroup(p)) throw HttpError::Forbidden();
    std::string id = Str(dict, "id");
    if (id.empty()) throw HttpError::Validation({{"id", "schema.required"}});
    Group g;
    db_.Write([&](db::Connection& c) {
        auto found = store::FindGroup(c, id);
        if (!found || found->state == "deleted") throw HttpError::NotFound("catalog.no_such_group");
        g = *found;
        Group before = g;
        TakeDescription(g, dict, patch);
        g.modified = core::NowIso();
        store::UpdateGroup(c, g);
        RecordChange(c, caller, "group.update", "group", g.id,
                     {{"title", Json::array({before.title, g.title})}});
    });
    return GroupDict(g);
}

void CatalogService::GroupDelete(const Principal* p, const std::string& id,
                                 const accounts::Caller& caller) {
    if (!CanDeleteGroup(p)) throw HttpError::Forbidden();
    db_.Write([&](db::Connection& c) {
        auto g = store::FindGroup(c, id);
        if (!g || g->state == "deleted") throw HttpError::NotFound("catalog.no_such_group");
        g->state = "deleted";
        g->modified = core::NowIso();
        store::UpdateGroup(c, *g);
        for (const auto& dataset_id : store::DatasetIdsInGroup(c, g->id))
            store::MarkDatasetChanged(c, dataset_id);
        store::EmptyGroup(c, g->id);
        RecordChange(c, caller, "group.delete", "group", g->id, Json::object());
    });
}

void CatalogService::MemberCreate(const Principal* p, const std::string& group,
                                  const std::string& object, const std::string& object_type,
                                  const std::string& capacity, const accounts::Caller& caller) {
    if (object_type == "user") return OrganizationMemberCreate(p, group, object, capacity, caller);
    if (object_type != "package")
        throw HttpError::Validation({{"object_type", "catalog.bad_object_type"}});
    // Editors may put their datasets in any group.
    Dataset d = RequireDataset(p, object);
    if (!CanManageGroupMembers(p, HeldIn(p, d.owner_org)))
        throw HttpError(403, "forbidden", "catalog.not_an_editor");
    db_.Write([&](db::Connection& c) {
        auto g = store::FindGroup(c, group);
        if (!g || g->state == "deleted") throw HttpError::NotFound("catalog.no_such_group");
        store::AddToGroup(c, d.id, g->id);
        RecordChange(c, caller, "dataset.group_add", "dataset", d.id, {{"group", g->name}});
    });
}

void CatalogService::MemberDelete(const Principal* p, const std::string& group,
                                  const std::string& object, const std::string& object_type,
                                  const accounts::Caller& caller) {
    if (object_type == "user") return OrganizationMemberDelete(p, group, object, caller);
    if (object_type != "package")
        throw HttpError::Validation({{"object_type", "catalog.bad_object_type"}});
    Dataset d = RequireDataset(p, object);
    if (!CanManageGroupMembers(p, HeldIn(p, d.owner_org)))
        throw HttpError(403, "forbidden", "catalog.not_an_editor");
    db_.Write([&](db::Connection& c) {
        auto g = store::FindGroup(c, group);
        if (!g) throw HttpError::NotFound("catalog.no_such_group");
        store::RemoveFromGroup(c, d.id, g->id);
        RecordChange(c, caller, "dataset.group_remove", "dataset", d.id, {{"group", g->name}});
    });
}

Json CatalogService::MemberList(const Principal* p, const std::string& id,
                                const std::string& object_type) {
    Json out = Json::array();
    if (auto o = db_.Read([&](db::Connection& c) { return agencies::store::Find(c, id); })) {
        if (object_type.empty() || object_type == "user") {
            if (!agencies::CanSeeMembers(
                    p, db_.Read([&](db::Connection& c) { return RoleIn(c, p, o->id); })))
                throw HttpError::Forbidden();
            for (const auto& m :
                 db_.Read([&](db::Connection& c) { return agencies::store::Members(c, o->id); }))
                out.push_back(Json::array({m.user_id, "user", agencies::ToString(m.role)}));
        }
        return out;
    }
    auto g = db_.Read([&](db::Connection& c) { return store::FindGroup(c, id); });
    if (!g) throw HttpError::NotFound("catalog.no_such_group");
    if (object_type.empty() || object_type == "package") {
        db_.Read([&](db::Connection& c) {
            for (const auto& dataset_id : store::DatasetIdsInGroup(c, g->id)) {
                auto d = store::FindDataset(c, dataset_id);
                if (d && CanRead(p, *d)) out.push_back(Json::array({d->id, "package", "public"}));
            }
        });
    }
    return out;
}

Json CatalogService::GroupList(bool all_fields) {
    Json out = Json::array();
    for (const auto& g : db_.Read([](db::Connection& c) { return store::ListGroups(c); }))
        out.push_back(all_fields ? GroupDict(g) : Json(g.name));
    return out;
}

// ---- datasets

Json CatalogService::ResourceDict(const Resource& r, const Dataset& d) {
    Json j = Json::parse(r.extras.empty() ? "{}" : r.extras, nullptr, false);
    if (!j.is_object()) j = Json::object();
    j["id"] = r.id;
    j["package_id"] = d.id;
    j["position"] = r.position;
    j["name"] = r.name;
    j["description"] = r.description;
    j["format"] = r.format;
    j["url"] = r.url_type == "upload"
                   ? site_url_ + "/dataset/" + d.name + "/resource/" + r.id + "/download"
                   : r.url;
    j["url_type"] = r.url_type.empty() ? Json(nullptr) : Json(r.url_type);
    j["size"] = r.size ? Json(r.size) : Json(nullptr);
    j["hash"] = r.hash;
    j["mimetype"] = r.mimetype.empty() ? Json(nullptr) : Json(r.mimetype);
    j["resource_private"] = r.resource_private ? "True" : "False";
    j["state"] = r.state;
    j["created"] = r.created;
    j["last_modified"] = r.last_modified;
    j["datastore_active"] = false;
    return j;
}

Json CatalogService::DatasetDict(const Dataset& d, const Principal* p) {
    return DatasetDicts({d}, p).at(0);
}

Json CatalogService::DatasetDicts(const std::vector<Dataset>& datasets, const Principal* p) {
    // The organizations and groups of the whole list are read once.
    std::map<std::string, std::optional<Group>> groups;
    std::map<std::string, std::optional<Organization>> orgs;
    std::map<std::string, bool> can_see_private;
    db_.Read([&](db::Connection& c) {
        for (const auto& d : datasets) {
            for (const auto& gid : d.group_ids)
                if (!groups.count(gid)) groups[gid] = store::FindGroup(c, gid);
            if (!orgs.count(d.owner_org)) orgs[d.owner_org] = agencies::store::Find(c, d.owner_org);
        }
    });
    for (const auto& d : datasets)
        if (!can_see_private.count(d.owner_org))
            can_see_private[d.owner_org] = CanSeePrivateResources(p, HeldIn(p, d.owner_org));
    Json out = Json::array();
    for (const auto& d : datasets) {
        Json j = Json::parse(d.extras.empty() ? "{}" : d.extras, nullptr, false);
        if (!j.is_object()) j = Json::object();
        const License* lic = schema_.FindLicense(d.license_id);
        j["id"] = d.id;
        j["name"] = d.name;
        j["title"] = d.title;
        j["type"] = "dataset";
        j["owner_org"] = d.owner_org;
        j["private"] = d.private_;
        j["state"] = d.state;
        j["data_type"] = d.data_type;
        j["notes"] = d.notes;
        j["url"] = d.url;
        j["license_id"] = d.license_id;
        j["license_title"] = lic ? lic->title.in("th") : d.license_id;
        j["license_url"] = lic ? lic->url : "";
        j["maintainer"] = d.maintainer;
        j["maintainer_email"] = d.maintainer_email;
        j["creator_user_id"] = d.creator_user_id.empty() ? Json(nullptr) : Json(d.creator_user_id);
        j["metadata_created"] = d.metadata_created;
        j["metadata_modified"] = d.metadata_modified;
        j["tracking_summary"] = {{"total", d.views}, {"recent", d.views}};
        Json tags = Json::array();
        for (const auto& t : d.tags)
            tags.push_back({{"name", t}, {"display_name", t}, {"state", "active"}});
        j["tags"] = tags;
        j["num_tags"] = d.tags.size();
        Json group_list = Json::array();
        for (const auto& gid : d.group_ids)
            if (const auto& g = groups[gid])
                group_list.push_back({{"id", g->id},
                                      {"name", g->name},
                                      {"title", g->title},
                                      {"display_name", g->title}});
        if (const auto& o = orgs[d.owner_org]) j["organization"] = OrgDict(*o, false);
        j["groups"] = group_list;
        Json resources = Json::array();
        for (const auto& r : d.resources)
            if (!r.resource_private || can_see_private[d.owner_org])
                resources.push_back(ResourceDict(r, d));
        j["resources"] = resources;
        j["num_resources"] = resources.size();
        out.push_back(std::move(j));
    }
    return out;
}

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
    static const std::set<std::string> kCore = {"name",  "title",      "owner_org", "private",
                                                "state", "data_type",  "notes",     "url",
                                                "tags",  "tag_string", "groups",    "resources"};
    for (auto it = dict.begin(); it != dict.end(); ++it) {
        const std::string& k = it.key();
        if (kReadOnly.count(k) || kCore.count(k) || schema_.DatasetField(k)) continue;
        errors.push_back({k, "catalog.unknown_field"});
    }
    if (auto ex = dict.find("extras"); ex != dict.end() && ex->is_array() && !ex->empty())
        errors.push_back({"extras", "catalog.extras_not_supported"});

    Dataset d = existing ? *existing : Dataset{};
    d.name = dict.contains("name") ? core::ToLower(Str(dict, "name")) : d.name;
    d.title = dict.contains("title") ? Str(dict, "title") : d.title;
    d.notes = dict.contains("notes") ? Str(dict, "notes") : d.notes;
    d.url = dict.contains("url") ? Str(dict, "url") : d.url;
    if (!ValidName(d.name)) errors.push_back({"name", "register.name_invalid"});
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
        std::string st = Str(dict, "state");
        if (st != "draft" && st != "active")
            errors.push_back({"state", "catalog.bad_state"});
        else
            d.state = st;
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
    if (d.state == "deleted") {
        search::RemoveDocument(c, kSearchType, d.id);
        return;
    }
    std::string org_title;
    if (auto o = agencies::store::Find(c, d.owner_org)) org_title = o->title;
    search::IndexDocument(c,
                          DatasetSearchDocument(d.id, d.title, d.tags, d.notes, org_title, d.name));
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
            for (const auto& r : *rs) resources.push_back(ValidateResource(r, d, nullptr, errors));
    }
    if (!errors.empty()) throw Invalid(errors);
    d.id = core::NewUuid();
    d.creator_user_id = p->user_id;
    d.metadata_created = d.metadata_modified = core::NowIso();
    db_.Write([&](db::Connection& c) {
        store::InsertDataset(c, d);
        store::SetTags(c, d.id, d.tags);
        store::SetGroups(c, d.id, d.group_ids);
        int pos = 0;
        for (auto& r : resources) {
            r.id = core::NewUuid();
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
        }
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
                if (r.id.empty()) {
                    r.id = core::NewUuid();
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
        d.state = "deleted";
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

// ---- resources

Resource CatalogService::ValidateResource(const Json& dict, const Dataset& d,
                                          const Resource* existing,
                                          std::vector<FieldError>& errors) {
    Resource r = existing ? *existing : Resource{};
    if (!dict.is_object()) {
        errors.push_back({"resources", "schema.must_be_list"});
        return r;
    }
    static const std::set<std::string> kCore = {"id",
                                                "package_id",
                                                "name",
                                                "description",
                                                "format",
                                                "url",
                                                "resource_private",
                                                "position",
                                                "url_type",
                                                "size",
                                                "hash",
                                                "mimetype",
                                                "state",
                                                "created",
                                                "last_modified",
                                                "datastore_active"};
    for (auto it = dict.begin(); it != dict.end(); ++it)
        if (!kCore.count(it.key()) && !schema_.ResourceField(it.key()))
            errors.push_back({it.key(), "catalog.unknown_field"});
    if (dict.contains("name")) r.name = Str(dict, "name");
    if (dict.contains("description")) r.description = Str(dict, "description");
    if (dict.contains("format")) r.format = core::Trim(Str(dict, "format"));
    if (dict.contains("url") && r.url_type != "upload") r.url = Str(dict, "url");
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

Json CatalogService::ResourceCreate(const Principal* p, const Json& dict,
                                    const accounts::Caller& caller, const UploadedFile* upload) {
    Dataset d = RequireDataset(p, Str(dict, "package_id"));
    if (!CanCreateResource(p, HeldIn(p, d.owner_org)))
        throw HttpError(403, "forbidden", "catalog.not_an_editor");
    std::vector<FieldError> errors;
    Resource seed;
    if (upload) {
        if (upload->size > max_upload_bytes_) throw HttpError(413, "too_large", "error.too_large");
        // Uploads keep their file name as the url (CKAN) and are served by govhub.
        seed.url_type = "upload";
        seed.url = SafeFileName(upload->filename);
        std::string head(512, '\0');
        if (FILE* f = std::fopen(upload->temp_path.c_str(), "rb")) {
            head.resize(std::fread(head.data(), 1, head.size(), f));
            std::fclose(f);
        } else {
            head.clear();
        }
        DetectedFormat fmt = DetectFormat(seed.url, head);
        seed.format = fmt.format;
        seed.mimetype = fmt.mimetype;
        seed.size = static_cast<int64_t>(upload->size);
        seed.hash = "sha256:" + core::Sha256FileHex(upload->temp_path);
        if (seed.name.empty()) seed.name = seed.url;
    }
    Json input = dict;
    if (upload && !input.contains("name")) input["name"] = seed.url;
    Resource r = ValidateResource(input, d, upload ? &seed : nullptr, errors);
    if (!errors.empty()) throw Invalid(errors);
    r.id = core::NewUuid();
    if (upload) {
        std::string dir = files_dir_ + "/" + r.id;
        std::filesystem::create_directories(dir);
        if (!upload->keep(dir + "/" + r.url)) throw HttpError(500, "internal", "error.storage");
    }
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
    if (!r || r->package_id != d.id || r->state == "deleted" || r->url_type != "upload")
        throw HttpError::NotFound("catalog.no_such_resource");
    if (r->resource_private && !CanSeePrivateResources(p, HeldIn(p, d.owner_org)))
        throw HttpError::NotFound("catalog.no_such_resource");
    db_.Write([&](db::Connection& c) { store::CountDownload(c, d.id); });
    return {files_dir_ + "/" + r->id + "/" + r->url, r->url, r->mimetype};
}

Json CatalogService::ResourceShow(const Principal* p, const std::string& id) {
    auto r = db_.Read([&](db::Connection& c) { return store::FindResource(c, id); });
    if (!r || r->state == "deleted") throw HttpError::NotFound("catalog.no_such_resource");
    Dataset d = RequireDataset(p, r->package_id);
    if (r->resource_private && !CanSeePrivateResources(p, HeldIn(p, d.owner_org)))
        throw HttpError::NotFound("catalog.no_such_resource");
    return ResourceDict(*r, d);
}

Json CatalogService::ResourceUpdate(const Principal* p, const Json& dict, bool patch,
                                    const accounts::Caller& caller) {
    std::string id = Str(dict, "id");
    auto r = db_.Read([&](db::Connection& c) { return store::FindResource(c, id); });
    if (!r || r->state == "deleted") throw HttpError::NotFound("catalog.no_such_resource");
    Dataset d = RequireDataset(p, r->package_id);
    if (!CanEditResource(p, HeldIn(p, d.owner_org)))
        throw HttpError(403, "forbidden", "catalog.not_an_editor");
    Json input = dict;
    if (!patch)
        for (const char* k : {"description", "format"})
            if (!input.contains(k)) input[k] = "";
    std::vector<FieldError> errors;
    Json before = ResourceDict(*r, d);
    Resource updated = ValidateResource(input, d, &*r, errors);
    if (!errors.empty()) throw Invalid(errors);
    updated.last_modified = core::NowIso();
    db_.Write([&](db::Connection& c) {
        store::UpdateResource(c, updated);
        d.metadata_modified = updated.last_modified;
        store::UpdateDataset(c, d);
        RecordChange(c, caller, "resource.update", "dataset", d.id,
                     {{"resource_id", r->id}, {"changes", Diff(before, ResourceDict(updated, d))}});
        if (updated.url != r->url || updated.format != r->format)
            ResourceChanged(c, updated, d, caller);
    });
    return ResourceDict(updated, d);
}

void CatalogService::ResourceDelete(const Principal* p, const std::string& id,
                                    const accounts::Caller& caller) {
    auto r = db_.Read([&](db::Connection& c) { return store::FindResource(c, id); });
    if (!r || r->state == "deleted") throw HttpError::NotFound("catalog.no_such_resource");
    Dataset d = RequireDataset(p, r->package_id);
    if (!CanDeleteResource(p, HeldIn(p, d.owner_org)))
        throw HttpError(403, "forbidden", "catalog.not_an_editor");
    db_.Write([&](db::Connection& c) {
        store::DeleteResource(c, r->id);
        d.metadata_modified = core::NowIso();
        store::UpdateDataset(c, d);
        RecordChange(c, caller, "resource.delete", "dataset", d.id, {{"resource_id", r->id}});
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
        if (!r || r->state == "deleted") return std::nullopt;
        auto d = store::FindDataset(c, r->package_id);
        if (!d || d->state == "deleted") return std::nullopt;
        d->resources.clear();
        ResourceSource src{*r, *d, ""};
        if (r->url_type == "upload") src.file_path = files_dir_ + "/" + r->id + "/" + r->url;
        return src;
    });
}

bool CatalogService::FillBoundingBox(const std::string& dataset_id, double west, double east,
                                     double south, double north) {
    bool changed = false;
    db_.Write([&](db::Connection& c) {
        auto d = store::FindDataset(c, dataset_id);
        if (!d || d->state == "deleted") return;
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

namespace {
// CKAN's activity_type for govhub's audit actions.
std::string ActivityType(const std::string& action) {
    if (action == "dataset.create") return "new package";
    if (action == "dataset.delete" || action == "dataset.purge") return "deleted package";
    if (action == "organization.create") return "new organization";
    if (action == "organization.delete") return "deleted organization";
    if (action.rfind("organization.", 0) == 0) return "changed organization";
    return "changed package";
}

Json ActivityDict(const audit::Entry& e) {
    Json details = Json::parse(e.details_json, nullptr, false);
    return {{"id", std::to_string(e.id)},
            {"timestamp", e.at},
            {"user_id", e.actor_id.empty() ? Json(nullptr) : Json(e.actor_id)},
            {"object_id", e.object_id},
            {"activity_type", ActivityType(e.action)},
            {"govhub_action", e.action},
            {"data", details.is_discarded() ? Json::object() : details}};
}
}  // namespace

Json CatalogService::PackageActivityList(const Principal* p, const std::string& id, int limit) {
    Dataset d = RequireDataset(p, id);  // 404 unless CanSeeDatasetActivity (CanReadDataset)
    Json out = Json::array();
    db_.Read([&](db::Connection& c) {
        for (const auto& e : audit::ForObject(c, "dataset", d.id, std::clamp(limit, 1, 1000)))
            out.push_back(ActivityDict(e));
    });
    return out;
}

Json CatalogService::OrganizationActivityList(const Principal* p, const std::string& id,
                                              int limit) {
    auto o = db_.Read([&](db::Connection& c) { return agencies::store::Find(c, id); });
    if (!o || !agencies::CanSeeAgency(p, o->state))
        throw HttpError::NotFound("catalog.no_such_organization");
    std::vector<audit::Entry> entries;
    db_.Read([&](db::Connection& c) {
        entries = audit::ForObject(c, "organization", o->id, 1000);
        for (const auto& dataset_id : store::DatasetIdsOfOrganization(c, o->id)) {
            auto d = store::FindDataset(c, dataset_id);
            if (!d) continue;
            DatasetFacts f = FactsOf(*d);
            if (!CanSeeDatasetActivity(p, f, std::nullopt) &&
                !CanSeeDatasetActivity(p, f, HeldIn(p, d->owner_org)))
                continue;
            for (auto& e : audit::ForObject(c, "dataset", d->id, 1000))
                entries.push_back(std::move(e));
        }
    });
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.id > b.id; });
    Json out = Json::array();
    for (const auto& e : entries) {
        if (static_cast<int>(out.size()) >= std::clamp(limit, 1, 1000)) break;
        out.push_back(ActivityDict(e));
    }
    return out;
}

Json CatalogService::PackageAutocomplete(const Principal* p, const std::string& q, int limit) {
    SearchParams sp;
    sp.q = q;
    sp.rows = std::clamp(limit, 1, 100);
    Json out = Json::array();
    if (core::Trim(q).empty()) return out;
    // Keep the result alive: ranging over a member of a temporary would dangle.
    Json found = PackageSearch(p, sp);
    for (const auto& d : found["results"])
        out.push_back({{"name", d["name"]},
                       {"title", d["title"]},
                       {"match_field", "title"},
                       {"match_displayed", d["title"]}});
    return out;
}

Json CatalogService::OrganizationAutocomplete(const std::string& q, int limit) {
    Json out = Json::array();
    std::string needle = core::ToLower(core::Trim(q));
    if (needle.empty()) return out;
    for (const auto& o : db_.Read([](db::Connection& c) { return agencies::store::List(c); })) {
        if (core::ToLower(o.name).find(needle) == std::string::npos &&
            o.title.find(core::Trim(q)) == std::string::npos)
            continue;
        out.push_back({{"id", o.id}, {"name", o.name}, {"title", o.title}});
        if (static_cast<int>(out.size()) >= std::clamp(limit, 1, 100)) break;
    }
    return out;
}

Json CatalogService::CurrentPackageListWithResources(const Principal* p, int limit, int offset) {
    SearchParams sp;
    sp.rows = std::clamp(limit, 1, 1000);
    sp.start = std::max(0, offset);
    sp.sort = "metadata_modified desc";
    return PackageSearch(p, sp)["results"];
}

void CatalogService::BulkUpdate(const Principal* p, const std::string& org,
                                const std::vector<std::string>& ids, const std::string& change,
                                const accounts::Caller& caller) {
    auto o = db_.Read([&](db::Connection& c) { return agencies::store::Find(c, org); });
    if (!o) throw HttpError::NotFound("catalog.no_such_organization");
    if (!CanBulkUpdate(p, HeldIn(p, o->id)))
        throw HttpError(403, "forbidden", "catalog.not_an_editor");
    db_.Write([&](db::Connection& c) {
        for (const auto& id : ids) {
            auto d = store::FindDataset(c, id);
            // Datasets of other organizations are not touched (CKAN does the same).
            if (!d || d->owner_org != o->id) continue;
            if (change == "private")
                d->private_ = true;
            else if (change == "public")
                d->private_ = false;
            else
                d->state = "deleted";
            d->metadata_modified = core::NowIso();
            store::UpdateDataset(c, *d);
            Reindex(c, *d);
            RecordChange(c, caller, change == "delete" ? "dataset.delete" : "dataset.update",
                         "dataset", d->id, {{"bulk", change}});
        }
    });
}

Json CatalogService::Trash(const Principal* p) {
    if (!CanSeeTrash(p)) throw HttpError::Forbidden();
    Json out = Json::array();
    db_.Read([&](db::Connection& c) {
        for (const auto& d : store::DeletedDatasets(c))
            out.push_back({{"id", d.id},
                           {"name", d.name},
                           {"title", d.title},
                           {"metadata_modified", d.deleted_at},
                           {"organization", d.organization_title}});
    });
    return out;
}

int64_t CatalogService::ReindexAll() {
    std::vector<std::string> ids;
    db_.Read([&](db::Connection& c) { ids = store::LiveDatasetIds(c); });
    for (const auto& id : ids) {
        db_.Write([&](db::Connection& c) {
            if (auto d = store::FindDataset(c, id)) Reindex(c, *d);
            store::MarkDatasetChanged(c, id);
        });
    }
    return static_cast<int64_t>(ids.size());
}

Json CatalogService::LicenseList(const std::string& locale) const {
    Json out = Json::array();
    for (const auto& l : schema_.licenses())
        out.push_back(
            {{"id", l.id},
             {"title", l.title.in(locale)},
             {"title_th", l.title.th},
             {"title_en", l.title.en},
             {"url", l.url},
             {"od_conformance", l.od_conformance.empty() ? "not reviewed" : l.od_conformance},
             {"status", "active"},
             {"aliases", l.aliases}});
    return out;
}

Json CatalogService::TagList(const std::string& query, int limit) {
    Json out = Json::array();
    int capped = std::clamp(limit, 1, 1000);
    for (const auto& [tag, n] :
         db_.Read([&](db::Connection& c) { return store::TagCounts(c, query, capped); }))
        out.push_back(tag);
    return out;
}

}  // namespace govhub::catalog

// Organizations and groups: CKAN's organization_* and group_* actions, and member_*. As in
// CKAN (_group_or_org_create/_update/_member_create), both take one path where they do the same
// thing (GroupOrOrg below: a new one from a dict, the name's checks, the description's update,
// the soft delete, finding a live one); what differs stays in the actions: an organization's
// parent and kind (rows of the agency directory, agencies/store.hpp), a group's category (the
// catalog's groups_ table), and who may change them (agencies/auth.hpp for organizations,
// sysadmins for groups).
#include <algorithm>
#include <set>

#include "accounts/store.hpp"
#include "agencies/auth.hpp"
#include "agencies/store.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/strings.hpp"
#include "opendata/catalog/auth.hpp"
#include "opendata/catalog/service.hpp"
#include "opendata/catalog/service_internal.hpp"
#include "opendata/catalog/store.hpp"

namespace govhub::catalog {

using accounts::Principal;
using internal::CheckImageUrl;
using internal::CheckName;
using internal::Diff;
using internal::Invalid;
using internal::RecordChange;
using internal::RoleIn;
using internal::Str;
using internal::TakeDescription;

namespace {

// Where an organization and a group differ for the shared path: their store, their audit type,
// the message for a missing one, and their deleted state.
template <class T>
struct GroupOrOrg;

template <>
struct GroupOrOrg<Organization> {
    static constexpr const char* kType = "organization";
    static constexpr const char* kMissing = "catalog.no_such_organization";
    static std::optional<Organization> Find(db::Connection& c, const std::string& key) {
        return agencies::store::Find(c, key);
    }
    static void Insert(db::Connection& c, const Organization& o) { agencies::store::Insert(c, o); }
    static void Update(db::Connection& c, const Organization& o) { agencies::store::Update(c, o); }
    static bool Deleted(const Organization& o) {
        return o.state == agencies::AgencyState::kDeleted;
    }
    static void SetDeleted(Organization& o) { o.state = agencies::AgencyState::kDeleted; }
};

template <>
struct GroupOrOrg<Group> {
    static constexpr const char* kType = "group";
    static constexpr const char* kMissing = "catalog.no_such_group";
    static std::optional<Group> Find(db::Connection& c, const std::string& key) {
        return store::FindGroup(c, key);
    }
    static void Insert(db::Connection& c, const Group& g) { store::InsertGroup(c, g); }
    static void Update(db::Connection& c, const Group& g) { store::UpdateGroup(c, g); }
    static bool Deleted(const Group& g) { return g.state == GroupState::kDeleted; }
    static void SetDeleted(Group& g) { g.state = GroupState::kDeleted; }
};

// A new organization or group from a create dict: its name (checked) and description.
template <class T>
T NewFromDict(const Json& dict, std::vector<FieldError>& errors) {
    T x;
    x.name = core::ToLower(Str(dict, "name"));
    TakeDescription(x, dict, false, errors);
    CheckName(x.name, "", errors);
    CheckImageUrl(x.image_url, errors);
    return x;
}

// An organization or group, deleted ones included, that has `key` as its id or name. CKAN keeps
// both in one table, so a name or id is taken by either (group_show and organization_show of one
// key never name two things, and the site can be dumped back into CKAN).
bool GroupOrOrgTaken(db::Connection& c, const std::string& key) {
    for (const std::string& k : {key, core::ToLower(key)})
        if (GroupOrOrg<Organization>::Find(c, k) || GroupOrOrg<Group>::Find(c, k)) return true;
    return false;
}

// Names are unique among organizations and groups together.
template <class T>
void CheckNameFree(db::Connection& c, const T& x, std::vector<FieldError>& errors) {
    if (!x.name.empty() && GroupOrOrgTaken(c, x.name))
        errors.push_back({"name", "catalog.name_taken"});
}

// Stores a new one once nothing is wrong with it (the caller records the change: what it says
// differs).
template <class T>
void InsertNew(db::Connection& c, T& x, const std::vector<FieldError>& errors,
               const std::string& chosen_id = "") {
    if (!errors.empty()) throw Invalid(errors);
    x.id = chosen_id.empty() ? core::NewUuid() : chosen_id;
    x.created = x.modified = core::NowIso();
    GroupOrOrg<T>::Insert(c, x);
}

// A sysadmin's chosen id (internal::ChosenId) is free: no organization or group has it as its
// id or name.
void CheckIdFree(db::Connection& c, const std::string& id, std::vector<FieldError>& errors) {
    if (!id.empty() && GroupOrOrgTaken(c, id)) errors.push_back({"id", "catalog.id_taken"});
}

// organization_create's `users` ([{name, capacity}], CKAN's): the members it starts with.
std::vector<agencies::Member> StartingMembers(db::Connection& c, const Json& dict,
                                              std::vector<FieldError>& errors) {
    std::vector<agencies::Member> out;
    auto it = dict.find("users");
    if (it == dict.end() || it->is_null()) return out;
    if (!it->is_array() || it->size() > 10000) {
        errors.push_back({"users", "schema.must_be_list"});
        return out;
    }
    for (const auto& u : *it) {
        std::string name = u.is_object()   ? (u.contains("name") ? Str(u, "name") : Str(u, "id"))
                           : u.is_string() ? core::Trim(u.get<std::string>())
                                           : std::string();
        std::string capacity = u.is_object() ? Str(u, "capacity") : std::string();
        auto role = agencies::ParseRole(capacity.empty() ? "member" : capacity);
        auto found = name.empty() ? std::nullopt : accounts::store::FindUser(c, name);
        if (!found) {
            errors.push_back({"users", "error.user_not_found"});
            return out;
        }
        if (!role) {
            errors.push_back({"users", "catalog.bad_role"});
            return out;
        }
        out.push_back({found->id, *role});
    }
    return out;
}

// The id an update names (required).
std::string RequiredId(const Json& dict) {
    std::string id = Str(dict, "id");
    if (id.empty()) throw HttpError::Validation({{"id", "schema.required"}});
    return id;
}

// By id or name; 404 when there is none, or (`live`) when it is deleted.
template <class T>
T Require(db::Connection& c, const std::string& key, bool live = true) {
    auto x = GroupOrOrg<T>::Find(c, key);
    if (!x || (live && GroupOrOrg<T>::Deleted(*x)))
        throw HttpError::NotFound(GroupOrOrg<T>::kMissing);
    return *x;
}

// An update's or patch's description, stored (`errors`: found before, reported with its own).
template <class T>
void UpdateDescription(db::Connection& c, T& x, const Json& dict, bool patch,
                       std::vector<FieldError> errors = {}) {
    TakeDescription(x, dict, patch, errors);
    CheckImageUrl(x.image_url, errors);
    if (!errors.empty()) throw Invalid(errors);
    x.modified = core::NowIso();
    GroupOrOrg<T>::Update(c, x);
}

// Deleting keeps the row, in the deleted state (CKAN's, until a purge).
template <class T>
void MarkDeleted(db::Connection& c, T& x, const accounts::Caller& caller) {
    GroupOrOrg<T>::SetDeleted(x);
    x.modified = core::NowIso();
    GroupOrOrg<T>::Update(c, x);
    RecordChange(c, caller, std::string(GroupOrOrg<T>::kType) + ".delete", GroupOrOrg<T>::kType,
                 x.id, Json::object());
}

// A person named by id, user name or (as the member form offers) e-mail address.
std::optional<accounts::User> FindMemberUser(db::Connection& c, const std::string& key) {
    if (auto u = accounts::store::FindUser(c, key)) return u;
    if (key.find('@') != std::string::npos)
        return accounts::store::FindUserByEmail(c, core::ToLower(key));
    return std::nullopt;
}

// An agency keeps at least one admin, so that someone in it can still manage its members: taking
// the admin role from `user_id` (demoting or removing them) is refused when they are the last
// admin, unless a sysadmin acts (a sysadmin can always name a new admin).
void KeepAnAdmin(db::Connection& c, const Principal* p, const std::string& org_id,
                 const std::string& user_id) {
    if (p && p->sysadmin) return;
    bool target_is_admin = false;
    int admins = 0;
    for (const auto& m : agencies::store::Members(c, org_id)) {
        if (m.role != agencies::Role::kAdmin) continue;
        ++admins;
        if (m.user_id == user_id) target_is_admin = true;
    }
    if (target_is_admin && admins == 1)
        throw HttpError::Validation({{"username", "catalog.last_admin"}});
}

}  // namespace

// ---- organizations

Json CatalogService::OrganizationCreate(const Principal* p, const Json& dict,
                                        const accounts::Caller& caller,
                                        std::vector<FieldError> form_errors) {
    if (!agencies::CanCreateAgency(p))
        throw HttpError(403, "forbidden", "catalog.org_create_forbidden");
    std::vector<FieldError> errors = std::move(form_errors);
    auto o = NewFromDict<Organization>(dict, errors);
    std::string chosen_id = internal::ChosenId(p, dict, errors);
    std::string parent = Str(dict, "parent");
    std::optional<agencies::AgencyKind> kind;
    if (std::string k = Str(dict, "kind"); !k.empty()) {
        kind = agencies::ParseAgencyKind(k);
        if (!kind) errors.push_back({"kind", "agencies.bad_kind"});
    }
    db_.Write([&](db::Connection& c) {
        CheckNameFree(c, o, errors);
        CheckIdFree(c, chosen_id, errors);
        auto members = StartingMembers(c, dict, errors);
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
        bool placed = std::none_of(errors.begin(), errors.end(), [](const FieldError& e) {
            return e.field == "kind" || e.field == "parent";
        });
        if (placed)
            if (const char* problem = agencies::PlacementProblem(o, po ? &*po : nullptr))
                errors.push_back({po ? "parent" : "kind", problem});
        InsertNew(c, o, errors, chosen_id);
        // A parentless agency given a department is a ministry (as the upgrade decided).
        if (po && po->kind == agencies::AgencyKind::kOther) {
            po->kind = agencies::AgencyKind::kMinistry;
            po->modified = o.modified;
            agencies::store::Update(c, *po);
            RecordChange(c, caller, "organization.update", "organization", po->id,
                         {{"changes", {{"kind", {"other", "ministry"}}}}});
        }
        RecordChange(c, caller, "organization.create", "organization", o.id, {{"name", o.name}});
        for (const auto& m : members) {
            agencies::store::SetMember(c, o.id, m);
            RecordChange(c, caller, "organization.member_set", "organization", o.id,
                         {{"user_id", m.user_id}, {"capacity", agencies::ToString(m.role)}});
        }
    });
    return OrgDict(o, true);
}

Json CatalogService::OrganizationUpdate(const Principal* p, const Json& dict, bool patch,
                                        const accounts::Caller& caller,
                                        std::vector<FieldError> form_errors) {
    std::string id = RequiredId(dict);
    Organization before;
    Organization o;
    db_.Write([&](db::Connection& c) {
        before = o = Require<Organization>(c, id);
        if (!agencies::CanEditAgency(p, RoleIn(c, p, o.id))) throw HttpError::Forbidden();
        UpdateDescription(c, o, dict, patch, std::move(form_errors));
        // The organization's titles are part of each of its datasets' indexed text.
        if (o.title != before.title || o.title_en != before.title_en)
            for (const auto& dataset_id : store::DatasetIdsOfOrganization(c, o.id))
                if (auto d = store::FindDataset(c, dataset_id);
                    d && d->state != DatasetState::kDeleted) {
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
        auto o = Require<Organization>(c, id);
        if (store::OrganizationHasDatasets(c, o.id))
            throw HttpError(409, "validation", "catalog.org_has_datasets");
        MarkDeleted(c, o, caller);
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
        auto o = Require<Organization>(c, org);
        if (!agencies::CanManageMembers(p, RoleIn(c, p, o.id))) throw HttpError::Forbidden();
        auto u = FindMemberUser(c, user);
        if (!u) throw HttpError::NotFound("error.user_not_found");
        if (*cap != agencies::Role::kAdmin) KeepAnAdmin(c, p, o.id, u->id);
        agencies::store::SetMember(c, o.id, {u->id, *cap});
        RecordChange(c, caller, "organization.member_set", "organization", o.id,
                     {{"user_id", u->id}, {"capacity", role}});
    });
}

void CatalogService::OrganizationMemberDelete(const Principal* p, const std::string& org,
                                              const std::string& user,
                                              const accounts::Caller& caller) {
    db_.Write([&](db::Connection& c) {
        // A member may be taken out of a deleted organization too.
        auto o = Require<Organization>(c, org, /*live=*/false);
        if (!agencies::CanManageMembers(p, RoleIn(c, p, o.id))) throw HttpError::Forbidden();
        auto u = FindMemberUser(c, user);
        if (!u) throw HttpError::NotFound("error.user_not_found");
        KeepAnAdmin(c, p, o.id, u->id);
        agencies::store::RemoveMember(c, o.id, u->id);
        RecordChange(c, caller, "organization.member_remove", "organization", o.id,
                     {{"user_id", u->id}});
    });
}

// ---- groups

Json CatalogService::GroupCreate(const Principal* p, const Json& dict,
                                 const accounts::Caller& caller,
                                 std::vector<FieldError> form_errors) {
    if (!CanCreateGroup(p)) throw HttpError::Forbidden();
    std::vector<FieldError> errors = std::move(form_errors);
    auto g = NewFromDict<Group>(dict, errors);
    std::string chosen_id = internal::ChosenId(p, dict, errors);
    g.category = Str(dict, "category");
    // ckanext-thai_gdc keeps the category as the group's scheming type ("category01", ...),
    // which is what a dump of data.go.th carries.
    if (g.category.empty() && core::StartsWith(Str(dict, "type"), "category"))
        g.category = Str(dict, "type");
    static const std::set<std::string> kCategories = {"category01", "category02", "category03",
                                                      "category04", "category05", "category06",
                                                      "category07"};
    if (!kCategories.count(g.category))
        errors.push_back({"category", "catalog.bad_group_category"});
    db_.Write([&](db::Connection& c) {
        CheckNameFree(c, g, errors);
        CheckIdFree(c, chosen_id, errors);
        InsertNew(c, g, errors, chosen_id);
        RecordChange(c, caller, "group.create", "group", g.id,
                     {{"name", g.name}, {"category", g.category}});
    });
    return GroupDict(g);
}

Json CatalogService::GroupShow(const std::string& id) {
    return GroupDict(db_.Read([&](db::Connection& c) { return Require<Group>(c, id); }));
}

Json CatalogService::GroupUpdate(const Principal* p, const Json& dict, bool patch,
                                 const accounts::Caller& caller,
                                 std::vector<FieldError> form_errors) {
    if (!CanEditGroup(p)) throw HttpError::Forbidden();
    std::string id = RequiredId(dict);
    Group g;
    db_.Write([&](db::Connection& c) {
        g = Require<Group>(c, id);
        Group before = g;
        UpdateDescription(c, g, dict, patch, std::move(form_errors));
        RecordChange(c, caller, "group.update", "group", g.id,
                     {{"title", Json::array({before.title, g.title})}});
    });
    return GroupDict(g);
}

void CatalogService::GroupDelete(const Principal* p, const std::string& id,
                                 const accounts::Caller& caller) {
    if (!CanDeleteGroup(p)) throw HttpError::Forbidden();
    db_.Write([&](db::Connection& c) {
        auto g = Require<Group>(c, id);
        // Its datasets leave it (their search entries name their groups).
        for (const auto& dataset_id : store::DatasetIdsInGroup(c, g.id))
            store::MarkDatasetChanged(c, dataset_id);
        store::EmptyGroup(c, g.id);
        MarkDeleted(c, g, caller);
    });
}

// ---- members (CKAN's member_*: users in organizations, datasets in groups)

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
        auto g = Require<Group>(c, group);
        store::AddToGroup(c, d.id, g.id);
        RecordChange(c, caller, "dataset.group_add", "dataset", d.id, {{"group", g.name}});
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
        auto g = Require<Group>(c, group, /*live=*/false);
        store::RemoveFromGroup(c, d.id, g.id);
        RecordChange(c, caller, "dataset.group_remove", "dataset", d.id, {{"group", g.name}});
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

}  // namespace govhub::catalog

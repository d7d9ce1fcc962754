// Activity streams (views over the audit log), autocomplete, the trash, tag and licence lists,
// bulk updates and the full reindex.
#include <algorithm>
#include <map>
#include <set>

#include "agencies/auth.hpp"
#include "agencies/store.hpp"
#include "audit/audit.hpp"
#include "core/clock.hpp"
#include "core/strings.hpp"
#include "opendata/catalog/auth.hpp"
#include "opendata/catalog/service.hpp"
#include "opendata/catalog/service_internal.hpp"
#include "opendata/catalog/store.hpp"

namespace govhub::catalog {

using accounts::Principal;
using internal::RecordChange;

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
    // Who did it, by user name (public, as CKAN's activity streams show it).
    std::map<std::string, std::string> names;
    for (auto& a : out) {
        if (!a["user_id"].is_string()) continue;
        std::string uid = a["user_id"].get<std::string>();
        auto it = names.find(uid);
        if (it == names.end()) {
            auto u = accounts_.FindUserById(uid);
            it = names.emplace(uid, u ? u->name : std::string()).first;
        }
        if (!it->second.empty()) a["user_name"] = it->second;
    }
    return out;
}

Json CatalogService::PackageActivityForPage(const Principal* p, const std::string& id, int limit) {
    Json out = PackageActivityList(p, id, limit);  // 404 unless the reader may see it
    Dataset d = RequireDataset(p, id);
    bool see_private = CanSeePrivateResources(p, HeldIn(p, d.owner_org));
    std::map<std::string, Json> people;
    std::map<std::string, std::optional<Resource>> resources;
    for (auto& a : out) {
        if (a["user_id"].is_string()) {
            std::string uid = a["user_id"].get<std::string>();
            auto it = people.find(uid);
            if (it == people.end()) {
                auto u = accounts_.FindUserById(uid);
                Json names = nullptr;
                if (u && (!u->fullname_th.empty() || !u->fullname_en.empty()))
                    names = {{"th", u->fullname_th}, {"en", u->fullname_en}};
                it = people.emplace(uid, std::move(names)).first;
            }
            if (!it->second.is_null()) a["user_fullname"] = it->second;
        }
        const Json& data = a["data"];
        if (!data.is_object() || !data.contains("resource_id") || !data["resource_id"].is_string())
            continue;
        std::string rid = data["resource_id"].get<std::string>();
        auto it = resources.find(rid);
        if (it == resources.end())
            it = resources
                     .emplace(rid, db_.Read([&](db::Connection& c) {
                         return store::FindResource(c, rid);
                     }))
                     .first;
        const auto& r = it->second;
        if (r && r->package_id == d.id && r->resource_private && !see_private)
            a["resource_hidden"] = true;  // its name is not the reader's to see
        else if (r && r->package_id == d.id)
            a["resource_name"] = r->name;
    }
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
                d->state = DatasetState::kDeleted;
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

namespace {
// One choice list in CKAN's vocabulary shape; a tag's id is "<vocabulary>:<value>" (stable,
// since the values are the schema's).
Json VocabularyDict(const std::string& name, const std::vector<Choice>& choices,
                    const std::string& locale) {
    Json tags = Json::array();
    for (const auto& ch : choices)
        tags.push_back({{"id", name + ":" + ch.value},
                        {"name", ch.value},
                        {"display_name", ch.label.in(locale)},
                        {"vocabulary_id", name}});
    return {{"id", name}, {"name", name}, {"tags", tags}};
}
}  // namespace

Json CatalogService::VocabularyList(const std::string& locale) const {
    Json out = Json::array();
    std::vector<Choice> types;
    for (const auto& t : schema_.data_types()) types.push_back({t.value, t.label});
    out.push_back(VocabularyDict("data_type", types, locale));
    std::set<std::string> seen = {"data_type"};
    for (const auto* fields : {&schema_.dataset_fields(), &schema_.resource_fields()})
        for (const auto& f : *fields)
            if (!f.choices.empty() && seen.insert(f.name).second)
                out.push_back(VocabularyDict(f.name, f.choices, locale));
    return out;
}

Json CatalogService::VocabularyShow(const std::string& id, const std::string& locale) const {
    for (auto& v : VocabularyList(locale))
        if (v["id"] == id) return v;
    throw HttpError::NotFound("catalog.no_such_vocabulary");
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

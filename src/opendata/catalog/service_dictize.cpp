// The dictionaries the catalog gives out (CKAN's dictization): organizations, groups, datasets
// (a page of them read at once) and resources.
#include <map>

#include "agencies/store.hpp"
#include "opendata/catalog/auth.hpp"
#include "opendata/catalog/service.hpp"
#include "opendata/catalog/service_internal.hpp"
#include "opendata/catalog/store.hpp"

namespace govhub::catalog {

using accounts::Principal;

namespace {
// ckanext-fluent's shape of a text in two languages: {"th": ..., "en": ...} ("" when none).
Json Translated(const std::string& th, const std::string& en) {
    return {{"th", th}, {"en", en}};
}

// The keys organizations and groups share (CKAN's group_dictize serves both).
template <class OrgOrGroup>
Json GroupOrOrgDict(const OrgOrGroup& x, bool is_organization) {
    return {{"id", x.id},
            {"name", x.name},
            {"title", x.title},
            {"display_name", x.title},
            {"description", x.description},
            {"image_url", x.image_url},
            {"type", is_organization ? "organization" : "group"},
            {"is_organization", is_organization},
            {"created", x.created},
            {"title_translated", Translated(x.title, x.title_en)},
            {"description_translated", Translated(x.description, x.description_en)}};
}
}  // namespace

Json CatalogService::OrgDict(const Organization& o, bool with_counts) {
    Json j = GroupOrOrgDict(o, true);
    j["title_en"] = o.title_en;
    j["kind"] = agencies::ToString(o.kind);
    j["state"] = agencies::ToString(o.state);
    j["approval_status"] = o.state == agencies::AgencyState::kPending ? "pending" : "approved";
    j["parent"] = o.parent_id.empty() ? Json(nullptr) : Json(o.parent_id);
    if (with_counts) {
        db_.Read([&](db::Connection& c) {
            j["package_count"] = store::PublicDatasetCountOfOrganization(c, o.id);
        });
    }
    return j;
}

Json CatalogService::GroupDict(const Group& g) {
    Json j = GroupOrOrgDict(g, false);
    j["category"] = g.category;
    j["state"] = ToString(g.state);
    db_.Read(
        [&](db::Connection& c) { j["package_count"] = store::PublicDatasetCountOfGroup(c, g.id); });
    return j;
}

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
    j["state"] = ToString(r.state);
    j["created"] = r.created;
    j["last_modified"] = r.last_modified;
    j["datastore_active"] = r.datastore_active;
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
        j["state"] = ToString(d.state);
        j["data_type"] = d.data_type;
        j["notes"] = d.notes;
        j["title_translated"] = Translated(d.title, d.title_en);
        j["notes_translated"] = Translated(d.notes, d.notes_en);
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
                                      {"display_name", g->title},
                                      {"title_translated", Translated(g->title, g->title_en)}});
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

}  // namespace govhub::catalog

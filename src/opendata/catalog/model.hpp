#pragma once
// The catalog (CKAN's model): organizations (agencies, with parents), groups (in the seven
// GD-Catalog group types), datasets with their GD-Catalog metadata, resources and tags.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agencies/model.hpp"
#include "core/enum_text.hpp"

namespace govhub::catalog {

// A dataset's life (CKAN's): a draft is seen by its creator and editors only, deleted ones wait in
// the trash until purged.
enum class DatasetState { kActive, kDraft, kDeleted };
inline constexpr auto kDatasetStateText =
    core::MakeEnumText<DatasetState>({{DatasetState::kActive, "active"},
                                      {DatasetState::kDraft, "draft"},
                                      {DatasetState::kDeleted, "deleted"}});

// Deleted resources and groups keep their rows (CKAN's state), out of every list.
enum class ResourceState { kActive, kDeleted };
inline constexpr auto kResourceStateText = core::MakeEnumText<ResourceState>(
    {{ResourceState::kActive, "active"}, {ResourceState::kDeleted, "deleted"}});

enum class GroupState { kActive, kDeleted };
inline constexpr auto kGroupStateText = core::MakeEnumText<GroupState>(
    {{GroupState::kActive, "active"}, {GroupState::kDeleted, "deleted"}});

// The stored and API text of each state ("active", ...).
constexpr std::string_view ToString(DatasetState s) {
    return kDatasetStateText.Name(s);
}
constexpr std::string_view ToString(ResourceState s) {
    return kResourceStateText.Name(s);
}
constexpr std::string_view ToString(GroupState s) {
    return kGroupStateText.Name(s);
}

// The catalog's organizations are its view of the agency directory (agencies/).
using Organization = agencies::Agency;

struct Group {
    std::string id, name, title, description, image_url;
    std::string title_en, description_en;  // English; empty: none (pages show the Thai)
    std::string category;                  // category01 .. category07
    GroupState state = GroupState::kActive;
    std::string created, modified;
};

struct Resource {
    std::string id, package_id;
    int position = 0;
    std::string name, description, format, url;
    std::string url_type;  // "upload" when govhub stores the file, "" for a link
    int64_t size = 0;
    std::string hash;  // sha256:<hex> of uploads
    std::string mimetype;
    std::string extras = "{}";  // schema fields (JSON object)
    bool resource_private = false;
    ResourceState state = ResourceState::kActive;
    std::string created, last_modified;
    bool datastore_active = false;  // its datastore table is loaded (set by the datastore)
};

struct Dataset {
    std::string id, name, title, owner_org;
    bool private_ = false;
    DatasetState state = DatasetState::kActive;
    std::string data_type;  // the Thai value, as data.go.th stores it
    std::string notes, url, license_id, maintainer, maintainer_email;
    std::string title_en, notes_en;  // English; empty: none (pages show the Thai)
    std::string extras = "{}";       // the other schema fields (JSON object)
    std::string creator_user_id;
    std::string metadata_created, metadata_modified;
    int64_t views = 0, downloads = 0;
    std::vector<std::string> tags;
    std::vector<std::string> group_ids;
    std::vector<Resource> resources;
};

}  // namespace govhub::catalog

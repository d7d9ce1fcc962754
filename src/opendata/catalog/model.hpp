#pragma once
// The catalog (CKAN's model): organizations (agencies, with parents), groups (in the seven
// GD-Catalog group types), datasets with their GD-Catalog metadata, resources and tags.
#include <optional>
#include <string>
#include <vector>

#include "agencies/model.hpp"

namespace govhub::catalog {

// The catalog's organizations are its view of the agency directory (agencies/).
using Organization = agencies::Agency;

struct Group {
    std::string id, name, title, description, image_url;
    std::string category;  // category01 .. category07
    std::string state = "active";
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
    std::string state = "active";
    std::string created, last_modified;
};

struct Dataset {
    std::string id, name, title, owner_org;
    bool private_ = false;
    std::string state = "active";  // draft | active | deleted
    std::string data_type;         // the Thai value, as data.go.th stores it
    std::string notes, url, license_id, maintainer, maintainer_email;
    std::string extras = "{}";  // the other schema fields (JSON object)
    std::string creator_user_id;
    std::string metadata_created, metadata_modified;
    int64_t views = 0, downloads = 0;
    std::vector<std::string> tags;
    std::vector<std::string> group_ids;
    std::vector<Resource> resources;
};

}  // namespace govhub::catalog

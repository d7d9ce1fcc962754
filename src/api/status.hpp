#pragma once
#include <string>
#include <vector>

#include "api/action.hpp"

namespace govhub::api {

struct SiteInfo {
    std::string site_title;
    std::string site_url;
    std::string site_description;
    std::string locale_default = "th";
    std::string govhub_version;
    std::vector<std::string> services;    // enabled services
    std::vector<std::string> extensions;  // CKAN-style extension names
};

// status_show: CKAN's fields plus govhub's version and enabled services.
void RegisterStatusAction(ActionRegistry& actions, SiteInfo info);

}  // namespace govhub::api

#include "opendata/ckan_api/status.hpp"

namespace govhub::ckan_api {

void RegisterStatusAction(ActionRegistry& actions, SiteInfo info) {
    Json result = {{"site_title", info.site_title},
                   {"site_url", info.site_url},
                   {"site_description", info.site_description},
                   {"ckan_version", kCkanVersion},
                   {"api_version", 3},
                   {"locale_default", info.locale_default},
                   {"extensions", info.extensions},
                   {"govhub_version", info.govhub_version},
                   {"services", info.services}};
    actions.AddConstant("status_show", result);
}

}  // namespace govhub::ckan_api

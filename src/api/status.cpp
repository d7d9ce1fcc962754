#include "api/status.hpp"

namespace govhub::api {

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
    actions.AddConstant(
        "status_show", result,
        "Returns what this site is and runs.\n\n"
        "Takes no parameters.\n\n"
        ":returns: site_title, site_url, site_description, ckan_version (the CKAN API version "
        "followed), api_version (3), locale_default, extensions (CKAN-style extension names), "
        "govhub_version and services (the services enabled)\n"
        ":rtype: dictionary");
    actions.AddConstant("site_read", true,
                        "Whether the caller may read this site: always true (CKAN's site_read, "
                        "which clients call to check the API answers).\n\n"
                        "Takes no parameters.\n\n"
                        ":rtype: boolean");
}

}  // namespace govhub::api

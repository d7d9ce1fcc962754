#pragma once
#include <cstdint>

namespace govhub::catalog {
class CatalogService;
}
namespace govhub::api {
struct Principal;
}
namespace govhub::accounts {
using Principal = api::Principal;
}

namespace govhub::app {

// Fills the catalog with `count` generated datasets (Thai titles and notes built from common
// words, ข้อมูล in most of them; tags, groups, formats, licenses spread out) for
// bench/search.sh. Returns datasets per second.
double SeedBenchCatalog(catalog::CatalogService& catalog, const accounts::Principal& sysadmin,
                        int64_t count);

}  // namespace govhub::app

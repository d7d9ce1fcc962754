#pragma once
// The datastore's part of a resource page, and its forms (reload, data dictionary) and the
// per-resource OpenAPI document.
#include "http/router.hpp"
#include "jobs/service.hpp"
#include "opendata/catalog/routes.hpp"
#include "opendata/datastore/service.hpp"
#include "render/page.hpp"

namespace govhub::datastore {

catalog::ResourcePageExtension ResourcePanel(DatastoreService& ds, jobs::JobService& jobs,
                                             const render::PageRenderer& pages);
void RegisterPages(http::Router& router, DatastoreService& ds, const render::PageRenderer& pages);

}  // namespace govhub::datastore

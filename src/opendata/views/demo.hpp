#pragma once
// The demo's loaded tables and saved views: a chart of Bangkok's population by district and a
// map of rainfall stations (idempotent).
#include "accounts/model.hpp"
#include "opendata/catalog/service.hpp"
#include "opendata/datastore/service.hpp"
#include "opendata/views/service.hpp"

namespace govhub::views {

int SeedDemo(ViewService& views, datastore::DatastoreService& ds, catalog::CatalogService& catalog,
             const accounts::Principal& admin);

}  // namespace govhub::views

#pragma once
// Registers datastore_search, datastore_info, datastore_create, datastore_upsert,
// datastore_delete, datastore_records_delete and GET /datastore/dump/{resource_id}.
#include "http/router.hpp"
#include "opendata/ckan_api/action.hpp"
#include "opendata/datastore/service.hpp"

namespace govhub::datastore {

void RegisterApi(http::Router& router, ckan_api::ActionRegistry& actions, DatastoreService& ds);

}  // namespace govhub::datastore

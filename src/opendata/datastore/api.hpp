#pragma once
// Registers datastore_search, datastore_info, datastore_create, datastore_upsert,
// datastore_delete, datastore_records_delete and GET /datastore/dump/{resource_id}.
#include "api/action.hpp"
#include "http/router.hpp"
#include "opendata/datastore/service.hpp"

namespace govhub::datastore {

void RegisterApi(http::Router& router, api::ActionRegistry& actions, DatastoreService& ds);

}  // namespace govhub::datastore

#pragma once
// Who may do what with the datastore: named predicates, pure (no database). A table belongs to a
// resource, so each rule is the catalog's rule for that resource (opendata/catalog/auth.hpp); the
// caller passes the role the principal holds in the dataset's organization, as
// catalog::CatalogService::ResourceAccess found it:
//   read a table (datastore_search, _info, search_sql per table, dumps, charts, GeoJSON,
//   the table list) ...................... who may read the resource (catalog::CanReadResource)
//   create, upsert, delete a table or its records, reload it
//                                          ... who may edit the resource (catalog::CanEditResource)
// datastore_search_sql itself is open to anyone; each table the statement reads is checked.
#include "opendata/catalog/auth.hpp"

namespace govhub::datastore {

using Principal = api::Principal;
using catalog::DatasetFacts;
using catalog::Held;

bool CanReadTable(const Principal* p, const DatasetFacts& d, bool resource_private, Held held);
bool CanWriteTable(const Principal* p, Held held);

}  // namespace govhub::datastore

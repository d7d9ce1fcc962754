#pragma once
// Who may do what with saved views (resource_view_*): named predicates, pure (no database). A view
// belongs to a resource, so each rule is the catalog's rule for that resource
// (opendata/catalog/auth.hpp); the caller passes the role the principal holds in the dataset's
// organization, as catalog::CatalogService::ResourceAccess found it:
//   see a view (show, list, embed) ..... who may read the resource (catalog::CanReadResource)
//   create, update, delete a view ...... who may edit the resource (catalog::CanEditResource)
#include "opendata/catalog/auth.hpp"

namespace govhub::views {

using Principal = api::Principal;
using catalog::DatasetFacts;
using catalog::Held;

bool CanSeeView(const Principal* p, const DatasetFacts& d, bool resource_private, Held held);
bool CanCreateView(const Principal* p, Held held);
bool CanEditView(const Principal* p, Held held);
bool CanDeleteView(const Principal* p, Held held);

}  // namespace govhub::views

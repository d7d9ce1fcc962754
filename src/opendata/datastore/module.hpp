#pragma once
// The datastore in the one module shape (api/module.hpp). Its tables live in a database of their
// own (app/app.cpp): its migrations go to `own_migrations`, the set applied to that database,
// not to the catalog's set it is handed. Its load jobs, CKAN actions, dump route and pages.
#include <memory>

#include "api/module.hpp"
#include "opendata/datastore/service.hpp"
#include "render/page.hpp"

namespace govhub::datastore {

std::unique_ptr<api::Module> MakeModule(DatastoreService& ds, const render::PageRenderer& pages,
                                        db::MigrationSet& own_migrations);

}  // namespace govhub::datastore

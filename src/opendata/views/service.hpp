#pragma once
// Rules for saved views (CKAN's resource_view_*): editors of a dataset create, change and
// delete them; whoever may read the resource sees them. A view's settings are checked against
// the resource's table (the fields exist and have fitting types), so a saved chart never breaks
// on a typo.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "accounts/service.hpp"
#include "db/database.hpp"
#include "opendata/catalog/service.hpp"
#include "opendata/datastore/service.hpp"
#include "opendata/views/model.hpp"

namespace govhub::views {

using Json = nlohmann::json;

class ViewService {
  public:
    ViewService(db::Database& db, catalog::CatalogService& catalog,
                datastore::DatastoreService& datastore)
        : db_(db), catalog_(catalog), datastore_(datastore) {}

    Json Create(const accounts::Principal* p, const Json& dict, const accounts::Caller& caller);
    Json Update(const accounts::Principal* p, const Json& dict, bool patch,
                const accounts::Caller& caller);
    void Delete(const accounts::Principal* p, const std::string& id,
                const accounts::Caller& caller);
    Json Show(const accounts::Principal* p, const std::string& id);
    Json List(const accounts::Principal* p, const std::string& resource_id);
    // Every view of a dataset's resources the caller may read (the dataset page).
    std::vector<ResourceView> ForDataset(const accounts::Principal* p,
                                         const std::string& package_id);
    std::vector<ResourceView> ForResource(const accounts::Principal* p,
                                          const std::string& resource_id);
    // The view when the caller may read its resource.
    ResourceView Get(const accounts::Principal* p, const std::string& id);

    // CKAN's dictionary: the settings at the top level, beside id, title and the rest.
    static Json Dict(const ResourceView& v);
    // The settings in a dictionary: its "config" (an object, or JSON text of one, as
    // form-encoded clients send it), or (CKAN) the keys beside the core ones.
    static Json ConfigOf(const Json& dict);
    // Checks a view's settings; throws HttpError naming the setting. What it returns checks
    // again unchanged (a saved view never breaks on its own settings).
    static Json ValidConfig(const std::string& view_type, const Json& config,
                            const datastore::TableInfo* table);

  private:
    db::Database& db_;
    catalog::CatalogService& catalog_;
    datastore::DatastoreService& datastore_;
};

}  // namespace govhub::views

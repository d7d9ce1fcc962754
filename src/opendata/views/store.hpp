#pragma once
// Every SQL statement of the views module (the catalog's database).
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "db/migrations.hpp"
#include "opendata/views/model.hpp"

namespace govhub::views::store {

void AddMigrations(db::MigrationSet& set);
void Insert(db::Connection& c, const ResourceView& v);
void Update(db::Connection& c, const ResourceView& v);
void Delete(db::Connection& c, const std::string& id);
std::optional<ResourceView> Find(db::Connection& c, const std::string& id);
std::vector<ResourceView> ListForResource(db::Connection& c, const std::string& resource_id);
std::vector<ResourceView> ListForDataset(db::Connection& c, const std::string& package_id);

}  // namespace govhub::views::store

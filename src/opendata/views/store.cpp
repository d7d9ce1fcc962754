#include "opendata/views/store.hpp"

namespace govhub::views::store {

namespace {
constexpr const char* kColumns =
    "id, resource_id, package_id, view_type, title, description, config, position, created, "
    "modified";

ResourceView ToView(const db::Row& r) {
    ResourceView v;
    v.id = r.Str(0);
    v.resource_id = r.Str(1);
    v.package_id = r.Str(2);
    v.view_type = r.Str(3);
    v.title = r.Str(4);
    v.description = r.Str(5);
    v.config = r.Str(6);
    v.position = static_cast<int>(r.Int(7));
    v.created = r.Str(8);
    v.modified = r.Str(9);
    return v;
}
}  // namespace

void AddMigrations(db::MigrationSet& set) {
    set.Add({.module = "views", .version = 1, .name = "saved resource views", .sql = R"sql(
CREATE TABLE resource_views (
  id TEXT PRIMARY KEY,
  resource_id TEXT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
  package_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  view_type TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  config TEXT NOT NULL DEFAULT '{}',
  position INTEGER NOT NULL DEFAULT 0,
  created TEXT NOT NULL,
  modified TEXT NOT NULL
);
CREATE INDEX resource_views_resource ON resource_views (resource_id, position);
CREATE INDEX resource_views_package ON resource_views (package_id, position);
)sql"});
}

void Insert(db::Connection& c, const ResourceView& v) {
    c.Exec(std::string("INSERT INTO resource_views (") + kColumns +
               ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           {v.id, v.resource_id, v.package_id, v.view_type, v.title, v.description, v.config,
            int64_t{v.position}, v.created, v.modified});
}

void Update(db::Connection& c, const ResourceView& v) {
    c.Exec(
        "UPDATE resource_views SET title = ?, description = ?, config = ?, position = ?,"
        " modified = ? WHERE id = ?",
        {v.title, v.description, v.config, int64_t{v.position}, v.modified, v.id});
}

void Delete(db::Connection& c, const std::string& id) {
    c.Exec("DELETE FROM resource_views WHERE id = ?", {id});
}

std::optional<ResourceView> Find(db::Connection& c, const std::string& id) {
    auto r = c.One(std::string("SELECT ") + kColumns + " FROM resource_views WHERE id = ?", {id});
    if (!r) return std::nullopt;
    return ToView(*r);
}

std::vector<ResourceView> ListForResource(db::Connection& c, const std::string& resource_id) {
    std::vector<ResourceView> out;
    for (const auto& r :
         c.Query(std::string("SELECT ") + kColumns +
                     " FROM resource_views WHERE resource_id = ? ORDER BY position, created",
                 {resource_id}))
        out.push_back(ToView(r));
    return out;
}

std::vector<ResourceView> ListForDataset(db::Connection& c, const std::string& package_id) {
    std::vector<ResourceView> out;
    for (const auto& r :
         c.Query(std::string("SELECT ") + kColumns +
                     " FROM resource_views WHERE package_id = ? ORDER BY position, created",
                 {package_id}))
        out.push_back(ToView(r));
    return out;
}

}  // namespace govhub::views::store

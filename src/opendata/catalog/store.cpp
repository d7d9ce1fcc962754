#include "opendata/catalog/store.hpp"

#include <map>
#include <unordered_map>

#include "core/strings.hpp"
#include "db/row_reader.hpp"

namespace govhub::catalog::store {

void AddMigrations(db::MigrationSet& set) {
    // The organizations table datasets refer to is agencies:1's (a lower module, so its
    // migrations run first). Databases made before the directory was its own module have it from
    // an older text of this migration; the runner records only (module, version), not the text.
    set.Add({.module = "catalog",
             .version = 1,
             .name = "organizations, groups, datasets, resources, tags",
             .sql = R"sql(
CREATE TABLE groups_ (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  image_url TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('active', 'deleted')),
  created TEXT NOT NULL,
  modified TEXT NOT NULL
);
CREATE TABLE datasets (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  owner_org TEXT NOT NULL REFERENCES organizations (id),
  private INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL CHECK (state IN ('draft', 'active', 'deleted')),
  data_type TEXT NOT NULL,
  notes TEXT NOT NULL DEFAULT '',
  url TEXT NOT NULL DEFAULT '',
  license_id TEXT NOT NULL DEFAULT '',
  maintainer TEXT NOT NULL DEFAULT '',
  maintainer_email TEXT NOT NULL DEFAULT '',
  extras TEXT NOT NULL DEFAULT '{}',
  creator_user_id TEXT,
  metadata_created TEXT NOT NULL,
  metadata_modified TEXT NOT NULL,
  views BIGINT NOT NULL DEFAULT 0,
  downloads BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX datasets_org ON datasets (owner_org);
CREATE INDEX datasets_modified ON datasets (metadata_modified);
CREATE TABLE dataset_tags (
  dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (dataset_id, tag)
);
CREATE INDEX dataset_tags_tag ON dataset_tags (tag);
CREATE TABLE dataset_groups (
  dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  group_id TEXT NOT NULL REFERENCES groups_ (id),
  PRIMARY KEY (dataset_id, group_id)
);
CREATE TABLE resources (
  id TEXT PRIMARY KEY,
  package_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  format TEXT NOT NULL DEFAULT '',
  url TEXT NOT NULL DEFAULT '',
  url_type TEXT NOT NULL DEFAULT '',
  size BIGINT NOT NULL DEFAULT 0,
  hash TEXT NOT NULL DEFAULT '',
  mimetype TEXT NOT NULL DEFAULT '',
  extras TEXT NOT NULL DEFAULT '{}',
  resource_private INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL CHECK (state IN ('active', 'deleted')),
  created TEXT NOT NULL,
  last_modified TEXT NOT NULL
);
CREATE INDEX resources_package ON resources (package_id, position);
)sql"});
    set.Add({.module = "catalog",
             .version = 2,
             .name = "catalog version (search caches on every node follow it)",
             .sql = R"sql(
CREATE TABLE catalog_state (id INTEGER PRIMARY KEY, version BIGINT NOT NULL);
INSERT INTO catalog_state (id, version) VALUES (1, 0);
)sql"});
    // Each dataset carries the catalog version of its last change, so a node's search snapshot
    // re-reads only what changed; structure_version moves when organizations, groups or purges
    // change what lies around the datasets.
    set.Add({.module = "catalog",
             .version = 3,
             .name = "change versions for incremental search snapshots",
             .sql = R"sql(
ALTER TABLE datasets ADD COLUMN search_version BIGINT NOT NULL DEFAULT 0;
CREATE INDEX datasets_search_version ON datasets (search_version);
ALTER TABLE catalog_state ADD COLUMN structure_version BIGINT NOT NULL DEFAULT 0;
)sql"});
    // CKAN's datastore_active: the datastore (a higher module) says when a resource's table is
    // loaded or dropped. Tables loaded before this column existed are marked at the datastore's
    // start (DatastoreService::SyncCatalog), since on SQLite they live in another file.
    set.Add(
        {.module = "catalog", .version = 4, .name = "datastore_active on resources", .sql = R"sql(
ALTER TABLE resources ADD COLUMN datastore_active INTEGER NOT NULL DEFAULT 0;
)sql"});
    // English beside the Thai (ckanext-fluent's title_translated / notes_translated in the API);
    // empty means "none": pages fall back to the Thai text.
    set.Add({.module = "catalog",
             .version = 5,
             .name = "English titles and descriptions of datasets and groups",
             .sql = R"sql(
ALTER TABLE datasets ADD COLUMN title_en TEXT NOT NULL DEFAULT '';
ALTER TABLE datasets ADD COLUMN notes_en TEXT NOT NULL DEFAULT '';
ALTER TABLE groups_ ADD COLUMN title_en TEXT NOT NULL DEFAULT '';
ALTER TABLE groups_ ADD COLUMN description_en TEXT NOT NULL DEFAULT '';
)sql"});
}

namespace {
db::Value Opt(const std::string& s) {
    return s.empty() ? db::Value(nullptr) : db::Value(s);
}

// A (text, count) row.
std::pair<std::string, int64_t> Pair(const db::Row& row) {
    db::RowReader r(row);
    std::string text = r.Str();
    return {std::move(text), r.Int()};
}

// A state column's stored text.
template <class State>
db::Value Text(State s) {
    return db::Value(std::string(ToString(s)));
}

// The text of a state the table does not know (written by a later version, read by an older
// node during a rolling upgrade): deleted, so that the row is out of every list and page.
constexpr const char* kGroupColumns =
    "id, name, title, description, image_url, category, state, created, modified, title_en,"
    " description_en";
Group ToGroup(const db::Row& row) {
    db::RowReader r(row);
    Group g;
    g.id = r.Str();
    g.name = r.Str();
    g.title = r.Str();
    g.description = r.Str();
    g.image_url = r.Str();
    g.category = r.Str();
    g.state = r.Enum(kGroupStateText, GroupState::kDeleted);
    g.created = r.Str();
    g.modified = r.Str();
    g.title_en = r.Str();
    g.description_en = r.Str();
    return g;
}
constexpr const char* kDatasetColumns =
    "id, name, title, owner_org, private, state, data_type, notes, url, license_id, maintainer, "
    "maintainer_email, extras, creator_user_id, metadata_created, metadata_modified, views, "
    "downloads, title_en, notes_en";
Dataset ToDataset(const db::Row& row) {
    db::RowReader r(row);
    Dataset d;
    d.id = r.Str();
    d.name = r.Str();
    d.title = r.Str();
    d.owner_org = r.Str();
    d.private_ = r.Bool();
    d.state = r.Enum(kDatasetStateText, DatasetState::kDeleted);
    d.data_type = r.Str();
    d.notes = r.Str();
    d.url = r.Str();
    d.license_id = r.Str();
    d.maintainer = r.Str();
    d.maintainer_email = r.Str();
    d.extras = r.Str();
    d.creator_user_id = r.Str();
    d.metadata_created = r.Str();
    d.metadata_modified = r.Str();
    d.views = r.Int();
    d.downloads = r.Int();
    d.title_en = r.Str();
    d.notes_en = r.Str();
    return d;
}
constexpr const char* kResourceColumns =
    "id, package_id, position, name, description, format, url, url_type, size, hash, mimetype, "
    "extras, resource_private, state, created, last_modified, datastore_active";
// The same columns, of the resources table called r in a join.
constexpr const char* kResourceColumnsR =
    "r.id, r.package_id, r.position, r.name, r.description, r.format, r.url, r.url_type, r.size, "
    "r.hash, r.mimetype, r.extras, r.resource_private, r.state, r.created, r.last_modified, "
    "r.datastore_active";

// A LIKE pattern's literal text (ESCAPE '\\').
std::string LikeEscape(const std::string& s) {
    std::string out;
    for (char ch : s) {
        if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
        out += ch;
    }
    return out;
}

Resource ToResource(const db::Row& row) {
    db::RowReader r(row);
    Resource x;
    x.id = r.Str();
    x.package_id = r.Str();
    x.position = static_cast<int>(r.Int());
    x.name = r.Str();
    x.description = r.Str();
    x.format = r.Str();
    x.url = r.Str();
    x.url_type = r.Str();
    x.size = r.Int();
    x.hash = r.Str();
    x.mimetype = r.Str();
    x.extras = r.Str();
    x.resource_private = r.Bool();
    x.state = r.Enum(kResourceStateText, ResourceState::kDeleted);
    x.created = r.Str();
    x.last_modified = r.Str();
    x.datastore_active = r.Bool();
    return x;
}
}  // namespace

void InsertGroup(db::Connection& c, const Group& g) {
    c.Exec(
        "INSERT INTO groups_ (id, name, title, description, image_url, category, state, created, "
        "modified, title_en, description_en)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {g.id, g.name, g.title, g.description, g.image_url, g.category, Text(g.state), g.created,
         g.modified, g.title_en, g.description_en});
}

void UpdateGroup(db::Connection& c, const Group& g) {
    c.Exec(
        "UPDATE groups_ SET name = ?, title = ?, description = ?, image_url = ?, category = ?, "
        "state = ?,"
        " modified = ?, title_en = ?, description_en = ? WHERE id = ?",
        {g.name, g.title, g.description, g.image_url, g.category, Text(g.state), g.modified,
         g.title_en, g.description_en, g.id});
}

std::optional<Group> FindGroup(db::Connection& c, const std::string& key) {
    auto row =
        c.One(std::string("SELECT ") + kGroupColumns + " FROM groups_ WHERE id = ? OR name = ?",
              {key, key});
    if (!row) return std::nullopt;
    return ToGroup(*row);
}

std::vector<Group> ListGroups(db::Connection& c) {
    std::vector<Group> out;
    for (const auto& r : c.Query(std::string("SELECT ") + kGroupColumns +
                                 " FROM groups_ WHERE state = 'active' ORDER BY category, name"))
        out.push_back(ToGroup(r));
    return out;
}

void InsertDataset(db::Connection& c, const Dataset& d) {
    c.Exec(
        "INSERT INTO datasets (id, name, title, owner_org, private, state, data_type, notes, url, "
        "license_id,"
        " maintainer, maintainer_email, extras, creator_user_id, metadata_created, "
        "metadata_modified, title_en, notes_en)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {d.id, d.name, d.title, d.owner_org, db::V(d.private_), Text(d.state), d.data_type, d.notes,
         d.url, d.license_id, d.maintainer, d.maintainer_email, d.extras, Opt(d.creator_user_id),
         d.metadata_created, d.metadata_modified, d.title_en, d.notes_en});
}

void UpdateDataset(db::Connection& c, const Dataset& d) {
    c.Exec(
        "UPDATE datasets SET name = ?, title = ?, owner_org = ?, private = ?, state = ?, data_type "
        "= ?, notes = ?,"
        " url = ?, license_id = ?, maintainer = ?, maintainer_email = ?, extras = ?, "
        "metadata_modified = ?, title_en = ?, notes_en = ?"
        " WHERE id = ?",
        {d.name, d.title, d.owner_org, db::V(d.private_), Text(d.state), d.data_type, d.notes,
         d.url, d.license_id, d.maintainer, d.maintainer_email, d.extras, d.metadata_modified,
         d.title_en, d.notes_en, d.id});
}

std::optional<Dataset> FindDataset(db::Connection& c, const std::string& key) {
    auto row =
        c.One(std::string("SELECT ") + kDatasetColumns + " FROM datasets WHERE id = ? OR name = ?",
              {key, key});
    if (!row) return std::nullopt;
    Dataset d = ToDataset(*row);
    for (const auto& r :
         c.Query("SELECT tag FROM dataset_tags WHERE dataset_id = ? ORDER BY tag", {d.id}))
        d.tags.push_back(r.Str(0));
    for (const auto& r : c.Query(
             "SELECT group_id FROM dataset_groups WHERE dataset_id = ? ORDER BY group_id", {d.id}))
        d.group_ids.push_back(r.Str(0));
    for (const auto& r : c.Query(std::string("SELECT ") + kResourceColumns +
                                     " FROM resources WHERE package_id = ? AND state = 'active' "
                                     "ORDER BY position, created",
                                 {d.id}))
        d.resources.push_back(ToResource(r));
    return d;
}

std::vector<Dataset> FindDatasets(db::Connection& c, const std::vector<std::string>& ids) {
    if (ids.empty()) return {};
    std::string marks;
    std::vector<db::Value> args;
    for (const auto& id : ids) {
        marks += marks.empty() ? "?" : ", ?";
        args.emplace_back(id);
    }
    std::unordered_map<std::string, Dataset> found;
    for (const auto& r : c.Query(std::string("SELECT ") + kDatasetColumns +
                                     " FROM datasets WHERE id IN (" + marks + ")",
                                 args)) {
        Dataset d = ToDataset(r);
        found.emplace(d.id, std::move(d));
    }
    for (const auto& row :
         c.Query("SELECT dataset_id, tag FROM dataset_tags WHERE dataset_id IN (" + marks +
                     ") ORDER BY dataset_id, tag",
                 args)) {
        db::RowReader r(row);
        const std::string& dataset_id = r.Str();
        found[dataset_id].tags.push_back(r.Str());
    }
    for (const auto& row :
         c.Query("SELECT dataset_id, group_id FROM dataset_groups WHERE dataset_id IN (" + marks +
                     ") ORDER BY dataset_id, group_id",
                 args)) {
        db::RowReader r(row);
        const std::string& dataset_id = r.Str();
        found[dataset_id].group_ids.push_back(r.Str());
    }
    for (const auto& r : c.Query(std::string("SELECT ") + kResourceColumns +
                                     " FROM resources WHERE package_id IN (" + marks +
                                     ") AND state = 'active' ORDER BY position, created",
                                 args)) {
        Resource res = ToResource(r);
        found[res.package_id].resources.push_back(std::move(res));
    }
    std::vector<Dataset> out;
    for (const auto& id : ids)
        if (auto it = found.find(id); it != found.end() && !it->second.id.empty())
            out.push_back(std::move(it->second));
    return out;
}

bool DatasetNameTaken(db::Connection& c, const std::string& name, const std::string& except_id) {
    // Nor another dataset's id: /dataset/<name> and package_show take either.
    return c
        .One("SELECT 1 FROM datasets WHERE (name = ? OR LOWER(id) = LOWER(?)) AND id <> ?",
             {name, name, except_id})
        .has_value();
}

void SetTags(db::Connection& c, const std::string& dataset_id,
             const std::vector<std::string>& tags) {
    c.Exec("DELETE FROM dataset_tags WHERE dataset_id = ?", {dataset_id});
    for (const auto& t : tags)
        c.Exec("INSERT INTO dataset_tags (dataset_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING",
               {dataset_id, t});
}

void SetGroups(db::Connection& c, const std::string& dataset_id,
               const std::vector<std::string>& group_ids) {
    c.Exec("DELETE FROM dataset_groups WHERE dataset_id = ?", {dataset_id});
    for (const auto& g : group_ids)
        c.Exec(
            "INSERT INTO dataset_groups (dataset_id, group_id) VALUES (?, ?) ON CONFLICT DO "
            "NOTHING",
            {dataset_id, g});
}

void PurgeDataset(db::Connection& c, const std::string& dataset_id) {
    c.Exec("DELETE FROM datasets WHERE id = ?", {dataset_id});
}

void CountView(db::Connection& c, const std::string& dataset_id) {
    c.Exec("UPDATE datasets SET views = views + 1 WHERE id = ?", {dataset_id});
}

void InsertResource(db::Connection& c, const Resource& r) {
    c.Exec(
        "INSERT INTO resources (id, package_id, position, name, description, format, url, "
        "url_type, size, hash,"
        " mimetype, extras, resource_private, state, created, last_modified)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {r.id, r.package_id, int64_t{r.position}, r.name, r.description, r.format, r.url,
         r.url_type, r.size, r.hash, r.mimetype, r.extras, db::V(r.resource_private), Text(r.state),
         r.created, r.last_modified});
}

void UpdateResource(db::Connection& c, const Resource& r) {
    c.Exec(
        "UPDATE resources SET position = ?, name = ?, description = ?, format = ?, url = ?, "
        "url_type = ?,"
        " size = ?, hash = ?, mimetype = ?, extras = ?, resource_private = ?, state = ?, "
        "last_modified = ?"
        " WHERE id = ?",
        {int64_t{r.position}, r.name, r.description, r.format, r.url, r.url_type, r.size, r.hash,
         r.mimetype, r.extras, db::V(r.resource_private), Text(r.state), r.last_modified, r.id});
}

std::optional<Resource> FindResource(db::Connection& c, const std::string& id) {
    auto row =
        c.One(std::string("SELECT ") + kResourceColumns + " FROM resources WHERE id = ?", {id});
    if (!row) return std::nullopt;
    return ToResource(*row);
}

std::optional<std::string> SetDatastoreActive(db::Connection& c, const std::string& id,
                                              bool active) {
    auto row = c.One("SELECT package_id FROM resources WHERE id = ? AND datastore_active <> ?",
                     {id, db::V(active)});
    if (!row) return std::nullopt;
    c.Exec("UPDATE resources SET datastore_active = ? WHERE id = ?", {db::V(active), id});
    return row->Str(0);
}

std::vector<std::string> DatastoreActiveResourceIds(db::Connection& c) {
    std::vector<std::string> out;
    for (const auto& r : c.Query("SELECT id FROM resources WHERE datastore_active <> 0"))
        out.push_back(r.Str(0));
    return out;
}

bool IdTaken(db::Connection& c, IdKind kind, const std::string& id) {
    // Without case: a resource's id names its datastore table, and SQLite's names ignore case.
    // A dataset's id is no other dataset's name either (lookups take either).
    switch (kind) {
        case IdKind::kDataset:
            return c
                .One("SELECT 1 FROM datasets WHERE LOWER(id) = LOWER(?) OR name = LOWER(?)",
                     {id, id})
                .has_value();
        case IdKind::kResource:
            return c.One("SELECT 1 FROM resources WHERE LOWER(id) = LOWER(?)", {id}).has_value();
        case IdKind::kGroup:
            break;
    }
    return c.One("SELECT 1 FROM groups_ WHERE LOWER(id) = LOWER(?)", {id}).has_value();
}

std::vector<std::string> FormatsInUse(db::Connection& c, const std::string& contains, int limit) {
    std::vector<std::string> out;
    for (const auto& r : c.Query(
             "SELECT LOWER(r.format), COUNT(*) FROM resources r JOIN datasets d ON d.id = "
             "r.package_id WHERE r.state = 'active' AND d.state = 'active' AND d.private = 0 "
             "AND r.format <> '' AND LOWER(r.format) LIKE ? ESCAPE '\\' GROUP BY LOWER(r.format) "
             "ORDER BY COUNT(*) DESC, LOWER(r.format) LIMIT ?",
             {"%" + LikeEscape(core::ToLower(contains)) + "%", int64_t{limit}}))
        out.push_back(r.Str(0));
    return out;
}

ResourcePage SearchResources(db::Connection& c, const ResourceQuery& q) {
    std::string where =
        " FROM resources r JOIN datasets d ON d.id = r.package_id WHERE r.state = 'active' AND "
        "d.state <> 'deleted'";
    std::vector<db::Value> args;
    for (const auto& [field, term] : q.terms) {
        if (field == "hash") {
            where += " AND r.hash = ?";
            args.emplace_back(term);
        } else {
            where += " AND LOWER(r." + field + ") LIKE ? ESCAPE '\\'";
            args.emplace_back("%" + LikeEscape(core::ToLower(term)) + "%");
        }
    }
    if (!q.everything) {
        // What CanReadResource lets the caller see, as SQL: active public datasets; active private
        // ones to members; drafts to editors and their creator; private resources to editors.
        auto marks = [&](const std::vector<std::string>& ids) {
            std::string m = "''";
            for (const auto& id : ids) {
                m += ", ?";
                args.emplace_back(id);
            }
            return m;
        };
        where += " AND ((d.state = 'active' AND (d.private = 0 OR d.owner_org IN (" +
                 marks(q.member_orgs) + ")))";
        where += " OR (d.state = 'draft' AND (d.owner_org IN (" + marks(q.editor_orgs) +
                 ") OR d.creator_user_id = ?)))";
        args.emplace_back(q.user_id.empty() ? std::string("\x01") : q.user_id);
        where += " AND (r.resource_private = 0 OR d.owner_org IN (" + marks(q.editor_orgs) + "))";
    }
    ResourcePage page;
    if (auto row = c.One("SELECT COUNT(*)" + where, args)) page.count = row->Int(0);
    std::string order = q.order_by.empty() ? "r.package_id, r.position"
                        : q.order_numeric  ? "r." + q.order_by + ", r.id"
                                           : "LOWER(r." + q.order_by + "), r.id";
    args.emplace_back(int64_t{q.limit});
    args.emplace_back(int64_t{q.offset});
    for (const auto& row : c.Query(std::string("SELECT ") + kResourceColumnsR + where +
                                       " ORDER BY " + order + " LIMIT ? OFFSET ?",
                                   args))
        page.resources.push_back(ToResource(row));
    return page;
}

void DeleteResource(db::Connection& c, const std::string& id) {
    c.Exec("UPDATE resources SET state = 'deleted' WHERE id = ?", {id});
}

std::vector<DatasetSummary> SearchRows(db::Connection& c, int64_t since_version, int limit) {
    // The full read takes every dataset that is not deleted; a refresh takes the datasets
    // changed since, whatever their state (a deleted one leaves the snapshot), oldest change
    // first, a bounded batch at a time (ORDER BY + LIMIT also keeps the planner on the index
    // whatever its statistics say).
    bool full = since_version < 0;
    std::vector<db::Value> args;
    std::string sql =
        "SELECT id, name, owner_org, data_type, license_id, state, metadata_modified, title,"
        " extras, private, views, metadata_created, notes, search_version, title_en, notes_en"
        " FROM datasets WHERE ";
    if (full) {
        sql += "state <> 'deleted'";
    } else {
        sql += "search_version > ? ORDER BY search_version LIMIT ?";
        args = {since_version, int64_t{limit}};
    }
    std::vector<DatasetSummary> out;
    std::unordered_map<std::string, size_t> index;
    for (const auto& row : c.Query(sql, args)) {
        db::RowReader r(row);
        DatasetSummary s;
        s.id = r.Str();
        s.name = r.Str();
        s.owner_org = r.Str();
        s.data_type = r.Str();
        s.license_id = r.Str();
        s.state = r.Enum(kDatasetStateText, DatasetState::kDeleted);
        s.metadata_modified = r.Str();
        s.title = r.Str();
        s.extras = r.Str();
        s.private_ = r.Bool();
        s.views = r.Int();
        s.metadata_created = r.Str();
        s.notes = r.Str();
        s.search_version = r.Int();
        s.title_en = r.Str();
        s.notes_en = r.Str();
        index[s.id] = out.size();
        out.push_back(std::move(s));
    }
    if (out.empty()) return out;
    // Tags, groups and formats: whole tables for the full read, the batch's ids otherwise.
    std::string subset;
    std::vector<db::Value> ids;
    if (!full) {
        for (const auto& s : out) {
            subset += subset.empty() ? "?" : ", ?";
            ids.emplace_back(s.id);
        }
    }
    auto each = [&](const std::string& table_sql, const char* column, auto add) {
        std::string q = table_sql;
        if (!full)
            q += std::string(q.find(" WHERE ") == std::string::npos ? " WHERE " : " AND ") +
                 column + " IN (" + subset + ")";
        for (const auto& row : c.Query(q, ids)) {
            db::RowReader r(row);
            auto it = index.find(r.Str());
            if (it != index.end()) add(out[it->second], r.Str());
        }
    };
    each("SELECT dataset_id, tag FROM dataset_tags", "dataset_id",
         [](DatasetSummary& s, std::string v) { s.tags.push_back(std::move(v)); });
    each("SELECT dataset_id, group_id FROM dataset_groups", "dataset_id",
         [](DatasetSummary& s, std::string v) { s.group_ids.push_back(std::move(v)); });
    each(
        "SELECT DISTINCT package_id, format FROM resources WHERE state = 'active' AND format <> ''",
        "package_id", [](DatasetSummary& s, std::string v) { s.formats.push_back(std::move(v)); });
    for (auto& s : out) std::sort(s.tags.begin(), s.tags.end());
    return out;
}

std::vector<std::pair<std::string, int64_t>> DatasetViews(db::Connection& c) {
    std::vector<std::pair<std::string, int64_t>> out;
    for (const auto& r :
         c.Query("SELECT id, views FROM datasets WHERE views > 0 AND state <> 'deleted'"))
        out.emplace_back(Pair(r));
    return out;
}

int64_t PublicDatasetCountOfOrganization(db::Connection& c, const std::string& org_id) {
    return c
        .One(
            "SELECT COUNT(*) FROM datasets WHERE owner_org = ? AND state = 'active' AND private = "
            "0",
            {org_id})
        ->Int(0);
}

bool OrganizationHasDatasets(db::Connection& c, const std::string& org_id) {
    return c.One("SELECT 1 FROM datasets WHERE owner_org = ? AND state <> 'deleted'", {org_id})
        .has_value();
}

int64_t PublicDatasetCountOfGroup(db::Connection& c, const std::string& group_id) {
    return c
        .One(
            "SELECT COUNT(*) FROM dataset_groups dg JOIN datasets d ON d.id = dg.dataset_id"
            " WHERE dg.group_id = ? AND d.state = 'active' AND d.private = 0",
            {group_id})
        ->Int(0);
}

void AddToGroup(db::Connection& c, const std::string& dataset_id, const std::string& group_id) {
    c.Exec("INSERT INTO dataset_groups (dataset_id, group_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
           {dataset_id, group_id});
}

void RemoveFromGroup(db::Connection& c, const std::string& dataset_id,
                     const std::string& group_id) {
    c.Exec("DELETE FROM dataset_groups WHERE dataset_id = ? AND group_id = ?",
           {dataset_id, group_id});
}

void EmptyGroup(db::Connection& c, const std::string& group_id) {
    c.Exec("DELETE FROM dataset_groups WHERE group_id = ?", {group_id});
}

namespace {
std::vector<std::string> Ids(const db::Rows& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.Str(0));
    return out;
}
}  // namespace

std::vector<std::string> DatasetIdsInGroup(db::Connection& c, const std::string& group_id) {
    return Ids(c.Query("SELECT dataset_id FROM dataset_groups WHERE group_id = ?", {group_id}));
}

std::vector<std::string> DatasetIdsOfOrganization(db::Connection& c, const std::string& org_id) {
    return Ids(c.Query("SELECT id FROM datasets WHERE owner_org = ?", {org_id}));
}

std::vector<std::string> LiveDatasetIds(db::Connection& c) {
    return Ids(c.Query("SELECT id FROM datasets WHERE state <> 'deleted'"));
}

void CountDownload(db::Connection& c, const std::string& dataset_id) {
    c.Exec("UPDATE datasets SET downloads = downloads + 1 WHERE id = ?", {dataset_id});
}

std::vector<DeletedDataset> DeletedDatasets(db::Connection& c) {
    std::vector<DeletedDataset> out;
    for (const auto& r :
         c.Query("SELECT d.id, d.name, d.title, d.metadata_modified, o.title FROM datasets d"
                 " JOIN organizations o ON o.id = d.owner_org WHERE d.state = 'deleted'"
                 " ORDER BY d.metadata_modified DESC")) {
        db::RowReader x(r);
        DeletedDataset d;
        d.id = x.Str();
        d.name = x.Str();
        d.title = x.Str();
        d.deleted_at = x.Str();
        d.organization_title = x.Str();
        out.push_back(std::move(d));
    }
    return out;
}

void BumpVersion(db::Connection& c) {
    c.Exec("UPDATE catalog_state SET version = version + 1 WHERE id = 1");
}

void MarkDatasetChanged(db::Connection& c, const std::string& dataset_id) {
    // The row lock on catalog_state orders concurrent writers, so versions follow commit order
    // and a reader that saw version V also sees every change marked with V or less.
    int64_t v =
        c.One("UPDATE catalog_state SET version = version + 1 WHERE id = 1 RETURNING version")
            ->Int(0);
    c.Exec("UPDATE datasets SET search_version = ? WHERE id = ?", {v, dataset_id});
}

void MarkStructureChanged(db::Connection& c) {
    c.Exec(
        "UPDATE catalog_state SET version = version + 1, structure_version = version + 1"
        " WHERE id = 1");
}

CatalogVersions Versions(db::Connection& c) {
    auto row = c.One("SELECT version, structure_version FROM catalog_state WHERE id = 1");
    db::RowReader r(*row);
    CatalogVersions v;
    v.version = r.Int();
    v.structure = r.Int();
    return v;
}

std::vector<std::string> ActiveDatasetNames(db::Connection& c, bool include_private) {
    std::vector<std::string> out;
    for (const auto& r : c.Query(std::string("SELECT name FROM datasets WHERE state = 'active'") +
                                 (include_private ? "" : " AND private = 0") + " ORDER BY name"))
        out.push_back(r.Str(0));
    return out;
}

std::vector<std::pair<std::string, int64_t>> TagCounts(db::Connection& c, const std::string& prefix,
                                                       int limit) {
    std::vector<std::pair<std::string, int64_t>> out;
    // A prefix compared as text (LIKE would treat % and _ in it as wildcards).
    for (const auto& r :
         c.Query("SELECT t.tag, COUNT(*) FROM dataset_tags t JOIN datasets d ON d.id = t.dataset_id"
                 " WHERE d.state = 'active' AND d.private = 0 AND substr(t.tag, 1, ?) = ?"
                 " GROUP BY t.tag ORDER BY COUNT(*) DESC, t.tag LIMIT ?",
                 {static_cast<int64_t>(core::Utf8Length(prefix)), prefix, int64_t{limit}}))
        out.emplace_back(Pair(r));
    return out;
}

}  // namespace govhub::catalog::store

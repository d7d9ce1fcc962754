#include "agencies/store.hpp"

#include "core/clock.hpp"
#include "db/row_reader.hpp"

namespace govhub::agencies::store {

void AddMigrations(db::MigrationSet& set) {
    // The same table as the catalog's first migration made before the directory was its own
    // module: on such a database this does nothing; on a new one it runs first, since agencies
    // sits below the catalog (catalog:1 no longer creates it).
    set.Add({.module = "agencies",
             .version = 1,
             .name = "organizations (the agency directory)",
             .sql = R"sql(
CREATE TABLE IF NOT EXISTS organizations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  image_url TEXT NOT NULL DEFAULT '',
  parent_id TEXT REFERENCES organizations (id),
  state TEXT NOT NULL CHECK (state IN ('active', 'deleted')),
  created TEXT NOT NULL,
  modified TEXT NOT NULL
);
)sql"});
    // The state's CHECK is widened by replacing the column (SQLite cannot alter a constraint,
    // and the table-rebuild way needs foreign keys off, which cannot change inside the
    // migration's transaction; a column's own CHECK goes with it on DROP COLUMN on both
    // engines). Agencies with a parent become departments; a parentless agency that is some
    // agency's parent becomes a ministry; the rest are "other" until a sysadmin says otherwise.
    set.Add({.module = "agencies",
             .version = 2,
             .name = "English title, kind (ministry, department, other), pending state",
             .sql = R"sql(
ALTER TABLE organizations ADD COLUMN title_en TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN kind TEXT NOT NULL DEFAULT 'other'
  CHECK (kind IN ('ministry', 'department', 'other'));
UPDATE organizations SET kind = 'department' WHERE parent_id IS NOT NULL;
UPDATE organizations SET kind = 'ministry' WHERE parent_id IS NULL
  AND id IN (SELECT parent_id FROM organizations WHERE parent_id IS NOT NULL);
ALTER TABLE organizations ADD COLUMN state_v2 TEXT NOT NULL DEFAULT 'active'
  CHECK (state_v2 IN ('active', 'pending', 'deleted'));
UPDATE organizations SET state_v2 = state;
ALTER TABLE organizations DROP COLUMN state;
ALTER TABLE organizations RENAME COLUMN state_v2 TO state;
CREATE INDEX organizations_parent ON organizations (parent_id);
)sql"});
    set.Add({.module = "agencies", .version = 3, .name = "English description", .sql = R"sql(
ALTER TABLE organizations ADD COLUMN description_en TEXT NOT NULL DEFAULT '';
)sql"});
}

namespace {
db::Value Opt(const std::string& s) {
    return s.empty() ? db::Value(nullptr) : db::Value(s);
}

// An enum column's stored text.
template <class E>
db::Value Text(E value) {
    return db::Value(std::string(ToString(value)));
}

constexpr const char* kColumns =
    "o.id, o.name, o.title, o.title_en, o.description, o.image_url, o.parent_id, o.kind, o.state,"
    " o.created, o.modified, o.description_en";
constexpr int kColumnCount = 12;

Agency ToAgency(const db::Row& row) {
    db::RowReader r(row);
    Agency a;
    a.id = r.Str();
    a.name = r.Str();
    a.title = r.Str();
    a.title_en = r.Str();
    a.description = r.Str();
    a.image_url = r.Str();
    a.parent_id = r.Str();
    a.kind = r.Enum(kAgencyKindText, AgencyKind::kOther);
    a.state = r.Enum(kAgencyStateText, AgencyState::kDeleted);
    a.created = r.Str();
    a.modified = r.Str();
    a.description_en = r.Str();
    return a;
}
}  // namespace

void Insert(db::Connection& c, const Agency& a) {
    c.Exec(
        "INSERT INTO organizations (id, name, title, title_en, description, image_url, parent_id,"
        " kind, state, created, modified, description_en)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {a.id, a.name, a.title, a.title_en, a.description, a.image_url, Opt(a.parent_id),
         Text(a.kind), Text(a.state), a.created, a.modified, a.description_en});
}

void Update(db::Connection& c, const Agency& a) {
    c.Exec(
        "UPDATE organizations SET name = ?, title = ?, title_en = ?, description = ?,"
        " image_url = ?, parent_id = ?, kind = ?, state = ?, modified = ?, description_en = ?"
        " WHERE id = ?",
        {a.name, a.title, a.title_en, a.description, a.image_url, Opt(a.parent_id), Text(a.kind),
         Text(a.state), a.modified, a.description_en, a.id});
}

std::optional<Agency> Find(db::Connection& c, const std::string& key) {
    auto row = c.One(
        std::string("SELECT ") + kColumns + " FROM organizations o WHERE o.id = ? OR o.name = ?",
        {key, key});
    if (!row) return std::nullopt;
    return ToAgency(*row);
}

std::vector<Agency> List(db::Connection& c, const ListFilter& f) {
    std::string sql = std::string("SELECT ") + kColumns +
                      " FROM organizations o WHERE (o.state =" + " 'active'" +
                      (f.include_pending ? " OR o.state = 'pending'" : "") +
                      (f.include_deleted ? " OR o.state = 'deleted'" : "") + ")";
    std::vector<db::Value> args;
    if (f.kind) {
        sql += " AND o.kind = ?";
        args.emplace_back(Text(*f.kind));
    }
    if (f.parent_id) {
        if (f.parent_id->empty()) {
            sql += " AND o.parent_id IS NULL";
        } else {
            sql += " AND o.parent_id = ?";
            args.emplace_back(*f.parent_id);
        }
    }
    sql += " ORDER BY o.name";
    std::vector<Agency> out;
    for (const auto& r : c.Query(sql, args)) out.push_back(ToAgency(r));
    return out;
}

std::vector<std::pair<Agency, Role>> OfUser(db::Connection& c, const std::string& user_id) {
    std::vector<std::pair<Agency, Role>> out;
    for (const auto& r : c.Query(std::string("SELECT ") + kColumns +
                                     ", m.capacity FROM organizations o JOIN memberships m"
                                     " ON m.object_type = ? AND m.object_id = o.id"
                                     " WHERE m.user_id = ? AND o.state = 'active' ORDER BY o.name",
                                 {kObjectType, user_id}))
        out.emplace_back(ToAgency(r), ParseRole(r.Str(kColumnCount)).value_or(Role::kMember));
    return out;
}

std::vector<Member> Members(db::Connection& c, const std::string& agency_id) {
    std::vector<Member> out;
    for (const auto& r : c.Query("SELECT user_id, capacity FROM memberships WHERE object_type = ?"
                                 " AND object_id = ? ORDER BY user_id",
                                 {kObjectType, agency_id}))
        out.push_back({r.Str(0), ParseRole(r.Str(1)).value_or(Role::kMember)});
    return out;
}

std::optional<Role> RoleOf(db::Connection& c, const std::string& user_id,
                           const std::string& agency_id) {
    auto row = c.One(
        "SELECT capacity FROM memberships WHERE user_id = ? AND object_type = ? AND object_id = ?",
        {user_id, kObjectType, agency_id});
    if (!row) return std::nullopt;
    return ParseRole(row->Str(0));
}

void SetMember(db::Connection& c, const std::string& agency_id, const Member& m) {
    c.Exec(
        "INSERT INTO memberships (user_id, object_type, object_id, capacity, created)"
        " VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (user_id, object_type, object_id) DO UPDATE SET capacity = excluded.capacity",
        {m.user_id, kObjectType, agency_id, Text(m.role), core::NowIso()});
}

void RemoveMember(db::Connection& c, const std::string& agency_id, const std::string& user_id) {
    c.Exec("DELETE FROM memberships WHERE user_id = ? AND object_type = ? AND object_id = ?",
           {user_id, kObjectType, agency_id});
}

}  // namespace govhub::agencies::store

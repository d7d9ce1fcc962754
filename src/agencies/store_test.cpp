#include "agencies/store.hpp"

#include <gtest/gtest.h>

#include "accounts/store.hpp"
#include "audit/audit.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "db/migrations.hpp"
#include "db/test_support.hpp"

namespace govhub::agencies {
namespace {

// The catalog's first migration as it made `organizations` before the directory was its own
// module: the shape every existing database has.
constexpr const char* kOldOrganizations = R"sql(
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
CREATE TABLE old_datasets (id TEXT PRIMARY KEY, owner_org TEXT NOT NULL REFERENCES organizations (id));
)sql";

class AgencyStoreTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        scratch_ = std::make_unique<db::testing::ScratchDatabase>(GetParam(), "ag");
        db_ = scratch_->Open();
    }
    void Migrate(bool old_catalog_first = false) {
        db::MigrationSet set;
        audit::AddMigrations(set);
        accounts::store::AddMigrations(set);
        if (old_catalog_first)
            set.Add(
                {.module = "old_catalog", .version = 1, .name = "old", .sql = kOldOrganizations});
        store::AddMigrations(set);
        db::ApplyMigrations(*db_, set);
    }
    std::string User(const std::string& name) {
        accounts::User u;
        u.id = core::NewUuid();
        u.name = name;
        u.email = name + "@example.go.th";
        u.state = accounts::UserState::kActive;
        u.created = core::NowIso();
        db_->Write([&](db::Connection& c) { accounts::store::InsertUser(c, u); });
        return u.id;
    }
    Agency Add(const std::string& name, AgencyKind kind, const std::string& parent_id = "",
               AgencyState state = AgencyState::kActive) {
        Agency a;
        a.id = core::NewUuid();
        a.name = name;
        a.title = "หน่วยงาน " + name;
        a.title_en = "Agency " + name;
        a.parent_id = parent_id;
        a.kind = kind;
        a.state = state;
        a.created = a.modified = core::NowIso();
        db_->Write([&](db::Connection& c) { store::Insert(c, a); });
        return a;
    }
    static std::vector<std::string> Names(const std::vector<Agency>& v) {
        std::vector<std::string> out;
        for (const auto& a : v) out.push_back(a.name);
        return out;
    }
    std::unique_ptr<db::testing::ScratchDatabase> scratch_;
    std::unique_ptr<db::Database> db_;
};

TEST_P(AgencyStoreTest, TheDirectoryListsMinistriesDepartmentsAndOtherAgenciesButNotPendingOnes) {
    Migrate();
    auto moi = Add("moi", AgencyKind::kMinistry);
    Add("dopa", AgencyKind::kDepartment, moi.id);
    Add("dga", AgencyKind::kOther);
    Add("new-body", AgencyKind::kOther, "", AgencyState::kPending);
    Add("gone", AgencyKind::kOther, "", AgencyState::kDeleted);
    db_->Read([&](db::Connection& c) {
        EXPECT_EQ(Names(store::List(c)), (std::vector<std::string>{"dga", "dopa", "moi"}));
        EXPECT_EQ(Names(store::List(c, {.include_pending = true})),
                  (std::vector<std::string>{"dga", "dopa", "moi", "new-body"}));
        EXPECT_EQ(Names(store::List(c, {.include_pending = true, .include_deleted = true})).size(),
                  5u);
        EXPECT_EQ(Names(store::List(c, {.kind = AgencyKind::kMinistry})),
                  (std::vector<std::string>{"moi"}));
        EXPECT_EQ(Names(store::List(c, {.parent_id = moi.id})), (std::vector<std::string>{"dopa"}));
        EXPECT_EQ(Names(store::List(c, {.parent_id = ""})),
                  (std::vector<std::string>{"dga", "moi"}));
        auto dopa = store::Find(c, "dopa");
        ASSERT_TRUE(dopa);
        EXPECT_EQ(dopa->kind, AgencyKind::kDepartment);
        EXPECT_EQ(dopa->parent_id, moi.id);
        EXPECT_EQ(dopa->title_en, "Agency dopa");
        EXPECT_EQ(store::Find(c, dopa->id)->name, "dopa");
        EXPECT_EQ(store::Find(c, "new-body")->state, AgencyState::kPending);
        EXPECT_FALSE(store::Find(c, "nobody"));
    });
}

TEST_P(AgencyStoreTest, TheEnglishDescriptionIsStoredUpdatedAndReadBack) {
    Migrate();
    auto a = Add("doae", AgencyKind::kOther);
    db_->Read([&](db::Connection& c) { EXPECT_EQ(store::Find(c, "doae")->description_en, ""); });
    a.description_en = "Helps farmers";
    db_->Write([&](db::Connection& c) { store::Update(c, a); });
    db_->Read([&](db::Connection& c) {
        EXPECT_EQ(store::Find(c, "doae")->description_en, "Helps farmers");
        EXPECT_EQ(store::List(c).at(0).description_en, "Helps farmers");
    });
}

TEST_P(AgencyStoreTest, APendingAgencyIsApprovedByAnUpdateAndAnUnknownStateIsRefused) {
    Migrate();
    auto a = Add("asked-for-workd", AgencyKind::kOther, "", AgencyState::kPending);
    a.state = AgencyState::kActive;
    a.title_en = "Approved";
    db_->Write([&](db::Connection& c) { store::Update(c, a); });
    db_->Read([&](db::Connection& c) {
        EXPECT_EQ(Names(store::List(c)), (std::vector<std::string>{"asked-for-workd"}));
        EXPECT_EQ(store::Find(c, a.id)->title_en, "Approved");
    });
    EXPECT_ANY_THROW(db_->Write([&](db::Connection& c) {
        c.Exec("UPDATE organizations SET state = 'archived' WHERE id = ?", {a.id});
    }));
    EXPECT_ANY_THROW(db_->Write([&](db::Connection& c) {
        c.Exec("UPDATE organizations SET kind = 'province' WHERE id = ?", {a.id});
    }));
}

TEST_P(AgencyStoreTest, MembersHoldOneRoleEachAndSeeOnlyTheirActiveAgencies) {
    Migrate();
    auto moi = Add("moi", AgencyKind::kMinistry);
    auto dopa = Add("dopa", AgencyKind::kDepartment, moi.id);
    auto pending = Add("pending", AgencyKind::kOther, "", AgencyState::kPending);
    std::string somchai = User("somchai"), somying = User("somying");
    db_->Write([&](db::Connection& c) {
        store::SetMember(c, dopa.id, {somchai, Role::kEditor});
        store::SetMember(c, dopa.id, {somchai, Role::kAdmin});  // a change, not a second row
        store::SetMember(c, dopa.id, {somying, Role::kMember});
        store::SetMember(c, moi.id, {somchai, Role::kMember});
        store::SetMember(c, pending.id, {somchai, Role::kAdmin});
    });
    db_->Read([&](db::Connection& c) {
        auto members = store::Members(c, dopa.id);
        ASSERT_EQ(members.size(), 2u);
        EXPECT_EQ(store::RoleOf(c, somchai, dopa.id), Role::kAdmin);
        EXPECT_EQ(store::RoleOf(c, somying, dopa.id), Role::kMember);
        EXPECT_FALSE(store::RoleOf(c, somying, moi.id));
        auto mine = store::OfUser(c, somchai);
        ASSERT_EQ(mine.size(), 2u);  // not the pending one
        EXPECT_EQ(mine[0].first.name, "dopa");
        EXPECT_EQ(mine[0].second, Role::kAdmin);
        EXPECT_EQ(mine[1].first.name, "moi");
        EXPECT_EQ(mine[1].second, Role::kMember);
    });
    db_->Write([&](db::Connection& c) { store::RemoveMember(c, dopa.id, somying); });
    db_->Read([&](db::Connection& c) {
        EXPECT_EQ(store::Members(c, dopa.id).size(), 1u);
        EXPECT_FALSE(store::RoleOf(c, somying, dopa.id));
    });
}

TEST_P(AgencyStoreTest, AnOldCatalogsOrganizationsAreUpgradedInPlaceWithTheirKindsAndReferences) {
    // The catalog's table with rows and a referencing table, as every existing database has it.
    {
        db::MigrationSet set;
        set.Add({.module = "old_catalog", .version = 1, .name = "old", .sql = kOldOrganizations});
        db::ApplyMigrations(*db_, set);
    }
    db_->Write([&](db::Connection& c) {
        for (auto [id, name, parent, state] :
             std::vector<std::tuple<std::string, std::string, std::string, std::string>>{
                 {"m1", "moi", "", "active"},
                 {"d1", "dopa", "m1", "active"},
                 {"d2", "old-office", "m1", "deleted"},
                 {"o1", "dga", "", "active"}})
            c.Exec(
                "INSERT INTO organizations (id, name, title, parent_id, state, created, modified)"
                " VALUES (?, ?, ?, ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
                {id, name, "ชื่อ " + name, parent.empty() ? db::Value(nullptr) : db::Value(parent),
                 state});
        c.Exec("INSERT INTO old_datasets (id, owner_org) VALUES ('ds1', 'd1')");
    });
    Migrate(/*old_catalog_first=*/true);
    db_->Read([&](db::Connection& c) {
        auto all = store::List(c, {.include_pending = true, .include_deleted = true});
        ASSERT_EQ(all.size(), 4u);
        EXPECT_EQ(store::Find(c, "moi")->kind, AgencyKind::kMinistry);
        EXPECT_EQ(store::Find(c, "dopa")->kind, AgencyKind::kDepartment);
        EXPECT_EQ(store::Find(c, "dopa")->parent_id, "m1");
        EXPECT_EQ(store::Find(c, "dopa")->title, "ชื่อ dopa");
        EXPECT_EQ(store::Find(c, "old-office")->state, AgencyState::kDeleted);
        EXPECT_EQ(store::Find(c, "dga")->kind, AgencyKind::kOther);
        EXPECT_EQ(store::Find(c, "dga")->created, "2026-01-01T00:00:00Z");
        EXPECT_TRUE(
            c.One("SELECT 1 FROM old_datasets d JOIN organizations o ON o.id = d.owner_org"
                  " WHERE o.name = 'dopa'"));
    });
    // The widened state takes `pending` now, and the references still hold.
    auto a = Add("asked", AgencyKind::kOther, "", AgencyState::kPending);
    db_->Read(
        [&](db::Connection& c) { EXPECT_EQ(store::Find(c, a.id)->state, AgencyState::kPending); });
    EXPECT_ANY_THROW(db_->Write([&](db::Connection& c) {
        c.Exec("INSERT INTO old_datasets (id, owner_org) VALUES ('ds2', 'no-such-agency')");
    }));
}

TEST(AgencyPlacement, MinistriesAndOtherAgenciesStandAloneAndDepartmentsSitUnderAMinistry) {
    Agency ministry{.id = "m", .kind = AgencyKind::kMinistry};
    Agency other{.id = "o", .kind = AgencyKind::kOther};
    Agency dept{.id = "d", .parent_id = "m", .kind = AgencyKind::kDepartment};
    EXPECT_EQ(PlacementProblem(ministry, nullptr), nullptr);
    EXPECT_EQ(PlacementProblem(other, nullptr), nullptr);
    EXPECT_EQ(PlacementProblem(dept, &ministry), nullptr);
    EXPECT_STREQ(PlacementProblem(dept, nullptr), "agencies.department_needs_parent");
    EXPECT_STREQ(PlacementProblem(ministry, &ministry), "agencies.parentless_kind");
    EXPECT_STREQ(PlacementProblem(other, &ministry), "agencies.parentless_kind");
    Agency sub{.id = "s", .kind = AgencyKind::kDepartment};
    EXPECT_STREQ(PlacementProblem(sub, &dept), "agencies.parent_is_department");
    EXPECT_STREQ(PlacementProblem(dept, &dept), "agencies.parent_is_department");
    // An "other" agency given a department is promoted to a ministry by the caller; as a parent
    // it is accepted.
    EXPECT_EQ(PlacementProblem(dept, &other), nullptr);
}

INSTANTIATE_TEST_SUITE_P(Engines, AgencyStoreTest, ::testing::ValuesIn(db::testing::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace govhub::agencies

#include "jobs/auth.hpp"

#include <gtest/gtest.h>

#include <string>

namespace govhub::jobs::auth {
namespace {

api::Principal Person(const std::string& id, bool sysadmin = false) {
    return {.user_id = id, .name = id, .sysadmin = sysadmin};
}

Job OwnedBy(const std::string& owner) {
    Job j;
    j.owner_id = owner;
    return j;
}

TEST(JobsAuth, WhoMaySeeAJob) {
    const api::Principal admin = Person("admin", true), owner = Person("owner"),
                         other = Person("other");
    struct Row {
        const char* who;
        const api::Principal* viewer;
        std::string owner;
        bool allowed;
    } rows[] = {
        {"signed out, own job", nullptr, "owner", false},
        {"signed out, system job", nullptr, "", false},
        {"owner", &owner, "owner", true},
        {"another user", &other, "owner", false},
        {"a user, system job", &other, "", false},
        {"sysadmin, someone's job", &admin, "owner", true},
        {"sysadmin, system job", &admin, "", true},
    };
    for (const auto& r : rows) EXPECT_EQ(CanSee(r.viewer, OwnedBy(r.owner)), r.allowed) << r.who;
}

TEST(JobsAuth, SysadminOnlyDecisions) {
    struct Row {
        const char* who;
        api::Principal p;
        bool allowed;
    } rows[] = {
        {"sysadmin", Person("admin", true), true},
        {"user", Person("user"), false},
    };
    for (const auto& r : rows) {
        EXPECT_EQ(CanEnqueue(r.p), r.allowed) << r.who;
        EXPECT_EQ(CanRetry(r.p), r.allowed) << r.who;
        EXPECT_EQ(SeesAllJobs(r.p), r.allowed) << r.who;
    }
}

}  // namespace
}  // namespace govhub::jobs::auth

#pragma once
// Accounts: users, their states and roles, sessions, API tokens, e-mail tokens.
#include <cstdint>
#include <optional>
#include <string>

namespace govhub::accounts {

// pending: e-mail not verified yet; active; suspended (temporarily refused, e.g. on request);
// cancelled (closed for good). Later issues add approval steps on top of these states.
enum class UserState { kPending, kActive, kSuspended, kCancelled };

const char* ToString(UserState s);
std::optional<UserState> ParseUserState(const std::string& s);

struct User {
    std::string id;    // UUID
    std::string name;  // unique slug: [a-z0-9_-], 2..100
    std::string email;
    std::string fullname_th;
    std::string fullname_en;
    UserState state = UserState::kPending;
    bool sysadmin = false;
    bool must_change_password = false;
    std::string created;  // ISO-8601 UTC
    std::string email_verified_at;
    std::string locale;
    int failed_logins = 0;
    std::string locked_until;
    std::string password_hash;  // never leaves the service layer

    const std::string& DisplayName(const std::string& locale_) const {
        if (locale_ == "en" && !fullname_en.empty()) return fullname_en;
        return fullname_th.empty() ? name : fullname_th;
    }
};

// Per-object roles (CKAN's member capacities). Organizations arrive with the catalog; the
// table exists from the start so permissions are one model.
enum class Capacity { kMember, kEditor, kAdmin };

// Who is making a request, as the auth middleware found it.
struct Principal {
    std::string user_id;
    std::string name;
    std::string display_name_th;
    std::string display_name_en;
    bool sysadmin = false;
    bool must_change_password = false;
    bool via_token = false;  // authenticated by an API token (not a browser session)
    std::string session_id;  // when via a session
    std::string csrf_token;  // the session's CSRF token
};

struct ApiToken {
    std::string id;
    std::string user_id;
    std::string name;
    std::string created;
    std::string last_used;
    std::string expires;  // empty: does not expire
};

// The administrator's user list.
struct UserFilter {
    std::string q;      // part of the name, e-mail or full name
    std::string state;  // pending | active | suspended | cancelled; empty: every state
    bool sysadmins_only = false;
    std::string object_type;  // with object_id: members of that object only ("organization")
    std::string object_id;
    int limit = 50;
    int offset = 0;
};

struct Membership {
    std::string object_type, object_id;
    Capacity capacity = Capacity::kMember;
};

// One day of one token's calls to one action.
struct UsageRow {
    std::string day;     // "2026-12-02", Bangkok time
    std::string action;  // "package_search", or the path for other endpoints
    int64_t requests = 0;
    int64_t limited = 0;  // answered 429
};

enum class EmailTokenPurpose { kVerify, kReset };

}  // namespace govhub::accounts

#pragma once
// Accounts: users, their states and roles, sessions, API tokens, e-mail tokens.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/principal.hpp"

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
    std::string password_hash;    // never leaves the service layer
    bool totp_enabled = false;    // a confirmed authenticator app (second factor)
    bool workflow_staff = false;  // reviews or administers some kind of request

    const std::string& DisplayName(const std::string& locale_) const {
        if (locale_ == "en" && !fullname_en.empty()) return fullname_en;
        return fullname_th.empty() ? name : fullname_th;
    }
};

// Per-object roles (CKAN's member capacities). Organizations arrive with the catalog; the
// table exists from the start so permissions are one model.
enum class Capacity { kMember, kEditor, kAdmin };

const char* ToString(Capacity c);  // "member", "editor", "admin"

// Who is making a request, as the auth middleware found it (a plain type of the api module, so
// that modules need not include accounts to know their caller).
using Principal = api::Principal;

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

// One browser session, for the person's own record.
struct SessionInfo {
    std::string created, last_seen, expires, ip, user_agent;
};

// Everything the accounts module holds about a person (their personal-data download).
struct PersonalRecord {
    User user;
    std::vector<Membership> memberships;
    std::vector<ApiToken> tokens;
    std::vector<SessionInfo> sessions;
    bool totp_enabled = false;
    int recovery_codes_left = 0;
};

// The two-factor page: the secret to add to an authenticator app while not enabled yet.
struct SecondFactorStatus {
    bool enabled = false;
    bool required = false;      // the person's roles need it; it cannot be turned off
    std::string secret_base32;  // while setting up
    std::string uri;            // otpauth://, shown as a QR code
    int recovery_codes_left = 0;
};

enum class EmailTokenPurpose { kVerify, kReset };

// A person's identity as the civil register confirmed it (Learning's laser-code check), kept on
// their account (identities.hpp). The citizen ID itself is in the vault: hashed and sealed.
struct VerifiedIdentity {
    std::string title_th;  // นาย, นาง, นางสาว ... (may be empty)
    std::string first_name_th, last_name_th;
    std::string first_name_en, last_name_en;  // may be empty
    int birth_year = 0;                       // Buddhist era
    int birth_month = 0;                      // 0 = unknown
    int birth_day = 0;                        // 0 = unknown
    std::string verifier;                     // "demo", "dopa", "gdx"
    std::string verified_at;                  // ISO-8601 UTC, set when attached
    std::string masked_citizen_id;            // "1-1011-XXXXX-XX-9", filled when read
};

// A citizen ID whose verification is locked after too many failed checks.
struct VerificationLock {
    int64_t until = 0;  // epoch seconds
    int failures = 0;
};

// What a re-seal pass did (the vault's rotation job).
struct ResealCounts {
    int resealed = 0;    // rows re-hashed and re-sealed with the current key
    int unreadable = 0;  // rows whose sealed value no key opens (left as they are, logged)
    int waiting = 0;     // failure counters under an old key still running (not re-hashable)
};

}  // namespace govhub::accounts

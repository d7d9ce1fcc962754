#include "accounts/store.hpp"

#include "core/clock.hpp"
#include "core/strings.hpp"

namespace govhub::accounts {

const char* ToString(UserState s) {
    switch (s) {
        case UserState::kPending:
            return "pending";
        case UserState::kActive:
            return "active";
        case UserState::kSuspended:
            return "suspended";
        case UserState::kCancelled:
            return "cancelled";
    }
    return "pending";
}

std::optional<UserState> ParseUserState(const std::string& s) {
    if (s == "pending") return UserState::kPending;
    if (s == "active") return UserState::kActive;
    if (s == "suspended") return UserState::kSuspended;
    if (s == "cancelled") return UserState::kCancelled;
    return std::nullopt;
}

const char* ToString(Capacity c) {
    switch (c) {
        case Capacity::kMember:
            return "member";
        case Capacity::kEditor:
            return "editor";
        case Capacity::kAdmin:
            return "admin";
    }
    return "member";
}

namespace store {

void AddMigrations(db::MigrationSet& set) {
    set.Add({.module = "accounts",
             .version = 1,
             .name = "users, memberships, sessions, e-mail and API tokens",
             .sql = R"sql(
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  email TEXT NOT NULL UNIQUE,
  fullname_th TEXT NOT NULL DEFAULT '',
  fullname_en TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL CHECK (state IN ('pending', 'active', 'suspended', 'cancelled')),
  sysadmin INTEGER NOT NULL DEFAULT 0,
  must_change_password INTEGER NOT NULL DEFAULT 0,
  password_hash TEXT NOT NULL,
  created TEXT NOT NULL,
  email_verified_at TEXT,
  last_login_at TEXT,
  locale TEXT NOT NULL DEFAULT 'th',
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT
);
CREATE TABLE memberships (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL,
  capacity TEXT NOT NULL CHECK (capacity IN ('member', 'editor', 'admin')),
  created TEXT NOT NULL,
  PRIMARY KEY (user_id, object_type, object_id)
);
CREATE INDEX memberships_object ON memberships (object_type, object_id);
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  expires TEXT NOT NULL,
  ip TEXT,
  user_agent TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires);
CREATE TABLE email_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose TEXT NOT NULL CHECK (purpose IN ('verify', 'reset')),
  created TEXT NOT NULL,
  expires TEXT NOT NULL,
  used_at TEXT
);
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created TEXT NOT NULL,
  last_used TEXT,
  expires TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
)sql"});
    set.Add({.module = "accounts", .version = 2, .name = "shared rate-limit counters", .sql = R"sql(
CREATE TABLE rate_limits (
  key TEXT NOT NULL,
  window_start BIGINT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (key, window_start)
);
)sql"});
    set.Add({.module = "accounts", .version = 3, .name = "API usage per token", .sql = R"sql(
CREATE TABLE api_token_usage (
  token_id TEXT NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
  day TEXT NOT NULL,
  action TEXT NOT NULL,
  requests BIGINT NOT NULL DEFAULT 0,
  limited BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (token_id, day, action)
);
)sql"});
    set.Add({.module = "accounts", .version = 4, .name = "second factor (TOTP)", .sql = R"sql(
CREATE TABLE user_totp (
  user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  secret TEXT NOT NULL,
  created TEXT NOT NULL,
  confirmed TEXT,
  last_step BIGINT
);
CREATE TABLE user_recovery_codes (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  used_at TEXT,
  PRIMARY KEY (user_id, code_hash)
);
CREATE TABLE login_challenges (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0
);
)sql"});
    // Failed logins counted per submitted name (hashed) whether or not an account has it, and
    // wrong second-step codes per account; replaces users.failed_logins and users.locked_until.
    set.Add({.module = "accounts", .version = 5, .name = "failure counters", .sql = R"sql(
CREATE TABLE login_failures (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  window_start BIGINT NOT NULL,
  locked_until BIGINT NOT NULL DEFAULT 0
);
)sql"});
    // Learning's verified sign-up (issue 16): the identity the civil register confirmed, one per
    // account and one account per citizen ID. The ID is only in the vault's forms: a keyed hash
    // (unique: lookups) and a sealed value (shown to sysadmins); the laser code is never kept.
    // Failed checks are counted per citizen ID (hashed) so nobody can guess laser codes.
    set.Add({.module = "accounts", .version = 6, .name = "verified identities", .sql = R"sql(
CREATE TABLE verified_identities (
  user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  cid_hash TEXT NOT NULL UNIQUE,
  cid_sealed TEXT NOT NULL,
  title_th TEXT NOT NULL DEFAULT '',
  first_name_th TEXT NOT NULL,
  last_name_th TEXT NOT NULL,
  first_name_en TEXT NOT NULL DEFAULT '',
  last_name_en TEXT NOT NULL DEFAULT '',
  birth_year INTEGER NOT NULL,
  birth_month INTEGER NOT NULL DEFAULT 0,
  birth_day INTEGER NOT NULL DEFAULT 0,
  verifier TEXT NOT NULL CHECK (verifier IN ('demo', 'dopa', 'gdx')),
  verified_at TEXT NOT NULL
);
CREATE TABLE identity_verification_failures (
  cid_hash TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  window_start BIGINT NOT NULL,
  locked_until BIGINT NOT NULL DEFAULT 0,
  user_id TEXT
);
)sql"});
    // Checks of a citizen ID in flight at the verifier (DOPA can take seconds): each holds one of
    // the ID's remaining tries until its answer, so parallel guesses cannot outrun the lock. A
    // reservation lapses at `expires` (the verifier's timeout and a margin) should its node die.
    set.Add({.module = "accounts", .version = 7, .name = "identity checks in flight", .sql = R"sql(
CREATE TABLE identity_verification_checks (
  ticket TEXT PRIMARY KEY,
  cid_hash TEXT NOT NULL,
  expires BIGINT NOT NULL
);
CREATE INDEX identity_verification_checks_cid ON identity_verification_checks (cid_hash);
)sql"});
}

namespace {
constexpr const char* kIdentityColumns =
    "user_id, cid_hash, cid_sealed, title_th, first_name_th, last_name_th, first_name_en,"
    " last_name_en, birth_year, birth_month, birth_day, verifier, verified_at";

IdentityRow ToIdentityRow(const db::Row& r) {
    IdentityRow row{r.Str(0), r.Str(1), r.Str(2), {}};
    VerifiedIdentity& v = row.identity;
    v.title_th = r.Str(3);
    v.first_name_th = r.Str(4);
    v.last_name_th = r.Str(5);
    v.first_name_en = r.Str(6);
    v.last_name_en = r.Str(7);
    v.birth_year = static_cast<int>(r.Int(8));
    v.birth_month = static_cast<int>(r.Int(9));
    v.birth_day = static_cast<int>(r.Int(10));
    v.verifier = r.Str(11);
    v.verified_at = r.Str(12);
    return row;
}

// "?, ?, ?" for a list of parameters.
std::string Placeholders(size_t n) {
    std::string out;
    for (size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
    return out;
}

std::vector<db::Value> Values(const std::vector<std::string>& items) {
    return {items.begin(), items.end()};
}
}  // namespace

void InsertIdentity(db::Connection& c, const IdentityRow& row) {
    const VerifiedIdentity& v = row.identity;
    c.Exec(std::string("INSERT INTO verified_identities (") + kIdentityColumns +
               ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           {row.user_id, row.cid_hash, row.cid_sealed, v.title_th, v.first_name_th, v.last_name_th,
            v.first_name_en, v.last_name_en, int64_t{v.birth_year}, int64_t{v.birth_month},
            int64_t{v.birth_day}, v.verifier, v.verified_at});
}

std::optional<IdentityRow> FindIdentity(db::Connection& c, const std::string& user_id) {
    auto r = c.One(
        std::string("SELECT ") + kIdentityColumns + " FROM verified_identities WHERE user_id = ?",
        {user_id});
    if (!r) return std::nullopt;
    return ToIdentityRow(*r);
}

std::optional<std::string> IdentityOwner(db::Connection& c,
                                         const std::vector<std::string>& cid_hashes) {
    if (cid_hashes.empty()) return std::nullopt;
    auto r = c.One("SELECT user_id FROM verified_identities WHERE cid_hash IN (" +
                       Placeholders(cid_hashes.size()) + ") LIMIT 1",
                   Values(cid_hashes));
    if (!r) return std::nullopt;
    return r->Str(0);
}

std::vector<IdentityRow> IdentitiesNotAt(db::Connection& c, const std::string& prefix,
                                         const std::string& after_user_id, int limit) {
    std::vector<IdentityRow> out;
    // The prefix ("v3$") holds no LIKE wildcard.
    std::string like = prefix + "%";
    for (const auto& r : c.Query(std::string("SELECT ") + kIdentityColumns +
                                     " FROM verified_identities WHERE user_id > ? AND"
                                     " (cid_hash NOT LIKE ? OR cid_sealed NOT LIKE ?)"
                                     " ORDER BY user_id LIMIT ?",
                                 {after_user_id, like, like, int64_t{limit}}))
        out.push_back(ToIdentityRow(r));
    return out;
}

void UpdateIdentityVault(db::Connection& c, const std::string& user_id, const std::string& cid_hash,
                         const std::string& cid_sealed) {
    c.Exec("UPDATE verified_identities SET cid_hash = ?, cid_sealed = ? WHERE user_id = ?",
           {cid_hash, cid_sealed, user_id});
}

void DeleteIdentity(db::Connection& c, const std::string& user_id) {
    c.Exec("DELETE FROM verified_identities WHERE user_id = ?", {user_id});
}

std::optional<VerificationFailureRow> FindVerificationFailure(
    db::Connection& c, const std::vector<std::string>& cid_hashes) {
    if (cid_hashes.empty()) return std::nullopt;
    auto r = c.One(
        "SELECT cid_hash, failures, window_start, locked_until, user_id"
        " FROM identity_verification_failures WHERE cid_hash IN (" +
            Placeholders(cid_hashes.size()) + ") ORDER BY locked_until DESC LIMIT 1",
        Values(cid_hashes));
    if (!r) return std::nullopt;
    return VerificationFailureRow{r->Str(0), static_cast<int>(r->Int(1)), r->Int(2), r->Int(3),
                                  r->Str(4)};
}

int CountVerificationFailure(db::Connection& c, const std::string& cid_hash,
                             const std::string& user_id, int64_t now, int window_seconds) {
    // One statement, atomic on both engines (as CountFailure above).
    return static_cast<int>(
        c.One("INSERT INTO identity_verification_failures (cid_hash, failures, window_start,"
              " user_id) VALUES (?, 1, ?, ?)"
              " ON CONFLICT (cid_hash) DO UPDATE SET"
              " failures = CASE WHEN identity_verification_failures.window_start < ? THEN 1"
              " ELSE identity_verification_failures.failures + 1 END,"
              " window_start = CASE WHEN identity_verification_failures.window_start < ?"
              " THEN excluded.window_start ELSE identity_verification_failures.window_start END,"
              " user_id = excluded.user_id"
              " RETURNING failures",
              {cid_hash, now,
               db::V(user_id.empty() ? std::optional<std::string>()
                                     : std::optional<std::string>(user_id)),
               now - window_seconds, now - window_seconds})
            ->Int(0));
}

void LockVerification(db::Connection& c, const std::string& cid_hash, int64_t until) {
    c.Exec("UPDATE identity_verification_failures SET locked_until = ? WHERE cid_hash = ?",
           {until, cid_hash});
}

int DeleteVerificationFailures(db::Connection& c, const std::vector<std::string>& cid_hashes) {
    if (cid_hashes.empty()) return 0;
    return static_cast<int>(
        c.Exec("DELETE FROM identity_verification_failures WHERE cid_hash IN (" +
                   Placeholders(cid_hashes.size()) + ")",
               Values(cid_hashes)));
}

std::vector<VerificationCounterRow> ListVerificationCounters(db::Connection& c, int64_t since,
                                                             int limit) {
    std::vector<VerificationCounterRow> out;
    for (const auto& r :
         c.Query("SELECT f.cid_hash, f.failures, f.window_start, f.locked_until, f.user_id,"
                 " COALESCE(u.name, '') FROM identity_verification_failures f"
                 " LEFT JOIN users u ON u.id = f.user_id WHERE f.window_start >= ?"
                 " OR f.locked_until > ? ORDER BY f.locked_until DESC, f.window_start DESC"
                 " LIMIT ?",
                 {since, since, static_cast<int64_t>(limit)}))
        out.push_back(
            {{r.Str(0), static_cast<int>(r.Int(1)), r.Int(2), r.Int(3), r.Str(4)}, r.Str(5)});
    return out;
}

int DeleteVerificationFailuresOfUser(db::Connection& c, const std::string& user_id) {
    return static_cast<int>(
        c.Exec("DELETE FROM identity_verification_failures WHERE user_id = ?", {user_id}));
}

void SweepVerificationFailures(db::Connection& c, int64_t before, int64_t now) {
    c.Exec("DELETE FROM identity_verification_failures WHERE window_start < ? AND locked_until < ?",
           {before, now});
}

int SweepVerificationFailuresNotAt(db::Connection& c, const std::string& prefix, int64_t before,
                                   int64_t now) {
    std::string like = prefix + "%";
    c.Exec(
        "DELETE FROM identity_verification_failures WHERE cid_hash NOT LIKE ?"
        " AND window_start < ? AND locked_until < ?",
        {like, before, now});
    return static_cast<int>(
        c.One("SELECT COUNT(*) FROM identity_verification_failures WHERE cid_hash NOT LIKE ?",
              {like})
            ->Int(0));
}

void LockVerificationOf(db::Connection& c, const std::string& cid_hash) {
    // SQLite runs one write transaction at a time already. PostgreSQL's transaction-scoped
    // advisory lock, keyed by the hash (in its own two-key space: the migrations' lock is a
    // one-key lock), holds until commit; a hash collision only makes two IDs wait on each other.
    if (c.engine() == db::Engine::kPostgres)
        c.One("SELECT pg_advisory_xact_lock(7342018, hashtext(CAST(? AS TEXT)))", {cid_hash});
}

ChecksInFlight VerificationChecksInFlight(db::Connection& c,
                                          const std::vector<std::string>& cid_hashes, int64_t now) {
    if (cid_hashes.empty()) return {};
    auto values = Values(cid_hashes);
    values.push_back(now);
    auto r = c.One(
        "SELECT COUNT(*), COALESCE(MAX(expires), 0) FROM identity_verification_checks"
        " WHERE cid_hash IN (" +
            Placeholders(cid_hashes.size()) + ") AND expires > ?",
        values);
    return {static_cast<int>(r->Int(0)), r->Int(1)};
}

void InsertVerificationCheck(db::Connection& c, const std::string& ticket,
                             const std::string& cid_hash, int64_t expires) {
    c.Exec("INSERT INTO identity_verification_checks (ticket, cid_hash, expires) VALUES (?, ?, ?)",
           {ticket, cid_hash, expires});
}

std::optional<std::string> DeleteVerificationCheck(db::Connection& c, const std::string& ticket) {
    auto r = c.One("DELETE FROM identity_verification_checks WHERE ticket = ? RETURNING cid_hash",
                   {ticket});
    if (!r) return std::nullopt;
    return r->Str(0);
}

void SweepVerificationChecks(db::Connection& c, int64_t now) {
    c.Exec("DELETE FROM identity_verification_checks WHERE expires <= ?", {now});
}

void AddTokenUsage(db::Connection& c, const std::string& token_hash, const std::string& day,
                   const std::string& action, int64_t requests, int64_t limited) {
    // Tokens that no longer exist (revoked meanwhile, or never valid) add nothing.
    c.Exec(
        "INSERT INTO api_token_usage (token_id, day, action, requests, limited)"
        " SELECT id, ?, ?, ?, ? FROM api_tokens WHERE token_hash = ?"
        " ON CONFLICT (token_id, day, action) DO UPDATE SET"
        " requests = api_token_usage.requests + excluded.requests,"
        " limited = api_token_usage.limited + excluded.limited",
        {day, action, requests, limited, token_hash});
}

std::vector<UsageRow> TokenUsage(db::Connection& c, const std::string& token_id,
                                 const std::string& since_day) {
    std::vector<UsageRow> out;
    for (const auto& r : c.Query("SELECT day, action, requests, limited FROM api_token_usage"
                                 " WHERE token_id = ? AND day >= ? ORDER BY day DESC, action",
                                 {token_id, since_day}))
        out.push_back({r.Str(0), r.Str(1), r.Int(2), r.Int(3)});
    return out;
}

namespace {
constexpr const char* kUserColumns =
    "u.id, u.name, u.email, u.fullname_th, u.fullname_en, u.state, u.sysadmin, "
    "u.must_change_password, u.created, u.email_verified_at, u.locale, u.failed_logins, "
    "u.locked_until, u.password_hash, "
    "EXISTS (SELECT 1 FROM user_totp ut WHERE ut.user_id = u.id AND ut.confirmed IS NOT NULL), "
    "EXISTS (SELECT 1 FROM memberships um WHERE um.user_id = u.id AND"
    " um.object_type = 'workflow')";

User ToUser(const db::Row& r, size_t o = 0) {
    User u;
    u.id = r.Str(o + 0);
    u.name = r.Str(o + 1);
    u.email = r.Str(o + 2);
    u.fullname_th = r.Str(o + 3);
    u.fullname_en = r.Str(o + 4);
    u.state = ParseUserState(r.Str(o + 5)).value_or(UserState::kPending);
    u.sysadmin = r.Bool(o + 6);
    u.must_change_password = r.Bool(o + 7);
    u.created = r.Str(o + 8);
    u.email_verified_at = r.Str(o + 9);
    u.locale = r.Str(o + 10);
    u.failed_logins = static_cast<int>(r.Int(o + 11));
    u.locked_until = r.Str(o + 12);
    u.password_hash = r.Str(o + 13);
    u.totp_enabled = r.Bool(o + 14);
    u.workflow_staff = r.Bool(o + 15);
    return u;
}

std::optional<User> OneUser(db::Connection& c, const std::string& where, const std::string& arg) {
    auto row = c.One(std::string("SELECT ") + kUserColumns + " FROM users u WHERE " + where, {arg});
    if (!row) return std::nullopt;
    return ToUser(*row);
}

const char* PurposeName(EmailTokenPurpose p) {
    return p == EmailTokenPurpose::kVerify ? "verify" : "reset";
}

db::Value OptText(const std::string& s) {
    return s.empty() ? db::Value(nullptr) : db::Value(s);
}

ApiToken ToApiToken(const db::Row& r) {
    return ApiToken{r.Str(0), r.Str(1), r.Str(2), r.Str(3), r.Str(4), r.Str(5)};
}
constexpr const char* kTokenColumns = "t.id, t.user_id, t.name, t.created, t.last_used, t.expires";
}  // namespace

void InsertUser(db::Connection& c, const User& u) {
    c.Exec(
        "INSERT INTO users (id, name, email, fullname_th, fullname_en, state, sysadmin,"
        " must_change_password, password_hash, created, email_verified_at, locale)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {u.id, u.name, u.email, u.fullname_th, u.fullname_en, ToString(u.state), db::V(u.sysadmin),
         db::V(u.must_change_password), u.password_hash, u.created, OptText(u.email_verified_at),
         u.locale.empty() ? "th" : u.locale});
}

std::optional<User> FindUserById(db::Connection& c, const std::string& id) {
    return OneUser(c, "u.id = ?", id);
}
std::optional<User> FindUserByName(db::Connection& c, const std::string& name) {
    return OneUser(c, "u.name = ?", name);
}
std::optional<User> FindUserByEmail(db::Connection& c, const std::string& email) {
    return OneUser(c, "u.email = ?", email);
}
std::optional<User> FindUser(db::Connection& c, const std::string& key) {
    if (auto u = FindUserById(c, key)) return u;
    return FindUserByName(c, key);
}

std::vector<User> ListActiveUsers(db::Connection& c, int limit) {
    std::vector<User> out;
    for (const auto& r :
         c.Query(std::string("SELECT ") + kUserColumns +
                     " FROM users u WHERE u.state = 'active' ORDER BY u.name LIMIT ?",
                 {int64_t{limit}}))
        out.push_back(ToUser(r));
    return out;
}

int64_t CountUsers(db::Connection& c) {
    return c.One("SELECT COUNT(*) FROM users")->Int(0);
}

void SetPassword(db::Connection& c, const std::string& user_id, const std::string& hash,
                 bool must_change) {
    c.Exec(
        "UPDATE users SET password_hash = ?, must_change_password = ?, failed_logins = 0,"
        " locked_until = NULL WHERE id = ?",
        {hash, db::V(must_change), user_id});
}

void SetProfile(db::Connection& c, const std::string& user_id, const std::string& email,
                const std::string& fullname_th, const std::string& fullname_en) {
    c.Exec("UPDATE users SET email = ?, fullname_th = ?, fullname_en = ? WHERE id = ?",
           {email, fullname_th, fullname_en, user_id});
}

void SetState(db::Connection& c, const std::string& user_id, UserState state) {
    c.Exec("UPDATE users SET state = ? WHERE id = ?", {ToString(state), user_id});
}

void MarkEmailVerified(db::Connection& c, const std::string& user_id, const std::string& at) {
    c.Exec("UPDATE users SET email_verified_at = ? WHERE id = ?", {at, user_id});
}

void SetSysadmin(db::Connection& c, const std::string& user_id, bool sysadmin) {
    c.Exec("UPDATE users SET sysadmin = ? WHERE id = ?", {db::V(sysadmin), user_id});
}

void RecordLoginFailure(db::Connection& c, const std::string& user_id, int failures,
                        const std::string& locked_until) {
    c.Exec("UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?",
           {int64_t{failures}, OptText(locked_until), user_id});
}

void RecordLoginSuccess(db::Connection& c, const std::string& user_id, const std::string& at) {
    c.Exec(
        "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ? WHERE id = ?",
        {at, user_id});
}

int64_t LockedUntil(db::Connection& c, const std::string& key) {
    auto row = c.One("SELECT locked_until FROM login_failures WHERE key = ?", {key});
    return row ? row->Int(0) : 0;
}

int64_t CountFailure(db::Connection& c, const std::string& key, int64_t now, int window_seconds,
                     int threshold, int lock_seconds) {
    // One statement, atomic on both engines; its row lock holds (PostgreSQL) or the writer is
    // alone (SQLite) until the lock below is written in the same transaction.
    int64_t failures =
        c.One(
             "INSERT INTO login_failures (key, failures, window_start) VALUES (?, 1, ?)"
             " ON CONFLICT (key) DO UPDATE SET"
             " failures = CASE WHEN login_failures.window_start < ? THEN 1"
             " ELSE login_failures.failures + 1 END,"
             " window_start = CASE WHEN login_failures.window_start < ? THEN excluded.window_start"
             " ELSE login_failures.window_start END"
             " RETURNING failures",
             {key, now, now - window_seconds, now - window_seconds})
            ->Int(0);
    if (failures < threshold) return 0;
    // Locked, and counting starts again afterwards.
    c.Exec(
        "UPDATE login_failures SET failures = 0, window_start = ?, locked_until = ? WHERE key = ?",
        {now, now + lock_seconds, key});
    return now + lock_seconds;
}

void ClearFailures(db::Connection& c, const std::string& key) {
    c.Exec("DELETE FROM login_failures WHERE key = ?", {key});
}

void SweepFailures(db::Connection& c, int64_t before, int64_t now) {
    c.Exec("DELETE FROM login_failures WHERE window_start < ? AND locked_until < ?", {before, now});
}

void SetMembership(db::Connection& c, const std::string& user_id, const std::string& object_type,
                   const std::string& object_id, Capacity capacity) {
    c.Exec(
        "INSERT INTO memberships (user_id, object_type, object_id, capacity, created) VALUES (?, "
        "?, ?, ?, ?)"
        " ON CONFLICT (user_id, object_type, object_id) DO UPDATE SET capacity = excluded.capacity",
        {user_id, object_type, object_id, ToString(capacity), core::NowIso()});
}

void RemoveMembership(db::Connection& c, const std::string& user_id, const std::string& object_type,
                      const std::string& object_id) {
    c.Exec("DELETE FROM memberships WHERE user_id = ? AND object_type = ? AND object_id = ?",
           {user_id, object_type, object_id});
}

namespace {
std::vector<std::string> CapacitiesFrom(Capacity min) {
    std::vector<std::string> out;
    for (Capacity k : {Capacity::kMember, Capacity::kEditor, Capacity::kAdmin})
        if (static_cast<int>(k) >= static_cast<int>(min)) out.push_back(ToString(k));
    while (out.size() < 3) out.push_back(out.back());  // the statement takes three
    return out;
}
}  // namespace

namespace {
std::string UserWhere(const UserFilter& f, std::vector<db::Value>& params) {
    std::string where = " WHERE 1 = 1";
    if (!f.q.empty()) {
        std::string like = db::LikeContaining(core::ToLower(f.q));
        where +=
            " AND (LOWER(u.name) LIKE ? ESCAPE '\\' OR LOWER(u.email) LIKE ? ESCAPE '\\' OR"
            " LOWER(u.fullname_th) LIKE ? ESCAPE '\\' OR LOWER(u.fullname_en) LIKE ? ESCAPE '\\')";
        for (int i = 0; i < 4; ++i) params.emplace_back(like);
    }
    if (!f.state.empty()) {
        where += " AND u.state = ?";
        params.emplace_back(f.state);
    }
    if (f.sysadmins_only) where += " AND u.sysadmin = 1";
    if (!f.object_type.empty()) {
        where +=
            " AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND"
            " m.object_type = ? AND m.object_id = ?)";
        params.emplace_back(f.object_type);
        params.emplace_back(f.object_id);
    }
    return where;
}
}  // namespace

std::vector<User> SearchUsers(db::Connection& c, const UserFilter& f) {
    std::vector<db::Value> params;
    std::string where = UserWhere(f, params);
    params.emplace_back(int64_t{f.limit});
    params.emplace_back(int64_t{f.offset});
    std::vector<User> out;
    for (const auto& r : c.Query(std::string("SELECT ") + kUserColumns + " FROM users u" + where +
                                     " ORDER BY u.name LIMIT ? OFFSET ?",
                                 params))
        out.push_back(ToUser(r));
    return out;
}

int64_t CountSearchUsers(db::Connection& c, const UserFilter& f) {
    std::vector<db::Value> params;
    std::string where = UserWhere(f, params);
    return c.One("SELECT COUNT(*) FROM users u" + where, params)->Int(0);
}

std::vector<Membership> MembershipsOf(db::Connection& c, const std::string& user_id) {
    std::vector<Membership> out;
    for (const auto& r : c.Query("SELECT object_type, object_id, capacity FROM memberships"
                                 " WHERE user_id = ? ORDER BY object_type, object_id",
                                 {user_id})) {
        const std::string& v = r.Str(2);
        out.push_back({r.Str(0), r.Str(1),
                       v == "admin"    ? Capacity::kAdmin
                       : v == "editor" ? Capacity::kEditor
                                       : Capacity::kMember});
    }
    return out;
}

void DeleteUserTokens(db::Connection& c, const std::string& user_id) {
    c.Exec("DELETE FROM api_tokens WHERE user_id = ?", {user_id});
}

std::vector<User> ActiveHolders(db::Connection& c, const std::string& object_type,
                                const std::string& object_id, Capacity min) {
    auto caps = CapacitiesFrom(min);
    std::vector<User> out;
    for (const auto& r : c.Query(std::string("SELECT ") + kUserColumns +
                                     " FROM users u JOIN memberships m ON m.user_id = u.id"
                                     " WHERE u.state = 'active' AND m.object_type = ? AND"
                                     " m.object_id = ? AND m.capacity IN (?, ?, ?) ORDER BY u.name",
                                 {object_type, object_id, caps[0], caps[1], caps[2]}))
        out.push_back(ToUser(r));
    return out;
}

std::vector<User> ActiveSysadmins(db::Connection& c) {
    std::vector<User> out;
    for (const auto& r : c.Query(std::string("SELECT ") + kUserColumns +
                                 " FROM users u WHERE u.state = 'active' AND u.sysadmin = 1"
                                 " ORDER BY u.name"))
        out.push_back(ToUser(r));
    return out;
}

std::vector<std::string> HeldObjects(db::Connection& c, const std::string& user_id,
                                     const std::string& object_type, Capacity min) {
    auto caps = CapacitiesFrom(min);
    std::vector<std::string> out;
    for (const auto& r : c.Query("SELECT object_id FROM memberships WHERE user_id = ? AND"
                                 " object_type = ? AND capacity IN (?, ?, ?) ORDER BY object_id",
                                 {user_id, object_type, caps[0], caps[1], caps[2]}))
        out.push_back(r.Str(0));
    return out;
}

std::optional<Capacity> FindMembership(db::Connection& c, const std::string& user_id,
                                       const std::string& object_type,
                                       const std::string& object_id) {
    auto row = c.One(
        "SELECT capacity FROM memberships WHERE user_id = ? AND object_type = ? AND object_id = ?",
        {user_id, object_type, object_id});
    if (!row) return std::nullopt;
    const std::string& v = row->Str(0);
    return v == "admin" ? Capacity::kAdmin : v == "editor" ? Capacity::kEditor : Capacity::kMember;
}

void InsertSession(db::Connection& c, const std::string& token_hash, const SessionRow& s,
                   const std::string& ip, const std::string& user_agent) {
    c.Exec(
        "INSERT INTO sessions (id, token_hash, user_id, csrf_token, created, last_seen, expires, "
        "ip,"
        " user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {s.id, token_hash, s.user_id, s.csrf_token, s.last_seen, s.last_seen, s.expires,
         OptText(ip), OptText(user_agent.substr(0, 300))});
}

std::optional<std::pair<SessionRow, User>> FindSession(db::Connection& c,
                                                       const std::string& token_hash) {
    auto row = c.One(std::string("SELECT s.id, s.user_id, s.csrf_token, s.expires, s.last_seen, ") +
                         kUserColumns +
                         " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?",
                     {token_hash});
    if (!row) return std::nullopt;
    SessionRow s{row->Str(0), row->Str(1), row->Str(2), row->Str(3), row->Str(4)};
    return std::make_pair(s, ToUser(*row, 5));
}

void TouchSession(db::Connection& c, const std::string& session_id, const std::string& last_seen,
                  const std::string& expires) {
    c.Exec("UPDATE sessions SET last_seen = ?, expires = ? WHERE id = ?",
           {last_seen, expires, session_id});
}

void DeleteSession(db::Connection& c, const std::string& session_id) {
    c.Exec("DELETE FROM sessions WHERE id = ?", {session_id});
}

void DeleteUserSessions(db::Connection& c, const std::string& user_id, const std::string& keep) {
    c.Exec("DELETE FROM sessions WHERE user_id = ? AND id <> ?", {user_id, keep});
}

void DeleteExpiredSessions(db::Connection& c, const std::string& now) {
    c.Exec("DELETE FROM sessions WHERE expires < ?", {now});
}

void InsertEmailToken(db::Connection& c, const std::string& token_hash, const std::string& user_id,
                      EmailTokenPurpose purpose, const std::string& expires) {
    c.Exec(
        "INSERT INTO email_tokens (token_hash, user_id, purpose, created, expires) VALUES (?, ?, "
        "?, ?, ?)",
        {token_hash, user_id, PurposeName(purpose), core::NowIso(), expires});
}

std::optional<EmailTokenRow> FindEmailToken(db::Connection& c, const std::string& token_hash,
                                            EmailTokenPurpose purpose) {
    auto row = c.One(
        "SELECT user_id, expires, used_at FROM email_tokens WHERE token_hash = ? AND purpose = ?",
        {token_hash, PurposeName(purpose)});
    if (!row) return std::nullopt;
    return EmailTokenRow{row->Str(0), row->Str(1), row->Str(2)};
}

bool UseEmailToken(db::Connection& c, const std::string& token_hash, const std::string& at) {
    return c.Exec("UPDATE email_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
                  {at, token_hash}) == 1;
}

void UseAllEmailTokens(db::Connection& c, const std::string& user_id, EmailTokenPurpose purpose,
                       const std::string& at) {
    c.Exec(
        "UPDATE email_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS "
        "NULL",
        {at, user_id, PurposeName(purpose)});
}

void InsertApiToken(db::Connection& c, const ApiToken& t, const std::string& token_hash) {
    c.Exec(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, created, expires) VALUES (?, ?, ?, "
        "?, ?, ?)",
        {t.id, t.user_id, t.name, token_hash, t.created, OptText(t.expires)});
}

std::optional<std::pair<ApiToken, User>> FindApiTokenByHash(db::Connection& c,
                                                            const std::string& token_hash) {
    auto row =
        c.One(std::string("SELECT ") + kTokenColumns + ", " + kUserColumns +
                  " FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?",
              {token_hash});
    if (!row) return std::nullopt;
    return std::make_pair(ToApiToken(*row), ToUser(*row, 6));
}

std::vector<ApiToken> ListApiTokens(db::Connection& c, const std::string& user_id) {
    std::vector<ApiToken> out;
    for (const auto& r :
         c.Query(std::string("SELECT ") + kTokenColumns +
                     " FROM api_tokens t WHERE t.user_id = ? ORDER BY t.created DESC",
                 {user_id}))
        out.push_back(ToApiToken(r));
    return out;
}

std::optional<ApiToken> FindApiToken(db::Connection& c, const std::string& token_id) {
    auto row = c.One(std::string("SELECT ") + kTokenColumns + " FROM api_tokens t WHERE t.id = ?",
                     {token_id});
    if (!row) return std::nullopt;
    return ToApiToken(*row);
}

void DeleteApiToken(db::Connection& c, const std::string& token_id) {
    c.Exec("DELETE FROM api_tokens WHERE id = ?", {token_id});
}

void TouchApiToken(db::Connection& c, const std::string& token_id, const std::string& at) {
    c.Exec("UPDATE api_tokens SET last_used = ? WHERE id = ?", {at, token_id});
}

// ---- second factor
std::optional<TotpRow> FindTotp(db::Connection& c, const std::string& user_id) {
    auto row =
        c.One("SELECT secret, confirmed, last_step FROM user_totp WHERE user_id = ?", {user_id});
    if (!row) return std::nullopt;
    return TotpRow{row->Str(0), row->Str(1), row->IsNull(2) ? -1 : row->Int(2)};
}

void SaveTotpSecret(db::Connection& c, const std::string& user_id, const std::string& secret,
                    const std::string& at) {
    c.Exec(
        "INSERT INTO user_totp (user_id, secret, created) VALUES (?, ?, ?) ON CONFLICT (user_id)"
        " DO UPDATE SET secret = excluded.secret, created = excluded.created, confirmed = NULL,"
        " last_step = NULL",
        {user_id, secret, at});
}

void ConfirmTotp(db::Connection& c, const std::string& user_id, const std::string& at,
                 int64_t step) {
    c.Exec("UPDATE user_totp SET confirmed = ?, last_step = ? WHERE user_id = ?",
           {at, step, user_id});
}

bool UseTotpStep(db::Connection& c, const std::string& user_id, int64_t step) {
    return c.Exec(
               "UPDATE user_totp SET last_step = ? WHERE user_id = ? AND confirmed IS NOT NULL"
               " AND (last_step IS NULL OR last_step < ?)",
               {step, user_id, step}) == 1;
}

void DeleteTotp(db::Connection& c, const std::string& user_id) {
    c.Exec("DELETE FROM user_totp WHERE user_id = ?", {user_id});
    c.Exec("DELETE FROM user_recovery_codes WHERE user_id = ?", {user_id});
}

void ReplaceRecoveryCodes(db::Connection& c, const std::string& user_id,
                          const std::vector<std::string>& hashes) {
    c.Exec("DELETE FROM user_recovery_codes WHERE user_id = ?", {user_id});
    for (const auto& h : hashes)
        c.Exec("INSERT INTO user_recovery_codes (user_id, code_hash) VALUES (?, ?)", {user_id, h});
}

bool UseRecoveryCode(db::Connection& c, const std::string& user_id, const std::string& hash,
                     const std::string& at) {
    return c.Exec(
               "UPDATE user_recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ?"
               " AND used_at IS NULL",
               {at, user_id, hash}) == 1;
}

int RecoveryCodesLeft(db::Connection& c, const std::string& user_id) {
    auto row =
        c.One("SELECT COUNT(*) FROM user_recovery_codes WHERE user_id = ? AND used_at IS NULL",
              {user_id});
    return row ? static_cast<int>(row->Int(0)) : 0;
}

void InsertLoginChallenge(db::Connection& c, const std::string& token_hash,
                          const std::string& user_id, const std::string& expires) {
    c.Exec("INSERT INTO login_challenges (token_hash, user_id, expires) VALUES (?, ?, ?)",
           {token_hash, user_id, expires});
}

std::optional<LoginChallengeRow> FindLoginChallenge(db::Connection& c,
                                                    const std::string& token_hash) {
    auto row = c.One("SELECT user_id, expires, attempts FROM login_challenges WHERE token_hash = ?",
                     {token_hash});
    if (!row) return std::nullopt;
    return LoginChallengeRow{row->Str(0), row->Str(1), static_cast<int>(row->Int(2))};
}

void CountChallengeAttempt(db::Connection& c, const std::string& token_hash) {
    c.Exec("UPDATE login_challenges SET attempts = attempts + 1 WHERE token_hash = ?",
           {token_hash});
}

void DeleteLoginChallenge(db::Connection& c, const std::string& token_hash,
                          const std::string& now) {
    c.Exec("DELETE FROM login_challenges WHERE token_hash = ? OR expires < ?", {token_hash, now});
}

// ---- the person's record and its end
std::vector<SessionInfo> SessionsOf(db::Connection& c, const std::string& user_id) {
    std::vector<SessionInfo> out;
    for (const auto& r : c.Query("SELECT created, last_seen, expires, ip, user_agent FROM sessions"
                                 " WHERE user_id = ? ORDER BY created",
                                 {user_id}))
        out.push_back({r.Str(0), r.Str(1), r.Str(2), r.Str(3), r.Str(4)});
    return out;
}

void AnonymiseUser(db::Connection& c, const std::string& user_id, const std::string& name,
                   const std::string& email, const std::string& password_hash) {
    c.Exec(
        "UPDATE users SET name = ?, email = ?, fullname_th = '', fullname_en = '',"
        " state = 'cancelled', sysadmin = 0, must_change_password = 0, password_hash = ?,"
        " email_verified_at = NULL, last_login_at = NULL, failed_logins = 0, locked_until = NULL"
        " WHERE id = ?",
        {name, email, password_hash, user_id});
    c.Exec("DELETE FROM sessions WHERE user_id = ?", {user_id});
    c.Exec("DELETE FROM api_tokens WHERE user_id = ?", {user_id});
    c.Exec("DELETE FROM email_tokens WHERE user_id = ?", {user_id});
    c.Exec("DELETE FROM memberships WHERE user_id = ?", {user_id});
    c.Exec("DELETE FROM login_challenges WHERE user_id = ?", {user_id});
    DeleteTotp(c, user_id);
    // The verified identity goes too (PDPA); the citizen ID may sign up again.
    DeleteIdentity(c, user_id);
    DeleteVerificationFailuresOfUser(c, user_id);
}

}  // namespace store
}  // namespace govhub::accounts

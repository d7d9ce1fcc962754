#pragma once
// Every SQL statement of the accounts module (DESIGN.md §2: SQL only in store).
#include <optional>
#include <string>
#include <vector>

#include "accounts/model.hpp"
#include "db/database.hpp"
#include "db/migrations.hpp"

namespace govhub::accounts::store {

void AddMigrations(db::MigrationSet& set);

void InsertUser(db::Connection& c, const User& u);
std::optional<User> FindUserById(db::Connection& c, const std::string& id);
std::optional<User> FindUserByName(db::Connection& c, const std::string& name);
std::optional<User> FindUserByEmail(db::Connection& c, const std::string& email);
// By id or name (CKAN accepts either wherever a user is named). Never by e-mail, so public
// look-ups cannot tell whether an address is registered.
std::optional<User> FindUser(db::Connection& c, const std::string& key);
int64_t CountUsers(db::Connection& c);
// Active accounts by name (user_list).
std::vector<User> ListActiveUsers(db::Connection& c, int limit);
void SetPassword(db::Connection& c, const std::string& user_id, const std::string& hash,
                 bool must_change);
void SetState(db::Connection& c, const std::string& user_id, UserState state);
void SetProfile(db::Connection& c, const std::string& user_id, const std::string& email,
                const std::string& fullname_th, const std::string& fullname_en);
void MarkEmailVerified(db::Connection& c, const std::string& user_id, const std::string& at);
void SetSysadmin(db::Connection& c, const std::string& user_id, bool sysadmin);
void RecordLoginFailure(db::Connection& c, const std::string& user_id, int failures,
                        const std::string& locked_until);
void RecordLoginSuccess(db::Connection& c, const std::string& user_id, const std::string& at);
// Failure counters (login_failures), by a hashed key; times in epoch seconds.
// The lock's end, 0 when the key is not locked (or was, in the past).
int64_t LockedUntil(db::Connection& c, const std::string& key);
// One more failure within `window_seconds` of the first; at `threshold` the key is locked for
// `lock_seconds` and the end of the lock is returned (else 0).
int64_t CountFailure(db::Connection& c, const std::string& key, int64_t now, int window_seconds,
                     int threshold, int lock_seconds);
void ClearFailures(db::Connection& c, const std::string& key);
// Counters whose window started before `before` and whose lock is over.
void SweepFailures(db::Connection& c, int64_t before, int64_t now);

// Per-object roles (organizations and, later, courses and workD agencies).
void SetMembership(db::Connection& c, const std::string& user_id, const std::string& object_type,
                   const std::string& object_id, Capacity capacity);
void RemoveMembership(db::Connection& c, const std::string& user_id, const std::string& object_type,
                      const std::string& object_id);
// Active users holding at least `min` on an object, and active sysadmins.
std::vector<User> ActiveHolders(db::Connection& c, const std::string& object_type,
                                const std::string& object_id, Capacity min);
std::vector<User> ActiveSysadmins(db::Connection& c);
// Object ids of one type on which the user holds at least `min`.
std::vector<std::string> HeldObjects(db::Connection& c, const std::string& user_id,
                                     const std::string& object_type, Capacity min);
std::vector<User> SearchUsers(db::Connection& c, const UserFilter& f);
int64_t CountSearchUsers(db::Connection& c, const UserFilter& f);
std::vector<Membership> MembershipsOf(db::Connection& c, const std::string& user_id);
void DeleteUserTokens(db::Connection& c, const std::string& user_id);
void AddTokenUsage(db::Connection& c, const std::string& token_hash, const std::string& day,
                   const std::string& action, int64_t requests, int64_t limited);
std::vector<UsageRow> TokenUsage(db::Connection& c, const std::string& token_id,
                                 const std::string& since_day);
std::optional<Capacity> FindMembership(db::Connection& c, const std::string& user_id,
                                       const std::string& object_type,
                                       const std::string& object_id);

struct SessionRow {
    std::string id;
    std::string user_id;
    std::string csrf_token;
    std::string expires;
    std::string last_seen;
};
void InsertSession(db::Connection& c, const std::string& token_hash, const SessionRow& s,
                   const std::string& ip, const std::string& user_agent);
std::optional<std::pair<SessionRow, User>> FindSession(db::Connection& c,
                                                       const std::string& token_hash);
void TouchSession(db::Connection& c, const std::string& session_id, const std::string& last_seen,
                  const std::string& expires);
void DeleteSession(db::Connection& c, const std::string& session_id);
// All of a user's sessions, except `keep_session_id` when given.
void DeleteUserSessions(db::Connection& c, const std::string& user_id,
                        const std::string& keep_session_id = {});
void DeleteExpiredSessions(db::Connection& c, const std::string& now);

void InsertEmailToken(db::Connection& c, const std::string& token_hash, const std::string& user_id,
                      EmailTokenPurpose purpose, const std::string& expires);
struct EmailTokenRow {
    std::string user_id;
    std::string expires;
    std::string used_at;
};
std::optional<EmailTokenRow> FindEmailToken(db::Connection& c, const std::string& token_hash,
                                            EmailTokenPurpose purpose);
// Marks the token used; false when it was already used (a replay).
bool UseEmailToken(db::Connection& c, const std::string& token_hash, const std::string& at);
// Marks every unused link of `purpose` of the user used: a new password ends older reset links.
void UseAllEmailTokens(db::Connection& c, const std::string& user_id, EmailTokenPurpose purpose,
                       const std::string& at);

void InsertApiToken(db::Connection& c, const ApiToken& t, const std::string& token_hash);
std::optional<std::pair<ApiToken, User>> FindApiTokenByHash(db::Connection& c,
                                                            const std::string& token_hash);
std::vector<ApiToken> ListApiTokens(db::Connection& c, const std::string& user_id);
std::optional<ApiToken> FindApiToken(db::Connection& c, const std::string& token_id);
void DeleteApiToken(db::Connection& c, const std::string& token_id);
void TouchApiToken(db::Connection& c, const std::string& token_id, const std::string& at);

// ---- second factor (TOTP secrets, recovery codes as hashes, the login's second step)
struct TotpRow {
    std::string secret;     // base32
    std::string confirmed;  // empty while being set up
    int64_t last_step = -1;
};
std::optional<TotpRow> FindTotp(db::Connection& c, const std::string& user_id);
// A new secret waiting for its first code (replaces any earlier one).
void SaveTotpSecret(db::Connection& c, const std::string& user_id, const std::string& secret,
                    const std::string& at);
void ConfirmTotp(db::Connection& c, const std::string& user_id, const std::string& at,
                 int64_t step);
// Records a code's time step as used; false when it (or a later one) was used already.
bool UseTotpStep(db::Connection& c, const std::string& user_id, int64_t step);
void DeleteTotp(db::Connection& c, const std::string& user_id);
void ReplaceRecoveryCodes(db::Connection& c, const std::string& user_id,
                          const std::vector<std::string>& hashes);
bool UseRecoveryCode(db::Connection& c, const std::string& user_id, const std::string& hash,
                     const std::string& at);
int RecoveryCodesLeft(db::Connection& c, const std::string& user_id);
struct LoginChallengeRow {
    std::string user_id, expires;
    int attempts = 0;
};
void InsertLoginChallenge(db::Connection& c, const std::string& token_hash,
                          const std::string& user_id, const std::string& expires);
std::optional<LoginChallengeRow> FindLoginChallenge(db::Connection& c,
                                                    const std::string& token_hash);
void CountChallengeAttempt(db::Connection& c, const std::string& token_hash);
// Removes the challenge and any that expired.
void DeleteLoginChallenge(db::Connection& c, const std::string& token_hash, const std::string& now);

// ---- verified identities (identities.hpp); cid hashes and sealed values come from the vault
struct IdentityRow {
    std::string user_id, cid_hash, cid_sealed;
    VerifiedIdentity identity;
};
void InsertIdentity(db::Connection& c, const IdentityRow& row);
std::optional<IdentityRow> FindIdentity(db::Connection& c, const std::string& user_id);
// The account holding any of these hashes (one citizen ID under each key version).
std::optional<std::string> IdentityOwner(db::Connection& c,
                                         const std::vector<std::string>& cid_hashes);
// Rows whose hash or sealed value does not start with `prefix` ("v3$"), by user id after
// `after_user_id`.
std::vector<IdentityRow> IdentitiesNotAt(db::Connection& c, const std::string& prefix,
                                         const std::string& after_user_id, int limit);
void UpdateIdentityVault(db::Connection& c, const std::string& user_id, const std::string& cid_hash,
                         const std::string& cid_sealed);
void DeleteIdentity(db::Connection& c, const std::string& user_id);

struct VerificationFailureRow {
    std::string cid_hash;
    int failures = 0;
    int64_t window_start = 0, locked_until = 0;  // epoch seconds
    std::string user_id;                         // the last account that tried
};
// The counter under any of these hashes (the first found).
std::optional<VerificationFailureRow> FindVerificationFailure(
    db::Connection& c, const std::vector<std::string>& cid_hashes);
// One more failure under `cid_hash` within `window_seconds` of the first; returns the count.
int CountVerificationFailure(db::Connection& c, const std::string& cid_hash,
                             const std::string& user_id, int64_t now, int window_seconds);
void LockVerification(db::Connection& c, const std::string& cid_hash, int64_t until);
// Removes the counters under these hashes; returns how many there were.
int DeleteVerificationFailures(db::Connection& c, const std::vector<std::string>& cid_hashes);
// The counters a sysadmin sees: locked ones first, then those counting since `since`, with the
// name of the last account that tried ("" for a sign-up without an account); at most `limit`.
struct VerificationCounterRow {
    VerificationFailureRow row;
    std::string user_name;
};
std::vector<VerificationCounterRow> ListVerificationCounters(db::Connection& c, int64_t since,
                                                             int limit);
// Removes the counters `user_id` was the last to add to; returns how many there were.
int DeleteVerificationFailuresOfUser(db::Connection& c, const std::string& user_id);
// Counters whose window started before `before` and whose lock is over.
void SweepVerificationFailures(db::Connection& c, int64_t before, int64_t now);
// Counters not under `prefix`: those over are removed, the running ones counted.
int SweepVerificationFailuresNotAt(db::Connection& c, const std::string& prefix, int64_t before,
                                   int64_t now);

// Serialises the changes to one citizen ID's counter and checks in flight across nodes, until
// the transaction ends (identities.cpp takes it before reading them).
void LockVerificationOf(db::Connection& c, const std::string& cid_hash);
struct ChecksInFlight {
    int count = 0;
    int64_t last_expiry = 0;  // epoch seconds; 0 when none
};
// The unexpired reservations under any of these hashes.
ChecksInFlight VerificationChecksInFlight(db::Connection& c,
                                          const std::vector<std::string>& cid_hashes, int64_t now);
void InsertVerificationCheck(db::Connection& c, const std::string& ticket,
                             const std::string& cid_hash, int64_t expires);
// Ends a reservation; returns its hash, nullopt when it is gone (lapsed and swept, or never).
std::optional<std::string> DeleteVerificationCheck(db::Connection& c, const std::string& ticket);
// Removes the reservations that lapsed (their node died during the check).
void SweepVerificationChecks(db::Connection& c, int64_t now);

// ---- the person's record, and its end
std::vector<SessionInfo> SessionsOf(db::Connection& c, const std::string& user_id);
// Cancels the account for good: personal data replaced, every credential and role removed.
void AnonymiseUser(db::Connection& c, const std::string& user_id, const std::string& name,
                   const std::string& email, const std::string& password_hash);

}  // namespace govhub::accounts::store

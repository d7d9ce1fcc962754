#pragma once
// Account rules: registration, verification, login with lock-out, password reset and change,
// sessions, API tokens. Permissions are decided here, never only in a page (DESIGN.md §2).
#include <atomic>
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "accounts/model.hpp"
#include "accounts/usage.hpp"
#include "core/email_address.hpp"
#include "core/result.hpp"
#include "db/database.hpp"
#include "mail/mailer.hpp"

namespace govhub::core {
class I18n;
}

namespace govhub::accounts {

struct AccountsConfig {
    std::string site_url = "http://localhost:8080";  // every absolute link (e-mails)
    std::string site_title = "govhub";
    int session_days = 14;
    int verify_hours = 48;
    int reset_minutes = 60;
    int lockout_threshold = 5;  // failures with one name (within lockout_minutes) lock that name
    int lockout_minutes = 15;
    // Anonymous callers of user_list get an authorization error unless this is set (CKAN's
    // ckan.auth.public_user_details); the sysadmin flag is shown to sysadmins only either way.
    bool public_user_details = false;
    // Sysadmins and the staff of requests (reviewers, administrators) must use a second factor.
    bool staff_second_factor_required = true;
    int second_step_seconds = 300;  // how long the code may follow the password
};

struct RegisterInput {
    std::string name, email, password, password_confirm, fullname_th, fullname_en, locale;
    // Where the new user was going (a path on this site, already checked): the activation
    // link carries it, and the "account confirmed" page leads back there.
    std::string next;
};

struct LoginResult {
    std::string session_token;  // raw; the cookie value
    Principal principal;
    // Set instead of a session when the account has a second factor: the code comes next,
    // with this ticket (raw; a hidden form field), within AccountsConfig::second_step_seconds.
    std::string second_step_ticket;
};

// How an account ends on its owner's signed request.
enum class Closure { kSuspend, kCancel };

struct NewApiToken {
    ApiToken token;
    std::string raw;  // shown once
};

// Context of the caller for the audit log (api::Caller).
using Caller = api::Caller;

// Hands a message over for delivery (the app queues a mail.send job, so SMTP outages are
// retried with back-off instead of failing the user's request).
using MailSender = std::function<void(const mail::Message&)>;

// A person as user_create/user_update give them (CKAN's fields, plus govhub's two names).
struct UserImport {
    std::string id, name, email;
    std::string fullname;  // CKAN's one name: used for whichever of the two is not given
    std::string fullname_th, fullname_en;
    std::string password, password_hash;
};

class AccountService {
  public:
    AccountService(db::Database& db, MailSender send_mail, const core::I18n& i18n,
                   AccountsConfig config);

    const AccountsConfig& config() const { return config_; }

    // Self-registration: the account stays pending until the e-mail link is followed.
    Result<User> Register(const RegisterInput& in, const Caller& caller);
    // Register's checks alone (the input normalised in place), for a form that must know the
    // registration is acceptable before another step (Learning's identity check).
    Errors CheckRegistration(RegisterInput& in) const;
    // Sends a new verification link to a pending account (silently does nothing otherwise).
    void ResendVerification(const std::string& email, const Caller& caller);
    // Follows the e-mailed link; the account becomes active. Errors: unknown/expired/used.
    Result<User> VerifyEmail(const std::string& token, const Caller& caller);

    Result<LoginResult> Login(const std::string& login, const std::string& password,
                              const Caller& caller);
    // The login's second step: a code from the authenticator app, or a recovery code.
    Result<LoginResult> CompleteLogin(const std::string& ticket, const std::string& code,
                                      const Caller& caller);
    void Logout(const Principal& p, const Caller& caller);

    // Two-factor authentication (TOTP, RFC 6238) on the person's own account.
    // While not enabled, the status carries a secret waiting for its first code.
    SecondFactorStatus SecondFactor(const Principal& p);
    // The first code proves the app has the secret; returns ten recovery codes (shown once).
    Result<std::vector<std::string>> EnableSecondFactor(const Principal& p, const std::string& code,
                                                        const Caller& caller);
    Result<std::vector<std::string>> NewRecoveryCodes(const Principal& p, const std::string& code,
                                                      const Caller& caller);
    // Needs the password and a code; refused while the person's roles require a second factor.
    Errors DisableSecondFactor(const Principal& p, const std::string& password,
                               const std::string& code, const Caller& caller);
    // A sysadmin removes a lost authenticator; the person sets up a new one at next login.
    void ResetSecondFactor(const Principal& admin, const std::string& user_key,
                           const Caller& caller);
    bool SecondFactorRequired(const User& u) const;

    // Always looks successful to the caller (no account enumeration).
    void RequestPasswordReset(const std::string& email, const Caller& caller);
    // Checks a reset token without using it (to show the form).
    bool ResetTokenValid(const std::string& token);
    // Signs out every session, and revokes the API tokens too unless `revoke_tokens` is false.
    Result<User> ResetPassword(const std::string& token, const std::string& password,
                               const std::string& confirm, const Caller& caller,
                               bool revoke_tokens = true);
    // Signs out the other sessions; revokes the API tokens when `revoke_tokens`.
    Result<User> ChangePassword(const Principal& p, const std::string& current,
                                const std::string& password, const std::string& confirm,
                                const Caller& caller, bool revoke_tokens = false);

    std::optional<Principal> AuthenticateSession(const std::string& raw_token);
    std::optional<Principal> AuthenticateToken(const std::string& raw_token);

    // The profile as `viewer` may see it; nullopt when it may not.
    std::optional<User> ViewUser(const std::string& key, const Principal* viewer);
    // CKAN's user_list: active accounts matching `q` (name or full name). Anonymous callers get
    // an authorization error unless AccountsConfig::public_user_details.
    std::vector<User> ListUsersPublic(const Principal* viewer, const std::string& q, int limit);
    // Whether `p` holds at least `capacity` on an object (member < editor < admin);
    // sysadmins hold every role everywhere.
    bool HasCapacity(const Principal* p, const std::string& object_type,
                     const std::string& object_id, Capacity capacity);

    NewApiToken CreateApiToken(const Principal& p, const std::string& user_key,
                               const std::string& name, const Caller& caller);
    std::vector<ApiToken> ListApiTokens(const Principal& p, const std::string& user_key);
    // By token id, or by the raw token itself (CKAN's `token` parameter).
    void RevokeApiToken(const Principal& p, const std::string& id_or_token, const Caller& caller);

    // A token's calls of the last 30 days: its owner and sysadmins. nullopt: no such token.
    std::optional<std::pair<ApiToken, std::vector<UsageRow>>> TokenUsage(
        const Principal& p, const std::string& user_key, const std::string& token_id);
    UsageRecorder& usage() { return usage_; }

    // CKAN's user_create and user_update for sysadmins, as `ckanapi load` calls them to move
    // people in from another portal (service_migrate.cpp): the given id is kept (refused if
    // taken), a `password_hash` from the dump (CKAN's pbkdf2-sha512 or govhub's argon2id) is
    // kept and rehashed at the person's first login, or a `password` must pass the policy.
    // People created so are active, their e-mail taken as confirmed by the old site.
    // Errors: 403 for anyone but a sysadmin, 409 with the fields at fault.
    User CreateUserBySysadmin(const Principal& admin, const UserImport& in, const Caller& caller);
    // Changes the e-mail, names and password (only what `in` gives) of `user_key`.
    User UpdateUserBySysadmin(const Principal& admin, const std::string& user_key,
                              const UserImport& in, const Caller& caller);

    // Operator commands (no permission check: the caller has shell access).
    User CreateUserAdmin(const std::string& name, const std::string& email,
                         const std::string& password, bool sysadmin,
                         const std::string& fullname_th = {}, const std::string& fullname_en = {});
    // Sets a one-time password that must be changed at the next login; returns it.
    std::string ResetPasswordAdmin(const std::string& user_key, const std::string& password = {});
    NewApiToken CreateApiTokenAdmin(const std::string& user_key, const std::string& name);
    // Creates `admin` on an empty site; returns its one-time password, or nullopt when it exists.
    std::optional<std::string> EnsureInitialAdmin();
    // The administrator's user list and actions (sysadmins only; each action audited).
    std::pair<std::vector<User>, int64_t> ListUsers(const Principal& admin, UserFilter f);
    std::vector<Membership> MembershipsOf(const Principal& admin, const std::string& user_id);
    // active <-> suspended: a suspended account cannot log in, and loses its sessions and
    // API tokens. Sysadmins cannot suspend themselves.
    User SetUserState(const Principal& admin, const std::string& user_key, UserState state,
                      const std::string& reason, const Caller& caller);
    User SetSysadmin(const Principal& admin, const std::string& user_key, bool sysadmin,
                     const Caller& caller);
    // A role on an object (`capacity` empty: none), e.g. a reviewer of a kind of request.
    void SetRole(const Principal& admin, const std::string& user_key,
                 const std::string& object_type, const std::string& object_id,
                 std::optional<Capacity> capacity, const Caller& caller);

    // What the accounts module holds about the person (their personal-data download).
    PersonalRecord RecordOf(const Principal& p);
    // On the person's signed request, inside the caller's transaction (the workflow's step):
    // suspend blocks the login and revokes sessions and tokens, reversibly; cancel also
    // anonymises the profile for good (PDPA) and redacts the audit log's personal data,
    // leaving the user id as a pseudonym. Returns the account's name afterwards.
    std::string Close(db::Connection& c, const std::string& user_id, Closure how,
                      const std::string& reason, const std::string& reference,
                      const Caller& caller);

    // For other services' notifications and checks (no permission check: not for display).
    std::optional<User> FindUserById(const std::string& id);
    // Active users holding at least `min` on an object.
    std::vector<User> Holders(const std::string& object_type, const std::string& object_id,
                              Capacity min);
    // Who to tell about work on an object: its active holders of at least `min`, or the
    // active sysadmins when it has none.
    std::vector<User> PeopleToNotify(const std::string& object_type, const std::string& object_id,
                                     Capacity min);
    // Objects of one type on which `p` holds at least `min` (every id in `all` for sysadmins).
    std::vector<std::string> ObjectsHeld(const Principal& p, const std::string& object_type,
                                         Capacity min, const std::vector<std::string>& all);
    // The principal of an active user, for work done on their behalf later (a job they started).
    std::optional<Principal> PrincipalOfActiveUser(const std::string& user_id);

  private:
    LoginResult StartSession(const User& u, const Caller& caller, const nlohmann::json& details);
    void SendEmailLink(const User& u, EmailTokenPurpose purpose, const std::string& locale,
                       const std::string& next = {});
    // Tells an address's owner that someone tried to register with it.
    void SendRegisteredAlready(const User& owner);
    // Counts a wrong password (or second-step code) for the name `login_key`; returns the end
    // of the lock it causes (epoch seconds), else 0.
    int64_t CountLoginFailure(db::Connection& c, const std::string& login_key, int64_t now);
    void SweepFailures(int64_t now);
    // After a whole login or a reset: the counts under the account's name and its address.
    void ClearLoginFailures(db::Connection& c, const User& u);
    Principal ToPrincipal(const User& u) const;
    // The user `user_key` (empty: `p`) whose API tokens `p` may manage; 404 or 403 otherwise.
    User RequireManageable(const Principal& p, const std::string& user_key);

    db::Database& db_;
    MailSender send_mail_;
    const core::I18n& i18n_;
    AccountsConfig config_;
    UsageRecorder usage_{db_};
    std::atomic<int64_t> last_failure_sweep_{0};
};

// Validation helpers shared with later modules (organization and dataset slugs).
bool IsValidSlug(const std::string& s, size_t min_len = 2, size_t max_len = 100);
using core::IsValidEmail;  // core/email_address.hpp

}  // namespace govhub::accounts

#include "accounts/service.hpp"

#include <algorithm>
#include <set>

#include "accounts/auth.hpp"
#include "accounts/password.hpp"
#include "accounts/service_internal.hpp"
#include "accounts/store.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/i18n.hpp"
#include "core/log.hpp"
#include "core/strings.hpp"

namespace govhub::accounts {

namespace {
using internal::RequireSysadmin;
using Json = nlohmann::json;

bool Expired(const std::string& iso) {
    return iso.empty() || iso < core::NowIso();
}
}  // namespace

bool IsValidSlug(const std::string& s, size_t min_len, size_t max_len) {
    if (s.size() < min_len || s.size() > max_len) return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    return true;
}

AccountService::AccountService(db::Database& db, MailSender send_mail, const core::I18n& i18n,
                               AccountsConfig config)
    : db_(db), send_mail_(std::move(send_mail)), i18n_(i18n), config_(std::move(config)) {}

std::pair<std::vector<User>, int64_t> AccountService::ListUsers(const Principal& admin,
                                                                UserFilter f) {
    RequireSysadmin(admin);
    f.q = core::Trim(f.q).substr(0, 200);
    if (!f.state.empty() && !ParseUserState(f.state)) f.state.clear();
    f.limit = std::clamp(f.limit, 1, 200);
    f.offset = std::max(0, f.offset);
    return db_.Read([&](db::Connection& c) {
        return std::make_pair(store::SearchUsers(c, f), store::CountSearchUsers(c, f));
    });
}

std::vector<Membership> AccountService::MembershipsOf(const Principal& admin,
                                                      const std::string& user_id) {
    RequireSysadmin(admin);
    return db_.Read([&](db::Connection& c) { return store::MembershipsOf(c, user_id); });
}

User AccountService::SetUserState(const Principal& admin, const std::string& user_key,
                                  UserState state, const std::string& reason,
                                  const Caller& caller) {
    RequireSysadmin(admin);
    if (state != UserState::kActive && state != UserState::kSuspended)
        throw HttpError::Validation({{"state", "admin.bad_state"}});
    return db_.Write([&](db::Connection& c) {
        auto u = store::FindUser(c, user_key);
        if (!u) throw HttpError::NotFound("admin.no_such_user");
        if (!CanSuspend(&admin, u->id))
            throw HttpError::Validation({{"state", "admin.not_yourself"}});
        if (u->state == UserState::kCancelled)
            throw HttpError::Validation({{"state", "admin.cancelled_for_good"}});
        std::string before = ToString(u->state);
        store::SetState(c, u->id, state);
        if (state == UserState::kSuspended) {
            store::DeleteUserSessions(c, u->id);
            store::DeleteUserTokens(c, u->id);
        }
        audit::Record(c, caller.actor(),
                      state == UserState::kSuspended ? "user.suspend" : "user.reactivate", "user",
                      u->id,
                      {{"from", before},
                       {"to", ToString(state)},
                       {"reason", core::Trim(reason).substr(0, 1000)}});
        u->state = state;
        return *u;
    });
}

User AccountService::SetSysadmin(const Principal& admin, const std::string& user_key, bool sysadmin,
                                 const Caller& caller) {
    RequireSysadmin(admin);
    return db_.Write([&](db::Connection& c) {
        auto u = store::FindUser(c, user_key);
        if (!u) throw HttpError::NotFound("admin.no_such_user");
        if (!(sysadmin ? CanGrantSysadmin(&admin, u->id) : CanRevokeSysadmin(&admin, u->id)))
            throw HttpError::Validation({{"sysadmin", "admin.not_yourself"}});
        store::SetSysadmin(c, u->id, sysadmin);
        audit::Record(c, caller.actor(), sysadmin ? "user.sysadmin_grant" : "user.sysadmin_revoke",
                      "user", u->id);
        u->sysadmin = sysadmin;
        return *u;
    });
}

void AccountService::SetRole(const Principal& admin, const std::string& user_key,
                             const std::string& object_type, const std::string& object_id,
                             std::optional<Capacity> capacity, const Caller& caller) {
    if (!CanSetRoles(&admin)) throw HttpError::Forbidden("admin.sysadmin_only");
    db_.Write([&](db::Connection& c) {
        auto u = store::FindUser(c, user_key);
        if (!u) throw HttpError::NotFound("admin.no_such_user");
        if (capacity)
            store::SetMembership(c, u->id, object_type, object_id, *capacity);
        else
            store::RemoveMembership(c, u->id, object_type, object_id);
        audit::Record(c, caller.actor(), "user.role", "user", u->id,
                      {{"object_type", object_type},
                       {"object_id", object_id},
                       {"capacity", capacity ? Json(ToString(*capacity)) : Json(nullptr)}});
    });
}

std::optional<User> AccountService::FindUserById(const std::string& id) {
    return db_.Read([&](db::Connection& c) { return store::FindUserById(c, id); });
}

std::vector<User> AccountService::Holders(const std::string& object_type,
                                          const std::string& object_id, Capacity min) {
    return db_.Read(
        [&](db::Connection& c) { return store::ActiveHolders(c, object_type, object_id, min); });
}

std::vector<User> AccountService::PeopleToNotify(const std::string& object_type,
                                                 const std::string& object_id, Capacity min) {
    return db_.Read([&](db::Connection& c) {
        auto people = store::ActiveHolders(c, object_type, object_id, min);
        return people.empty() ? store::ActiveSysadmins(c) : people;
    });
}

std::vector<std::string> AccountService::ObjectsHeld(const Principal& p,
                                                     const std::string& object_type, Capacity min,
                                                     const std::vector<std::string>& all) {
    if (p.sysadmin) return all;
    auto held = db_.Read(
        [&](db::Connection& c) { return store::HeldObjects(c, p.user_id, object_type, min); });
    std::vector<std::string> out;
    for (const auto& id : all)
        if (std::find(held.begin(), held.end(), id) != held.end()) out.push_back(id);
    return out;
}

std::optional<Principal> AccountService::PrincipalOfActiveUser(const std::string& user_id) {
    auto u = db_.Read([&](db::Connection& c) { return store::FindUserById(c, user_id); });
    if (!u || u->state != UserState::kActive) return std::nullopt;
    return ToPrincipal(*u);
}

Principal AccountService::ToPrincipal(const User& u) const {
    Principal p;
    p.user_id = u.id;
    p.name = u.name;
    p.display_name_th = u.fullname_th.empty() ? u.name : u.fullname_th;
    p.display_name_en = u.fullname_en.empty() ? p.display_name_th : u.fullname_en;
    p.sysadmin = u.sysadmin;
    p.review_staff = u.workflow_staff;
    p.must_change_password = u.must_change_password;
    p.must_enrol_second_factor = SecondFactorRequired(u) && !u.totp_enabled;
    return p;
}

bool AccountService::SecondFactorRequired(const User& u) const {
    return config_.staff_second_factor_required && (u.sysadmin || u.workflow_staff);
}

Errors AccountService::CheckRegistration(RegisterInput& in) const {
    in.name = core::ToLower(core::Trim(in.name));
    in.email = core::ToLower(core::Trim(in.email));
    in.fullname_th = core::Trim(in.fullname_th);
    in.fullname_en = core::Trim(in.fullname_en);
    Errors errors;
    if (!IsValidSlug(in.name))
        errors.Add("name", "register.name_invalid");
    else if (internal::IsReservedUserName(in.name) || core::IsUuid(in.name))
        errors.Add("name", "register.name_taken");
    if (!IsValidEmail(in.email)) errors.Add("email", "register.email_invalid");
    if (in.fullname_th.empty())
        errors.Add("fullname_th", "register.fullname_th_required");
    else if (core::Utf8Length(in.fullname_th) > 200)
        errors.Add("fullname_th", "error.field_too_long");
    if (in.fullname_en.empty())
        errors.Add("fullname_en", "register.fullname_en_required");
    else if (core::Utf8Length(in.fullname_en) > 200)
        errors.Add("fullname_en", "error.field_too_long");
    if (auto why = CheckPasswordPolicy(in.password, in.name); !why.empty())
        errors.Add("password", why);
    else if (in.password != in.password_confirm)
        errors.Add("password_confirm", "password.mismatch");
    return errors;
}

Result<User> AccountService::Register(const RegisterInput& raw, const Caller& caller) {
    RegisterInput in = raw;
    Errors errors = CheckRegistration(in);
    if (!errors.empty()) return errors;

    User u;
    u.id = core::NewUuid();
    u.name = in.name;
    u.email = in.email;
    u.fullname_th = in.fullname_th;
    u.fullname_en = in.fullname_en;
    u.state = UserState::kPending;
    u.created = core::NowIso();
    u.locale = in.locale == "en" ? "en" : "th";
    u.password_hash = HashPassword(in.password);
    std::optional<User> owner;
    db_.Write([&](db::Connection& c) {
        // User names are public (profile pages); e-mail addresses are not.
        if (store::FindUserByName(c, u.name)) return errors.Add("name", "register.name_taken");
        owner = store::FindUserByEmail(c, u.email);
        if (owner) {
            audit::Record(c, caller.actor(owner->id), "user.register_email_taken", "user",
                          owner->id);
            return;
        }
        store::InsertUser(c, u);
        audit::Record(c, caller.actor(u.id), "user.register", "user", u.id);
    });
    if (!errors.empty()) return errors;
    // A taken address answers as a new one would; its owner is told instead.
    if (owner) {
        SendRegisteredAlready(*owner);
        u.id.clear();
        return u;
    }
    SendEmailLink(u, EmailTokenPurpose::kVerify, u.locale, in.next);
    return u;
}

void AccountService::SendEmailLink(const User& u, EmailTokenPurpose purpose,
                                   const std::string& locale, const std::string& next) {
    std::string raw = core::RandomToken();
    bool verify = purpose == EmailTokenPurpose::kVerify;
    std::string expires =
        core::IsoInSeconds(verify ? config_.verify_hours * 3600 : config_.reset_minutes * 60);
    db_.Write([&](db::Connection& c) {
        store::InsertEmailToken(c, core::Sha256Hex(raw), u.id, purpose, expires);
    });
    std::string link =
        config_.site_url + (verify ? "/user/verify?token=" : "/user/reset/confirm?token=") + raw;
    if (verify && !next.empty()) link += "&next=" + core::UrlEncode(next);
    std::string prefix = verify ? "mail.verify." : "mail.reset.";
    std::vector<std::pair<std::string, std::string>> vars = {
        {"name", u.DisplayName(locale)},
        {"link", link},
        {"site", i18n_.SiteTitle(config_.site_title, locale)},
        {"hours", std::to_string(config_.verify_hours)},
        {"minutes", std::to_string(config_.reset_minutes)}};
    mail::Message m;
    m.to = u.email;
    m.subject = i18n_.Localize(locale, core::Message(prefix + "subject", vars));
    m.text = i18n_.Localize(locale, core::Message(prefix + "body", vars));
    try {
        send_mail_(m);
    } catch (const std::exception& e) {
        // The account is kept; the user can ask for the link again.
        core::LogError("mail.send", e.what(), "\"user\":\"" + core::JsonEscape(u.name) + "\"");
    }
}

void AccountService::SendRegisteredAlready(const User& owner) {
    if (owner.state == UserState::kCancelled) return;
    std::string locale = owner.locale == "en" ? "en" : "th";
    std::vector<std::pair<std::string, std::string>> vars = {
        {"name", owner.DisplayName(locale)},
        {"user", owner.name},
        {"login", config_.site_url + "/user/login"},
        {"reset", config_.site_url + "/user/reset"},
        {"site", i18n_.SiteTitle(config_.site_title, locale)}};
    mail::Message m;
    m.to = owner.email;
    m.subject = i18n_.Localize(locale, core::Message("mail.registered_already.subject", vars));
    m.text = i18n_.Localize(locale, core::Message("mail.registered_already.body", vars));
    try {
        send_mail_(m);
    } catch (const std::exception& e) {
        core::LogError("mail.send", e.what(), "\"user\":\"" + core::JsonEscape(owner.name) + "\"");
    }
}

void AccountService::ResendVerification(const std::string& email, const Caller& caller) {
    std::optional<User> u;
    db_.Read([&](db::Connection& c) {
        u = store::FindUserByEmail(c, core::ToLower(core::Trim(email)));
    });
    if (!u || u->state != UserState::kPending || !u->email_verified_at.empty()) return;
    SendEmailLink(*u, EmailTokenPurpose::kVerify, caller.locale);
}

Result<User> AccountService::VerifyEmail(const std::string& token, const Caller& caller) {
    Errors errors;
    std::optional<User> user;
    std::string hash = core::Sha256Hex(token);
    db_.Write([&](db::Connection& c) {
        auto t = store::FindEmailToken(c, hash, EmailTokenPurpose::kVerify);
        if (!t) return errors.Add("token", "verify.invalid");
        if (!t->used_at.empty()) return errors.Add("token", "verify.used");
        if (Expired(t->expires)) return errors.Add("token", "verify.expired");
        if (!store::UseEmailToken(c, hash, core::NowIso()))
            return errors.Add("token", "verify.used");
        user = store::FindUserById(c, t->user_id);
        if (!user) return errors.Add("token", "verify.invalid");
        store::MarkEmailVerified(c, user->id, core::NowIso());
        if (user->state == UserState::kPending) {
            store::SetState(c, user->id, UserState::kActive);
            user->state = UserState::kActive;
        }
        audit::Record(c, caller.actor(user->id), "user.verify_email", "user", user->id);
    });
    if (!errors.empty()) return errors;
    return *user;
}

Result<LoginResult> AccountService::Login(const std::string& login, const std::string& password,
                                          const Caller& caller) {
    Errors errors;
    std::string key = core::ToLower(core::Trim(login));
    std::optional<User> u;
    db_.Read([&](db::Connection& c) {
        u = key.find('@') != std::string::npos ? store::FindUserByEmail(c, key)
                                               : store::FindUserByName(c, key);
    });
    // Failures are counted per submitted name or e-mail address, as typed (lower-cased),
    // whether or not an account has it, so a known and an unknown one answer alike: the same
    // 401s, then the same lock-out. Counting an address under its account's name would tell
    // which address belongs to which name. What only the owner may learn (pending, suspended,
    // the second step locked) comes after the right password.
    std::string counter = internal::PasswordFailureKey(key);
    int64_t now = core::NowEpochSeconds();
    int64_t locked = db_.Read([&](db::Connection& c) { return store::LockedUntil(c, counter); });
    if (locked > now) {
        // The password is not even tried: a lock that still answered it would be no lock.
        errors.Add("", internal::LockedMessage("login.locked", locked, now));
        return errors;
    }
    // An unknown name costs the same work as a wrong password.
    static const std::string dummy_hash = HashPassword(core::RandomToken());
    if (!VerifyPassword(u ? u->password_hash : dummy_hash, password)) {
        int64_t until = db_.Write([&](db::Connection& c) {
            int64_t end = CountLoginFailure(c, key, now);
            if (u)
                audit::Record(c, caller.actor(u->id), end ? "user.locked" : "user.login_failed",
                              "user", u->id);
            return end;
        });
        SweepFailures(now);
        errors.Add("", until ? internal::LockedMessage("login.locked", until, now)
                             : std::string("login.invalid"));
        return errors;
    }
    switch (u->state) {
        case UserState::kPending:
            errors.Add("", "login.pending");
            return errors;
        case UserState::kSuspended:
            errors.Add("", "login.suspended");
            return errors;
        case UserState::kCancelled:
            errors.Add("", "login.cancelled");
            return errors;
        case UserState::kActive:
            break;
    }
    if (NeedsRehash(u->password_hash)) {
        // A hash brought from CKAN (or older settings): govhub's own from this login on.
        db_.Write([&](db::Connection& c) {
            store::SetPassword(c, u->id, HashPassword(password), u->must_change_password);
            audit::Record(c, caller.actor(u->id), "user.password_rehashed", "user", u->id);
        });
    }
    if (u->totp_enabled) {
        int64_t code_locked = db_.Read([&](db::Connection& c) {
            return store::LockedUntil(c, internal::CodeFailureKey(u->id));
        });
        if (code_locked > now) {
            errors.Add("", internal::LockedMessage("login.second_step_locked", code_locked, now));
            return errors;
        }
    }
    if (u->totp_enabled) {
        LoginResult second;
        second.second_step_ticket = core::RandomToken();
        second.principal = ToPrincipal(*u);
        db_.Write([&](db::Connection& c) {
            store::DeleteLoginChallenge(c, "", core::NowIso());  // expired ones
            store::InsertLoginChallenge(c, core::Sha256Hex(second.second_step_ticket), u->id,
                                        core::IsoInSeconds(config_.second_step_seconds));
        });
        return second;
    }
    return StartSession(*u, caller, Json::object());
}

int64_t AccountService::CountLoginFailure(db::Connection& c, const std::string& login_key,
                                          int64_t now) {
    return store::CountFailure(c, internal::PasswordFailureKey(login_key), now,
                               config_.lockout_minutes * 60, config_.lockout_threshold,
                               config_.lockout_minutes * 60);
}

void AccountService::ClearLoginFailures(db::Connection& c, const User& u) {
    store::ClearFailures(c, internal::PasswordFailureKey(u.name));
    store::ClearFailures(c, internal::PasswordFailureKey(core::ToLower(u.email)));
}

void AccountService::SweepFailures(int64_t now) {
    // Now and then, by whichever node gets there first; a day keeps every window and lock.
    int64_t last = last_failure_sweep_.load();
    if (now - last < 600 || !last_failure_sweep_.compare_exchange_strong(last, now)) return;
    db_.Write([&](db::Connection& c) { store::SweepFailures(c, now - 86400, now); });
}

LoginResult AccountService::StartSession(const User& u, const Caller& caller, const Json& details) {
    LoginResult result;
    result.session_token = core::RandomToken();
    store::SessionRow s;
    s.id = core::NewUuid();
    s.user_id = u.id;
    s.csrf_token = core::RandomToken();
    s.last_seen = core::NowIso();
    s.expires = core::IsoInSeconds(int64_t{config_.session_days} * 86400);
    db_.Write([&](db::Connection& c) {
        store::InsertSession(c, core::Sha256Hex(result.session_token), s, caller.ip,
                             caller.user_agent);
        store::RecordLoginSuccess(c, u.id, s.last_seen);
        // Only a whole login (with its second step) starts the counting again.
        ClearLoginFailures(c, u);
        store::ClearFailures(c, internal::CodeFailureKey(u.id));
        audit::Record(c, caller.actor(u.id), "user.login", "user", u.id, details);
    });
    result.principal = ToPrincipal(u);
    result.principal.session_id = s.id;
    result.principal.csrf_token = s.csrf_token;
    return result;
}

void AccountService::Logout(const Principal& p, const Caller& caller) {
    if (p.session_id.empty()) return;
    db_.Write([&](db::Connection& c) {
        store::DeleteSession(c, p.session_id);
        audit::Record(c, caller.actor(), "user.logout", "user", p.user_id);
    });
}

void AccountService::RequestPasswordReset(const std::string& email, const Caller& caller) {
    std::optional<User> u;
    db_.Read([&](db::Connection& c) {
        u = store::FindUserByEmail(c, core::ToLower(core::Trim(email)));
    });
    if (!u || u->state == UserState::kCancelled) return;
    db_.Write([&](db::Connection& c) {
        audit::Record(c, caller.actor(u->id), "user.reset_requested", "user", u->id);
    });
    SendEmailLink(*u, EmailTokenPurpose::kReset, caller.locale);
}

bool AccountService::ResetTokenValid(const std::string& token) {
    bool ok = false;
    db_.Read([&](db::Connection& c) {
        auto t = store::FindEmailToken(c, core::Sha256Hex(token), EmailTokenPurpose::kReset);
        ok = t && t->used_at.empty() && !Expired(t->expires);
    });
    return ok;
}

Result<User> AccountService::ResetPassword(const std::string& token, const std::string& password,
                                           const std::string& confirm, const Caller& caller,
                                           bool revoke_tokens) {
    Errors errors;
    std::optional<User> user;
    std::string hash = core::Sha256Hex(token);
    std::string new_hash;
    db_.Read([&](db::Connection& c) {
        auto t = store::FindEmailToken(c, hash, EmailTokenPurpose::kReset);
        if (!t) return errors.Add("token", "reset.invalid");
        if (!t->used_at.empty()) return errors.Add("token", "reset.used");
        if (Expired(t->expires)) return errors.Add("token", "reset.expired");
        user = store::FindUserById(c, t->user_id);
    });
    if (!errors.empty()) return errors;
    if (!user) {
        errors.Add("token", "reset.invalid");
        return errors;
    }
    if (auto why = CheckPasswordPolicy(password, user->name); !why.empty())
        errors.Add("password", why);
    else if (password != confirm)
        errors.Add("password_confirm", "password.mismatch");
    if (!errors.empty()) return errors;
    new_hash = HashPassword(password);
    db_.Write([&](db::Connection& c) {
        // Single use: a replayed link finds the token used.
        if (!store::UseEmailToken(c, hash, core::NowIso()))
            return errors.Add("token", "reset.used");
        store::SetPassword(c, user->id, new_hash, false);
        store::DeleteUserSessions(c, user->id);
        // Whoever knew the old password may have made tokens with it.
        if (revoke_tokens) store::DeleteUserTokens(c, user->id);
        // The e-mailed link proves the owner: the lock-out ends (the message says so).
        ClearLoginFailures(c, *user);
        // The new password ends every other reset link sent before it.
        store::UseAllEmailTokens(c, user->id, EmailTokenPurpose::kReset, core::NowIso());
        // Following the e-mailed link also proves the address.
        if (user->email_verified_at.empty()) store::MarkEmailVerified(c, user->id, core::NowIso());
        if (user->state == UserState::kPending) store::SetState(c, user->id, UserState::kActive);
        audit::Record(c, caller.actor(user->id), "user.password_reset", "user", user->id,
                      {{"tokens_revoked", revoke_tokens}});
    });
    if (!errors.empty()) return errors;
    return *user;
}

Result<User> AccountService::ChangePassword(const Principal& p, const std::string& current,
                                            const std::string& password, const std::string& confirm,
                                            const Caller& caller, bool revoke_tokens) {
    Errors errors;
    std::optional<User> u;
    db_.Read([&](db::Connection& c) { u = store::FindUserById(c, p.user_id); });
    if (!u) throw HttpError::Unauthorized();
    if (!VerifyPassword(u->password_hash, current))
        errors.Add("current_password", "password.current_wrong");
    else if (auto why = CheckPasswordPolicy(password, u->name); !why.empty())
        errors.Add("password", why);
    else if (password == current)
        errors.Add("password", "password.same_as_old");
    else if (password != confirm)
        errors.Add("password_confirm", "password.mismatch");
    if (!errors.empty()) return errors;
    std::string hash = HashPassword(password);
    db_.Write([&](db::Connection& c) {
        store::SetPassword(c, u->id, hash, false);
        // Other browsers signed in as this user are signed out.
        store::DeleteUserSessions(c, u->id, p.session_id);
        if (revoke_tokens) store::DeleteUserTokens(c, u->id);
        // A reset link sent before would undo the new password.
        store::UseAllEmailTokens(c, u->id, EmailTokenPurpose::kReset, core::NowIso());
        audit::Record(c, caller.actor(), "user.password_change", "user", u->id,
                      {{"tokens_revoked", revoke_tokens}});
    });
    u->must_change_password = false;
    return *u;
}

std::optional<Principal> AccountService::AuthenticateSession(const std::string& raw) {
    if (raw.empty() || raw.size() > 128) return std::nullopt;
    std::optional<std::pair<store::SessionRow, User>> found;
    db_.Read([&](db::Connection& c) { found = store::FindSession(c, core::Sha256Hex(raw)); });
    if (!found) return std::nullopt;
    auto& [s, u] = *found;
    if (Expired(s.expires) || u.state != UserState::kActive) return std::nullopt;
    // Sliding expiry, written at most every five minutes to keep reads cheap.
    int64_t last = core::ParseIsoMicros(s.last_seen);
    if (last < 0 || core::NowEpochMicros() - last > int64_t{300} * 1000000) {
        db_.Write([&](db::Connection& c) {
            store::TouchSession(c, s.id, core::NowIso(),
                                core::IsoInSeconds(int64_t{config_.session_days} * 86400));
        });
    }
    Principal p = ToPrincipal(u);
    p.session_id = s.id;
    p.csrf_token = s.csrf_token;
    return p;
}

std::optional<Principal> AccountService::AuthenticateToken(const std::string& raw) {
    if (raw.empty() || raw.size() > 256) return std::nullopt;
    std::optional<std::pair<ApiToken, User>> found;
    db_.Read(
        [&](db::Connection& c) { found = store::FindApiTokenByHash(c, core::Sha256Hex(raw)); });
    if (!found) return std::nullopt;
    auto& [t, u] = *found;
    if ((!t.expires.empty() && Expired(t.expires)) || u.state != UserState::kActive)
        return std::nullopt;
    int64_t last = t.last_used.empty() ? -1 : core::ParseIsoMicros(t.last_used);
    if (last < 0 || core::NowEpochMicros() - last > int64_t{60} * 1000000) {
        db_.Write([&](db::Connection& c) { store::TouchApiToken(c, t.id, core::NowIso()); });
    }
    Principal p = ToPrincipal(u);
    p.via_token = true;
    // API-token callers are not browsers; they never change a password through the API.
    p.must_change_password = false;
    return p;
}

bool AccountService::HasCapacity(const Principal* p, const std::string& object_type,
                                 const std::string& object_id, Capacity capacity) {
    if (!p) return false;
    if (p->sysadmin) return true;
    std::optional<Capacity> held;
    db_.Read([&](db::Connection& c) {
        held = store::FindMembership(c, p->user_id, object_type, object_id);
    });
    return HoldsCapacity(p, held, capacity);
}

std::vector<User> AccountService::ListUsersPublic(const Principal* viewer, const std::string& q,
                                                  int limit) {
    if (!CanListUsers(viewer, config_.public_user_details))
        throw HttpError(403, "forbidden",
                        "Authorization Error: User not authorized to list users (log in first)");
    std::vector<User> out;
    std::string q_lower = core::ToLower(q);
    db_.Read([&](db::Connection& c) {
        for (auto& u : store::ListActiveUsers(c, std::clamp(limit, 1, 1000))) {
            if (!q.empty() && u.name.find(q) == std::string::npos &&
                u.fullname_th.find(q) == std::string::npos &&
                core::ToLower(u.fullname_en).find(q_lower) == std::string::npos)
                continue;
            out.push_back(std::move(u));
        }
    });
    return out;
}

std::optional<User> AccountService::ViewUser(const std::string& key, const Principal* viewer) {
    std::optional<User> u;
    db_.Read([&](db::Connection& c) { u = store::FindUser(c, key); });
    if (!u) return std::nullopt;
    // Only active accounts are public; the owner and sysadmins see every state.
    if (!CanSeeUser(viewer, u->id, u->state)) return std::nullopt;
    return u;
}

User AccountService::RequireManageable(const Principal& p, const std::string& user_key) {
    std::optional<User> u;
    db_.Read([&](db::Connection& c) {
        u = store::FindUser(c, user_key.empty() ? p.user_id : user_key);
    });
    if (!u) throw HttpError::NotFound("error.user_not_found");
    if (!CanManageTokens(&p, u->id)) throw HttpError::Forbidden();
    return *u;
}

NewApiToken AccountService::CreateApiToken(const Principal& p, const std::string& user_key,
                                           const std::string& raw_name, const Caller& caller) {
    User u = RequireManageable(p, user_key);
    std::string name = core::Trim(raw_name);
    if (name.empty() || core::Utf8Length(name) > 100 || !core::IsValidUtf8(name))
        throw HttpError::Validation({{"name", "token.name_invalid"}});
    NewApiToken out;
    out.raw = core::RandomToken(32);
    out.token.id = core::NewUuid();
    out.token.user_id = u.id;
    out.token.name = name;
    out.token.created = core::NowIso();
    db_.Write([&](db::Connection& c) {
        if (store::ListApiTokens(c, u.id).size() >= 100)
            throw HttpError::Validation({{"name", "token.too_many"}});
        store::InsertApiToken(c, out.token, core::Sha256Hex(out.raw));
        audit::Record(c, caller.actor(), "api_token.create", "api_token", out.token.id,
                      {{"user_id", u.id}, {"name", name}});
    });
    return out;
}

std::optional<std::pair<ApiToken, std::vector<UsageRow>>> AccountService::TokenUsage(
    const Principal& p, const std::string& user_key, const std::string& token_id) {
    User u = RequireManageable(p, user_key);
    auto tokens = db_.Read([&](db::Connection& c) { return store::ListApiTokens(c, u.id); });
    for (const auto& t : tokens)
        if (t.id == token_id) return std::make_pair(t, usage_.Usage(t.id));
    return std::nullopt;
}

std::vector<ApiToken> AccountService::ListApiTokens(const Principal& p,
                                                    const std::string& user_key) {
    User u = RequireManageable(p, user_key);
    std::vector<ApiToken> out;
    db_.Read([&](db::Connection& c) { out = store::ListApiTokens(c, u.id); });
    return out;
}

void AccountService::RevokeApiToken(const Principal& p, const std::string& id_or_token,
                                    const Caller& caller) {
    db_.Write([&](db::Connection& c) {
        std::optional<ApiToken> t;
        if (core::IsUuid(id_or_token)) t = store::FindApiToken(c, id_or_token);
        if (!t) {
            if (auto found = store::FindApiTokenByHash(c, core::Sha256Hex(id_or_token)))
                t = found->first;
        }
        if (!t) throw HttpError::NotFound("error.token_not_found");
        if (!CanManageTokens(&p, t->user_id)) throw HttpError::Forbidden();
        store::DeleteApiToken(c, t->id);
        audit::Record(c, caller.actor(), "api_token.revoke", "api_token", t->id,
                      {{"user_id", t->user_id}});
    });
}

User AccountService::CreateUserAdmin(const std::string& raw_name, const std::string& raw_email,
                                     const std::string& password, bool sysadmin,
                                     const std::string& fullname_th,
                                     const std::string& fullname_en) {
    User u;
    u.id = core::NewUuid();
    u.name = core::ToLower(core::Trim(raw_name));
    u.email = core::ToLower(core::Trim(raw_email));
    if (!IsValidSlug(u.name))
        throw std::runtime_error("invalid user name: use a-z, 0-9, - and _ (2-100 characters)");
    if (!IsValidEmail(u.email)) throw std::runtime_error("invalid e-mail address");
    if (auto why = CheckPasswordPolicy(password, u.name); !why.empty())
        throw std::runtime_error("password rejected: " + i18n_.Get("en", why));
    u.fullname_th = fullname_th.empty() ? u.name : fullname_th;
    u.fullname_en = fullname_en.empty() ? u.name : fullname_en;
    u.state = UserState::kActive;
    u.sysadmin = sysadmin;
    u.created = core::NowIso();
    u.email_verified_at = u.created;
    u.locale = "th";
    u.password_hash = HashPassword(password);
    db_.Write([&](db::Connection& c) {
        if (store::FindUserByName(c, u.name))
            throw std::runtime_error("user name already taken: " + u.name);
        if (store::FindUserByEmail(c, u.email))
            throw std::runtime_error("e-mail already registered: " + u.email);
        store::InsertUser(c, u);
        audit::Record(c, {}, "user.create", "user", u.id, {{"sysadmin", sysadmin}, {"by", "cli"}});
    });
    return u;
}

std::string AccountService::ResetPasswordAdmin(const std::string& user_key,
                                               const std::string& given) {
    std::string password = given.empty() ? core::RandomPassword(16) : given;
    db_.Write([&](db::Connection& c) {
        auto u = store::FindUser(c, user_key);
        if (!u) throw std::runtime_error("no such user: " + user_key);
        if (!given.empty()) {
            if (auto why = CheckPasswordPolicy(given, u->name); !why.empty())
                throw std::runtime_error("password rejected: " + i18n_.Get("en", why));
        }
        store::SetPassword(c, u->id, HashPassword(password), true);
        store::DeleteUserSessions(c, u->id);
        audit::Record(c, {}, "user.password_reset_by_operator", "user", u->id, {{"by", "cli"}});
    });
    return password;
}

NewApiToken AccountService::CreateApiTokenAdmin(const std::string& user_key,
                                                const std::string& name) {
    std::optional<User> u;
    db_.Read([&](db::Connection& c) { u = store::FindUser(c, user_key); });
    if (!u) throw std::runtime_error("no such user: " + user_key);
    Principal p = ToPrincipal(*u);
    p.sysadmin = true;  // operator acting on the user's behalf
    return CreateApiToken(p, u->id, name, Caller{});
}

std::optional<std::string> AccountService::EnsureInitialAdmin() {
    bool exists = false;
    db_.Read([&](db::Connection& c) { exists = store::FindUserByName(c, "admin").has_value(); });
    if (exists) return std::nullopt;
    std::string password = core::RandomPassword(16) + "7";
    User u = CreateUserAdmin("admin", "admin@localhost.localdomain", password, true, "ผู้ดูแลระบบ",
                             "Administrator");
    db_.Write([&](db::Connection& c) { store::SetPassword(c, u.id, u.password_hash, true); });
    return password;
}

}  // namespace govhub::accounts

// Two-factor authentication: TOTP (RFC 6238) set up from a QR code, recovery codes for a
// lost phone, and the login's second step. Secrets stay in the database; recovery codes only
// as hashes.
#include "accounts/auth.hpp"
#include "accounts/password.hpp"
#include "accounts/service.hpp"
#include "accounts/service_internal.hpp"
#include "accounts/store.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"
#include "core/totp.hpp"

namespace govhub::accounts {
namespace {

constexpr int kRecoveryCodes = 10;
constexpr int kSecondStepAttempts = 5;  // per ticket
// Per account, whatever the ticket: a new password login gives no new guesses.
constexpr int kCodeFailures = 5;
constexpr int kCodeWindowSeconds = 300;
// Recovery codes: no 0/o, 1/l/i to misread on paper.
constexpr std::string_view kRecoveryAlphabet = "23456789abcdefghjkmnpqrstuvwxyz";

// What a person typed as a recovery code, in its stored form; nullopt when it cannot be one.
std::optional<std::string> RecoveryCodeOf(const std::string& typed) {
    std::string out;
    for (char ch : core::ToLower(core::Trim(typed))) {
        if (ch == '-' || ch == ' ') continue;
        if (kRecoveryAlphabet.find(ch) == std::string_view::npos) return std::nullopt;
        out += ch;
    }
    if (out.size() != 10) return std::nullopt;
    return out;
}

std::string RecoveryHash(const std::string& user_id, const std::string& code) {
    return core::Sha256Hex(user_id + ":" + code);
}

// Fresh codes for `user_id`: stored as hashes, returned as the person writes them down.
std::vector<std::string> IssueRecoveryCodes(db::Connection& c, const std::string& user_id) {
    std::vector<std::string> shown, hashes;
    for (int i = 0; i < kRecoveryCodes; ++i) {
        std::string code = core::RandomFrom(kRecoveryAlphabet, 10);
        hashes.push_back(RecoveryHash(user_id, code));
        shown.push_back(code.substr(0, 5) + "-" + code.substr(5));
    }
    store::ReplaceRecoveryCodes(c, user_id, hashes);
    return shown;
}

// The time step of a current code from the person's confirmed (or, while setting up, pending)
// secret; nullopt when the code is wrong.
std::optional<int64_t> CodeStep(const store::TotpRow& row, const std::string& code) {
    auto secret = core::Base32Decode(row.secret);
    if (!secret) return std::nullopt;
    return core::MatchTotp(*secret, code, core::NowEpochSeconds());
}

// Takes a current code from a confirmed app for a change to the second factor itself; the
// error's message key when there is no app or the code is wrong or used.
std::string UseCodeFromApp(db::Connection& c, const std::string& user_id, const std::string& code) {
    auto row = store::FindTotp(c, user_id);
    if (!row || row->confirmed.empty()) return "totp.not_enabled";
    auto step = CodeStep(*row, code);
    if (!step || !store::UseTotpStep(c, user_id, *step)) return "login.bad_code";
    return {};
}

}  // namespace

Result<LoginResult> AccountService::CompleteLogin(const std::string& ticket,
                                                  const std::string& code, const Caller& caller) {
    Errors errors;
    std::string hash = core::Sha256Hex(ticket);
    std::string now = core::NowIso();
    auto challenge =
        ticket.empty() || ticket.size() > 128
            ? std::nullopt
            : db_.Read([&](db::Connection& c) { return store::FindLoginChallenge(c, hash); });
    std::optional<User> u;
    if (challenge && challenge->expires > now && challenge->attempts < kSecondStepAttempts)
        u = db_.Read([&](db::Connection& c) { return store::FindUserById(c, challenge->user_id); });
    if (!u || u->state != UserState::kActive || !u->totp_enabled) {
        db_.Write([&](db::Connection& c) { store::DeleteLoginChallenge(c, hash, now); });
        errors.Add("", "login.second_step_expired");
        return errors;
    }
    int64_t now_s = core::NowEpochSeconds();
    std::string code_key = internal::CodeFailureKey(u->id);
    auto second_step_locked = [&](int64_t until) {
        db_.Write([&](db::Connection& c) { store::DeleteLoginChallenge(c, hash, now); });
        errors.Add("", internal::LockedMessage("login.second_step_locked", until, now_s));
        return errors;
    };
    if (int64_t until =
            db_.Read([&](db::Connection& c) { return store::LockedUntil(c, code_key); });
        until > now_s)
        return second_step_locked(until);
    auto row = db_.Read([&](db::Connection& c) { return store::FindTotp(c, u->id); });
    std::string how;
    bool replayed = false;
    if (auto step = row ? CodeStep(*row, code) : std::nullopt) {
        // A code works once: someone who saw it typed cannot use it too.
        if (db_.Write([&](db::Connection& c) { return store::UseTotpStep(c, u->id, *step); }))
            how = "totp";
        else
            replayed = true;
    } else if (auto recovery = RecoveryCodeOf(code)) {
        if (db_.Write([&](db::Connection& c) {
                return store::UseRecoveryCode(c, u->id, RecoveryHash(u->id, *recovery), now);
            }))
            how = "recovery_code";
    }
    if (how.empty()) {
        // Wrong codes count per account, and toward the password's lock-out too.
        int64_t until = db_.Write([&](db::Connection& c) {
            store::CountChallengeAttempt(c, hash);
            int64_t end = store::CountFailure(c, code_key, now_s, kCodeWindowSeconds, kCodeFailures,
                                              config_.lockout_minutes * 60);
            CountLoginFailure(c, u->name, now_s);
            audit::Record(c, caller.actor(u->id),
                          end ? "user.second_factor_locked" : "user.second_factor_failed", "user",
                          u->id);
            return end;
        });
        if (until) return second_step_locked(until);
        errors.Add("code", replayed ? "login.code_used" : "login.bad_code");
        return errors;
    }
    db_.Write([&](db::Connection& c) { store::DeleteLoginChallenge(c, hash, now); });
    return StartSession(*u, caller, {{"second_factor", how}});
}

SecondFactorStatus AccountService::SecondFactor(const Principal& p) {
    auto u = FindUserById(p.user_id);
    if (!u) throw HttpError::Unauthorized();
    SecondFactorStatus s;
    s.enabled = u->totp_enabled;
    s.required = SecondFactorRequired(*u);
    db_.Write([&](db::Connection& c) {
        if (s.enabled) {
            s.recovery_codes_left = store::RecoveryCodesLeft(c, u->id);
            return;
        }
        auto row = store::FindTotp(c, u->id);
        if (!row) {
            row = store::TotpRow{core::Base32Encode(core::RandomBytes(20))};
            store::SaveTotpSecret(c, u->id, row->secret, core::NowIso());
        }
        s.secret_base32 = row->secret;
    });
    if (!s.enabled) s.uri = core::TotpUri(config_.site_title, u->name, s.secret_base32);
    return s;
}

Result<std::vector<std::string>> AccountService::EnableSecondFactor(const Principal& p,
                                                                    const std::string& code,
                                                                    const Caller& caller) {
    Errors errors;
    std::vector<std::string> codes;
    db_.Write([&](db::Connection& c) {
        auto row = store::FindTotp(c, p.user_id);
        if (!row) return errors.Add("code", "totp.start_again");
        if (!row->confirmed.empty()) return errors.Add("code", "totp.already_enabled");
        auto step = CodeStep(*row, code);
        if (!step) return errors.Add("code", "login.bad_code");
        store::ConfirmTotp(c, p.user_id, core::NowIso(), *step);
        codes = IssueRecoveryCodes(c, p.user_id);
        // Other browsers signed in with the password alone are signed out.
        store::DeleteUserSessions(c, p.user_id, p.session_id);
        audit::Record(c, caller.actor(), "user.second_factor_enable", "user", p.user_id);
    });
    if (!errors.empty()) return errors;
    return codes;
}

Result<std::vector<std::string>> AccountService::NewRecoveryCodes(const Principal& p,
                                                                  const std::string& code,
                                                                  const Caller& caller) {
    Errors errors;
    std::vector<std::string> codes;
    db_.Write([&](db::Connection& c) {
        if (auto why = UseCodeFromApp(c, p.user_id, code); !why.empty())
            return errors.Add("code", why);
        codes = IssueRecoveryCodes(c, p.user_id);
        audit::Record(c, caller.actor(), "user.recovery_codes_new", "user", p.user_id);
    });
    if (!errors.empty()) return errors;
    return codes;
}

Errors AccountService::DisableSecondFactor(const Principal& p, const std::string& password,
                                           const std::string& code, const Caller& caller) {
    Errors errors;
    auto u = FindUserById(p.user_id);
    if (!u) throw HttpError::Unauthorized();
    if (SecondFactorRequired(*u)) {
        errors.Add("", "totp.required_for_role");
        return errors;
    }
    if (!VerifyPassword(u->password_hash, password)) {
        errors.Add("password", "password.current_wrong");
        return errors;
    }
    db_.Write([&](db::Connection& c) {
        if (auto why = UseCodeFromApp(c, p.user_id, code); !why.empty())
            return errors.Add("code", why);
        store::DeleteTotp(c, p.user_id);
        audit::Record(c, caller.actor(), "user.second_factor_disable", "user", p.user_id);
    });
    return errors;
}

void AccountService::ResetSecondFactor(const Principal& admin, const std::string& user_key,
                                       const Caller& caller) {
    internal::RequireSysadmin(admin);
    db_.Write([&](db::Connection& c) {
        auto u = store::FindUser(c, user_key);
        if (!u) throw HttpError::NotFound("admin.no_such_user");
        if (!CanResetSecondFactor(&admin, u->id))
            throw HttpError::Validation({{"", "admin.not_yourself"}});
        store::DeleteTotp(c, u->id);
        store::DeleteUserSessions(c, u->id);
        audit::Record(c, caller.actor(), "user.second_factor_reset", "user", u->id);
    });
}

}  // namespace govhub::accounts

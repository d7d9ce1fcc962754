// The end of an account on its owner's signed request (the service guide's 24-hour process):
// suspension, which an administrator can undo, and cancellation, which anonymises the profile
// for good. Also what the person may download of their record first.
#include "accounts/auth.hpp"
#include "accounts/service.hpp"
#include "accounts/service_internal.hpp"
#include "accounts/store.hpp"
#include "audit/audit.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"

namespace govhub::accounts {

PersonalRecord AccountService::RecordOf(const Principal& p) {
    return db_.Read([&](db::Connection& c) {
        PersonalRecord r;
        auto u = store::FindUserById(c, p.user_id);
        if (!u) throw HttpError::Unauthorized();
        r.user = *u;
        r.user.password_hash.clear();
        r.memberships = store::MembershipsOf(c, p.user_id);
        r.tokens = store::ListApiTokens(c, p.user_id);
        r.sessions = store::SessionsOf(c, p.user_id);
        r.totp_enabled = u->totp_enabled;
        r.recovery_codes_left = store::RecoveryCodesLeft(c, p.user_id);
        return r;
    });
}

std::string AccountService::Close(db::Connection& c, const std::string& user_id, Closure how,
                                  const std::string& reason, const std::string& reference,
                                  const Caller& caller) {
    auto u = store::FindUserById(c, user_id);
    if (!u) throw HttpError::NotFound("admin.no_such_user");
    if (!CanCloseAccount(caller.principal, user_id))
        throw HttpError::Validation({{"", "admin.not_yourself"}});
    if (u->state == UserState::kCancelled)
        throw HttpError::Validation({{"", "admin.cancelled_for_good"}});
    // The site keeps someone who can run it.
    if (u->sysadmin && u->state == UserState::kActive && store::ActiveSysadmins(c).size() < 2)
        throw HttpError::Validation({{"", "closure.last_sysadmin"}});
    const nlohmann::json details = {{"from", ToString(u->state)},
                                    {"reason", core::Trim(reason).substr(0, 1000)},
                                    {"reference", reference}};
    auto record = [&](const std::string& action) {
        audit::Record(c, caller.actor(), action, "user", user_id, details);
    };
    if (how == Closure::kSuspend) {
        if (u->state == UserState::kSuspended) return u->name;  // already: nothing to undo
        store::SetState(c, user_id, UserState::kSuspended);
        store::DeleteUserSessions(c, user_id);
        store::DeleteUserTokens(c, user_id);
        record("user.suspend");
        return u->name;
    }
    // Cancelled: the row stays so the agency's datasets and the log still point somewhere, but
    // nothing in it leads back to the person.
    std::string pseudonym = "cancelled-" + core::HexEncode(core::RandomBytes(6));
    store::AnonymiseUser(c, user_id, pseudonym, pseudonym + "@cancelled.invalid",
                         "!" + core::RandomToken());
    record("user.cancel");
    audit::RedactPerson(c, user_id);
    return pseudonym;
}

}  // namespace govhub::accounts

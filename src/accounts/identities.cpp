#include "accounts/identities.hpp"

#include <nlohmann/json.hpp>

#include "accounts/auth.hpp"
#include "accounts/store.hpp"
#include "audit/audit.hpp"
#include "core/citizen_id.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/strings.hpp"

namespace govhub::accounts {
namespace {

using Json = nlohmann::json;

void RequireSysadmin(const api::Principal& p) {
    if (!CanAdministerUsers(&p)) throw HttpError::Forbidden("admin.sysadmin_only");
}

// What the register gives is checked again here: the service is the last gate before the row.
void CheckIdentity(const VerifiedIdentity& v) {
    std::vector<FieldError> errors;
    auto name = [&](const char* field, const std::string& value, bool required) {
        if (required && core::Trim(value).empty()) errors.push_back({field, "form.required"});
        if (core::Utf8Length(value) > 200) errors.push_back({field, "form.too_long"});
    };
    name("title_th", v.title_th, false);
    name("first_name_th", v.first_name_th, true);
    name("last_name_th", v.last_name_th, true);
    name("first_name_en", v.first_name_en, false);
    name("last_name_en", v.last_name_en, false);
    if (v.birth_year < 2400 || v.birth_year > 2800 || v.birth_month < 0 || v.birth_month > 12 ||
        v.birth_day < 0 || v.birth_day > 31 || (v.birth_month == 0 && v.birth_day != 0))
        errors.push_back({"birth", "accounts.identity.bad_birth"});
    if (v.verifier != "demo" && v.verifier != "dopa" && v.verifier != "gdx")
        errors.push_back({"verifier", "accounts.identity.bad_verifier"});
    if (!errors.empty()) throw HttpError::Validation(std::move(errors));
}

}  // namespace

IdentityService::IdentityService(db::Database& db, const core::Vault& vault, IdentityConfig config)
    : db_(db), vault_(vault), config_(config) {}

bool IdentityService::IdentityTaken(std::string_view citizen_id) {
    auto hashes = vault_.LookupHashes(kCitizenIdHashPurpose, Digits(citizen_id));
    return db_.Read([&](db::Connection& c) { return store::IdentityOwner(c, hashes).has_value(); });
}

std::string IdentityService::Digits(std::string_view typed) const {
    auto digits = core::ParseCitizenId(typed);
    if (!digits) throw HttpError::Validation({{"citizen_id", "accounts.identity.bad_citizen_id"}});
    return *digits;
}

std::optional<VerificationLock> IdentityService::VerificationLocked(std::string_view citizen_id) {
    auto hashes = vault_.LookupHashes(kCitizenIdHashPurpose, Digits(citizen_id));
    int64_t now = core::NowEpochSeconds();
    auto row =
        db_.Read([&](db::Connection& c) { return store::FindVerificationFailure(c, hashes); });
    if (!row || row->locked_until <= now) return std::nullopt;
    return VerificationLock{row->locked_until, row->failures};
}

VerificationReservation IdentityService::ReserveVerification(std::string_view citizen_id) {
    auto hashes = vault_.LookupHashes(kCitizenIdHashPurpose, Digits(citizen_id));
    const std::string& current = hashes.front();
    int64_t now = core::NowEpochSeconds();
    std::string ticket = core::RandomToken(24);
    return db_.Write([&](db::Connection& c) -> VerificationReservation {
        // Everything that decides is read under the ID's lock, and the reservation is written
        // before it is let go: a parallel check sees it.
        store::LockVerificationOf(c, current);
        store::SweepVerificationFailures(c, now - config_.window_seconds, now);
        store::SweepVerificationChecks(c, now);
        auto row = store::FindVerificationFailure(c, hashes);
        if (row && row->locked_until > now)
            return {{}, VerificationLock{row->locked_until, row->failures}};
        int failures = row ? row->failures : 0;
        auto flying = store::VerificationChecksInFlight(c, hashes, now);
        if (failures + flying.count >= config_.max_failures)
            return {{},
                    VerificationLock{
                        flying.count ? flying.last_expiry : now + config_.check_lease_seconds,
                        failures},
                    flying.count > 0};
        store::InsertVerificationCheck(c, ticket, current, now + config_.check_lease_seconds);
        return {ticket, std::nullopt};
    });
}

void IdentityService::ReleaseVerification(const std::string& ticket) {
    if (ticket.empty()) return;
    db_.Write([&](db::Connection& c) { store::DeleteVerificationCheck(c, ticket); });
}

std::optional<VerificationLock> IdentityService::RecordVerificationFailure(
    std::string_view citizen_id, const std::string& user_id, const std::string& ticket) {
    auto hashes = vault_.LookupHashes(kCitizenIdHashPurpose, Digits(citizen_id));
    const std::string& current = hashes.front();
    int64_t now = core::NowEpochSeconds();
    return db_.Write([&](db::Connection& c) -> std::optional<VerificationLock> {
        store::LockVerificationOf(c, current);
        // The try becomes a counted failure in one step: never both, never neither. A lapsed
        // reservation (the verifier took longer than its lease) still counts: it was asked.
        if (!ticket.empty()) store::DeleteVerificationCheck(c, ticket);
        store::SweepVerificationFailures(c, now - config_.window_seconds, now);
        auto row = store::FindVerificationFailure(c, hashes);
        if (row && row->locked_until > now)  // locked: nothing more to count
            return VerificationLock{row->locked_until, row->failures};
        // A counter under an old key moves to the current one (the count goes with it).
        if (row && row->cid_hash != current) {
            store::DeleteVerificationFailures(c, {row->cid_hash});
            for (int i = 0; i < row->failures; ++i)
                store::CountVerificationFailure(c, current, row->user_id, row->window_start,
                                                config_.window_seconds);
        }
        int failures =
            store::CountVerificationFailure(c, current, user_id, now, config_.window_seconds);
        if (failures < config_.max_failures) return std::nullopt;
        int64_t until = now + config_.lock_seconds;
        store::LockVerification(c, current, until);
        // Recorded against the account that tried (if any); the ID only as its keyed hash.
        audit::Record(c, {user_id}, "identity.verification_locked", "identity_verification",
                      current,
                      Json{{"failures", failures}, {"until", core::IsoUtc(until * 1000000)}});
        return VerificationLock{until, failures};
    });
}

void IdentityService::RecordVerificationSuccess(std::string_view citizen_id,
                                                const std::string& ticket) {
    auto hashes = vault_.LookupHashes(kCitizenIdHashPurpose, Digits(citizen_id));
    db_.Write([&](db::Connection& c) {
        store::LockVerificationOf(c, hashes.front());
        if (!ticket.empty()) store::DeleteVerificationCheck(c, ticket);
        store::DeleteVerificationFailures(c, hashes);
    });
}

int IdentityService::UnlockVerification(const api::Principal& staff,
                                        std::string_view citizen_id_or_user,
                                        const api::Caller& caller) {
    RequireSysadmin(staff);
    std::string key = core::Trim(citizen_id_or_user);
    if (auto digits = core::ParseCitizenId(key)) {
        auto hashes = vault_.LookupHashes(kCitizenIdHashPurpose, *digits);
        return db_.Write([&](db::Connection& c) {
            int n = store::DeleteVerificationFailures(c, hashes);
            audit::Record(c, caller.actor(), "identity.verification_unlock",
                          "identity_verification", hashes.front(),
                          Json{{"by", "citizen_id"}, {"counters", n}});
            return n;
        });
    }
    return db_.Write([&](db::Connection& c) {
        auto u = key.empty() ? std::nullopt : store::FindUser(c, key);
        if (!u) throw HttpError::NotFound("admin.no_such_user");
        int n = store::DeleteVerificationFailuresOfUser(c, u->id);
        audit::Record(c, caller.actor(), "identity.verification_unlock", "user", u->id,
                      Json{{"by", "user"}, {"counters", n}});
        return n;
    });
}

std::vector<IdentityService::CounterView> IdentityService::VerificationCounters(
    const api::Principal& staff) {
    RequireSysadmin(staff);
    int64_t now = core::NowEpochSeconds();
    return db_.Read([&](db::Connection& c) {
        std::vector<CounterView> out;
        for (const auto& r :
             store::ListVerificationCounters(c, now - config_.window_seconds, 200)) {
            if (r.row.locked_until <= now && r.row.failures == 0) continue;
            out.push_back({r.row.cid_hash, r.row.failures,
                           r.row.locked_until > now ? r.row.locked_until : 0, r.user_name});
        }
        return out;
    });
}

int IdentityService::UnlockVerificationKey(const api::Principal& staff, const std::string& key,
                                           const api::Caller& caller) {
    RequireSysadmin(staff);
    if (key.empty() || key.size() > 200) throw HttpError::NotFound("admin.no_such_lock");
    return db_.Write([&](db::Connection& c) {
        int n = store::DeleteVerificationFailures(c, {key});
        if (n > 0)
            audit::Record(c, caller.actor(), "identity.verification_unlock",
                          "identity_verification", key, Json{{"by", "list"}, {"counters", n}});
        return n;
    });
}

VerifiedIdentity IdentityService::AttachIdentity(const std::string& user_id,
                                                 VerifiedIdentity identity,
                                                 std::string_view citizen_id,
                                                 const api::Caller& caller) {
    std::string digits = Digits(citizen_id);
    for (std::string* s : {&identity.title_th, &identity.first_name_th, &identity.last_name_th,
                           &identity.first_name_en, &identity.last_name_en})
        *s = core::Trim(*s);
    CheckIdentity(identity);
    identity.verified_at = core::NowIso();
    identity.masked_citizen_id = core::MaskCitizenId(digits);
    auto hashes = vault_.LookupHashes(kCitizenIdHashPurpose, digits);
    store::IdentityRow row{user_id, hashes.front(), vault_.Seal(kCitizenIdSealPurpose, digits),
                           identity};
    auto refuse = [](const char* key) { return HttpError::Validation({{"citizen_id", key}}, key); };
    try {
        db_.Write([&](db::Connection& c) {
            if (!store::FindUserById(c, user_id)) throw HttpError::NotFound("admin.no_such_user");
            if (store::FindIdentity(c, user_id)) throw refuse("accounts.identity.already_verified");
            // Under any key version: during a rotation the other row may not be re-hashed yet.
            if (store::IdentityOwner(c, hashes))
                throw refuse("accounts.identity.already_registered");
            store::InsertIdentity(c, row);
            store::DeleteVerificationFailures(c, hashes);
            audit::Record(c, caller.actor(user_id), "identity.attach", "user", user_id,
                          Json{{"verifier", identity.verifier}});
        });
    } catch (const db::Error& e) {
        // Two sign-ups with one ID at the same moment: the unique index decides.
        if (e.kind() != db::Error::Kind::kUniqueViolation) throw;
        throw refuse("accounts.identity.already_registered");
    }
    return identity;
}

std::optional<VerifiedIdentity> IdentityService::FindIdentity(const std::string& user_id) {
    auto row = db_.Read([&](db::Connection& c) { return store::FindIdentity(c, user_id); });
    if (!row) return std::nullopt;
    auto digits = vault_.Open(kCitizenIdSealPurpose, row->cid_sealed);
    // A value no key opens (a lost key file) still shows that an identity is there.
    row->identity.masked_citizen_id =
        digits ? core::MaskCitizenId(*digits) : std::string("X-XXXX-XXXXX-XX-X");
    return row->identity;
}

std::string IdentityService::RevealCitizenId(const std::string& user_id,
                                             const api::Principal& staff,
                                             const api::Caller& caller) {
    RequireSysadmin(staff);
    auto row = db_.Read([&](db::Connection& c) { return store::FindIdentity(c, user_id); });
    if (!row) throw HttpError::NotFound("accounts.identity.none");
    auto digits = vault_.Open(kCitizenIdSealPurpose, row->cid_sealed);
    if (!digits) throw HttpError(500, "internal", "accounts.identity.unreadable");
    db_.Write([&](db::Connection& c) {
        audit::Record(c, caller.actor(), "identity.reveal", "user", user_id, Json::object());
    });
    return *digits;
}

ResealCounts IdentityService::ResealAll(int batch) {
    ResealCounts counts;
    batch = std::max(1, batch);
    const std::string prefix = "v" + std::to_string(vault_.current_version()) + "$";
    std::string after;
    for (;;) {
        auto rows = db_.Read(
            [&](db::Connection& c) { return store::IdentitiesNotAt(c, prefix, after, batch); });
        if (rows.empty()) break;
        after = rows.back().user_id;
        db_.Write([&](db::Connection& c) {
            for (const auto& r : rows) {
                auto digits = vault_.Open(kCitizenIdSealPurpose, r.cid_sealed);
                if (!digits) {
                    ++counts.unreadable;
                    core::LogError("vault.reseal", "a verified identity no key opens",
                                   "\"user\":\"" + r.user_id + "\"");
                    continue;
                }
                store::UpdateIdentityVault(c, r.user_id,
                                           vault_.Hash(kCitizenIdHashPurpose, *digits),
                                           vault_.Seal(kCitizenIdSealPurpose, *digits));
                ++counts.resealed;
            }
        });
    }
    int64_t now = core::NowEpochSeconds();
    counts.waiting = db_.Write([&](db::Connection& c) {
        return store::SweepVerificationFailuresNotAt(c, prefix, now - config_.window_seconds, now);
    });
    return counts;
}

}  // namespace govhub::accounts

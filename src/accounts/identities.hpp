#pragma once
// Verified identities on accounts (issue 16: one govhub account serves every service, and
// Learning requires it to carry an identity the civil register confirmed). The citizen ID is
// kept only through the vault (core/vault.hpp): a keyed hash for "one ID, one account" and the
// verification lock, a sealed value that sysadmins may reveal (audited); everywhere else it is
// masked ("1-1011-XXXXX-XX-9"). The laser code is never given to this service.
//
// The verification lock: kMaxFailures failed checks of one citizen ID within a window lock
// that ID's verification for lock_seconds (whoever tries it), so nobody can guess laser codes;
// a success clears the count; sysadmins unlock (audited). Limits per IP come first and are the
// page's (http rate limits).
//
// Checks in flight: the verifier can take seconds, and guesses sent in parallel would all pass a
// lock that is only read before asking it. So a check first reserves one of the ID's remaining
// tries (ReserveVerification: max_failures - failures - checks already in flight), in the write
// transaction that reads the counter, under a per-ID lock that holds across nodes sharing the
// database; the answer closes the reservation (a failure becomes a counted failure; a pass or
// "try later" gives the try back). A reservation whose node died lapses after
// check_lease_seconds. So at most max_failures checks of one ID ever reach the verifier before
// it locks.
//
// Errors (HttpError): 409 `citizen_id` accounts.identity.bad_citizen_id (not 13 digits with a
// good check digit), accounts.identity.already_registered (another account holds the ID),
// accounts.identity.already_verified (this account has one); 409 on other fields
// (form.required, form.too_long, accounts.identity.bad_birth, accounts.identity.bad_verifier);
// 403 admin.sysadmin_only; 404 admin.no_such_user / accounts.identity.none.
#include <optional>
#include <string>
#include <string_view>

#include "accounts/model.hpp"
#include "api/principal.hpp"
#include "core/vault.hpp"
#include "db/database.hpp"

namespace govhub::accounts {

// The vault's purposes: a value hashed or sealed for one never matches or opens for another.
inline constexpr const char* kCitizenIdHashPurpose = "accounts.identity.cid_hash";
inline constexpr const char* kCitizenIdSealPurpose = "accounts.identity.cid";

struct IdentityConfig {
    int max_failures = 5;        // failed checks of one ID ...
    int window_seconds = 86400;  // ... within this long ...
    int lock_seconds = 86400;    // ... lock its verification this long
    // How long a check in flight holds its try when nobody closes it (its node died): longer
    // than the verifier can take (app.cpp: twice --identity-timeout-ms and 30 s).
    int check_lease_seconds = 90;
};

// A try reserved for one check (ReserveVerification); `ticket` is empty when refused, and then
// `lock` says until when: the ID's lock, or, when every remaining try is in flight, when the
// last of those lapses at the latest.
struct VerificationReservation {
    std::string ticket;
    std::optional<VerificationLock> lock;
    bool busy = false;  // refused because the remaining tries are all in flight, not locked
    explicit operator bool() const { return !ticket.empty(); }
};

class IdentityService {
  public:
    IdentityService(db::Database& db, const core::Vault& vault, IdentityConfig config = {});

    // The lock on a citizen ID's verification (typed in any spelling ParseCitizenId reads),
    // nullopt when checks may go ahead.
    std::optional<VerificationLock> VerificationLocked(std::string_view citizen_id);
    // Before asking the verifier: one of the ID's remaining tries, or the refusal (see above).
    VerificationReservation ReserveVerification(std::string_view citizen_id);
    // Counts a failed check (the laser code or the name did not match), by `user_id` (the
    // account that tried; may be empty), ending its reservation `ticket` (if any) in the same
    // transaction; returns the lock when this failure caused it or one already holds.
    std::optional<VerificationLock> RecordVerificationFailure(std::string_view citizen_id,
                                                              const std::string& user_id = {},
                                                              const std::string& ticket = {});
    // A check passed: the count starts again, and the reservation ends.
    void RecordVerificationSuccess(std::string_view citizen_id, const std::string& ticket = {});
    // No answer to count (the verifier was unavailable, or the check never went out): the try
    // goes back. An unknown or lapsed ticket is no error.
    void ReleaseVerification(const std::string& ticket);
    // Sysadmins: ends the lock of a citizen ID (13 digits), or the locks an account's tries
    // caused (its name or id); audited. Returns how many counters were removed (0: none held).
    int UnlockVerification(const api::Principal& staff, std::string_view citizen_id_or_user,
                           const api::Caller& caller);
    // Sysadmins: the IDs locked now or failing within the window (the ID shows only as the
    // first characters of its keyed hash, with the last account that tried), at most 200; and
    // ending one of them by that hash (the list's button), audited.
    struct CounterView {
        std::string key;  // the keyed hash: what the list's unlock button sends
        int failures = 0;
        int64_t locked_until = 0;  // 0 or past: not locked
        std::string user_name;
    };
    std::vector<CounterView> VerificationCounters(const api::Principal& staff);
    int UnlockVerificationKey(const api::Principal& staff, const std::string& key,
                              const api::Caller& caller);

    // Keeps the identity on the account; audited without the citizen ID. `identity.verified_at`
    // is set here. Throws the 409s above.
    VerifiedIdentity AttachIdentity(const std::string& user_id, VerifiedIdentity identity,
                                    std::string_view citizen_id, const api::Caller& caller);
    // Whether an account holds this citizen ID (said to a person only after their card passed).
    bool IdentityTaken(std::string_view citizen_id);
    // The account's identity, its citizen ID masked; nullopt when it has none.
    std::optional<VerifiedIdentity> FindIdentity(const std::string& user_id);
    // The 13 digits, for a sysadmin (403 otherwise), audited; 404 when there is none.
    std::string RevealCitizenId(const std::string& user_id, const api::Principal& staff,
                                const api::Caller& caller);

    // The rotation job's pass: every identity not at the vault's current version is re-hashed
    // and re-sealed, `batch` rows per transaction; failure counters under an old key are
    // removed once over (a hash cannot be re-keyed) and the running ones counted as waiting.
    ResealCounts ResealAll(int batch = 200);

  private:
    std::string Digits(std::string_view typed) const;

    db::Database& db_;
    const core::Vault& vault_;
    IdentityConfig config_;
};

}  // namespace govhub::accounts

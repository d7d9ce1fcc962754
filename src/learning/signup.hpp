#pragma once
// Learning's verified sign-up (issue 16, steps 1–2): a new account with its identity checked
// by the ID card's laser code, or an existing account adding its identity. The rules, in order:
//   1. local checks (citizen ID check digit, laser format, Buddhist-era birth date, names,
//      consent, the learner profile; for a new account the registration fields) — nothing is
//      sent while any fails;
//   2. the citizen ID's verification lock (5 failed checks in 24 hours lock it 24 hours), with
//      one of its remaining tries reserved for this check (accounts/identities.hpp): checks in
//      flight count, so parallel guesses get "locked" too without reaching the verifier;
//   3. the caller's address budget (default 10 verification calls an hour; an IPv6 address
//      counts with its whole /64, core/net_address.hpp);
//   4. the verifier (DOPA, GDX or the demo card); every answer but "verified" and "try again
//      later" counts as a failure towards the lock;
//   5. only after a pass: "this ID is already registered", so the form reveals nothing about who
//      is registered; then the account (a taken e-mail answers as a new one would, and its owner
//      is told, as /user/register does) and the identity are kept, with the consent.
// The laser code is used for the check and dropped; the citizen ID goes to the vault.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "accounts/identities.hpp"
#include "accounts/service.hpp"
#include "core/error.hpp"
#include "http/rate_limit.hpp"
#include "learning/identity.hpp"
#include "learning/service.hpp"

namespace govhub::learning {

// The PDPA notice a learner accepts: its text is learning.consent.text_v<N>; a new version is a
// new key and a bump here (acceptances of older versions stay recorded with their number).
inline constexpr int kConsentVersion = 1;

struct IdentityForm {
    std::string title_th, first_name_th, last_name_th, first_name_en, last_name_en;
    std::string birth_day, birth_month, birth_year;  // as typed; day/month "0" or "" = unknown
    std::string citizen_id, laser;
    bool civil_servant = false;
    std::string agency_id, position;
    bool consent = false;
};

struct SignupForm {
    IdentityForm identity;
    std::string email, password, password_confirm, locale;
};

struct SignupResult {
    std::vector<FieldError> errors;  // field errors (i18n keys); empty when done
    std::string message;             // a form-wide message (i18n key or core::Message)
    int status = 200;                // the page's status when not done (422, 429, 503 ...)
    bool done = false;
    std::string email;  // sign-up: where the activation link went
};

class SignupService {
  public:
    SignupService(LearningService& learning, accounts::AccountService& accounts,
                  accounts::IdentityService& identities, std::unique_ptr<IdentityVerifier> verifier,
                  http::RateLimitStore& limits, int checks_per_ip_hour, std::string verifier_name);

    // A new account with its verified identity (the visitor is not signed in).
    SignupResult SignUp(const SignupForm& form, const api::Caller& caller);
    // The signed-in account adds its verified identity.
    SignupResult AddIdentity(const IdentityForm& form, const api::Caller& caller);
    bool enabled() const { return verifier_ != nullptr; }
    // Called with the account's id once it holds a verified identity (sign-up or adding it):
    // bulk enrolment's pending invitations of its e-mail address enrol it (app sets it).
    void SetOnVerified(std::function<void(const std::string& user_id)> f) {
        on_verified_ = std::move(f);
    }

  private:
    // Steps 1–4; on a pass returns the identity to keep and the 13 digits.
    SignupResult Check(const IdentityForm& form, const api::Caller& caller,
                       std::vector<FieldError> earlier, const std::string& user_id,
                       accounts::VerifiedIdentity& identity, std::string& citizen_id);
    void SaveProfile(const std::string& user_id, const IdentityForm& form,
                     const api::Caller& caller);

    LearningService& learning_;
    accounts::AccountService& accounts_;
    accounts::IdentityService& identities_;
    std::unique_ptr<IdentityVerifier> verifier_;
    http::RateLimitStore& limits_;
    int checks_per_ip_hour_;
    std::string verifier_name_;  // "demo", "dopa", "gdx": kept with each identity
    std::function<void(const std::string& user_id)> on_verified_;
};

}  // namespace govhub::learning

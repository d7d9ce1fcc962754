#include "learning/signup.hpp"

#include <algorithm>

#include "core/citizen_id.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/i18n.hpp"
#include "core/net_address.hpp"
#include "core/strings.hpp"
#include "core/thai_date.hpp"

namespace govhub::learning {

namespace {

// A field typed as a whole number ("" = 0); nullopt when it is not one.
std::optional<int> Whole(const std::string& typed) {
    std::string t = core::Trim(typed);
    if (t.empty()) return 0;
    auto digits = core::TypedDigits(t);
    auto n = digits ? core::ParseInt(*digits) : std::nullopt;
    if (!n || *n < 0 || *n > 99999) return std::nullopt;
    return static_cast<int>(*n);
}

// Optional texts of the identity (English names, the title): bounded, one line.
void CheckLine(std::vector<FieldError>& errors, const char* field, const std::string& value,
               size_t max_chars) {
    if (!core::IsValidUtf8(value) || core::HasStrayControls(value, false))
        errors.push_back({field, "learning.error.bad_text"});
    else if (core::Utf8Length(value) > max_chars)
        errors.push_back({field, "learning.error.too_long"});
}

// A user name for a learner who signs up with an e-mail address (they log in with the
// address): its local part made a slug, with a random suffix.
std::string UserNameFor(const std::string& email) {
    std::string local = core::ToLower(email.substr(0, email.find('@')));
    std::string slug;
    for (char ch : local) {
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
            slug += ch;
        else if ((ch == '.' || ch == '-' || ch == '_') && !slug.empty() && slug.back() != '-')
            slug += '-';
        if (slug.size() >= 40) break;
    }
    while (!slug.empty() && slug.back() == '-') slug.pop_back();
    if (slug.size() < 2) slug = "learner";
    return slug + "-" + core::RandomFrom("0123456789", 5);
}

}  // namespace

SignupService::SignupService(LearningService& learning, accounts::AccountService& accounts,
                             accounts::IdentityService& identities,
                             std::unique_ptr<IdentityVerifier> verifier,
                             http::RateLimitStore& limits, int checks_per_ip_hour,
                             std::string verifier_name)
    : learning_(learning),
      accounts_(accounts),
      identities_(identities),
      verifier_(std::move(verifier)),
      limits_(limits),
      checks_per_ip_hour_(checks_per_ip_hour),
      verifier_name_(std::move(verifier_name)) {}

SignupResult SignupService::Check(const IdentityForm& form, const api::Caller& caller,
                                  std::vector<FieldError> errors, const std::string& user_id,
                                  accounts::VerifiedIdentity& identity, std::string& citizen_id) {
    SignupResult r;
    r.status = 422;
    // 1. What can be said without asking anyone.
    IdentityClaim claim;
    auto cid = core::ParseCitizenId(form.citizen_id);
    claim.citizen_id = cid.value_or(core::Trim(form.citizen_id));
    claim.first_name_th = core::Trim(form.first_name_th);
    claim.last_name_th = core::Trim(form.last_name_th);
    claim.laser = form.laser;
    auto year = Whole(form.birth_year), month = Whole(form.birth_month),
         day = Whole(form.birth_day);
    if (!year || !month || !day)
        errors.push_back({"birth_year", "learning.identity.bad_birth_date"});
    else
        claim.birth = {*year, *month, *day};
    for (auto& e : LocalCheck(claim)) {
        // The birth date's three inputs report under the year's id (the summary links there).
        if (core::StartsWith(e.field, "birth")) e.field = "birth_year";
        if (std::none_of(errors.begin(), errors.end(),
                         [&](const FieldError& x) { return x.field == e.field; }))
            errors.push_back(e);
    }
    CheckLine(errors, "title_th", form.title_th, 50);
    CheckLine(errors, "first_name_en", form.first_name_en, 100);
    CheckLine(errors, "last_name_en", form.last_name_en, 100);
    if (form.civil_servant) {
        if (core::Trim(form.agency_id).empty())
            errors.push_back({"agency_id", "learning.error.agency_required"});
        if (core::Trim(form.position).empty())
            errors.push_back({"position", "learning.error.required"});
        else
            CheckLine(errors, "position", form.position, 200);
    }
    if (!form.consent) errors.push_back({"consent", "learning.consent.required"});
    if (!verifier_) {
        r.errors = std::move(errors);
        r.message = "learning.identity.disabled";
        r.status = 503;
        return r;
    }
    if (!errors.empty()) {
        r.errors = std::move(errors);
        return r;
    }
    // 2. The ID's lock: nobody may guess laser codes for it. A try is reserved before the
    // verifier is asked, so parallel guesses cannot all pass a lock read before the answers.
    auto locked = [&](const accounts::VerificationLock& lock) {
        r.message =
            core::Message("learning.identity.locked",
                          {{"until", core::FormatDate(lock.until * 1000000, caller.locale, true)}});
        r.status = 423;
        return r;
    };
    accounts::VerificationReservation reserved = identities_.ReserveVerification(claim.citizen_id);
    if (!reserved && reserved.busy) {
        // Other checks of this card are still waiting for their answers.
        r.message = "learning.identity.busy";
        r.status = 429;
        return r;
    }
    if (!reserved) return locked(*reserved.lock);
    // A try that no answer closes (the address's budget refused, the verifier threw) goes back.
    struct Release {
        accounts::IdentityService& ids;
        std::string ticket;
        ~Release() {
            if (ticket.empty()) return;
            try {
                ids.ReleaseVerification(ticket);
            } catch (...) {  // it lapses by itself
            }
        }
    } release{identities_, reserved.ticket};
    // 3. The address's budget of calls (an IPv6 client's whole /64 shares one).
    if (checks_per_ip_hour_ > 0) {
        auto d = limits_.Hit("identity:" + core::AddressBucket(caller.ip),
                             {checks_per_ip_hour_, 3600}, core::NowEpochSeconds());
        if (!d.allowed) {
            r.message = core::Message(
                "learning.identity.too_many_checks",
                {{"minutes", std::to_string(std::max(1, (d.retry_after + 59) / 60))}});
            r.status = 429;
            return r;
        }
    }
    // 4. The check.
    VerifyResult v = verifier_->Verify(claim);
    if (v.outcome == VerifyOutcome::kUnavailable) {
        r.message = MessageKey(v.outcome);
        r.status = 503;
        return r;
    }
    if (v.outcome != VerifyOutcome::kVerified) {
        release.ticket.clear();  // the failure below ends it
        auto lock =
            identities_.RecordVerificationFailure(claim.citizen_id, user_id, reserved.ticket);
        if (lock) return locked(*lock);
        r.message = MessageKey(v.outcome);
        r.status = 422;
        return r;
    }
    release.ticket.clear();
    identities_.RecordVerificationSuccess(claim.citizen_id, reserved.ticket);
    identity.title_th = core::Trim(form.title_th);
    identity.first_name_th = claim.first_name_th;
    identity.last_name_th = claim.last_name_th;
    identity.first_name_en = core::Trim(form.first_name_en);
    identity.last_name_en = core::Trim(form.last_name_en);
    identity.birth_year = claim.birth.be_year;
    identity.birth_month = claim.birth.month;
    identity.birth_day = claim.birth.day;
    citizen_id = claim.citizen_id;
    r.status = 200;
    return r;
}

void SignupService::SaveProfile(const std::string& user_id, const IdentityForm& form,
                                const api::Caller& caller) {
    LearnerProfile p;
    p.user_id = user_id;
    p.civil_servant = form.civil_servant;
    p.agency_id = core::Trim(form.agency_id);
    p.position = core::Trim(form.position);
    p.consent_version = kConsentVersion;
    p.consent_at = core::NowIso();
    learning_.SaveProfile(p, caller);
}

SignupResult SignupService::SignUp(const SignupForm& form, const api::Caller& caller) {
    accounts::RegisterInput in{.name = UserNameFor(core::Trim(form.email)),
                               .email = form.email,
                               .password = form.password,
                               .password_confirm = form.password_confirm,
                               .fullname_th = core::Trim(form.identity.title_th) +
                                              core::Trim(form.identity.first_name_th) + " " +
                                              core::Trim(form.identity.last_name_th),
                               .fullname_en = core::Trim(form.identity.first_name_en) + " " +
                                              core::Trim(form.identity.last_name_en),
                               .locale = form.locale};
    if (core::Trim(in.fullname_en).empty()) in.fullname_en = in.fullname_th;
    std::vector<FieldError> earlier;
    for (const auto& e : accounts_.CheckRegistration(in).fields) {
        // The name fields are the identity's; the user name is made here.
        if (e.field == "fullname_th" || e.field == "fullname_en" || e.field == "name") continue;
        earlier.push_back(e);
    }
    accounts::VerifiedIdentity identity;
    std::string cid;
    SignupResult r = Check(form.identity, caller, std::move(earlier), "", identity, cid);
    if (r.status != 200) return r;
    // 5. Only now may the form say the ID is taken.
    if (identities_.IdentityTaken(cid)) {
        r.errors.push_back({"citizen_id", "accounts.identity.already_registered"});
        r.status = 409;
        return r;
    }
    identity.verifier = verifier_name_;
    Result<accounts::User> user = accounts_.Register(in, caller);
    for (int attempt = 0; !user && attempt < 3 && user.errors().Has("name"); ++attempt) {
        in.name = UserNameFor(in.email);
        user = accounts_.Register(in, caller);
    }
    if (!user) {
        r.errors = user.errors().fields;
        r.status = 422;
        return r;
    }
    r.email = user->email;
    r.done = true;
    // A taken address: the page answers as for a new one; the address's owner was told.
    if (user->id.empty()) return r;
    try {
        identities_.AttachIdentity(user->id, identity, cid, caller);
    } catch (const HttpError& e) {
        // Another sign-up took the ID between the check and here: the account stays, without
        // an identity, and says so on its first visit to Learning.
        r.done = false;
        r.errors = e.fields();
        r.status = e.status();
        return r;
    }
    SaveProfile(user->id, form.identity, caller);
    if (on_verified_) on_verified_(user->id);
    return r;
}

SignupResult SignupService::AddIdentity(const IdentityForm& form, const api::Caller& caller) {
    const api::Principal& p = api::RequireUser(caller.principal);
    SignupResult r;
    if (identities_.FindIdentity(p.user_id)) {
        r.errors.push_back({"citizen_id", "accounts.identity.already_verified"});
        r.status = 409;
        return r;
    }
    accounts::VerifiedIdentity identity;
    std::string cid;
    r = Check(form, caller, {}, p.user_id, identity, cid);
    if (r.status != 200) return r;
    identity.verifier = verifier_name_;
    try {
        identities_.AttachIdentity(p.user_id, identity, cid, caller);
    } catch (const HttpError& e) {
        if (e.fields().empty()) throw;
        r.errors = e.fields();
        r.status = e.status();
        return r;
    }
    SaveProfile(p.user_id, form, caller);
    if (on_verified_) on_verified_(p.user_id);
    r.done = true;
    return r;
}

}  // namespace govhub::learning

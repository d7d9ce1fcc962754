// CKAN's user_create and user_update for sysadmins: how `ckanapi load` moves people in from
// another portal with their ids and passwords (docs/migrate-from-ckan.md).
#include "accounts/password.hpp"
#include "accounts/service_internal.hpp"
#include "accounts/store.hpp"
#include "core/clock.hpp"

namespace govhub::accounts {

namespace {

// CKAN's user ids are UUIDs, and only a UUID is kept: user names are never UUID-shaped, so a
// given id can never be read as someone else's name where "id or name" is accepted.
bool IsValidId(const std::string& id) {
    return core::IsUuid(id);
}

std::string Trimmed(const std::string& s) {
    return std::string(core::Trim(s));
}

// The two names from what was given: govhub's own, else CKAN's one name, else `fallback`.
void FillNames(const UserImport& in, std::string& th, std::string& en, Errors& errors) {
    std::string one = Trimmed(in.fullname);
    if (!Trimmed(in.fullname_th).empty())
        th = Trimmed(in.fullname_th);
    else if (!one.empty())
        th = one;
    if (!Trimmed(in.fullname_en).empty())
        en = Trimmed(in.fullname_en);
    else if (!one.empty())
        en = one;
    if (core::Utf8Length(th) > 200) errors.Add("fullname_th", "error.field_too_long");
    if (core::Utf8Length(en) > 200) errors.Add("fullname_en", "error.field_too_long");
}

// The hash to store for what was given: a known hash as is, a password hashed; "" for neither.
std::string PasswordHashOf(const UserImport& in, const std::string& name, Errors& errors) {
    if (!in.password_hash.empty()) {
        if (!IsKnownPasswordHash(in.password_hash)) {
            errors.Add("password_hash", "user_import.hash_unknown");
            return "";
        }
        return in.password_hash;
    }
    if (in.password.empty()) return "";
    if (auto why = CheckPasswordPolicy(in.password, name); !why.empty()) {
        errors.Add("password", why);
        return "";
    }
    return HashPassword(in.password);
}

void ThrowIfAny(const Errors& errors) {
    if (!errors.empty()) throw HttpError::Validation(errors.fields);
}

}  // namespace

User AccountService::CreateUserBySysadmin(const Principal& admin, const UserImport& in,
                                          const Caller& caller) {
    internal::RequireSysadmin(admin);
    Errors errors;
    User u;
    u.id = core::ToLower(Trimmed(in.id));
    u.name = core::ToLower(Trimmed(in.name));
    u.email = core::ToLower(Trimmed(in.email));
    if (!u.id.empty() && !IsValidId(u.id)) errors.Add("id", "user_import.id_invalid");
    if (!IsValidSlug(u.name))
        errors.Add("name", "register.name_invalid");
    else if (internal::IsReservedUserName(u.name) || core::IsUuid(u.name))
        errors.Add("name", "register.name_taken");
    if (!IsValidEmail(u.email)) errors.Add("email", "register.email_invalid");
    u.fullname_th = u.fullname_en = u.name;
    FillNames(in, u.fullname_th, u.fullname_en, errors);
    u.password_hash = PasswordHashOf(in, u.name, errors);
    if (u.password_hash.empty() && !errors.Has("password") && !errors.Has("password_hash"))
        errors.Add("password", "user_import.password_required");
    ThrowIfAny(errors);
    if (u.id.empty()) u.id = core::NewUuid();
    u.state = UserState::kActive;
    u.created = core::NowIso();
    u.email_verified_at = u.created;
    u.locale = "th";
    db_.Write([&](db::Connection& c) {
        // By id or name: neither may already answer to this id.
        if (store::FindUser(c, u.id)) errors.Add("id", "user_import.id_taken");
        if (store::FindUserByName(c, u.name)) errors.Add("name", "register.name_taken");
        if (store::FindUserByEmail(c, u.email)) errors.Add("email", "register.email_taken");
        ThrowIfAny(errors);
        store::InsertUser(c, u);
        audit::Record(c, caller.actor(), "user.create", "user", u.id,
                      {{"by", "api"}, {"password_hash_kept", !in.password_hash.empty()}});
    });
    return u;
}

User AccountService::UpdateUserBySysadmin(const Principal& admin, const std::string& user_key,
                                          const UserImport& in, const Caller& caller) {
    internal::RequireSysadmin(admin);
    return db_.Write([&](db::Connection& c) {
        auto found = store::FindUser(c, user_key);
        if (!found) throw HttpError::NotFound("Not found: User was not found");
        User u = *found;
        Errors errors;
        if (!Trimmed(in.email).empty()) {
            std::string email = core::ToLower(Trimmed(in.email));
            if (!IsValidEmail(email)) {
                errors.Add("email", "register.email_invalid");
            } else if (email != u.email) {
                if (auto other = store::FindUserByEmail(c, email); other && other->id != u.id)
                    errors.Add("email", "register.email_taken");
                u.email = email;
            }
        }
        FillNames(in, u.fullname_th, u.fullname_en, errors);
        std::string hash = PasswordHashOf(in, u.name, errors);
        ThrowIfAny(errors);
        store::SetProfile(c, u.id, u.email, u.fullname_th, u.fullname_en);
        if (!hash.empty()) store::SetPassword(c, u.id, hash, false);
        audit::Record(c, caller.actor(), "user.update", "user", u.id,
                      {{"by", "api"}, {"password_changed", !hash.empty()}});
        return u;
    });
}

}  // namespace govhub::accounts

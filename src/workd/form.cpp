#include "workd/form.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/citizen_id.hpp"
#include "core/clean_text.hpp"
#include "core/i18n.hpp"
#include "core/strings.hpp"
#include "core/thai_address.hpp"
#include "core/thai_date.hpp"
#include "workd/dns_records.hpp"
#include "workd/model.hpp"

namespace govhub::workd {
namespace {

using Json = nlohmann::json;
using F = RequestForm;

// What a reader may send for one field before it is cut: the bound four times over, so an
// oversized value is still reported (too_long) and kept in part, but never stored whole.
constexpr size_t kKeepFactor = 4;

// Cuts `s` to at most `n` bytes at a UTF-8 character boundary.
std::string CutUtf8(std::string s, size_t n) {
    if (s.size() <= n) return s;
    size_t i = n;
    while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
    s.resize(i);
    return s;
}

// ASCII and Thai (๐–๙, U+0E50–U+0E59) digits as ASCII; other bytes unchanged.
std::string AsciiDigits(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xE0 &&
            static_cast<unsigned char>(s[i + 1]) == 0xB9 &&
            static_cast<unsigned char>(s[i + 2]) >= 0x90 &&
            static_cast<unsigned char>(s[i + 2]) <= 0x99) {
            out += static_cast<char>('0' + (static_cast<unsigned char>(s[i + 2]) - 0x90));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

bool IsDigit(char c) {
    return c >= '0' && c <= '9';
}

bool IsMobileDigits(const std::string& d) {
    return d.size() == 10 && d[0] == '0' && (d[1] == '6' || d[1] == '8' || d[1] == '9');
}

bool IsLandlineDigits(const std::string& d) {
    return d.size() == 9 && d[0] == '0' && d[1] >= '2' && d[1] <= '7';
}

// "2026-12-07" + 2 years: "2028-12-07" (29 February: the 28th).
std::string DateYearsLater(const std::string& iso, int years) {
    if (iso.size() != 10) return iso;
    int y = static_cast<int>(core::ParseInt(iso.substr(0, 4)).value_or(0)) + years;
    std::string md = iso.substr(4);
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (md == "-02-29" && !leap) md = "-02-28";
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d", y);
    return std::string(buf) + md;
}

// The range's ends for the messages: dd/mm/yyyy in the calendar year ({from}, {to}: English)
// and in the Buddhist era ({from_be}, {to_be}: Thai).
std::vector<std::pair<std::string, std::string>> RangeVars(const std::string& from,
                                                           const std::string& to) {
    auto text = [](const std::string& iso, int add) {
        int y = static_cast<int>(core::ParseInt(iso.substr(0, 4)).value_or(0)) + add;
        return iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + std::to_string(y);
    };
    return {{"from", text(from, 0)},
            {"to", text(to, 0)},
            {"from_be", text(from, 543)},
            {"to_be", text(to, 543)}};
}

}  // namespace

std::string EffectiveDateMax(const std::string& today) {
    return DateYearsLater(today, kEffectiveYearsAhead);
}

// ---- Readers ------------------------------------------------------------------------------------

std::optional<std::string> CleanText(std::string_view typed_view, bool multiline) {
    // The platform's one clean-text rule (core/strings.hpp).
    return core::CleanUserText(typed_view, multiline);
}

std::optional<std::string> ParseThaiPhone(std::string_view typed_view, bool mobile_only) {
    if (typed_view.size() > 64 || !core::IsValidUtf8(typed_view)) return std::nullopt;
    std::string typed = AsciiDigits(core::Trim(typed_view));
    // The extension: after "ต่อ", "ext", "ext.", "x" or "#".
    std::string number = typed, ext;
    static const char* kMarks[] = {"ต่อ",   "ext.", "ext", "EXT.", "EXT",
                                   "Ext.", "Ext",  "x",   "X",    "#"};
    for (const char* mark : kMarks) {
        auto at = typed.find(mark);
        if (at == std::string::npos || at == 0) continue;
        number = typed.substr(0, at);
        std::string rest = typed.substr(at + std::string_view(mark).size());
        for (char c : rest) {
            if (IsDigit(c))
                ext += c;
            else if (c != ' ' && c != '.' && c != ':')
                return std::nullopt;
        }
        if (ext.empty() || ext.size() > 6) return std::nullopt;
        break;
    }
    std::string digits;
    bool plus = false;
    for (size_t i = 0; i < number.size(); ++i) {
        char c = number[i];
        if (IsDigit(c))
            digits += c;
        else if (c == '+' && digits.empty() && !plus)
            plus = true;
        else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')')
            return std::nullopt;
    }
    if (plus) {
        if (digits.rfind("66", 0) != 0) return std::nullopt;
        digits = digits.substr(2);
        if (digits.empty() || digits[0] != '0') digits = "0" + digits;
    }
    if (IsMobileDigits(digits)) return ext.empty() ? std::optional(digits) : std::nullopt;
    if (mobile_only || !IsLandlineDigits(digits)) return std::nullopt;
    return ext.empty() ? digits : digits + " ต่อ " + ext;
}

std::string FormatThaiPhone(std::string_view normalised) {
    std::string s(normalised);
    std::string digits = s.substr(0, s.find(' '));
    std::string rest = s.size() > digits.size() ? s.substr(digits.size()) : "";
    if (IsMobileDigits(digits))
        return digits.substr(0, 3) + "-" + digits.substr(3, 3) + "-" + digits.substr(6) + rest;
    if (IsLandlineDigits(digits)) {
        if (digits[1] == '2')  // Bangkok: 02-xxx-xxxx
            return digits.substr(0, 2) + "-" + digits.substr(2, 3) + "-" + digits.substr(5) + rest;
        return digits.substr(0, 3) + "-" + digits.substr(3, 3) + "-" + digits.substr(6) + rest;
    }
    return s;
}

std::optional<std::string> ParseEmail(std::string_view typed_view) {
    std::string typed = core::Trim(typed_view);
    if (typed.empty() || typed.size() > 254) return std::nullopt;
    auto at = typed.find('@');
    if (at == std::string::npos || at == 0 || at != typed.rfind('@')) return std::nullopt;
    std::string local = typed.substr(0, at), domain = core::ToLower(typed.substr(at + 1));
    if (local.size() > 64 || local.front() == '.' || local.back() == '.' ||
        local.find("..") != std::string::npos)
        return std::nullopt;
    static const std::string_view kLocalExtra = "!#$%&'*+/=?^_`{|}~.-";
    for (char c : local) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) ||
                  kLocalExtra.find(c) != std::string_view::npos;
        if (!ok) return std::nullopt;
    }
    if (!domain.empty() && domain.back() == '.') domain.pop_back();
    auto labels = core::Split(domain, '.');
    if (labels.size() < 2 || domain.size() > 253) return std::nullopt;
    for (const auto& l : labels) {
        if (l.empty() || l.size() > 63 || l.front() == '-' || l.back() == '-') return std::nullopt;
        for (char c : l)
            if (!((c >= 'a' && c <= 'z') || IsDigit(c) || c == '-')) return std::nullopt;
    }
    const std::string& tld = labels.back();
    bool alpha = tld.size() >= 2;
    for (char c : tld)
        if (!(c >= 'a' && c <= 'z')) alpha = false;
    if (!alpha && tld.rfind("xn--", 0) != 0) return std::nullopt;
    return local + "@" + domain;
}

std::optional<int64_t> ParseAccountCount(std::string_view typed_view) {
    if (typed_view.size() > 40) return std::nullopt;
    std::string typed = AsciiDigits(core::Trim(typed_view));
    std::string digits;
    for (size_t i = 0; i < typed.size(); ++i) {
        char c = typed[i];
        if (IsDigit(c))
            digits += c;
        else if (c == ',' && !digits.empty() && i + 1 < typed.size() && IsDigit(typed[i + 1]))
            continue;
        else
            return std::nullopt;
    }
    if (digits.empty() || digits.size() > 7) return std::nullopt;
    int64_t n = std::stoll(digits);
    if (n > kMaxAccounts) return std::nullopt;
    return n;
}

// ---- The form -----------------------------------------------------------------------------------

const std::vector<F::Field>& F::Fields() {
    static const std::vector<Field> fields = {
        {field::kAgencyChoice, &F::agency_choice, 20},
        {field::kAgency, &F::agency, kMaxShortBytes},
        {field::kAgencyNameTh, &F::agency_name_th, kMaxNameBytes},
        {field::kAgencyNameEn, &F::agency_name_en, kMaxNameBytes},
        {field::kMinistry, &F::ministry, kMaxShortBytes},
        {field::kMinistryOtherTh, &F::ministry_other_th, kMaxNameBytes},
        {field::kMinistryOtherEn, &F::ministry_other_en, kMaxNameBytes},
        {field::kContactNameTh, &F::contact_name_th, kMaxNameBytes},
        {field::kContactNameEn, &F::contact_name_en, kMaxNameBytes},
        {field::kContactPosition, &F::contact_position, kMaxNameBytes},
        {field::kContactCitizenId, &F::contact_citizen_id, 40},
        {field::kOfficePhone, &F::office_phone, 40},
        {field::kContactPhone, &F::contact_phone, 40},
        {field::kMobile, &F::mobile, 40},
        {field::kEmail, &F::email, 254},
        {field::kBackupEmail, &F::backup_email, 254},
        {field::kAddressNumber, &F::address_number, kMaxShortBytes},
        {field::kAddressMoo, &F::address_moo, kMaxShortBytes},
        {field::kAddressSoi, &F::address_soi, kMaxNameBytes},
        {field::kAddressRoad, &F::address_road, kMaxNameBytes},
        {field::kTambon, &F::tambon, kMaxShortBytes},
        {field::kAmphoe, &F::amphoe, kMaxShortBytes},
        {field::kProvince, &F::province, kMaxShortBytes},
        {field::kPostcode, &F::postcode, 40},
        {field::kPostcodeNote, &F::postcode_note, kMaxNoteBytes},
        {field::kDomainKind, &F::domain_kind, 20},
        {field::kSubdomain, &F::subdomain, 253},
        {field::kOwnDomain, &F::own_domain, 253},
        {field::kMailAccounts, &F::mail_accounts, 40},
        {field::kConferenceAccounts, &F::conference_accounts, 40},
        {field::kEffectiveDate, &F::effective_date, 40},
        {field::kPdpaConsent, &F::pdpa_consent, 10},
        {field::kTermsAccepted, &F::terms_accepted, 10},
    };
    return fields;
}

F F::FromValues(const std::function<std::string(const std::string&)>& value) {
    F f;
    for (const auto& d : Fields()) f.*d.member = CutUtf8(value(d.key), d.max_bytes * kKeepFactor);
    // A checkbox sends its value only when ticked.
    if (!f.terms_accepted.empty() && f.terms_accepted != "yes") f.terms_accepted = "invalid";
    return f;
}

F F::FromJson(const Json& body, const F* base) {
    if (!body.is_object())
        throw HttpError::Validation({{"", "workd.form.error.body"}}, "workd.form.error.body");
    F f = base ? *base : F{};
    std::vector<FieldError> errors;
    for (const auto& d : Fields()) {
        auto it = body.find(d.key);
        if (it == body.end()) continue;
        std::string v;
        if (it->is_null()) {
            f.*d.member = "";
            continue;
        }
        if (it->is_string())
            v = it->get<std::string>();
        else if (it->is_number_unsigned() &&
                 it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
            errors.push_back({d.key, "workd.form.error.number_range"});
            continue;
        } else if (it->is_number_integer())
            v = std::to_string(it->get<int64_t>());
        else if (it->is_number_float()) {
            // 1e3, 1.5: not a count; 1e20: too large.
            double x = it->get<double>();
            bool whole = std::isfinite(x) && x == std::floor(x);
            errors.push_back({d.key, whole && std::fabs(x) >= 9.2e18
                                         ? "workd.form.error.number_range"
                                         : "workd.form.error.whole_number"});
            continue;
        } else if (it->is_boolean() && (std::string_view(d.key) == field::kPdpaConsent ||
                                        std::string_view(d.key) == field::kTermsAccepted))
            v = it->get<bool>() ? "yes"
                                : (std::string_view(d.key) == field::kPdpaConsent ? "no" : "");
        else {
            errors.push_back({d.key, "workd.form.error.type"});
            continue;
        }
        f.*d.member = CutUtf8(v, d.max_bytes * kKeepFactor);
    }
    if (!errors.empty()) throw HttpError::Validation(errors);
    return f;
}

F F::FromData(const Json& data) {
    F f;
    if (!data.is_object()) return f;
    auto read = [&](const char* key) -> std::string {
        auto it = data.find(key);
        if (it == data.end() || it->is_null()) return "";
        if (it->is_string()) return it->get<std::string>();
        return it->dump();
    };
    for (const auto& d : Fields()) f.*d.member = read(d.key);
    f.pdpa_version = read(field::kPdpaVersion);
    f.pdpa_at = read(field::kPdpaAt);
    f.terms_version = read(field::kTermsVersion);
    f.terms_at = read(field::kTermsAt);
    f.agency_id = read(field::kAgencyId);
    return f;
}

Json F::ToData() const {
    Json out = Json::object();
    for (const auto& d : Fields()) out[d.key] = this->*d.member;
    for (const char* key : {field::kMailAccounts, field::kConferenceAccounts}) {
        auto n = core::ParseInt(out[key].get<std::string>());
        if (n && *n >= 0 && *n <= kMaxAccounts) out[key] = *n;
    }
    out[field::kPdpaVersion] = pdpa_version;
    out[field::kPdpaAt] = pdpa_at;
    out[field::kTermsVersion] = terms_version;
    out[field::kTermsAt] = terms_at;
    out[field::kAgencyId] = agency_id;
    return out;
}

std::string F::Get(const std::string& key) const {
    for (const auto& d : Fields())
        if (key == d.key) return this->*d.member;
    if (key == field::kPdpaVersion) return pdpa_version;
    if (key == field::kPdpaAt) return pdpa_at;
    if (key == field::kTermsVersion) return terms_version;
    if (key == field::kTermsAt) return terms_at;
    if (key == field::kAgencyId) return agency_id;
    return "";
}

int64_t F::MailAccounts() const {
    return ParseAccountCount(mail_accounts).value_or(0);
}
int64_t F::ConferenceAccounts() const {
    return ParseAccountCount(conference_accounts).value_or(0);
}

std::string F::DomainName(const std::string& zone) const {
    // The name once the naming rule passes (taken or not: this names the request).
    return CheckRequestedName(domain_kind, domain_kind == "own" ? own_domain : subdomain, zone, {})
        .name;
}

// ---- Validation ---------------------------------------------------------------------------------

FormCheck Validate(F& f, const FormContext& ctx, FormMode mode, const F* before,
                   const std::string& now_iso) {
    FormCheck out;
    const bool complete = mode == FormMode::kComplete;
    auto error = [&](const char* key, std::string message) {
        for (const auto& e : out.errors)
            if (e.field == key) return;  // one message per field: the first
        out.errors.push_back({key, std::move(message)});
    };
    auto has_error = [&](const char* key) {
        for (const auto& e : out.errors)
            if (e.field == key) return true;
        return false;
    };
    // Every field: text that can be taken, within its bound.
    for (const auto& d : F::Fields()) {
        std::string& v = f.*d.member;
        bool multiline = std::string_view(d.key) == field::kPostcodeNote;
        auto clean = CleanText(v, multiline);
        if (!clean) {
            error(d.key, "workd.form.error.bad_text");
            continue;
        }
        v = *clean;
        if (v.size() > d.max_bytes) error(d.key, "workd.form.error.too_long");
    }
    auto required = [&](const char* key, const std::string& v) {
        if (complete && v.empty()) error(key, "workd.form.error.required");
        return !v.empty() && !has_error(key);
    };

    // Part 1: the agency.
    if (f.agency_choice == "directory") {
        if (required(field::kAgency, f.agency)) {
            auto a = ctx.find_agency ? ctx.find_agency(core::ToLower(f.agency)) : std::nullopt;
            if (!a)
                error(field::kAgency, "workd.form.error.agency_unknown");
            else {
                f.agency = a->name;
                out.directory_agency_id = a->id;
            }
        }
    } else if (f.agency_choice == "new") {
        // A new agency's names may not copy an agency of the directory: choose that one.
        if (required(field::kAgencyNameTh, f.agency_name_th) && ctx.agency_title_taken &&
            ctx.agency_title_taken(f.agency_name_th, f.agency_id))
            error(field::kAgencyNameTh, "workd.form.error.agency_name_taken");
        if (!f.agency_name_en.empty() && !has_error(field::kAgencyNameEn) &&
            ctx.agency_title_taken && ctx.agency_title_taken(f.agency_name_en, f.agency_id))
            error(field::kAgencyNameEn, "workd.form.error.agency_name_taken");
        if (required(field::kMinistry, f.ministry)) {
            if (f.ministry == "other") {
                required(field::kMinistryOtherTh, f.ministry_other_th);
            } else {
                auto m =
                    ctx.find_agency ? ctx.find_agency(core::ToLower(f.ministry)) : std::nullopt;
                if (!m || !m->ministry)
                    error(field::kMinistry, "workd.form.error.ministry_unknown");
                else
                    f.ministry = m->name;
            }
        }
    } else if (complete || !f.agency_choice.empty()) {
        error(field::kAgencyChoice, "workd.form.error.agency_choice");
    }

    // Part 1: the contact person.
    required(field::kContactNameTh, f.contact_name_th);
    required(field::kContactNameEn, f.contact_name_en);
    required(field::kContactPosition, f.contact_position);
    if (required(field::kContactCitizenId, f.contact_citizen_id)) {
        auto id = core::ParseCitizenId(f.contact_citizen_id);
        if (!id)
            error(field::kContactCitizenId, "workd.form.error.citizen_id");
        else
            f.contact_citizen_id = *id;
    }
    auto phone = [&](const char* key, std::string& v, bool mobile_only, bool need) {
        if (need ? !required(key, v) : (v.empty() || has_error(key))) return;
        auto p = ParseThaiPhone(v, mobile_only);
        if (!p)
            error(key, mobile_only ? "workd.form.error.mobile" : "workd.form.error.phone");
        else
            v = *p;
    };
    phone(field::kOfficePhone, f.office_phone, false, true);
    phone(field::kContactPhone, f.contact_phone, false, false);
    phone(field::kMobile, f.mobile, true, true);
    if (required(field::kEmail, f.email)) {
        auto e = ParseEmail(f.email);
        if (!e)
            error(field::kEmail, "workd.form.error.email");
        else
            f.email = *e;
    }
    if (required(field::kBackupEmail, f.backup_email)) {
        auto e = ParseEmail(f.backup_email);
        if (!e)
            error(field::kBackupEmail, "workd.form.error.email");
        else if (core::IEquals(*e, f.email))
            error(field::kBackupEmail, "workd.form.error.backup_same");
        else
            f.backup_email = *e;
    }

    // Part 1: the address (เขต / แขวง in Bangkok, whatever else is typed).
    if (ctx.addresses && !f.province.empty() && !has_error(field::kProvince))
        out.bangkok = ctx.addresses->IsBangkok(f.province);
    required(field::kAddressNumber, f.address_number);
    bool province = required(field::kProvince, f.province);
    bool amphoe = required(field::kAmphoe, f.amphoe);
    bool tambon = required(field::kTambon, f.tambon);
    // The postcode's shape (five digits) is checked whatever the address levels say.
    if (!f.postcode.empty() && !has_error(field::kPostcode)) {
        std::string d = AsciiDigits(core::Trim(f.postcode));
        if (d.size() != 5 || d.find_first_not_of("0123456789") != std::string::npos)
            error(field::kPostcode, "workd.form.error.postcode");
        else
            f.postcode = d;
    }
    if (ctx.addresses && province && (amphoe || complete) && (tambon || complete) &&
        !has_error(field::kPostcode)) {
        auto c = ctx.addresses->Check({f.province, f.amphoe, f.tambon, f.postcode});
        out.bangkok = c.bangkok;
        if (!c.province.empty()) f.province = c.province;
        if (!c.amphoe.empty()) f.amphoe = c.amphoe;
        if (!c.tambon.empty()) f.tambon = c.tambon;
        using S = core::ThaiAddressStatus;
        switch (c.status) {
            case S::kOk:
                f.postcode = c.postcode;
                break;
            case S::kUnknownProvince:
                error(field::kProvince, "workd.form.error.province");
                break;
            case S::kAmphoeNotInProvince:
                if (amphoe)
                    error(field::kAmphoe,
                          c.bangkok ? "workd.form.error.khet" : "workd.form.error.amphoe");
                break;
            case S::kTambonNotInAmphoe:
                if (tambon)
                    error(field::kTambon,
                          c.bangkok ? "workd.form.error.khwaeng" : "workd.form.error.tambon");
                break;
            case S::kPostcodeMissing:
                if (complete) error(field::kPostcode, "workd.form.error.required");
                break;
            case S::kPostcodeMalformed:
                error(field::kPostcode, "workd.form.error.postcode");
                break;
            case S::kPostcodeMismatch: {
                f.postcode = c.postcode;
                out.expected_postcodes = c.expected_postcodes;
                std::string expected;
                for (const auto& p : c.expected_postcodes)
                    expected += (expected.empty() ? "" : ", ") + p;
                // The data can lag behind the post office: a note keeps the typed postcode.
                if (f.postcode_note.empty())
                    error(field::kPostcode, core::Message("workd.form.error.postcode_mismatch",
                                                          {{"expected", expected}}));
                break;
            }
        }
    }

    // Part 2: the service. The name's rule is CheckRequestedName's (dns_records.hpp), the same
    // as the live check's and the approval's.
    if (f.domain_kind == "subdomain" || f.domain_kind == "own") {
        const bool sub = f.domain_kind == "subdomain";
        const char* key = sub ? field::kSubdomain : field::kOwnDomain;
        std::string& typed = sub ? f.subdomain : f.own_domain;
        if (required(key, typed)) {
            auto name = CheckRequestedName(f.domain_kind, typed, ctx.zone, ctx.domain_taken);
            if (!name.normalised.empty()) typed = name.normalised;
            if (!name.ok()) error(key, name.FormKey());
        }
    } else if (complete || !f.domain_kind.empty()) {
        error(field::kDomainKind, "workd.form.error.domain_kind");
    }
    std::optional<int64_t> mail, conference;
    for (auto [key, member, count] :
         {std::tuple{field::kMailAccounts, &F::mail_accounts, &mail},
          std::tuple{field::kConferenceAccounts, &F::conference_accounts, &conference}}) {
        std::string& v = f.*member;
        if (!required(key, v)) continue;
        *count = ParseAccountCount(v);
        if (!*count)
            error(key, "workd.form.error.count");
        else
            v = std::to_string(**count);
    }
    if (mail && conference && *mail == 0 && *conference == 0)
        error(field::kMailAccounts, "workd.form.error.no_accounts");
    if (required(field::kEffectiveDate, f.effective_date)) {
        // The date picker sends the calendar (Gregorian) year, yyyy-mm-dd; typed by hand,
        // dd/mm/yyyy is the Buddhist era (the guide's form). The other era in either shape is
        // refused, not guessed.
        std::string typed = AsciiDigits(core::Trim(f.effective_date));
        int year = 0;
        bool iso_shape = typed.size() == 10 && typed[4] == '-' && typed[7] == '-';
        if (iso_shape) {
            year = static_cast<int>(core::ParseInt(typed.substr(0, 4)).value_or(0));
        } else if (auto slash = typed.find_last_of("/.-"); slash != std::string::npos) {
            year = static_cast<int>(core::ParseInt(typed.substr(slash + 1)).value_or(0));
        }
        auto iso = core::FormDateToIso(typed);
        if (!iso) {
            error(field::kEffectiveDate, "workd.form.error.date");
        } else if (iso_shape && year >= 2400) {
            error(field::kEffectiveDate,
                  core::Message("workd.form.error.date_iso_be", {{"year", std::to_string(year)}}));
        } else if (!iso_shape && year < 2400) {
            error(field::kEffectiveDate, "workd.form.error.date_slash_ce");
        } else {
            f.effective_date = *iso;
            if (!ctx.today.empty()) {
                std::string last = DateYearsLater(ctx.today, kEffectiveYearsAhead);
                if (*iso < ctx.today || *iso > last)
                    error(field::kEffectiveDate,
                          core::Message(*iso < ctx.today ? "workd.form.error.date_past"
                                                         : "workd.form.error.date_range",
                                        RangeVars(ctx.today, last)));
            }
        }
    }

    // Part 3: consent, recorded with its time and the version of the text shown.
    if (!f.pdpa_consent.empty() && f.pdpa_consent != "yes" && f.pdpa_consent != "no") {
        error(field::kPdpaConsent, "workd.form.error.pdpa_choose");
        f.pdpa_consent.clear();
    }
    if (f.pdpa_consent.empty()) {
        f.pdpa_at.clear();
        f.pdpa_version.clear();
        if (complete) error(field::kPdpaConsent, "workd.form.error.pdpa_choose");
    } else {
        if (before && before->pdpa_consent == f.pdpa_consent && !before->pdpa_at.empty()) {
            f.pdpa_at = before->pdpa_at;
            f.pdpa_version = before->pdpa_version;
        } else {
            f.pdpa_at = now_iso;
            f.pdpa_version = kPdpaTextVersion;
        }
        // The service cannot run without its contact's data: a refusal cannot be submitted.
        if (f.pdpa_consent == "no") error(field::kPdpaConsent, "workd.form.error.pdpa_refused");
    }
    // Part 4: the terms.
    if (!f.terms_accepted.empty() && f.terms_accepted != "yes") {
        error(field::kTermsAccepted, "workd.form.error.terms");
        f.terms_accepted.clear();
    }
    if (f.terms_accepted == "yes") {
        if (before && before->terms_accepted == "yes" && !before->terms_at.empty()) {
            f.terms_at = before->terms_at;
            f.terms_version = before->terms_version;
        } else {
            f.terms_at = now_iso;
            f.terms_version = kTermsTextVersion;
        }
    } else {
        f.terms_at.clear();
        f.terms_version.clear();
        if (complete) error(field::kTermsAccepted, "workd.form.error.terms");
    }
    // In the order of the form, so the summary at the top reads like the page.
    std::vector<FieldError> ordered;
    for (const auto& d : F::Fields())
        for (const auto& e : out.errors)
            if (e.field == d.key) ordered.push_back(e);
    for (const auto& e : out.errors)
        if (e.field.empty()) ordered.push_back(e);
    out.errors = std::move(ordered);
    return out;
}

}  // namespace govhub::workd

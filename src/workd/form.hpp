#pragma once
// workD's request form (issue 18, step 1): the guide's parts 1–4 as a struct, read from a page's
// form fields or a JSON body, written to and read from the request's data (model.hpp field::),
// and checked field by field (`Validate`), each refusal an i18n key under workd.form.error.*.
//
// No SQL and no HTTP here (DESIGN.md §2): what validation needs to know of the world (the agency
// directory, which domains are taken, the address data, today) comes in a FormContext.
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace govhub::core {
class ThaiAddressBook;
}

namespace govhub::workd {

// The form's own keys beyond model.hpp's data keys.
namespace field {
inline constexpr const char* kAgencyChoice = "agency_choice";  // "directory" | "new"
inline constexpr const char* kAgency = "agency";               // the directory agency's short name
}  // namespace field

// Bounds on what a field may hold (bytes of UTF-8).
inline constexpr size_t kMaxNameBytes = 200;
inline constexpr size_t kMaxShortBytes = 100;
inline constexpr size_t kMaxNoteBytes = 2000;
inline constexpr int64_t kMaxAccounts = 100000;
// The effective date: from today (Bangkok) to this many years ahead.
inline constexpr int kEffectiveYearsAhead = 2;
// The last effective date allowed from `today` (YYYY-MM-DD): today + kEffectiveYearsAhead.
std::string EffectiveDateMax(const std::string& today);

// An agency of the directory as the form needs it.
struct DirectoryAgency {
    std::string id;
    std::string name;  // short name
    std::string title;
    std::string title_en;
    bool ministry = false;
    std::string parent_id;  // a department's ministry
};

struct FormContext {
    // An active agency of the directory by short name (nullopt: none such).
    std::function<std::optional<DirectoryAgency>(const std::string& name)> find_agency;
    // Whether a live domain already holds this FQDN (store::DomainTaken).
    std::function<bool(const std::string& fqdn)> domain_taken;
    // Whether an active agency of the directory (other than `except_id`, the form's own pending
    // one) has this Thai or English name (case and spacing aside).
    std::function<bool(const std::string& title, const std::string& except_id)> agency_title_taken;
    const core::ThaiAddressBook* addresses = nullptr;
    std::string zone = "mail.go.th";
    std::string today;  // YYYY-MM-DD, Bangkok's date
};

struct RequestForm {
    // Part 1: the agency.
    std::string agency_choice;  // "directory" | "new"
    std::string agency;         // short name (directory)
    std::string agency_name_th, agency_name_en;
    std::string ministry;  // a ministry's short name, or "other"
    std::string ministry_other_th, ministry_other_en;
    // The contact person.
    std::string contact_name_th, contact_name_en, contact_position, contact_citizen_id;
    std::string office_phone, contact_phone, mobile, email, backup_email;
    // The address.
    std::string address_number, address_moo, address_soi, address_road;
    std::string tambon, amphoe, province, postcode, postcode_note;
    // Part 2: the service.
    std::string domain_kind;  // "subdomain" | "own"
    std::string subdomain, own_domain;
    std::string mail_accounts, conference_accounts;  // as typed; integers once valid
    std::string effective_date;                      // ISO once valid, else as typed
    // Part 3 and 4.
    std::string pdpa_consent;  // "yes" | "no"
    std::string pdpa_version, pdpa_at;
    std::string terms_accepted;  // "yes" | ""
    std::string terms_version, terms_at;
    // Kept by the request (not typed): the directory id of the agency, set by the desk.
    std::string agency_id;

    // Every typed field, by data key (what pages and JSON read and write).
    struct Field {
        const char* key;
        std::string RequestForm::*member;
        size_t max_bytes;
    };
    static const std::vector<Field>& Fields();

    // The typed fields of a page's form post (`value(key)` gives the field's text).
    static RequestForm FromValues(const std::function<std::string(const std::string&)>& value);
    // A JSON body: an object of strings (numbers for the counts, booleans for the consent and
    // the terms accepted too). Throws HttpError::Validation for a body that is not an object, or
    // a value of another type.
    // Keys absent from the body keep `base`'s values (a PUT changes what it names).
    static RequestForm FromJson(const nlohmann::json& body, const RequestForm* base = nullptr);
    // The request's data (what Write stored, or a draft of an older version).
    static RequestForm FromData(const nlohmann::json& data);
    // Into the request's data: every key (counts as integers when they read as integers).
    nlohmann::json ToData() const;

    std::string Get(const std::string& key) const;
    int64_t MailAccounts() const;  // 0 when not an integer
    int64_t ConferenceAccounts() const;
    // The requested domain (FQDN) when the service part names one well enough; "" otherwise.
    std::string DomainName(const std::string& zone) const;
};

// The outcome of Validate.
struct FormCheck {
    std::vector<FieldError> errors;               // i18n keys (or core::Message texts) per data key
    std::vector<std::string> expected_postcodes;  // when the postcode does not match the tambon
    bool bangkok = false;                         // แขวง / เขต labels
    std::string directory_agency_id;              // the chosen directory agency's id
    bool ok() const { return errors.empty(); }
};

enum class FormMode {
    kDraft,     // a draft: only what is typed is checked (empty fields are fine)
    kComplete,  // submission: every required field, the consent given and the terms accepted
};

// Checks every field and normalises the good ones in place (phones, names of the address as the
// data spells them, postcode filled in, the date as ISO, the citizen ID as 13 digits, e-mail
// domains lower-cased). Values that fail stay as typed. Records the consent's and the terms'
// version and time (`now_iso`) when they are given or changed against `before` (the stored
// form; nullptr for a new request).
FormCheck Validate(RequestForm& form, const FormContext& ctx, FormMode mode,
                   const RequestForm* before = nullptr, const std::string& now_iso = "");

// ---- The readers of typed values (pure; also fuzzed: fuzz/targets/workd_form.cpp) -----------

// A Thai phone number: a landline (0 and 8 more digits: 02 612 6060, 053-123456) with an optional
// extension ("ต่อ 123", "ext. 123", "x123", 1–6 digits), or a mobile (06, 08 or 09 and 8 more
// digits); spaces, dashes, dots and brackets allowed; +66 read as 0. Normalised: the digits, and
// " ต่อ <ext>" when there is one. Nothing when it is not such a number. `mobile_only` refuses
// landlines, and extensions.
std::optional<std::string> ParseThaiPhone(std::string_view typed, bool mobile_only);
// A normalised phone as people write it: "02-612-6060 ต่อ 123", "053-123-456", "081-234-5678";
// anything else as it is.
std::string FormatThaiPhone(std::string_view normalised);
// An e-mail address a person can receive mail at: local@domain, local part of printable ASCII
// (no spaces, quotes, brackets), the domain of letters, digits, hyphens and dots with at least
// two labels (IDN as A-labels), at most 254. Trimmed, the domain lower-cased. Nothing when not.
std::optional<std::string> ParseEmail(std::string_view typed);
// Text of a name-like field: valid UTF-8 without control characters (a newline allowed when
// `multiline`), trimmed, spaces collapsed on one line. Nothing when it cannot be taken.
std::optional<std::string> CleanText(std::string_view typed, bool multiline = false);
// "500", "๕๐๐", "1,000" → 500; nothing when not a whole number 0..kMaxAccounts.
std::optional<int64_t> ParseAccountCount(std::string_view typed);

}  // namespace govhub::workd

#pragma once
// A certificate's verification code and the learner's initials, shared by issuing
// (certificates.hpp) and verifying (branding.hpp).
#include <optional>
#include <string>
#include <string_view>

namespace govhub::learning {

// "ABCD-EFGH-JKMN": 12 random characters of Crockford's base32, grouped by four.
std::string NewCertificateCode();
// Code as typed -> the stored form "XXXX-XXXX-XXXX": case, spaces and dashes ignored, Crockford's
// look-alikes read as digits (O -> 0, I and L -> 1); a pasted verification address is read from
// its last path segment. Nothing when it cannot be a code (no database read is made for it).
std::optional<std::string> NormalizeCertificateCode(std::string_view typed);
// A name as initials, for a learner who chose them: "นางสาวสมศรี ใจดี" -> "ส. จ." (no title;
// a Thai vowel written before its consonant, เ แ โ ใ ไ, is passed over), "Somsri Jaidee" -> "S.
// J.".
std::string NameInitials(std::string_view full_name);

}  // namespace govhub::learning

#pragma once
// What a certificate's page says, drawn from its snapshot: one layout for the issued PDF
// (certificates.cpp) and the design page's sample (branding.cpp), so an agency previews exactly
// the words, names and signatory lines its certificates will carry.
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "render/certificate.hpp"

namespace govhub::learning {

// Translates a key of learning.cert.pdf.* in a locale ("th" or "en").
using CertificateWords = std::function<std::string(const char* locale, const std::string& key)>;

// `snapshot`: the fields of i17 (names, course titles, minutes, completed_at, agency titles,
// signatory, design files). Design files are read from `branding_dir`.
render::CertificatePage CertificatePageOf(const nlohmann::json& snapshot, const std::string& code,
                                          const std::string& verify_url,
                                          const std::string& branding_dir,
                                          const CertificateWords& words);

// "7 ธันวาคม พ.ศ. 2569" and "7 December 2026" from an ISO date.
std::string ThaiLongDate(const std::string& iso_day);
std::string EnglishLongDate(const std::string& iso_day);

}  // namespace govhub::learning

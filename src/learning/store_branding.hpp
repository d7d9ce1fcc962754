#pragma once
// Learning's SQL for certificates as others see them (issue 17, branding.hpp): the learner's
// choice of how their name is shown on the verification page (learning_profiles.
// name_on_certificate, migration learning:6).
#include <string>

#include "db/database.hpp"

namespace govhub::learning::store {

// "full" (also when the learner has no profile row) or "initials".
std::string NameOnCertificate(db::Connection& c, const std::string& user_id);
// Creates the profile row when there is none (its other columns keep their defaults).
void SetNameOnCertificate(db::Connection& c, const std::string& user_id, const std::string& choice);

}  // namespace govhub::learning::store

#pragma once
// What the platform accepts as an e-mail address (sign-up, CKAN's user_create, Learning's
// enrolment CSV, workD's request form): one '@', a dotted domain, no spaces, quotes or
// separators a list would split on, at most 254 bytes of valid UTF-8.
#include <string>

namespace govhub::core {

bool IsValidEmail(const std::string& s);

}  // namespace govhub::core

#pragma once
// The holidays a new site starts with: Thailand's 2026 public holidays (government offices), and
// for 2027 the fixed-date ones, with the lunar days (estimated from the lunar calendar) and the
// substitution days marked "to be confirmed" until an administrator confirms the Cabinet's dates.
#include <vector>

#include "workflow/model.hpp"

namespace govhub::workflow {

const std::vector<Holiday>& SeedHolidays();

}  // namespace govhub::workflow

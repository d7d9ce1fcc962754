#pragma once
// Dumps as Excel workbooks, written row by row with libxlsxwriter's constant-memory mode.
#include <functional>
#include <string>
#include <vector>

#include "opendata/datastore/service.hpp"

namespace govhub::datastore {

using Rows = std::vector<std::vector<std::optional<std::string>>>;

// Writes the header and every batch `next` returns (until an empty one) to `path`.
void WriteXlsxDump(const std::string& path, const DumpPlan& plan,
                   const std::function<Rows()>& next);

}  // namespace govhub::datastore

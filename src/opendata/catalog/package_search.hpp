#pragma once
// package_search's query language (CatalogService::PackageSearch runs it). Exposed for tests and
// for callers that want to check a q/fq before doing other work.
#include <cstddef>
#include <string>

namespace govhub::catalog {

// Bounds on one q or fq (issue #12); past them PackageSearch answers a 400 Search Query Error.
inline constexpr size_t kMaxQueryChars = 2000;    // characters (not bytes)
inline constexpr size_t kMaxQueryClauses = 100;   // terms, field filters and ranges
inline constexpr size_t kMaxQueryDepth = 32;      // parentheses and NOT/-/! prefixes nested
inline constexpr size_t kMaxFilterQueries = 100;  // fq and fq_list entries of one search

// Parses `text` as PackageSearch would and throws its HttpError when it is refused.
void CheckSearchQuery(const std::string& text);

}  // namespace govhub::catalog

#pragma once
// package_search's query language (CatalogService::PackageSearch runs it). Exposed for tests and
// for callers that want to check a q/fq before doing other work.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace govhub::catalog {

// Bounds on one q or fq (issue #12); past them PackageSearch answers a 400 Search Query Error.
inline constexpr size_t kMaxQueryChars = 2000;    // characters (not bytes)
inline constexpr size_t kMaxQueryClauses = 100;   // terms, field filters and ranges
inline constexpr size_t kMaxQueryDepth = 32;      // parentheses and NOT/-/! prefixes nested
inline constexpr size_t kMaxFilterQueries = 100;  // fq and fq_list entries of one search

// Parses `text` as PackageSearch would and throws its HttpError when it is refused.
void CheckSearchQuery(const std::string& text);

// A parsed q/fq: Solr's syntax as CKAN clients send it. Words and phrases go to the full-text
// index; field:value compares a dataset's values; field:[a TO b] compares ranges (ISO dates sort
// as text); AND (also implicit), OR, NOT/-, and parentheses combine them.
struct SearchNode {
    enum class Kind { kWord, kField, kRange, kAnd, kOr, kNot, kAll } kind = Kind::kAll;
    std::string field, value, low, high;
    bool low_inclusive = true, high_inclusive = true;
    std::vector<SearchNode> children;
    int word = -1;  // for kWord: its index in the query's word table, set before evaluation
    // For kField on a facet field: the field's index and the value's id in this snapshot.
    int facet = -1;
    uint32_t value_id = UINT32_MAX;
};

// What PackageSearch runs for q and its fq before it reads the snapshot: each checked against
// the bounds above and parsed, all joined by AND, and the words the term index is asked for.
struct ParsedSearch {
    SearchNode query;             // kAnd of q and every fq
    std::set<std::string> words;  // every distinct word: each is matched in the index once
    std::string rank_words;       // the words not under a NOT, space-separated: they rank
};

// Throws the 400 Search Query Error PackageSearch answers (more than kMaxFilterQueries fq too).
ParsedSearch ParseSearch(const std::string& q, const std::vector<std::string>& fq);

}  // namespace govhub::catalog

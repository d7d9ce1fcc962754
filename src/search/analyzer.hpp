#pragma once
// The one Thai-aware analyzer behind every search index (DESIGN.md §3, reference/architecture.md
// §4): ICU word break over the raw UTF-8 text first, then each word normalized (NFKC, case
// folding, ํา -> ำ). Normalizing before the break would split Thai words (NFKC turns ำ into ํ+า).
// The same function analyzes documents and queries, so they always meet.
#include <string>
#include <string_view>
#include <vector>

namespace govhub::search {

struct Token {
    std::string term;  // normalized
    size_t start = 0;  // byte offsets into the analyzed text
    size_t end = 0;
};

// Words only: spaces and punctuation are dropped; Latin words and numbers are kept.
// Invalid UTF-8 is analyzed as far as ICU can read it.
std::vector<Token> Analyze(std::string_view text);
// Terms alone, in order.
std::vector<std::string> Terms(std::string_view text);
// Normalizes one word (what Analyze does to each segment).
std::string NormalizeWord(std::string_view word);
// The same through ICU alone (NormalizeWord takes a shortcut for plain ASCII and Thai words;
// a test holds the two equal).
std::string NormalizeWordWithIcu(std::string_view word);

}  // namespace govhub::search

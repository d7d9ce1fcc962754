#pragma once
// An in-memory inverted index for callers that hold their documents in memory (the catalog's
// search snapshot on each node): the shared analyzer's terms -> sorted lists of document slots,
// per field, with prefix lookup through a sorted vocabulary.
//
// A TermIndex is immutable, so queries read it without locks. TermIndexWriter derives the next
// generation from one: the posting lists it does not touch are shared with the previous
// generation, so a small update costs the lists it changes, not the whole index.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/paged_vector.hpp"

namespace govhub::search {

class TermIndex {
  public:
    static constexpr int kAnyField = -1;

    explicit TermIndex(size_t fields);

    size_t fields() const { return postings_.size(); }
    size_t terms() const { return sorted_->size(); }

    // Sets bits[slot] = 1 for every slot whose `field` (or any field) holds a term that
    // starts with `prefix`. `bits` must cover every slot the index knows.
    void MarkPrefix(std::string_view prefix, int field, std::vector<char>& bits) const;

    // The slots holding every term of `word` (analyzed as documents are) as a prefix, in any
    // field, as a bitmap over `slots`; nullopt when the word has no terms (only punctuation).
    std::optional<std::vector<char>> MatchWord(std::string_view word, size_t slots) const;

    // Every slot listed for the exact term in `field` (tests and diagnostics).
    std::vector<uint32_t> Postings(std::string_view term, int field) const;

  private:
    friend class TermIndexWriter;
    struct Pool;
    using List = std::shared_ptr<const std::vector<uint32_t>>;

    // [first, last) positions in sorted_ of the terms starting with `prefix`.
    std::pair<size_t, size_t> PrefixRange(std::string_view prefix) const;

    using Vocabulary = std::vector<std::pair<const std::string*, uint32_t>>;  // by term
    std::shared_ptr<Pool> pool_;                     // term text by id, shared by every generation
    std::shared_ptr<const Vocabulary> sorted_;       // replaced when terms are added
    std::vector<core::PagedVector<List>> postings_;  // [field][term id]
};

class TermIndexWriter {
  public:
    // Starts from `base` (its lists are shared until changed).
    explicit TermIndexWriter(const TermIndex& base);

    // The ids of the distinct terms, in first-seen order; new terms get new ids.
    std::vector<uint32_t> Intern(const std::vector<std::string>& terms);
    // Lists `slot` under each term in `field`, or takes it off them.
    void Add(uint32_t slot, int field, const std::vector<uint32_t>& term_ids);
    void Remove(uint32_t slot, int field, const std::vector<uint32_t>& term_ids);

    std::shared_ptr<const TermIndex> Finish();

  private:
    struct Change {
        std::vector<uint32_t> add, remove;
    };
    std::shared_ptr<TermIndex> next_;
    std::unordered_map<uint64_t, Change> changes_;  // (field << 32 | term id) -> change
    std::vector<uint32_t> new_terms_;
};

}  // namespace govhub::search

#include "search/term_index.hpp"

#include <algorithm>
#include <mutex>

#include "core/string_pool.hpp"
#include "search/analyzer.hpp"

namespace govhub::search {

// Term texts, append-only: a deque never moves its elements, so a generation's pointers into
// it stay valid while writers add terms for later generations.
struct TermIndex::Pool {
    std::mutex mutex;
    core::StringPool texts;
};

TermIndex::TermIndex(size_t fields)
    : pool_(std::make_shared<Pool>()), sorted_(std::make_shared<Vocabulary>()), postings_(fields) {}

std::pair<size_t, size_t> TermIndex::PrefixRange(std::string_view prefix) const {
    auto by_text = [](const std::pair<const std::string*, uint32_t>& e, std::string_view t) {
        return std::string_view(*e.first) < t;
    };
    const Vocabulary& v = *sorted_;
    auto lo = std::lower_bound(v.begin(), v.end(), prefix, by_text);
    auto hi = lo;
    while (hi != v.end() && std::string_view(*hi->first).substr(0, prefix.size()) == prefix) ++hi;
    return {static_cast<size_t>(lo - v.begin()), static_cast<size_t>(hi - v.begin())};
}

void TermIndex::MarkPrefix(std::string_view prefix, int field, std::vector<char>& bits) const {
    auto [first, last] = PrefixRange(prefix);
    for (size_t i = first; i < last; ++i) {
        uint32_t id = (*sorted_)[i].second;
        for (size_t f = 0; f < postings_.size(); ++f) {
            if (field != kAnyField && static_cast<size_t>(field) != f) continue;
            if (id >= postings_[f].size() || !postings_[f][id]) continue;
            for (uint32_t slot : *postings_[f][id])
                if (slot < bits.size()) bits[slot] = 1;
        }
    }
}

std::optional<std::vector<char>> TermIndex::MatchWord(std::string_view word, size_t slots) const {
    std::vector<std::string> terms = Terms(word);
    if (terms.empty()) return std::nullopt;
    std::vector<char> result;
    for (const auto& t : terms) {
        std::vector<char> bits(slots, 0);
        MarkPrefix(t, kAnyField, bits);
        if (result.empty()) {
            result = std::move(bits);
        } else {
            for (size_t i = 0; i < slots; ++i) result[i] = static_cast<char>(result[i] & bits[i]);
        }
    }
    return result;
}

std::vector<uint32_t> TermIndex::Postings(std::string_view term, int field) const {
    auto [first, last] = PrefixRange(term);
    for (size_t i = first; i < last; ++i) {
        if (*(*sorted_)[i].first != term) continue;
        uint32_t id = (*sorted_)[i].second;
        const auto& lists = postings_.at(static_cast<size_t>(field));
        if (id < lists.size() && lists[id]) return *lists[id];
    }
    return {};
}

TermIndexWriter::TermIndexWriter(const TermIndex& base)
    : next_(std::make_shared<TermIndex>(base)) {}

std::vector<uint32_t> TermIndexWriter::Intern(const std::vector<std::string>& terms) {
    std::vector<uint32_t> out;
    out.reserve(terms.size());
    auto& pool = *next_->pool_;
    std::lock_guard lock(pool.mutex);
    for (const auto& t : terms) {
        bool added;
        uint32_t id = pool.texts.Intern(t, &added);
        if (added) new_terms_.push_back(id);
        if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
    }
    return out;
}

void TermIndexWriter::Add(uint32_t slot, int field, const std::vector<uint32_t>& term_ids) {
    for (uint32_t id : term_ids)
        changes_[(static_cast<uint64_t>(field) << 32) | id].add.push_back(slot);
}

void TermIndexWriter::Remove(uint32_t slot, int field, const std::vector<uint32_t>& term_ids) {
    for (uint32_t id : term_ids)
        changes_[(static_cast<uint64_t>(field) << 32) | id].remove.push_back(slot);
}

std::shared_ptr<const TermIndex> TermIndexWriter::Finish() {
    auto& pool = *next_->pool_;
    size_t term_count;
    {
        std::lock_guard lock(pool.mutex);
        term_count = pool.texts.size();
        // Terms this writer added join the sorted vocabulary (one merge, not an insert each).
        // Another writer's terms (a generation this one does not descend from) are absent
        // from this generation's vocabulary and have no lists in it.
        if (!new_terms_.empty()) {
            TermIndex::Vocabulary added;
            added.reserve(new_terms_.size());
            for (uint32_t id : new_terms_) added.emplace_back(&pool.texts.at(id), id);
            auto by_text = [](const auto& a, const auto& b) { return *a.first < *b.first; };
            std::sort(added.begin(), added.end(), by_text);
            auto merged = std::make_shared<TermIndex::Vocabulary>();
            merged->reserve(next_->sorted_->size() + added.size());
            std::merge(next_->sorted_->begin(), next_->sorted_->end(), added.begin(), added.end(),
                       std::back_inserter(*merged), by_text);
            next_->sorted_ = std::move(merged);
        }
    }
    for (auto& lists : next_->postings_) lists.GrowTo(term_count);
    for (auto& [key, change] : changes_) {
        auto field = static_cast<size_t>(key >> 32);
        auto id = static_cast<uint32_t>(key & 0xFFFFFFFFu);
        std::sort(change.add.begin(), change.add.end());
        change.add.erase(std::unique(change.add.begin(), change.add.end()), change.add.end());
        std::sort(change.remove.begin(), change.remove.end());
        // A slot both removed and added (a document updated in place, the term kept) is no
        // change at all: most terms of an edited document are such, and their lists (the
        // common words' lists are as long as the catalog) are left shared.
        std::vector<uint32_t> add, remove;
        std::set_difference(change.add.begin(), change.add.end(), change.remove.begin(),
                            change.remove.end(), std::back_inserter(add));
        std::set_difference(change.remove.begin(), change.remove.end(), change.add.begin(),
                            change.add.end(), std::back_inserter(remove));
        if (add.empty() && remove.empty()) continue;
        TermIndex::List& list = next_->postings_.at(field).Mutable(id);
        auto result = list ? std::make_shared<std::vector<uint32_t>>(*list)
                           : std::make_shared<std::vector<uint32_t>>();
        if (add.size() + remove.size() > 64) {
            // A big batch (the first build): one merge.
            std::vector<uint32_t> kept;
            kept.reserve(result->size());
            std::set_difference(result->begin(), result->end(), remove.begin(), remove.end(),
                                std::back_inserter(kept));
            result->clear();
            std::set_union(kept.begin(), kept.end(), add.begin(), add.end(),
                           std::back_inserter(*result));
        } else {
            for (uint32_t slot : remove) {
                auto it = std::lower_bound(result->begin(), result->end(), slot);
                if (it != result->end() && *it == slot) result->erase(it);
            }
            for (uint32_t slot : add) {
                auto it = std::lower_bound(result->begin(), result->end(), slot);
                if (it == result->end() || *it != slot) result->insert(it, slot);
            }
        }
        if (result->empty())
            list.reset();
        else
            list = std::move(result);
    }
    changes_.clear();
    new_terms_.clear();
    std::shared_ptr<const TermIndex> out = std::move(next_);
    return out;
}

}  // namespace govhub::search

#pragma once
// Strings interned to dense ids, append-only. A deque never moves its elements, so pointers to
// pooled strings stay valid while one writer adds more: readers of an older generation of a
// search snapshot keep pointing at the strings it knew.
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

namespace govhub::core {

class StringPool {
  public:
    // The id of `s`, added if new; `added` tells which.
    uint32_t Intern(std::string_view s, bool* added = nullptr) {
        auto it = ids_.find(s);
        if (added) *added = it == ids_.end();
        if (it != ids_.end()) return it->second;
        auto id = static_cast<uint32_t>(texts_.size());
        texts_.emplace_back(s);
        ids_.emplace(texts_.back(), id);
        return id;
    }
    const std::string& at(uint32_t id) const { return texts_[id]; }
    size_t size() const { return texts_.size(); }
    const std::deque<std::string>& texts() const { return texts_; }

  private:
    std::deque<std::string> texts_;
    std::unordered_map<std::string_view, uint32_t> ids_;
};

}  // namespace govhub::core

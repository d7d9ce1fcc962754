#pragma once
// Dictionary order of people's words in a language (ICU collation: in Thai, leading vowels do
// not count first, as in a Thai dictionary), for every module that lists names.
#include <algorithm>
#include <memory>
#include <string>
#include <string_view>

namespace govhub::core {

// Compares UTF-8 text in the dictionary order of `locale` ("en", else Thai). One per sort.
class Collation {
  public:
    explicit Collation(const std::string& locale);
    ~Collation();
    Collation(const Collation&) = delete;
    Collation& operator=(const Collation&) = delete;
    bool Less(std::string_view a, std::string_view b) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Sorts `items` by the text `key(item)` in `locale`'s dictionary order (stable).
template <typename Items, typename Key>
void SortByText(Items& items, const std::string& locale, Key key) {
    Collation order(locale);
    std::stable_sort(items.begin(), items.end(),
                     [&](const auto& a, const auto& b) { return order.Less(key(a), key(b)); });
}

}  // namespace govhub::core

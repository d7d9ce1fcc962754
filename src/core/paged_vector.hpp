#pragma once
// A vector kept in fixed-size pages that copies share: copying one costs a pointer per page,
// and writing an element copies only its page, and only while another copy still holds it.
// Made for immutable generations of large arrays (search snapshots), where each generation
// changes a few elements of the one before.
//
// Thread safety: copies may be read and destroyed on any thread while one thread derives and
// writes a new copy (a page's use count only falls behind a writer's back, so a page the writer
// sees as unshared really is).
#include <cstddef>
#include <memory>
#include <vector>

namespace govhub::core {

template <class T, size_t kPageBits = 10>
class PagedVector {
  public:
    static constexpr size_t kPageSize = size_t{1} << kPageBits;

    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }

    const T& operator[](size_t i) const { return (*pages_[i >> kPageBits])[i & (kPageSize - 1)]; }

    // The element, writable: its page is copied first if another copy shares it.
    T& Mutable(size_t i) { return Own(i >> kPageBits)[i & (kPageSize - 1)]; }

    void push_back(T value) {
        if (size_ % kPageSize == 0) {
            pages_.push_back(std::make_shared<Page>());
            pages_.back()->reserve(kPageSize);
        }
        Own(size_ >> kPageBits).push_back(std::move(value));
        ++size_;
    }

    // Grows with default elements (never shrinks).
    void GrowTo(size_t n) {
        while (size_ < n) push_back(T{});
    }

    // Pages not shared with any other copy (for tests and memory accounting).
    size_t OwnPages() const {
        size_t n = 0;
        for (const auto& p : pages_) n += p.use_count() == 1;
        return n;
    }

  private:
    using Page = std::vector<T>;

    Page& Own(size_t page) {
        auto& p = pages_[page];
        if (p.use_count() > 1) {
            auto copy = std::make_shared<Page>();
            copy->reserve(kPageSize);
            copy->assign(p->begin(), p->end());
            p = std::move(copy);
        }
        return *p;
    }

    std::vector<std::shared_ptr<Page>> pages_;
    size_t size_ = 0;
};

}  // namespace govhub::core

#include "core/collate.hpp"

#include <unicode/coll.h>

namespace govhub::core {

struct Collation::Impl {
    std::unique_ptr<icu::Collator> collator;
};

Collation::Collation(const std::string& locale) : impl_(std::make_unique<Impl>()) {
    UErrorCode status = U_ZERO_ERROR;
    impl_->collator.reset(
        icu::Collator::createInstance(icu::Locale(locale == "en" ? "en" : "th"), status));
    if (U_FAILURE(status)) impl_->collator.reset();
}

Collation::~Collation() = default;

bool Collation::Less(std::string_view a, std::string_view b) const {
    if (!impl_->collator) return a < b;
    UErrorCode status = U_ZERO_ERROR;
    auto r = impl_->collator->compareUTF8(
        icu::StringPiece(a.data(), static_cast<int32_t>(a.size())),
        icu::StringPiece(b.data(), static_cast<int32_t>(b.size())), status);
    return U_SUCCESS(status) ? r == UCOL_LESS : a < b;
}

}  // namespace govhub::core

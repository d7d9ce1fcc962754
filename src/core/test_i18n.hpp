#pragma once
// For tests: the site's strings from web/i18n, to read core::Messages as a user would.
#include <string>

#include "core/i18n.hpp"

namespace govhub::core {

inline const I18n& TestStrings() {
    static const I18n strings = [] {
        I18n i;
        i.LoadDirectory(std::string(GOVHUB_SOURCE_DIR) + "/web/i18n");
        return i;
    }();
    return strings;
}

// A message as an English reader sees it.
inline std::string English(const std::string& message) {
    return TestStrings().Localize("en", message);
}

}  // namespace govhub::core

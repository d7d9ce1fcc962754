#include "http/headers.hpp"

#include <algorithm>

#include "core/strings.hpp"

namespace govhub::http {

std::string_view Headers::Get(std::string_view name) const {
    for (const auto& [k, v] : fields_)
        if (core::IEquals(k, name)) return v;
    return {};
}

bool Headers::Has(std::string_view name) const {
    for (const auto& f : fields_)
        if (core::IEquals(f.first, name)) return true;
    return false;
}

void Headers::Set(std::string name, std::string value) {
    Remove(name);
    Add(std::move(name), std::move(value));
}

void Headers::Remove(std::string_view name) {
    fields_.erase(std::remove_if(fields_.begin(), fields_.end(),
                                 [&](const Field& f) { return core::IEquals(f.first, name); }),
                  fields_.end());
}

}  // namespace govhub::http

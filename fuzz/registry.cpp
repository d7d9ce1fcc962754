#include <algorithm>

#include "fuzz_target.hpp"

namespace govhub::fuzz {
namespace {

std::vector<Target>& All() {
    static std::vector<Target> targets;
    return targets;
}

}  // namespace

int Register(const char* name, TargetFn fn) {
    All().push_back({name, fn});
    return 0;
}

const std::vector<Target>& Targets() {
    auto& all = All();
    std::sort(all.begin(), all.end(),
              [](const Target& a, const Target& b) { return a.name < b.name; });
    return all;
}

const Target* Find(std::string_view name) {
    for (const auto& t : All())
        if (t.name == name) return &t;
    return nullptr;
}

std::vector<std::string_view> Fields(std::string_view text, size_t n) {
    std::vector<std::string_view> out;
    while (out.size() + 1 < n) {
        size_t nl = text.find('\n');
        if (nl == std::string_view::npos) break;
        out.push_back(text.substr(0, nl));
        text.remove_prefix(nl + 1);
    }
    out.push_back(text);
    out.resize(n);
    return out;
}

}  // namespace govhub::fuzz

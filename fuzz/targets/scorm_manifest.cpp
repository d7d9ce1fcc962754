// An imsmanifest.xml from an uploaded SCORM package (learning/scorm_package.hpp): bytes →
// ParseManifest. A manifest it accepts must keep its promises to the code that serves the
// package: every launchable item has an href inside the package (no scheme, not absolute, no
// ".." segment, no backslash), the passing values are in their ranges, and there is at least
// one item to launch.
#include <algorithm>
#include <string>

#include "fuzz_target.hpp"
#include "learning/scorm_package.hpp"

namespace {

void CheckItems(const std::vector<govhub::learning::ScormItem>& items) {
    for (const auto& item : items) {
        if (!item.href.empty()) {
            std::string path = item.href.substr(0, item.href.find_first_of("?#"));
            if (path.empty() || path.front() == '/' || path.find('\\') != std::string::npos ||
                path.find('\0') != std::string::npos || path == ".." || path.rfind("../", 0) == 0 ||
                path.find("/../") != std::string::npos ||
                (path.size() >= 3 && path.compare(path.size() - 3, 3, "/..") == 0))
                __builtin_trap();
            size_t colon = path.find(':');
            if (colon != std::string::npos && colon < path.find('/')) __builtin_trap();
            if (item.resource_id.empty()) __builtin_trap();
        }
        if (item.mastery_score && (*item.mastery_score < 0 || *item.mastery_score > 100))
            __builtin_trap();
        if (item.scaled_passing_score &&
            (*item.scaled_passing_score < -1 || *item.scaled_passing_score > 1))
            __builtin_trap();
        if (item.completion_threshold &&
            (*item.completion_threshold < 0 || *item.completion_threshold > 1))
            __builtin_trap();
        CheckItems(item.children);
    }
}

}  // namespace

GOVHUB_FUZZ_TARGET(scorm_manifest) {
    namespace l = govhub::learning;
    try {
        auto m = l::ParseManifest(govhub::fuzz::AsText(data, size));
        if (m.Launchable().empty()) __builtin_trap();
        CheckItems(m.items);
        if (m.declares_sequencing !=
            (std::find(m.warnings.begin(), m.warnings.end(), "learning.scorm.sequencing_ignored") !=
             m.warnings.end()))
            __builtin_trap();
    } catch (const l::ScormPackageError& e) {
        if (e.key.rfind("learning.scorm.", 0) != 0 || e.name.size() > 200) __builtin_trap();
    }
}

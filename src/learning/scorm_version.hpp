#pragma once
// The two SCORM editions a package may be written for. Shared by the package reader
// (scorm_package.hpp: which edition a manifest declares) and the runtime (scorm_runtime.hpp:
// which data model a learner's attempt speaks).
#include <string_view>

namespace govhub::learning {

enum class ScormVersion {
    k12,    // SCORM 1.2: window.API, cmi.core.*
    k2004,  // SCORM 2004 (3rd/4th edition): window.API_1484_11, cmi.*
};

// "1.2" / "2004": the text kept in the database and shown to authors.
constexpr std::string_view ScormVersionText(ScormVersion v) {
    return v == ScormVersion::k12 ? "1.2" : "2004";
}

}  // namespace govhub::learning

#pragma once
// Learning's demo content for `make run` (--seed-demo): a course in Thai with a text lesson, a
// video lesson (its video made by Debian's ffmpeg at first start, not committed) and the
// publishing steps. Idempotent: nothing is added when the course exists.
#include <string>

#include "learning/scorm_service.hpp"
#include "learning/service.hpp"

namespace govhub::learning {

// Returns the number of courses added.
int SeedDemo(LearningService& service, const api::Principal& sysadmin, const std::string& tmp_dir);

// The second demo course, "ความปลอดภัยไซเบอร์เบื้องต้น": one lesson, the SCORM 2004 two-SCO
// package that scripts/make-demo-scorm.py (found at <web_dir>/../scripts) builds at seed time.
// Skipped with a message when python3 or the script is missing. True when the course was added.
bool SeedScormDemo(LearningService& service, ScormLessons& scorm, const api::Principal& sysadmin,
                   const std::string& tmp_dir, const std::string& web_dir);

}  // namespace govhub::learning

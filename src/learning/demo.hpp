#pragma once
// Learning's demo content for `make run` (--seed-demo): a course in Thai with a text lesson, a
// video lesson (its video made by Debian's ffmpeg at first start, not committed) and the
// publishing steps. Idempotent: nothing is added when the course exists.
#include <string>

#include "learning/service.hpp"

namespace govhub::learning {

// Returns the number of courses added.
int SeedDemo(LearningService& service, const api::Principal& sysadmin, const std::string& tmp_dir);

}  // namespace govhub::learning

#pragma once
// Test-only stall points for the crash-safety tests (tests/integration/test_crash_safety.py).
// `govhub serve --test-stall-at=NAME` arms one point; when a thread reaches CrashPoint(NAME) it
// writes "govhub: test stall at NAME" to stderr and blocks for ever, so the test can kill -9 the
// process at exactly that step of an operation instead of guessing with timers. Off by default;
// when no point is armed CrashPoint costs one relaxed atomic load.
#include <atomic>
#include <string>

namespace govhub::core {

namespace detail {
extern std::atomic<bool> g_crash_point_armed;
void StallIfArmed(const char* name);
}  // namespace detail

// Arms the point `name` for this process (empty: none). Called once, before threads start.
void ArmCrashPoint(const std::string& name);

inline void CrashPoint(const char* name) {
    if (detail::g_crash_point_armed.load(std::memory_order_relaxed)) [[unlikely]]
        detail::StallIfArmed(name);
}

}  // namespace govhub::core

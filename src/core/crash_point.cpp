#include "core/crash_point.hpp"

#include <unistd.h>

#include <cstring>

namespace govhub::core {

namespace detail {
std::atomic<bool> g_crash_point_armed{false};
}  // namespace detail

namespace {
std::string& Armed() {
    static std::string name;
    return name;
}
}  // namespace

void ArmCrashPoint(const std::string& name) {
    Armed() = name;
    detail::g_crash_point_armed.store(!name.empty(), std::memory_order_release);
}

void detail::StallIfArmed(const char* name) {
    // Armed() is written once before any thread starts, so reading it here needs no lock.
    if (Armed() != name) return;
    std::string line = "govhub: test stall at " + Armed() + "\n";
    ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
    (void)ignored;
    for (;;) ::sleep(3600);  // until the test kills the process
}

}  // namespace govhub::core

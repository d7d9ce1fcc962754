#pragma once
// A fatal signal (a stack overflow, a bad pointer, an abort) leaves one JSON line on stderr that
// names what the crashing thread was doing — the request it was serving, the job it was running —
// before the process dies with the signal, so a supervisor (systemd) restarts it and the operator
// can find the input that killed it.
#include <string_view>

namespace govhub::core {

// Installs the handlers for SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGABRT once per process.
void InstallCrashHandler();

// Recurses until the stack overflows: the crash that tests (`--enable-test-jobs`) provoke to
// check the report and the restart.
[[noreturn]] void OverflowStackForTests();

// What this thread is doing until the object goes out of scope; nests (the outer one comes back).
// Each value is cut to a few hundred bytes and JSON-escaped here, not in the signal handler.
// The first one on a thread also gives the thread an alternate signal stack, so that a stack
// overflow can still be reported.
class CrashContext {
  public:
    CrashContext(std::string_view kind, std::string_view id, std::string_view what);
    ~CrashContext();
    CrashContext(const CrashContext&) = delete;
    CrashContext& operator=(const CrashContext&) = delete;

  private:
    static constexpr size_t kMax = 640;
    size_t saved_length_;
    char saved_[kMax];  // the outer context, put back on destruction
};

}  // namespace govhub::core

#pragma once
// Work on hostile input that a library might crash on or run away with (a statement in the SQL
// sandbox, a legacy .xls workbook through FreeXL) runs in a child process: `govhub-sandbox
// <mode> ...`, a small binary beside the server's own. A crash, a hang or a memory blow-up
// then ends that child, never the server. When the helper is missing, the server binary runs
// the child itself (`govhub __sandbox <mode> ...`, answered first thing in main), only slower to
// start (it loads all of the server's libraries: ~100 ms against ~1 ms).
#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace govhub::core {

// argv[1] with which the server binary runs a sandbox child (main.cpp).
inline constexpr const char* kSandboxArg = "__sandbox";

struct ChildCommand {
    std::string program;            // the file to execute
    std::vector<std::string> argv;  // argv[0] included
};

// The command that runs sandbox `mode` with `args`: govhub-sandbox beside this binary, else this
// binary with kSandboxArg.
ChildCommand SandboxCommand(const std::string& mode, const std::vector<std::string>& args = {});

// Starts `command` with its stdin and stdout on the given descriptors (-1: /dev/null) and its
// stderr on ours; every other descriptor is closed in the child. `extra_asan_options` is added to
// ASAN_OPTIONS in the child's environment (only sanitizer builds read it). Throws
// std::runtime_error when it cannot be started.
pid_t SpawnChild(const ChildCommand& command, int stdin_fd, int stdout_fd,
                 const std::string& extra_asan_options = "");

struct ChildExit {
    bool timed_out = false;  // killed at the deadline
    bool signaled = false;   // ended by a signal (a crash, or SIGKILL/SIGXCPU)
    int signal = 0;
    int code = 0;  // the exit code when it exited
};

// Waits for `pid` until `deadline`, then kills it with SIGKILL; always reaps it.
ChildExit WaitChild(pid_t pid, std::chrono::steady_clock::time_point deadline);

}  // namespace govhub::core

#include "core/run_tool.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "core/child_process.hpp"

namespace govhub::core {

ToolResult RunTool(const std::vector<std::string>& argv, const ToolLimits& limits) {
    ToolResult out;
    if (argv.empty() || argv[0].empty()) {
        out.error = "no program";
        return out;
    }
    if (::access(argv[0].c_str(), X_OK) != 0) {
        out.error = argv[0] + ": not found or not executable";
        return out;
    }
    auto deadline = std::chrono::steady_clock::now() + limits.timeout;
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        out.error = "pipe failed";
        return out;
    }
    pid_t pid = -1;
    try {
        pid = SpawnChild({argv[0], argv}, -1, fds[1]);
    } catch (const std::exception& e) {
        ::close(fds[0]);
        ::close(fds[1]);
        out.error = e.what();
        return out;
    }
    ::close(fds[1]);
    out.started = true;
    char buf[4096];
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;  // WaitChild below kills it
        pollfd p{fds[0], POLLIN, 0};
        int r = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) break;
        if (r == 0) continue;
        ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // end of output (or an error): it has closed stdout
        size_t room =
            limits.max_output_bytes - std::min(limits.max_output_bytes, out.output.size());
        size_t take = std::min(room, static_cast<size_t>(n));
        out.output.append(buf, take);
        if (take < static_cast<size_t>(n)) out.truncated = true;  // read on, keep nothing
    }
    // Reaped (or killed, past the deadline) before our end of the pipe closes: a program still
    // writing then would die of SIGPIPE first and look like it had crashed, not timed out.
    ChildExit exit = WaitChild(pid, deadline);
    ::close(fds[0]);
    out.timed_out = exit.timed_out;
    out.signaled = exit.signaled;
    out.exit_code = exit.signaled ? -1 : exit.code;
    if (out.timed_out) out.error = argv[0] + ": timed out";
    return out;
}

}  // namespace govhub::core

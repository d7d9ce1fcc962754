#pragma once
// Running a trusted program (ffmpeg, ffprobe, python3) with bounds: no shell (the arguments
// reach it as they are, so a file name cannot inject anything), at most `timeout` of wall time
// (then SIGKILL) and at most `max_output_bytes` of its standard output kept (the rest is read
// and dropped, so the program never blocks on a full pipe). Its stdin is /dev/null, its stderr
// ours. For hostile input that a library parses, use child_process.hpp's sandbox instead.
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace govhub::core {

struct ToolLimits {
    std::chrono::milliseconds timeout{30000};
    size_t max_output_bytes = 64 * 1024;
};

struct ToolResult {
    bool started = false;    // false: the program could not be run (`error` says why)
    bool timed_out = false;  // killed at the deadline
    bool signaled = false;   // ended by a signal (a crash, or our SIGKILL)
    int exit_code = -1;      // when it exited
    std::string output;      // standard output, at most max_output_bytes
    bool truncated = false;  // it wrote more than that
    std::string error;
    bool ok() const { return started && !timed_out && !signaled && exit_code == 0; }
};

// argv[0] is the program's path (not looked up in PATH) and is passed as its argv[0].
ToolResult RunTool(const std::vector<std::string>& argv, const ToolLimits& limits = {});

}  // namespace govhub::core

#include "core/run_tool.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

namespace govhub::core {
namespace {

using std::chrono::milliseconds;

TEST(RunTool, ReturnsTheExitCodeAndTheOutput) {
    auto r = RunTool({"/bin/echo", "a b", "$HOME;", "`x`"});
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.exit_code, 0);
    // No shell: every argument arrives as it was given.
    EXPECT_EQ(r.output, "a b $HOME; `x`\n");
    EXPECT_FALSE(r.truncated);
    auto f = RunTool({"/bin/sh", "-c", "echo out; exit 3"});
    EXPECT_TRUE(f.started);
    EXPECT_FALSE(f.ok());
    EXPECT_EQ(f.exit_code, 3);
    EXPECT_EQ(f.output, "out\n");
}

TEST(RunTool, KeepsAtMostTheBoundOfOutputAndLetsTheProgramFinish) {
    // 1 MiB written, 100 bytes kept; the program is not stuck on a full pipe.
    auto r = RunTool({"/usr/bin/head", "-c", "1048576", "/dev/zero"},
                     {.timeout = milliseconds(10000), .max_output_bytes = 100});
    EXPECT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.output.size(), 100u);
    EXPECT_TRUE(r.truncated);
}

TEST(RunTool, KillsTheProgramAtTheDeadline) {
    auto start = std::chrono::steady_clock::now();
    auto r = RunTool({"/bin/sleep", "5"}, {.timeout = milliseconds(200)});
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_TRUE(r.started);
    EXPECT_TRUE(r.timed_out);
    EXPECT_TRUE(r.signaled);
    EXPECT_FALSE(r.ok());
    EXPECT_LT(took, milliseconds(3000));
}

TEST(RunTool, AProgramThatKeepsWritingIsStoppedToo) {
    auto r = RunTool({"/usr/bin/yes"}, {.timeout = milliseconds(200), .max_output_bytes = 10});
    EXPECT_TRUE(r.timed_out);
    EXPECT_EQ(r.output, "y\ny\ny\ny\ny\n");
    EXPECT_TRUE(r.truncated);
}

TEST(RunTool, AMissingProgramIsAnErrorNotACrash) {
    auto r = RunTool({"/nonexistent/ffprobe", "-v"});
    EXPECT_FALSE(r.started);
    EXPECT_FALSE(r.ok());
    EXPECT_FALSE(r.error.empty());
    EXPECT_FALSE(RunTool({}).started);
    // A directory is not a program.
    EXPECT_FALSE(RunTool({"/tmp"}).ok());
}

}  // namespace
}  // namespace govhub::core

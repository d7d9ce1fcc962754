// Leases tell a dead process's leftovers from a live one's: the kernel drops the lock however
// the process ends, so a child that is SIGKILLed leaves a lease the sweep takes.
#include "core/process_lease.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace govhub::core {
namespace {

namespace fs = std::filesystem;

TEST(ProcessLease, SweepsOnlyTheLeasesOfDeadProcesses) {
    fs::path dir = fs::temp_directory_path() / ("lease-test-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    ProcessLease self(dir.string());
    EXPECT_TRUE(fs::is_directory(self.tmp_dir()));

    // A child process holds a lease (laid out as ProcessLease does, with system calls only
    // after fork) with a half-received file in its temp dir, and is then killed.
    const std::string dead = "4242-child";
    fs::create_directories(dir / "tmp" / dead);
    std::ofstream(dir / "tmp" / dead / "upload-x") << "half";
    const std::string lock = (dir / "run" / (dead + ".lock")).string();
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        int fd = ::open(lock.c_str(), O_RDWR | O_CREAT, 0600);
        if (fd < 0 || ::flock(fd, LOCK_EX) != 0) ::_exit(1);
        ssize_t n = ::write(ready[1], "1", 1);
        (void)n;
        for (;;) ::pause();
    }
    char c = 0;
    ASSERT_EQ(::read(ready[0], &c, 1), 1);
    ::close(ready[0]);
    ::close(ready[1]);

    // While it lives, its lease is left alone.
    ProcessLease other(dir.string());
    std::vector<std::string> seen;
    EXPECT_TRUE(self.SweepDead([&](const std::string& id) { seen.push_back(id); }).empty());
    EXPECT_TRUE(fs::exists(dir / "tmp" / dead / "upload-x"));

    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    EXPECT_EQ(self.SweepDead([&](const std::string& id) { seen.push_back(id); }),
              std::vector<std::string>{dead});
    EXPECT_EQ(seen, std::vector<std::string>{dead});
    EXPECT_FALSE(fs::exists(dir / "tmp" / dead));
    EXPECT_FALSE(fs::exists(dir / "run" / (dead + ".lock")));
    // The live ones stay, and a clean exit takes its own lease away.
    EXPECT_TRUE(fs::exists(other.tmp_dir()));
    EXPECT_TRUE(self.SweepDead([](const std::string&) {}).empty());
    fs::remove_all(dir);
}

}  // namespace
}  // namespace govhub::core

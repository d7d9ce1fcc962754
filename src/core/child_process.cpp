#include "core/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "core/log.hpp"

extern char** environ;

namespace govhub::core {

namespace {

struct Program {
    std::string path;
    bool self = false;
};

const Program& SandboxProgram() {
    static const Program program = [] {
        char buf[4096];
        ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
        if (n > 0) {
            std::string exe(buf, static_cast<size_t>(n));
            std::string helper = exe.substr(0, exe.rfind('/') + 1) + "govhub-sandbox";
            if (::access(helper.c_str(), X_OK) == 0) return Program{helper, false};
        }
        LogWarn("core.sandbox",
                "govhub-sandbox is not beside the server binary; each sandboxed task (an SQL "
                "statement, an .xls file) starts the whole server binary instead (~100 ms more)",
                "");
        return Program{"/proc/self/exe", true};
    }();
    return program;
}

}  // namespace

ChildCommand SandboxCommand(const std::string& mode, const std::vector<std::string>& args) {
    const Program& p = SandboxProgram();
    ChildCommand c;
    c.program = p.path;
    c.argv.push_back(p.self ? "govhub" : "govhub-sandbox");
    if (p.self) c.argv.push_back(kSandboxArg);
    c.argv.push_back(mode);
    c.argv.insert(c.argv.end(), args.begin(), args.end());
    return c;
}

pid_t SpawnChild(const ChildCommand& command, int stdin_fd, int stdout_fd,
                 const std::string& extra_asan_options) {
    int null_fd = -1;
    if (stdin_fd < 0 || stdout_fd < 0) null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, stdin_fd >= 0 ? stdin_fd : null_fd, 0);
    posix_spawn_file_actions_adddup2(&actions, stdout_fd >= 0 ? stdout_fd : null_fd, 1);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    std::vector<std::string> args = command.argv;
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env;
    std::vector<char*> envp;
    char** child_env = environ;
    if (!extra_asan_options.empty()) {
        bool found = false;
        for (char** e = environ; *e; ++e) {
            if (std::strncmp(*e, "ASAN_OPTIONS=", 13) == 0) {
                env.push_back(std::string(*e) + ":" + extra_asan_options);
                found = true;
            } else {
                env.emplace_back(*e);
            }
        }
        if (!found) env.push_back("ASAN_OPTIONS=" + extra_asan_options);
        for (auto& e : env) envp.push_back(e.data());
        envp.push_back(nullptr);
        child_env = envp.data();
    }
    pid_t pid = -1;
    int rc = posix_spawn(&pid, command.program.c_str(), &actions, nullptr, argv.data(), child_env);
    posix_spawn_file_actions_destroy(&actions);
    if (null_fd >= 0) ::close(null_fd);
    if (rc != 0) throw std::runtime_error(std::string("cannot start ") + command.program);
    return pid;
}

ChildExit WaitChild(pid_t pid, std::chrono::steady_clock::time_point deadline) {
    ChildExit out;
    int status = 0;
    for (auto pause = std::chrono::microseconds(200);;) {
        pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) break;
        if (r < 0 && errno != EINTR) return out;  // not our child any more: nothing to report
        if (std::chrono::steady_clock::now() >= deadline) {
            out.timed_out = true;
            ::kill(pid, SIGKILL);
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            break;
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::microseconds(20000));
    }
    if (WIFSIGNALED(status)) {
        out.signaled = true;
        out.signal = WTERMSIG(status);
    } else if (WIFEXITED(status)) {
        out.code = WEXITSTATUS(status);
    }
    return out;
}

}  // namespace govhub::core

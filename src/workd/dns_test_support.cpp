#include "workd/dns_test_support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

#include "workd/resolver.hpp"

namespace govhub::workd::dns_test {

using namespace std::chrono_literals;

void Child::Start(const std::vector<std::string>& argv, bool capture_stdout,
                  const std::string& stderr_path) {
    int pipe_fds[2] = {-1, -1};
    if (capture_stdout && pipe(pipe_fds) != 0) throw std::runtime_error("pipe");
    // Everything the child needs is made before fork(): after it, only async-signal-safe calls
    // (other tests may have left threads running).
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const pid_t parent = getpid();
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork");
    if (pid_ == 0) {
        // Dies with the test binary, even when it crashes.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        if (capture_stdout) dup2(pipe_fds[1], STDOUT_FILENO);
        if (!stderr_path.empty()) {
            const int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (err >= 0) dup2(err, STDERR_FILENO);
        }
        for (int fd = 3; fd < 1024; ++fd) close(fd);
        execv(args[0], args.data());
        _exit(127);
    }
    if (capture_stdout) {
        close(pipe_fds[1]);
        out_fd_ = pipe_fds[0];
    }
}

std::optional<std::string> Child::ReadLine(std::chrono::milliseconds wait) {
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{out_fd_, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0) continue;
        char c;
        if (read(out_fd_, &c, 1) != 1) return std::nullopt;
        if (c == '\n') return line;
        line += c;
    }
    return std::nullopt;
}

bool Child::Running() const {
    return pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == 0;
}

void Child::Stop() {
    if (out_fd_ >= 0) close(out_fd_);
    out_fd_ = -1;
    if (pid_ > 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
}

int FreePort() {
    for (int attempt = 0; attempt < 20; ++attempt) {
        int udp = socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        bind(udp, reinterpret_cast<sockaddr*>(&a), sizeof a);
        getsockname(udp, reinterpret_cast<sockaddr*>(&a), &len);
        int tcp = socket(AF_INET, SOCK_STREAM, 0);
        const bool ok = bind(tcp, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        close(tcp);
        close(udp);
        if (ok) return ntohs(a.sin_port);
    }
    throw std::runtime_error("no free port");
}

std::string Address(int port) {
    return "127.0.0.1:" + std::to_string(port);
}

int StartDnsmasq(Child& child, const std::string& local_domain, const std::string& ready_name,
                 const std::vector<std::string>& records, const std::string& log_name) {
    const std::string binary = "/usr/sbin/dnsmasq";
    if (access(binary.c_str(), X_OK) != 0)
        throw std::runtime_error("dnsmasq missing: install dnsmasq-base (scripts/install-deps.sh)");
    // Its start-up chatter goes to a file, shown only when it does not come up.
    const std::string log = ::testing::TempDir() + log_name;
    for (int attempt = 0; attempt < 5; ++attempt) {
        const int port = FreePort();
        const std::string ready = std::to_string(getpid()) + "-" + std::to_string(port);
        std::vector<std::string> argv = {
            binary,
            "--no-daemon",
            "--conf-file=/dev/null",
            "--port=" + std::to_string(port),
            "--listen-address=127.0.0.1",
            "--bind-interfaces",
            "--no-resolv",
            "--no-hosts",
            "--pid-file=",
            "--local=/" + local_domain + "/",
            // Unique to this instance: a dnsmasq of a parallel test run that took the port first
            // must not pass for ours.
            "--txt-record=" + ready_name + "," + ready,
        };
        // As root dnsmasq would switch to "nobody"; stay who we are (CI runs as root).
        if (geteuid() == 0) argv.push_back("--user=root");
        argv.insert(argv.end(), records.begin(), records.end());
        child.Start(argv, false, log);
        Resolver r({.servers = Address(port), .timeout = 200ms, .tries = 1});
        for (int i = 0; i < 50 && child.Running(); ++i) {
            if (r.Query(ready_name, DnsType::kTxt).texts == std::vector<std::string>{ready})
                return port;
            std::this_thread::sleep_for(50ms);
        }
        child.Stop();  // lost the port to someone else, or slow: try another
    }
    std::ifstream in(log);
    throw std::runtime_error("dnsmasq did not start: " +
                             std::string(std::istreambuf_iterator<char>(in), {}));
}

int StartBadDns(Child& child) {
    if (access("/usr/bin/python3", X_OK) != 0) throw std::runtime_error("python3 missing");
    child.Start({"/usr/bin/python3", std::string(GOVHUB_SOURCE_DIR) + "/tests/dns/bad_dns.py", "0"},
                true);
    auto line = child.ReadLine(10s);
    if (!line || !line->starts_with("port "))
        throw std::runtime_error("tests/dns/bad_dns.py did not start (python3-dnslib installed?)");
    return std::stoi(line->substr(5));
}

}  // namespace govhub::workd::dns_test

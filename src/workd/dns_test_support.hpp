#pragma once
// Test support (compiled only into govhub_unit_tests, see CMakeLists.txt: *_test_support.cpp):
// real DNS servers on loopback as children of the test binary, shared by resolver_test.cpp and
// checker_test.cpp.
//   dnsmasq (Debian dnsmasq-base)  answers from its command line only (--local): NXDOMAIN for
//                                  an unknown name, NODATA for a known name without the type
//   tests/dns/bad_dns.py           (python3-dnslib) answers SERVFAIL, REFUSED, nothing or a
//                                  garbled reply, chosen by the question's first label
// Both die with the test binary (PR_SET_PDEATHSIG) and when their Child goes out of scope.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace govhub::workd::dns_test {

// A child process killed (SIGKILL) and reaped when this goes out of scope.
class Child {
  public:
    Child() = default;
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    ~Child() { Stop(); }

    // Starts argv; with `capture_stdout`, its stdout is readable through ReadLine(); with
    // `stderr_path`, its stderr goes to that file.
    void Start(const std::vector<std::string>& argv, bool capture_stdout,
               const std::string& stderr_path = "");
    // One line of the child's stdout, or nullopt after `wait`.
    std::optional<std::string> ReadLine(std::chrono::milliseconds wait);
    bool Running() const;
    void Stop();

  private:
    pid_t pid_ = -1;
    int out_fd_ = -1;
};

// A port free for both UDP and TCP on 127.0.0.1 right now (dnsmasq binds both).
int FreePort();
// "127.0.0.1:<port>", a ResolverOptions::servers value.
std::string Address(int port);

// Starts dnsmasq in `child` on a free port of 127.0.0.1, answering for `local_domain`
// (--local=/<local_domain>/) from `records` (its --txt-record=, --mx-host= ... options) and
// nothing else. It is ours once it answers TXT `ready_name` (a name under `local_domain`) with a
// text unique to this process and port, so a dnsmasq of a parallel run that took the port
// first is not taken for it. Its chatter goes to `<TempDir>/<log_name>`. Returns the port;
// throws std::runtime_error (with the log) when it does not come up in five tries.
int StartDnsmasq(Child& child, const std::string& local_domain, const std::string& ready_name,
                 const std::vector<std::string>& records, const std::string& log_name);
// Starts tests/dns/bad_dns.py in `child` (run with /usr/bin/python3). Returns its port; throws
// std::runtime_error when it does not start (python3-dnslib missing).
int StartBadDns(Child& child);

}  // namespace govhub::workd::dns_test

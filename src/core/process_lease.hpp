#pragma once
// A process's lease on the data dir: `<data-dir>/run/<id>.lock`, held with flock(2) for the
// life of the process and released by the kernel however the process ends (kill -9, out of
// memory, power loss). The process keeps its temp files (uploads being received, downloads,
// PDFs being built) in `<data-dir>/tmp/<id>/`. A lease whose lock someone else can take
// belongs to a process that is gone: a starting server deletes its temp dir and re-queues the
// jobs it was running (SweepDead), instead of guessing from file ages. Nodes that share the
// data dir see each other's leases (flock works across NFSv4 clients).
#include <functional>
#include <string>
#include <vector>

namespace govhub::core {

class ProcessLease {
  public:
    // Takes a new lease and creates its temp dir; throws std::runtime_error when it cannot.
    explicit ProcessLease(const std::string& data_dir);
    // A clean exit gives the lease back: the temp dir and the lock file are removed.
    ~ProcessLease();
    ProcessLease(const ProcessLease&) = delete;
    ProcessLease& operator=(const ProcessLease&) = delete;

    // "<pid>-<random>": unique, and names the process in logs and in jobs.locked_by.
    const std::string& id() const { return id_; }
    const std::string& tmp_dir() const { return tmp_dir_; }

    // For each lease of a process that is gone: on_dead(id) (an exception stops the sweep and
    // leaves that lease for the next one), then its temp dir and lock file are deleted.
    // Returns the ids swept.
    std::vector<std::string> SweepDead(const std::function<void(const std::string&)>& on_dead);

  private:
    std::string data_dir_, id_, tmp_dir_, lock_path_;
    int fd_ = -1;
};

}  // namespace govhub::core

#include "core/process_lease.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "core/crypto.hpp"

namespace govhub::core {

namespace fs = std::filesystem;

namespace {
struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

bool ValidId(const std::string& id) {
    if (id.empty() || id.size() > 64 || id[0] == '.') return false;
    for (char c : id)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
    return true;
}
}  // namespace

ProcessLease::ProcessLease(const std::string& data_dir)
    : data_dir_(data_dir), id_(std::to_string(::getpid()) + "-" + RandomToken(6)) {
    fs::create_directories(data_dir_ + "/run");
    lock_path_ = data_dir_ + "/run/" + id_ + ".lock";
    // Locked under another name, then renamed: a sweeper never sees a lease not yet held.
    std::string fresh = data_dir_ + "/run/" + id_ + ".new";
    fd_ = ::open(fresh.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd_ < 0 || ::flock(fd_, LOCK_EX | LOCK_NB) != 0 ||
        std::rename(fresh.c_str(), lock_path_.c_str()) != 0) {
        std::string why = std::strerror(errno);
        if (fd_ >= 0) ::close(fd_);
        throw std::runtime_error("cannot take the process lease " + lock_path_ + ": " + why);
    }
    // The lock exists before the temp dir, so a sweeper never takes a fresh dir for a dead one.
    tmp_dir_ = data_dir_ + "/tmp/" + id_;
    fs::create_directories(tmp_dir_);
}

ProcessLease::~ProcessLease() {
    std::error_code ec;
    fs::remove_all(tmp_dir_, ec);
    ::unlink(lock_path_.c_str());
    ::close(fd_);
}

std::vector<std::string> ProcessLease::SweepDead(
    const std::function<void(const std::string&)>& on_dead) {
    std::vector<std::string> swept;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(data_dir_ + "/run", ec)) {
        const fs::path& p = entry.path();
        std::string id = p.stem().string();
        if (p.extension() != ".lock" || id == id_ || !ValidId(id)) continue;
        Fd lock{::open(p.c_str(), O_RDWR | O_CLOEXEC)};
        if (lock.fd < 0) continue;                               // another node swept it meanwhile
        if (::flock(lock.fd, LOCK_EX | LOCK_NB) != 0) continue;  // its process is alive
        // Swept by another node between our open and our lock: the file is gone.
        if (!fs::exists(p)) continue;
        on_dead(id);
        fs::remove_all(data_dir_ + "/tmp/" + id, ec);
        ::unlink(p.c_str());  // last: a sweep cut short is done again next time
        swept.push_back(id);
    }
    return swept;
}

}  // namespace govhub::core

#include "core/durable_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>

namespace govhub::core {

namespace {
bool SyncPath(const std::string& path, int flags) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) return false;
    int rc;
    do rc = ::fsync(fd);
    while (rc != 0 && errno == EINTR);
    int saved = errno;
    ::close(fd);
    errno = saved;
    return rc == 0;
}
}  // namespace

bool SyncFile(const std::string& path) {
    return SyncPath(path, O_RDONLY);
}

bool DurableRename(const std::string& from, const std::string& to) {
    if (!SyncFile(from)) return false;
    if (std::rename(from.c_str(), to.c_str()) != 0) return false;
    std::string dir = std::filesystem::path(to).parent_path().string();
    return SyncPath(dir.empty() ? "." : dir, O_RDONLY | O_DIRECTORY);
}

}  // namespace govhub::core

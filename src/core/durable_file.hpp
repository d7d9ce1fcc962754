#pragma once
// Putting a finished file in place so that a crash or power loss never leaves a half-written
// file under the final name: the data reaches the disk first, then the rename, then the
// directory entry.
#include <string>

namespace govhub::core {

// fsync of the file at `path`; false when it cannot be opened or synced.
bool SyncFile(const std::string& path);

// Syncs `from`, renames it to `to` (same file system) and syncs `to`'s directory. False (errno
// set) when any step fails; the rename itself is atomic, so `to` is either the old file or
// the whole new one.
bool DurableRename(const std::string& from, const std::string& to);

}  // namespace govhub::core

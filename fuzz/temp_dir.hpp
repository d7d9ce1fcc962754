#pragma once
// A temp directory for targets whose input reaches code that spools to files (uploads: the
// server's body sinks), made once per process under /tmp and removed at exit. TrapIfLeftFiles()
// after each input checks that every temp file went with its request: a file left behind is a
// leak the server would have too, and a long run must not fill the disk.
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace govhub::fuzz {

inline const std::string& TempDir() {
    // Never destroyed: the exit handler below runs after static destructors would have.
    static const std::string* dir = [] {
        auto* t = new std::string("/tmp/govhub-fuzz-XXXXXX");
        if (!::mkdtemp(t->data())) {
            std::perror("mkdtemp");
            std::abort();
        }
        return t;
    }();
    static const bool removed_at_exit = [] {
        std::atexit([] {
            std::error_code ec;
            std::filesystem::remove_all(*dir, ec);
        });
        return true;
    }();
    (void)removed_at_exit;
    return *dir;
}

inline void TrapIfLeftFiles() {
    std::error_code ec;
    if (!std::filesystem::is_empty(TempDir(), ec) || ec) __builtin_trap();
}

}  // namespace govhub::fuzz

// The corpus replay driver (no clang needed): `govhub_fuzz <target> <file or dir>...` runs every
// file through the target once. Built with GCC in the sanitizer build, where ctest replays each
// corpus (`fuzz_replay.<target>`); `govhub_fuzz --list` names the targets.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_target.hpp"

namespace fs = std::filesystem;

namespace {

std::vector<uint8_t> ReadFile(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

int main(int argc, char** argv) {
    using govhub::fuzz::Targets;
    if (argc == 2 && std::string(argv[1]) == "--list") {
        for (const auto& t : Targets()) std::cout << t.name << "\n";
        return 0;
    }
    if (argc < 3) {
        std::cerr << "usage: govhub_fuzz <target> <file or directory>...  |  govhub_fuzz --list\n";
        return 2;
    }
    const auto* target = govhub::fuzz::Find(argv[1]);
    if (!target) {
        std::cerr << "no fuzz target named " << argv[1] << "\n";
        return 2;
    }
    std::vector<fs::path> files;
    for (int i = 2; i < argc; ++i) {
        fs::path p(argv[i]);
        if (fs::is_directory(p)) {
            for (const auto& e : fs::recursive_directory_iterator(p))
                if (e.is_regular_file()) files.push_back(e.path());
        } else if (fs::exists(p)) {
            files.push_back(p);
        } else {
            std::cerr << "no such file: " << p << "\n";
            return 2;
        }
    }
    if (files.empty()) {
        std::cerr << "no inputs for " << target->name << "\n";
        return 2;
    }
    std::sort(files.begin(), files.end());
    auto start = std::chrono::steady_clock::now();
    for (const auto& f : files) {
        auto bytes = ReadFile(f);
        // The file name goes to stderr first, so a crash report says which input it was.
        std::fprintf(stderr, "%s\n", f.c_str());
        target->fn(bytes.data(), bytes.size());
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    std::cout << target->name << ": " << files.size() << " inputs replayed in " << ms << " ms\n";
    return 0;
}

// An uploaded SCORM package (learning/scorm_package.hpp): the bytes as a zip file →
// ExtractPackage into a fresh folder under the fuzz temp dir, with small limits so a run is
// fast. Whatever the zip holds, nothing may be written outside that folder (the temp dir must
// hold exactly the one package folder on success, nothing on refusal), nothing in it may be a
// link or special file, and the launch files must be there.
#include <sys/stat.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <string>

#include "fuzz_target.hpp"
#include "learning/scorm_package.hpp"
#include "temp_dir.hpp"

GOVHUB_FUZZ_TARGET(scorm_zip) {
    namespace fs = std::filesystem;
    namespace l = govhub::learning;
    const std::string& tmp = govhub::fuzz::TempDir();
    static std::atomic<int> counter{0};
    const int n = counter++;
    const std::string zip = tmp + "/in-" + std::to_string(n) + ".zip";
    const std::string dest = tmp + "/pkg-" + std::to_string(n);
    {
        FILE* f = std::fopen(zip.c_str(), "wb");
        if (!f) __builtin_trap();
        if (size && std::fwrite(data, 1, size, f) != size) __builtin_trap();
        std::fclose(f);
    }
    l::PackageLimits limits;
    limits.max_total_bytes = 8u << 20;
    limits.max_entry_bytes = 4u << 20;
    limits.max_entries = 200;
    std::error_code ec;
    try {
        auto m = l::ExtractPackage(zip, dest, limits);
        for (const auto& e : fs::recursive_directory_iterator(dest, ec)) {
            auto type = e.symlink_status().type();
            if (type != fs::file_type::regular && type != fs::file_type::directory)
                __builtin_trap();
        }
        for (const auto* item : m.Launchable()) {
            if (item->href.find('%') != std::string::npos) continue;  // encoded names
            std::string path = item->href.substr(0, item->href.find_first_of("?#"));
            if (fs::symlink_status(dest + "/" + path).type() != fs::file_type::regular)
                __builtin_trap();
        }
        fs::remove_all(dest, ec);
    } catch (const l::ScormPackageError& e) {
        if (e.key == "learning.scorm.storage_error") __builtin_trap();  // the disk is fine
        if (fs::exists(dest) || fs::exists(dest + ".partial")) __builtin_trap();
    }
    std::remove(zip.c_str());
    govhub::fuzz::TrapIfLeftFiles();
}

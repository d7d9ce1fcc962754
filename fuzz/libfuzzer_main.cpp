// libFuzzer entry (clang-16, `make fuzz`): one binary holds every target; the target is named by
// the environment variable GOVHUB_FUZZ_TARGET (scripts/fuzz.sh sets it), so child processes that
// libFuzzer forks inherit it.
#include <cstdio>
#include <cstdlib>

#include "fuzz_target.hpp"

namespace {
const govhub::fuzz::Target* g_target = nullptr;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    const char* name = std::getenv("GOVHUB_FUZZ_TARGET");
    g_target = name ? govhub::fuzz::Find(name) : nullptr;
    if (!g_target) {
        std::fprintf(stderr, "set GOVHUB_FUZZ_TARGET to one of:\n");
        for (const auto& t : govhub::fuzz::Targets())
            std::fprintf(stderr, "  %s\n", t.name.c_str());
        std::exit(2);
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    g_target->fn(data, size);
    return 0;
}

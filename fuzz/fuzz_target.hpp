#pragma once
// One fuzz target per parser of outside input (fuzz/README.md). A target is a function that
// feeds the bytes to the parser the way a request would, and accepts the parser's ordinary
// refusals (its exceptions); what it must never see is a crash, a sanitizer report or a hang.
//
//   GOVHUB_FUZZ_TARGET(json) { ... data, size ... }
//
// The file name under fuzz/targets/ is the target's name: CMake registers the corpus replay
// test `fuzz_replay.<name>` from it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace govhub::fuzz {

using TargetFn = void (*)(const uint8_t* data, size_t size);

struct Target {
    std::string name;
    TargetFn fn;
};

int Register(const char* name, TargetFn fn);
const std::vector<Target>& Targets();
const Target* Find(std::string_view name);

inline std::string_view AsText(const uint8_t* data, size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Splits the input into up to `n` fields at '\n' (the last field keeps the rest), so one
// input can drive a parser that takes several values (a name and a value, q and fq, ...).
std::vector<std::string_view> Fields(std::string_view text, size_t n);

}  // namespace govhub::fuzz

#define GOVHUB_FUZZ_TARGET(name)                                        \
    static void GovhubFuzz_##name(const uint8_t* data, size_t size);    \
    [[maybe_unused]] static const int govhub_fuzz_registered_##name =   \
        ::govhub::fuzz::Register(#name, GovhubFuzz_##name);             \
    static void GovhubFuzz_##name([[maybe_unused]] const uint8_t* data, \
                                  [[maybe_unused]] size_t size)

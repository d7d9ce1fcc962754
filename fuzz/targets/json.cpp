// The bounded JSON reader (core::ParseJsonBounded) that reads every outside JSON: CKAN bodies,
// JSON inside parameters, job and view configurations. What it accepts is then walked the way
// the callers walk it (dump, compare, iterate), which is where deep input used to overflow.
#include "core/json_reader.hpp"
#include "fuzz_target.hpp"

GOVHUB_FUZZ_TARGET(json) {
    auto text = govhub::fuzz::AsText(data, size);
    try {
        auto j = govhub::core::ParseJsonBounded(text);
        auto again = govhub::core::ParseJsonBounded(j.dump());
        if (again != j) __builtin_trap();  // what we write back must read as the same value
    } catch (const govhub::HttpError&) {   // JsonInputError and the number error: a 400
    }
    try {
        auto maybe = govhub::core::ParseJsonBoundedOrDiscarded(text, {.max_depth = 8});
        (void)maybe;
    } catch (const govhub::HttpError&) {
    }
}

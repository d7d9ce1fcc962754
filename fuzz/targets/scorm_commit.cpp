// The SCORM commit body the runtime page sends (learning/scorm_runtime.hpp): the same bytes are
// parsed for both versions and merged into a state that already holds data; the merged state
// must survive its own storage round trip unchanged, stay within its caps, and render the
// launch JSON scorm-again is given.
#include "core/error.hpp"
#include "fuzz_target.hpp"
#include "learning/scorm_runtime.hpp"

namespace {

using namespace govhub::learning;

void Run(std::string_view text, ScormVersion version) {
    CmiLimits limits;
    CmiState state;
    state.version = version;
    state.location = "start";
    state.suspend_data = "seed";
    state.last_seq = 3;
    ScoRules rules;
    rules.mastery_score = 80;
    rules.scaled_passing_score = 0.5;
    rules.completion_threshold = 0.75;
    CommitRequest req;
    try {
        req = ParseCommit(text, version, limits);
    } catch (const govhub::HttpError&) {
        return;  // a refused body (JsonInputError is an HttpError too)
    }
    if (req.seq <= 0) __builtin_trap();
    std::string before = state.ToJson();
    auto result = ApplyCommit(state, req, rules, limits);
    if (!result.applied && state.ToJson() != before) __builtin_trap();  // refused means unchanged
    if (result.applied && !result.errors.empty()) __builtin_trap();
    if (state.suspend_data.size() > 4 * limits.suspend_data_max) __builtin_trap();
    if (state.interactions.size() > limits.interactions_max) __builtin_trap();
    std::string stored = state.ToJson();
    if (stored.size() > limits.state_max) __builtin_trap();
    if (CmiState::FromJson(stored, version).ToJson() != stored) __builtin_trap();
    (void)InitialCmiJson(state, rules, "learner", "Name");
    (void)ScoDone(state);
    if (auto pct = ScoScorePercent(state); pct && (*pct < 0 || *pct > 100)) __builtin_trap();
    (void)BeginSession(state, 1'700'000'000'000);
}

}  // namespace

GOVHUB_FUZZ_TARGET(scorm_commit) {
    auto text = govhub::fuzz::AsText(data, size);
    Run(text, ScormVersion::k12);
    Run(text, ScormVersion::k2004);
}

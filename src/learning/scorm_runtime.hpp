#pragma once
// The SCORM run-time data model kept per learner attempt (issue 16): what a SCO commits through
// scorm-again in the browser (web/static/js/scorm-runtime.js) is checked and merged here, and
// what the next launch hands back to scorm-again is rendered here, so the learner resumes where
// they stopped. Pure: no SQL, no HTTP; the store keeps CmiState::ToJson() in one column.
// Facts: ../shared/reference/learning.md §3.1.
//
// The commit body (JSON, at most CmiLimits::body_max bytes, read by core::ParseJsonBounded with
// depth 3 and kMaxCommitElements elements):
//   {"seq": <int64 > 0, increasing per attempt>, "terminate": <bool, optional>,
//    "cmi": {"cmi.core.lesson_status": "passed", "cmi.interactions.0.id": "q1", ...}}
// Element names are flattened exactly as the SCO used them; every value is a string. An element
// absent from "cmi" keeps its stored value (the page sends only what changed since the last
// commit the server accepted). Elements govhub does not keep (objectives, preferences, comments,
// adl.nav.*) and read-only elements (cmi.core.total_time, cmi.entry, cmi.learner_id, ...) are
// IGNORED, not refused: scorm-again renders the whole data model in its commits, and refusing a
// commit for an element we do not keep would lose the learner's place.
//
// Bounds (all inputs come from the browser):
//   body ≤ body_max (1 MiB), ≤ kMaxCommitElements elements, names ≤ kMaxElementName bytes;
//   suspend_data ≤ suspend_data_max characters (64,000 for both versions: authoring tools write
//   far more than 1.2's 4,096), location ≤ 255 (1.2) / 1,000 (2004) characters, interactions
//   index < interactions_max (250), per interaction ≤ kMaxPatterns correct_responses; text
//   fields ≤ kMaxInteractionText characters (≥ every SPM, since scorm-again itself does not
//   enforce 1.2's 255), ids ≤ 255 (1.2) / 4,000 (2004); the stored JSON ≤ state_max bytes.
//   "Characters" are Unicode code points (scorm-again counts UTF-16 units, never fewer).
//
// Errors use the version's own codes so the page can report them as the SCO would see them:
//   too long (suspend_data, location, ...)       1.2: 405   2004: 407
//   out of range (score.scaled, progress_measure) 1.2: 405   2004: 407
//   bad vocabulary, number, time format           1.2: 405   2004: 406
//   interaction index past the cap or not next    1.2: 201   2004: 351
//   a new interaction without its id              1.2: 201   2004: 408
//   the attempt's data would exceed state_max     1.2: 101   2004: 351
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "learning/scorm_version.hpp"

namespace govhub::learning {

struct CmiLimits {
    size_t suspend_data_max = 64000;  // characters, both versions
    size_t location_max_12 = 255, location_max_2004 = 1000;
    size_t interactions_max = 250;
    size_t body_max = 1 << 20;   // bytes of one commit body
    size_t state_max = 4 << 20;  // bytes of CmiState::ToJson() (one database column)
};

inline constexpr size_t kMaxCommitElements = 20000;
inline constexpr size_t kMaxElementName = 255;
inline constexpr size_t kMaxPatterns = 32;           // correct_responses per interaction
inline constexpr size_t kMaxInteractionText = 4000;  // response, pattern, latency ... characters
inline constexpr size_t kMaxDescription = 250;       // 2004 description (lang tag not counted)

// One cmi.interactions.n. The 1.2 names are in the comments; values are kept as the SCO wrote
// them (after validation) so they go back to scorm-again unchanged.
struct CmiInteraction {
    std::string id;
    std::string type;              // true-false, choice, fill-in, long-fill-in (2004), ...
    std::string timestamp;         // 1.2: time (HH:MM:SS), 2004: timestamp (ISO 8601)
    std::string weighting;         // a decimal
    std::string learner_response;  // 1.2: student_response
    std::string result;            // correct, incorrect (1.2: wrong), unanticipated, neutral, n
    std::string latency;           // 1.2: HHHH:MM:SS.SS, 2004: ISO 8601 duration
    std::string description;       // 2004 only
    std::vector<std::string> correct_responses;  // .correct_responses.m.pattern
};

struct CmiState {
    ScormVersion version = ScormVersion::k2004;
    std::string completion_status = "not attempted";  // 2004
    std::string success_status = "unknown";           // 2004
    std::string lesson_status = "not attempted";      // 1.2
    std::optional<double> score_raw, score_min, score_max, score_scaled, progress_measure;
    std::string location, suspend_data, exit;
    std::string entry = "ab-initio";  // what the next launch reports: resume after exit=suspend
    // Seconds of the sessions that ended (Terminate), plus, while a session is open, the last
    // session_time it reported: scorm-again resends session_time in every commit, so it replaces
    // session_seconds and is added to total_seconds once, when the session terminates or when
    // the next launch begins (BeginSession).
    double total_seconds = 0;
    double session_seconds = 0;
    std::vector<CmiInteraction> interactions;
    int64_t last_seq = 0;

    // For storage. FromJson reads text govhub wrote, bounded all the same (core::
    // ParseJsonBounded; throws core::JsonInputError on bad syntax); fields of the wrong type
    // keep their defaults. ToJson(FromJson(ToJson(s))) == ToJson(s).
    std::string ToJson() const;
    static CmiState FromJson(std::string_view json, ScormVersion version);
};

// From the package manifest (adlcp:masteryscore / datafromlms, imsss minNormalizedMeasure,
// adlcp:completionThreshold).
struct ScoRules {
    std::optional<double> mastery_score;         // 1.2, 0–100
    std::optional<double> scaled_passing_score;  // 2004, −1..1
    std::optional<double> completion_threshold;  // 2004, 0..1
    std::string launch_data;
};

struct CommitRequest {
    int64_t seq = 0;
    bool terminate = false;
    // The elements govhub keeps, in the body's order; ignored ones are only counted.
    std::vector<std::pair<std::string, std::string>> elements;
    size_t ignored = 0;
};

// Throws HttpError 413 (body over body_max), core::JsonInputError (bad JSON or a broken bound),
// HttpError 400 (no positive integer "seq", "terminate" not a bool, "cmi" not an object, a value
// that is not a string, too many elements, a name too long).
CommitRequest ParseCommit(std::string_view body, ScormVersion version, const CmiLimits& limits);

struct CmiError {
    std::string element;
    int code = 0;  // the SCORM error code of the state's version
    std::string message;
};

struct CommitResult {
    // false: nothing changed. Either `stale` (seq <= last_seq: a repeated or late beacon, which
    // is harmless: answer it as a success) or `errors` is not empty (the commit was refused).
    bool applied = false;
    bool stale = false;
    std::vector<CmiError> errors;
};

// Merges a commit into the state. If ANY element is invalid the WHOLE commit is refused: the
// state is left unchanged and every error is listed (a value past a cap is refused, never
// truncated). On success, in this order:
//  - cmi.(core.)session_time replaces session_seconds; terminate adds session_seconds to
//    total_seconds and zeroes it (never stored as a string);
//  - entry for the next launch: "resume" when exit is suspend, else "" (the attempt was entered);
//  - 1.2: with a mastery_score, a score.raw and lesson_status completed, passed or failed (the
//    SCO has finished), lesson_status becomes passed (raw ≥ mastery) or failed (SCORM 1.2 RTE
//    3.4.2.2.3: the LMS may set the status from the mastery score). incomplete / browsed are
//    left alone: a learner half-way through is not failed;
//  - 2004 (RTE 4.2.4.1 / 4.2.22, the LMS decides, as scorm-again does in the browser): with a
//    completion_threshold, completion_status = completed if progress_measure ≥ it, incomplete
//    if below, unknown without a progress_measure; with a scaled_passing_score, success_status
//    = passed if score.scaled ≥ it, failed if below, unknown without a score.scaled. Without
//    them the SCO's own statuses stand;
//  - last_seq = seq.
CommitResult ApplyCommit(CmiState& state, const CommitRequest& commit, const ScoRules& rules,
                         const CmiLimits& limits);

// At each launch, before InitialCmiJson: folds the session_seconds of a session that never
// terminated into total_seconds, and returns the first seq of the new session (the page's
// data-seq-start): max(last_seq + 1, now_ms * 1000). last_seq becomes that minus one, so a
// beacon from an earlier page of the same attempt, arriving late, is stale.
// The service refuses a commit whose seq is more than kMaxSeqAhead past the clock (a billion
// commits in one session). A last_seq more than kFrozenSeqAhead past the clock (about 115 days:
// only a forged commit from before that refusal could have put it there) is set back to the
// clock, so the SCO is not left answering every commit "stale"; a clock that went back by less
// still moves the sessions forward.
inline constexpr int64_t kMaxSeqAhead = 1'000'000'000;
inline constexpr int64_t kFrozenSeqAhead = 10'000'000'000'000;
int64_t BeginSession(CmiState& state, int64_t now_ms);

// Whether the SCO counts as done for the course's progress.
// 1.2: lesson_status passed or completed.
// 2004: success_status passed, or completion_status completed while success_status is not
// failed (a failed test is not done even if the SCO says it was completed).
bool ScoDone(const CmiState& state);

// 0–100: 2004 score.scaled × 100 when set; else score.raw within min..max when both are set
// (max > min); else score.raw itself (1.2's scale is 0–100). Clamped to 0–100; nullopt without
// a score.
std::optional<double> ScoScorePercent(const CmiState& state);

// total_seconds + session_seconds.
double TotalSeconds(const CmiState& state);

// 1.2: "HHHH:MM:SS.SS" (at least 4 hour digits, at most 9999:59:59.99); 2004: "PT1H30M45.5S"
// ("PT0S" for zero). Rounded to hundredths of a second.
std::string FormatTotalTime(double seconds, ScormVersion version);

// The nested cmi object the page gives scorm-again's loadFromJSON: entry, total_time (this
// version's format), location, suspend_data, statuses, scores, interactions, launch_data,
// mastery_score (1.2) / scaled_passing_score and completion_threshold (2004), the learner's id
// and name (1.2: student_id and student_name; pass the name as "Last, First" for 1.2), credit
// "credit", mode (1.2 lesson_mode) "normal".
std::string InitialCmiJson(const CmiState& state, const ScoRules& rules,
                           std::string_view learner_id, std::string_view learner_name);

// The strict time parsers, for tests and the fuzz target. nullopt when malformed.
// 1.2 CMITimespan: H{1,4}:MM:SS(.S{1,2})? with minutes and seconds 00–59.
// 2004 timeinterval: P[nY][nM][nD][T[nH][nM][n[.n{1,2}]S]], at least one part, T only before a
// time part, integers ≤ 9 digits (a year counts 365 days, a month 30).
std::optional<double> ParseScorm12Timespan(std::string_view text);
std::optional<double> ParseIsoDuration(std::string_view text);

}  // namespace govhub::learning

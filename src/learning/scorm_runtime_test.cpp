#include "learning/scorm_runtime.hpp"

#include <gtest/gtest.h>

#include <limits>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/json_reader.hpp"

namespace govhub::learning {
namespace {

using Elements = std::vector<std::pair<std::string, std::string>>;

// A commit body as scorm-runtime.js sends it.
std::string Body(int64_t seq, const Elements& cmi, bool terminate = false) {
    nlohmann::json j;
    j["seq"] = seq;
    j["terminate"] = terminate;
    j["cmi"] = nlohmann::json::object();
    for (const auto& [k, v] : cmi) j["cmi"][k] = v;
    return j.dump();
}

CmiState Fresh(ScormVersion v) {
    CmiState s;
    s.version = v;
    return s;
}

CommitResult Commit(CmiState& s, int64_t seq, const Elements& cmi, bool terminate = false,
                    const ScoRules& rules = {}, const CmiLimits& limits = {}) {
    auto req = ParseCommit(Body(seq, cmi, terminate), s.version, limits);
    return ApplyCommit(s, req, rules, limits);
}

std::vector<int> Codes(const CommitResult& r) {
    std::vector<int> codes;
    for (const auto& e : r.errors) codes.push_back(e.code);
    return codes;
}

// ---------------------------------------------------------------- resume round trip

TEST(ScormRuntime, CommitAndResumeRoundTrip12KeepsLargeSuspendDataWhole) {
    CmiState s = Fresh(ScormVersion::k12);
    std::string big(60000, 'x');
    big.replace(0, 9, "ภาษาไทย|");  // Thai counts as characters, not bytes
    auto r = Commit(s, 1,
                    {{"cmi.core.lesson_location", "page-7"},
                     {"cmi.suspend_data", big},
                     {"cmi.core.lesson_status", "incomplete"},
                     {"cmi.core.exit", "suspend"},
                     {"cmi.core.session_time", "0000:12:30.50"},
                     {"cmi.core.total_time", "9999:00:00"},  // read-only: ignored
                     {"cmi.core.student_id", "someone-else"}},
                    /*terminate=*/true);
    ASSERT_TRUE(r.applied);
    EXPECT_TRUE(r.errors.empty());

    // Stored, read back, launched again.
    CmiState back = CmiState::FromJson(s.ToJson(), ScormVersion::k12);
    EXPECT_EQ(back.suspend_data, big);
    EXPECT_EQ(back.location, "page-7");
    EXPECT_EQ(back.ToJson(), s.ToJson());
    BeginSession(back, 1'700'000'000'000);
    auto cmi = nlohmann::json::parse(InitialCmiJson(back, {}, "u-42", "Doe, Jane"));
    EXPECT_EQ(cmi["core"]["entry"], "resume");
    EXPECT_EQ(cmi["core"]["lesson_location"], "page-7");
    EXPECT_EQ(cmi["core"]["lesson_status"], "incomplete");
    EXPECT_EQ(cmi["core"]["total_time"], "0000:12:30.50");
    EXPECT_EQ(cmi["core"]["student_id"], "u-42");
    EXPECT_EQ(cmi["core"]["student_name"], "Doe, Jane");
    EXPECT_EQ(cmi["core"]["credit"], "credit");
    EXPECT_EQ(cmi["core"]["lesson_mode"], "normal");
    EXPECT_EQ(cmi["suspend_data"], big);
}

TEST(ScormRuntime, ResumeRoundTrip2004) {
    CmiState s = Fresh(ScormVersion::k2004);
    ASSERT_TRUE(Commit(s, 5,
                       {{"cmi.location", "slide-3"},
                        {"cmi.suspend_data", "{\"v\":1}"},
                        {"cmi.completion_status", "incomplete"},
                        {"cmi.exit", "suspend"},
                        {"cmi.session_time", "PT1H30M45.5S"},
                        {"cmi.score.scaled", "0.5"}},
                       true)
                    .applied);
    ScoRules rules;
    rules.launch_data = "chapter=2";
    rules.completion_threshold = 0.8;
    auto cmi = nlohmann::json::parse(InitialCmiJson(s, rules, "u-1", "Jane Doe"));
    EXPECT_EQ(cmi["entry"], "resume");
    EXPECT_EQ(cmi["location"], "slide-3");
    EXPECT_EQ(cmi["suspend_data"], "{\"v\":1}");
    EXPECT_EQ(cmi["total_time"], "PT1H30M45.5S");
    EXPECT_EQ(cmi["launch_data"], "chapter=2");
    EXPECT_EQ(cmi["completion_threshold"], "0.8");
    EXPECT_EQ(cmi["score"]["scaled"], "0.5");
    EXPECT_EQ(cmi["learner_name"], "Jane Doe");
    EXPECT_EQ(cmi["mode"], "normal");
}

TEST(ScormRuntime, EntryIsAbInitioFirstThenEmptyUnlessSuspended) {
    CmiState s = Fresh(ScormVersion::k2004);
    EXPECT_EQ(nlohmann::json::parse(InitialCmiJson(s, {}, "u", "n"))["entry"], "ab-initio");
    ASSERT_TRUE(Commit(s, 1, {{"cmi.exit", "normal"}}, true).applied);
    EXPECT_EQ(nlohmann::json::parse(InitialCmiJson(s, {}, "u", "n"))["entry"], "");
    ASSERT_TRUE(Commit(s, 2, {{"cmi.exit", "suspend"}}, true).applied);
    EXPECT_EQ(nlohmann::json::parse(InitialCmiJson(s, {}, "u", "n"))["entry"], "resume");
}

TEST(ScormRuntime, AbsentElementsKeepTheirValue) {
    CmiState s = Fresh(ScormVersion::k2004);
    ASSERT_TRUE(Commit(s, 1, {{"cmi.location", "p1"}, {"cmi.suspend_data", "abc"}}).applied);
    ASSERT_TRUE(Commit(s, 2, {{"cmi.location", "p2"}}).applied);
    EXPECT_EQ(s.location, "p2");
    EXPECT_EQ(s.suspend_data, "abc");
}

// ---------------------------------------------------------------- caps

TEST(ScormRuntime, SuspendDataPastTheCapIsRefusedWithTheVersionsCodeAndNothingChanges) {
    for (auto v : {ScormVersion::k12, ScormVersion::k2004}) {
        CmiState s = Fresh(v);
        ASSERT_TRUE(Commit(s, 1, {{"cmi.suspend_data", "kept"}}).applied);
        std::string before = s.ToJson();
        auto r = Commit(
            s, 2,
            {{"cmi.suspend_data", std::string(64001, 'y')},
             {v == ScormVersion::k12 ? "cmi.core.lesson_location" : "cmi.location", "somewhere"}});
        EXPECT_FALSE(r.applied);
        EXPECT_FALSE(r.stale);
        ASSERT_EQ(r.errors.size(), 1u);
        EXPECT_EQ(r.errors[0].element, "cmi.suspend_data");
        EXPECT_EQ(r.errors[0].code, v == ScormVersion::k12 ? 405 : 407);
        EXPECT_EQ(s.ToJson(), before);  // the location was not applied either
        EXPECT_EQ(s.last_seq, 1);
    }
}

TEST(ScormRuntime, SuspendDataExactlyAtTheCapIsKeptAndTheCapIsConfigurable) {
    CmiState s = Fresh(ScormVersion::k12);
    EXPECT_TRUE(Commit(s, 1, {{"cmi.suspend_data", std::string(64000, 'z')}}).applied);
    EXPECT_EQ(s.suspend_data.size(), 64000u);
    CmiLimits small;
    small.suspend_data_max = 4096;
    EXPECT_EQ(Codes(Commit(s, 2, {{"cmi.suspend_data", std::string(4097, 'z')}}, false, {}, small)),
              std::vector<int>{405});
}

TEST(ScormRuntime, LocationCapsPerVersion) {
    CmiState a = Fresh(ScormVersion::k12);
    EXPECT_TRUE(Commit(a, 1, {{"cmi.core.lesson_location", std::string(255, 'l')}}).applied);
    EXPECT_EQ(Codes(Commit(a, 2, {{"cmi.core.lesson_location", std::string(256, 'l')}})),
              std::vector<int>{405});
    CmiState b = Fresh(ScormVersion::k2004);
    EXPECT_TRUE(Commit(b, 1, {{"cmi.location", std::string(1000, 'l')}}).applied);
    EXPECT_EQ(Codes(Commit(b, 2, {{"cmi.location", std::string(1001, 'l')}})),
              std::vector<int>{407});
}

// ---------------------------------------------------------------- sequence

TEST(ScormRuntime, ARepeatedOrLateSeqChangesNothing) {
    CmiState s = Fresh(ScormVersion::k2004);
    ASSERT_TRUE(Commit(s, 10, {{"cmi.location", "newest"}, {"cmi.session_time", "PT60S"}}).applied);
    std::string before = s.ToJson();

    auto repeated = Commit(s, 10, {{"cmi.location", "newest"}, {"cmi.session_time", "PT60S"}});
    EXPECT_FALSE(repeated.applied);
    EXPECT_TRUE(repeated.stale);
    EXPECT_TRUE(repeated.errors.empty());

    auto late = Commit(s, 9, {{"cmi.location", "older"}}, true);
    EXPECT_FALSE(late.applied);
    EXPECT_TRUE(late.stale);
    EXPECT_EQ(s.ToJson(), before);
    EXPECT_EQ(s.location, "newest");
}

TEST(ScormRuntime, BeginSessionMakesBeaconsOfAnEarlierPageStale) {
    CmiState s = Fresh(ScormVersion::k2004);
    ASSERT_TRUE(Commit(s, 3, {{"cmi.session_time", "PT10S"}}).applied);  // never terminated
    int64_t start = BeginSession(s, 1'700'000'000'000);
    EXPECT_EQ(start, 1'700'000'000'000'000);
    EXPECT_DOUBLE_EQ(s.total_seconds, 10);  // the unterminated session counted once
    EXPECT_DOUBLE_EQ(s.session_seconds, 0);
    EXPECT_TRUE(Commit(s, 4, {{"cmi.location", "old page"}}).stale);
    EXPECT_TRUE(Commit(s, start, {{"cmi.location", "new page"}}).applied);
    // A clock that went backwards (an hour) still moves forward.
    EXPECT_EQ(BeginSession(s, 1'699'996'400'000), start + 1);
}

TEST(ScormRuntime, ASeqForgedFarAheadDoesNotFreezeTheSco) {
    CmiState s = Fresh(ScormVersion::k2004);
    ASSERT_TRUE(Commit(s, std::numeric_limits<int64_t>::max(), {{"cmi.location", "x"}}).applied);
    // The next session starts from the clock again, and its commits are kept.
    int64_t start = BeginSession(s, 1'700'000'000'000);
    EXPECT_EQ(start, 1'700'000'000'000'000);
    EXPECT_TRUE(Commit(s, start, {{"cmi.location", "kept"}}).applied);
}

// ---------------------------------------------------------------- time

TEST(ScormRuntime, SessionTimeIsAddedOnceWhenTheSessionEnds12) {
    CmiState s = Fresh(ScormVersion::k12);
    // scorm-again resends session_time in every commit: it replaces, it does not pile up.
    ASSERT_TRUE(Commit(s, 1, {{"cmi.core.session_time", "0000:01:00"}}).applied);
    ASSERT_TRUE(Commit(s, 2, {{"cmi.core.session_time", "0000:02:00"}}).applied);
    EXPECT_DOUBLE_EQ(TotalSeconds(s), 120);
    ASSERT_TRUE(Commit(s, 3, {{"cmi.core.session_time", "0001:02:03.45"}}, true).applied);
    EXPECT_DOUBLE_EQ(s.total_seconds, 3723.45);
    EXPECT_DOUBLE_EQ(s.session_seconds, 0);
    BeginSession(s, 1);
    ASSERT_TRUE(Commit(s, 1001, {{"cmi.core.session_time", "00:00:30"}}, true).applied);
    EXPECT_DOUBLE_EQ(s.total_seconds, 3753.45);
    EXPECT_EQ(FormatTotalTime(s.total_seconds, ScormVersion::k12), "0001:02:33.45");
}

TEST(ScormRuntime, SessionTimeIsAddedOnceWhenTheSessionEnds2004) {
    CmiState s = Fresh(ScormVersion::k2004);
    ASSERT_TRUE(Commit(s, 1, {{"cmi.session_time", "PT1H30M45.5S"}}, true).applied);
    ASSERT_TRUE(Commit(s, 2, {{"cmi.session_time", "P1DT1M"}}, true).applied);
    EXPECT_DOUBLE_EQ(s.total_seconds, 5445.5 + 86400 + 60);
    EXPECT_EQ(FormatTotalTime(s.total_seconds, ScormVersion::k2004), "PT25H31M45.5S");
}

TEST(ScormRuntime, TimeFormatsAreParsedStrictly) {
    EXPECT_EQ(ParseScorm12Timespan("0000:00:01"), 1);
    EXPECT_EQ(ParseScorm12Timespan("12:34:56.7"), 12 * 3600 + 34 * 60 + 56.7);
    EXPECT_EQ(ParseScorm12Timespan("9999:59:59.99"), 9999 * 3600 + 59 * 60 + 59.99);
    for (const char* bad : {"", "1:2:3", "00000:00:00", "00:60:00", "00:00:60", "00:00:00.123",
                            "00:00:00.", "-1:00:00", "00:00", "PT1S", "00:00:00 ", "aa:00:00"})
        EXPECT_FALSE(ParseScorm12Timespan(bad)) << bad;

    EXPECT_EQ(ParseIsoDuration("PT1H30M45.5S"), 5445.5);
    EXPECT_EQ(ParseIsoDuration("PT0S"), 0);
    EXPECT_EQ(ParseIsoDuration("P1Y"), 365 * 86400);
    EXPECT_EQ(ParseIsoDuration("P1M"), 30 * 86400);
    EXPECT_EQ(ParseIsoDuration("PT1M"), 60);
    EXPECT_EQ(ParseIsoDuration("PT0.25S"), 0.25);
    for (const char* bad :
         {"", "P", "PT", "P1DT", "1H", "PT1H30", "PT1.5H", "PT1,5S", "PT1.123S", "PT-1S", "P1W",
          "PT1S1M", "PT1H1H", "P1D1Y", "PT1234567890S", "pt1s", "PT1S ", "PT.5S", "PT1.S"})
        EXPECT_FALSE(ParseIsoDuration(bad)) << bad;
}

TEST(ScormRuntime, ABadSessionTimeRefusesTheCommit) {
    CmiState a = Fresh(ScormVersion::k12);
    EXPECT_EQ(Codes(Commit(a, 1, {{"cmi.core.session_time", "PT1H"}})), std::vector<int>{405});
    CmiState b = Fresh(ScormVersion::k2004);
    EXPECT_EQ(Codes(Commit(b, 1, {{"cmi.session_time", "01:00:00"}, {"cmi.location", "x"}})),
              std::vector<int>{406});
    EXPECT_EQ(b.location, "");
    EXPECT_EQ(b.last_seq, 0);
}

TEST(ScormRuntime, FormatTotalTime) {
    EXPECT_EQ(FormatTotalTime(0, ScormVersion::k12), "0000:00:00.00");
    EXPECT_EQ(FormatTotalTime(59.999, ScormVersion::k12), "0000:01:00.00");
    EXPECT_EQ(FormatTotalTime(1e12, ScormVersion::k12), "9999:59:59.99");
    EXPECT_EQ(FormatTotalTime(0, ScormVersion::k2004), "PT0S");
    EXPECT_EQ(FormatTotalTime(3600, ScormVersion::k2004), "PT1H");
    EXPECT_EQ(FormatTotalTime(90.05, ScormVersion::k2004), "PT1M30.05S");
    EXPECT_EQ(FormatTotalTime(12.5, ScormVersion::k2004), "PT12.5S");
    // What it writes, the parsers read back.
    for (double t : {0.0, 1.5, 59.99, 3723.45, 360000.0})
        for (auto v : {ScormVersion::k12, ScormVersion::k2004}) {
            auto text = FormatTotalTime(t, v);
            auto back =
                v == ScormVersion::k12 ? ParseScorm12Timespan(text) : ParseIsoDuration(text);
            ASSERT_TRUE(back) << text;
            EXPECT_NEAR(*back, t, 0.005) << text;
        }
}

// ---------------------------------------------------------------- vocabularies and ranges

TEST(ScormRuntime, Vocabularies) {
    CmiState a = Fresh(ScormVersion::k12);
    EXPECT_TRUE(Commit(a, 1, {{"cmi.core.lesson_status", "browsed"}, {"cmi.core.exit", "time-out"}})
                    .applied);
    // scorm-again reports "not attempted" in every commit until the SCO sets a status.
    EXPECT_TRUE(Commit(a, 2, {{"cmi.core.lesson_status", "not attempted"}}).applied);
    EXPECT_EQ(Codes(Commit(a, 3, {{"cmi.core.lesson_status", "done"}})), std::vector<int>{405});
    EXPECT_EQ(Codes(Commit(a, 4, {{"cmi.core.exit", "normal"}})), std::vector<int>{405});  // 2004's
    EXPECT_EQ(Codes(Commit(a, 5, {{"cmi.core.lesson_status", "Passed"}})), std::vector<int>{405});

    CmiState b = Fresh(ScormVersion::k2004);
    EXPECT_TRUE(Commit(b, 1,
                       {{"cmi.completion_status", "completed"},
                        {"cmi.success_status", "failed"},
                        {"cmi.exit", "normal"}})
                    .applied);
    EXPECT_EQ(Codes(Commit(b, 2, {{"cmi.completion_status", "passed"}})), std::vector<int>{406});
    EXPECT_EQ(Codes(Commit(b, 3, {{"cmi.success_status", "completed"}})), std::vector<int>{406});
    // Every bad element is listed.
    EXPECT_EQ(Codes(Commit(b, 4, {{"cmi.exit", "bye"}, {"cmi.success_status", "?"}})).size(), 2u);
}

TEST(ScormRuntime, ScoreRanges) {
    CmiState b = Fresh(ScormVersion::k2004);
    EXPECT_TRUE(Commit(b, 1, {{"cmi.score.scaled", "-1"}}).applied);
    EXPECT_TRUE(Commit(b, 2, {{"cmi.score.scaled", "1.0"}, {"cmi.score.raw", "-250.5"}}).applied);
    EXPECT_EQ(b.score_raw, -250.5);
    EXPECT_EQ(Codes(Commit(b, 3, {{"cmi.score.scaled", "1.01"}})), std::vector<int>{407});
    EXPECT_EQ(Codes(Commit(b, 4, {{"cmi.score.scaled", "-1.5"}})), std::vector<int>{407});
    EXPECT_EQ(Codes(Commit(b, 5, {{"cmi.progress_measure", "1.2"}})), std::vector<int>{407});
    EXPECT_EQ(Codes(Commit(b, 6, {{"cmi.score.scaled", "high"}})), std::vector<int>{406});
    EXPECT_EQ(Codes(Commit(b, 7, {{"cmi.score.raw", "1e3"}})), std::vector<int>{406});
    EXPECT_EQ(b.score_scaled, 1.0);
    // "" is what scorm-again sends for a score the SCO never set.
    EXPECT_TRUE(Commit(b, 8, {{"cmi.score.scaled", ""}}).applied);
    EXPECT_FALSE(b.score_scaled);

    CmiState a = Fresh(ScormVersion::k12);
    EXPECT_TRUE(
        Commit(a, 1, {{"cmi.core.score.raw", "85.5"}, {"cmi.core.score.max", "100"}}).applied);
    EXPECT_EQ(Codes(Commit(a, 2, {{"cmi.core.score.raw", "101"}})), std::vector<int>{405});
    EXPECT_EQ(Codes(Commit(a, 3, {{"cmi.core.score.min", "-1"}})), std::vector<int>{405});
    EXPECT_EQ(a.score_raw, 85.5);
}

// ---------------------------------------------------------------- interactions

TEST(ScormRuntime, InteractionsAreKeptInIndexOrderAndGoBackToScormAgain) {
    CmiState s = Fresh(ScormVersion::k2004);
    Elements cmi;
    for (int i = 0; i < 12; ++i) {  // "10" sorts before "2" as a JSON key
        std::string p = "cmi.interactions." + std::to_string(i) + ".";
        cmi.push_back({p + "id", "q" + std::to_string(i)});
        cmi.push_back({p + "type", "choice"});
        cmi.push_back({p + "learner_response", "a"});
        cmi.push_back({p + "result", i % 2 ? "incorrect" : "correct"});
        cmi.push_back({p + "latency", "PT5S"});
        cmi.push_back({p + "timestamp", "2025-01-02T03:04:05Z"});
        cmi.push_back({p + "correct_responses.0.pattern", "a"});
        cmi.push_back({p + "objectives.0.id", "ignored"});
    }
    auto r = Commit(s, 1, cmi);
    ASSERT_TRUE(r.applied) << (r.errors.empty() ? "" : r.errors[0].element);
    ASSERT_EQ(s.interactions.size(), 12u);
    EXPECT_EQ(s.interactions[10].id, "q10");
    EXPECT_EQ(s.interactions[1].result, "incorrect");
    EXPECT_EQ(s.interactions[0].correct_responses, std::vector<std::string>{"a"});

    // A later commit updates one interaction without resending the others.
    ASSERT_TRUE(Commit(s, 2, {{"cmi.interactions.3.result", "neutral"}}).applied);
    EXPECT_EQ(s.interactions[3].result, "neutral");

    auto initial = nlohmann::json::parse(InitialCmiJson(s, {}, "u", "n"));
    ASSERT_EQ(initial["interactions"].size(), 12u);
    EXPECT_EQ(initial["interactions"][10]["id"], "q10");
    EXPECT_EQ(initial["interactions"][0]["correct_responses"][0]["pattern"], "a");
    // The id comes first: scorm-again refuses other fields of an interaction without one.
    auto ordered = nlohmann::ordered_json::parse(InitialCmiJson(s, {}, "u", "n"));
    EXPECT_EQ(ordered["interactions"][0].begin().key(), "id");
}

TEST(ScormRuntime, InteractionsAreBounded) {
    CmiState s = Fresh(ScormVersion::k12);
    CmiLimits limits;
    limits.interactions_max = 2;
    auto ok = Commit(s, 1,
                     {{"cmi.interactions.0.id", "q0"},
                      {"cmi.interactions.0.type", "true-false"},
                      {"cmi.interactions.0.time", "13:05:00"},
                      {"cmi.interactions.0.student_response", "t"},
                      {"cmi.interactions.0.result", "wrong"},
                      {"cmi.interactions.0.latency", "0000:00:04.5"},
                      {"cmi.interactions.1.id", "q1"}},
                     false, {}, limits);
    ASSERT_TRUE(ok.applied);
    EXPECT_EQ(Codes(Commit(s, 2, {{"cmi.interactions.2.id", "q2"}}, false, {}, limits)),
              std::vector<int>{201});
    CmiState b = Fresh(ScormVersion::k2004);
    EXPECT_EQ(Codes(Commit(b, 1, {{"cmi.interactions.250.id", "q"}})), std::vector<int>{351});
    EXPECT_EQ(Codes(Commit(b, 2, {{"cmi.interactions.1.id", "gap"}})), std::vector<int>{351});
    EXPECT_EQ(Codes(Commit(b, 3, {{"cmi.interactions.0.type", "choice"}})),  // no id
              std::vector<int>{408});
    EXPECT_EQ(Codes(Commit(b, 4,
                           {{"cmi.interactions.0.id", "q"},
                            {"cmi.interactions.0.correct_responses.32.pattern", "x"}})),
              std::vector<int>{351});
    EXPECT_EQ(Codes(Commit(b, 5,
                           {{"cmi.interactions.0.id", "q"},
                            {"cmi.interactions.0.learner_response", std::string(4001, 'r')}})),
              std::vector<int>{407});
    EXPECT_EQ(
        Codes(Commit(b, 6, {{"cmi.interactions.0.id", "q"}, {"cmi.interactions.0.type", "essay"}})),
        std::vector<int>{406});
    EXPECT_EQ(Codes(Commit(b, 7,
                           {{"cmi.interactions.0.id", "q"},
                            {"cmi.interactions.0.timestamp", "2025-13-01"}})),
              std::vector<int>{406});
    EXPECT_TRUE(b.interactions.empty());
}

TEST(ScormRuntime, TheStoredStateIsBounded) {
    CmiState s = Fresh(ScormVersion::k2004);
    CmiLimits limits;
    limits.state_max = 10000;
    EXPECT_EQ(
        Codes(Commit(s, 1, {{"cmi.suspend_data", std::string(20000, 's')}}, false, {}, limits)),
        std::vector<int>{351});
}

// ---------------------------------------------------------------- rules and progress

TEST(ScormRuntime, MasteryScoreDecides12WhenTheScoFinished) {
    ScoRules rules;
    rules.mastery_score = 80;
    CmiState s = Fresh(ScormVersion::k12);
    ASSERT_TRUE(Commit(s, 1,
                       {{"cmi.core.lesson_status", "incomplete"}, {"cmi.core.score.raw", "50"}},
                       false, rules)
                    .applied);
    EXPECT_EQ(s.lesson_status, "incomplete");  // half-way: not failed
    EXPECT_FALSE(ScoDone(s));
    ASSERT_TRUE(Commit(s, 2, {{"cmi.core.lesson_status", "completed"}}, false, rules).applied);
    EXPECT_EQ(s.lesson_status, "failed");
    EXPECT_FALSE(ScoDone(s));
    ASSERT_TRUE(Commit(s, 3,
                       {{"cmi.core.lesson_status", "completed"}, {"cmi.core.score.raw", "80"}},
                       false, rules)
                    .applied);
    EXPECT_EQ(s.lesson_status, "passed");
    EXPECT_TRUE(ScoDone(s));
    EXPECT_EQ(ScoScorePercent(s), 80);

    auto cmi = nlohmann::json::parse(InitialCmiJson(s, rules, "u", "n"));
    EXPECT_EQ(cmi["student_data"]["mastery_score"], "80");
    EXPECT_EQ(cmi["core"]["score"]["raw"], "80");
}

TEST(ScormRuntime, PassingScoreAndCompletionThresholdDecide2004) {
    ScoRules rules;
    rules.scaled_passing_score = 0.7;
    rules.completion_threshold = 0.9;
    CmiState s = Fresh(ScormVersion::k2004);
    // The SCO's own statuses are overridden: the LMS decides.
    ASSERT_TRUE(Commit(s, 1,
                       {{"cmi.completion_status", "completed"},
                        {"cmi.success_status", "passed"},
                        {"cmi.progress_measure", "0.5"},
                        {"cmi.score.scaled", "0.65"}},
                       false, rules)
                    .applied);
    EXPECT_EQ(s.completion_status, "incomplete");
    EXPECT_EQ(s.success_status, "failed");
    EXPECT_FALSE(ScoDone(s));
    ASSERT_TRUE(Commit(s, 2, {{"cmi.progress_measure", "0.9"}}, false, rules).applied);
    EXPECT_EQ(s.completion_status, "completed");
    EXPECT_FALSE(ScoDone(s));  // completed but failed
    ASSERT_TRUE(Commit(s, 3, {{"cmi.score.scaled", "0.7"}}, false, rules).applied);
    EXPECT_EQ(s.success_status, "passed");
    EXPECT_TRUE(ScoDone(s));
    EXPECT_EQ(ScoScorePercent(s), 70);
    // No scaled score / progress measure: unknown, whatever the SCO said.
    ASSERT_TRUE(Commit(s, 4,
                       {{"cmi.score.scaled", ""},
                        {"cmi.success_status", "passed"},
                        {"cmi.progress_measure", ""},
                        {"cmi.completion_status", "completed"}},
                       false, rules)
                    .applied);
    EXPECT_EQ(s.success_status, "unknown");
    EXPECT_EQ(s.completion_status, "unknown");
    EXPECT_FALSE(ScoDone(s));
}

TEST(ScormRuntime, WithoutRulesTheScosStatusesStand) {
    CmiState s = Fresh(ScormVersion::k2004);
    ASSERT_TRUE(Commit(s, 1, {{"cmi.completion_status", "completed"}}).applied);
    EXPECT_TRUE(ScoDone(s));
    EXPECT_FALSE(ScoScorePercent(s));
    ASSERT_TRUE(
        Commit(s, 2, {{"cmi.score.raw", "15"}, {"cmi.score.min", "10"}, {"cmi.score.max", "20"}})
            .applied);
    EXPECT_EQ(ScoScorePercent(s), 50);
}

// ---------------------------------------------------------------- parsing

TEST(ScormRuntime, ParseCommitRefusesMalformedBodies) {
    CmiLimits limits;
    auto v = ScormVersion::k2004;
    EXPECT_THROW(ParseCommit("not json", v, limits), core::JsonInputError);
    EXPECT_THROW(ParseCommit("[]", v, limits), HttpError);
    EXPECT_THROW(ParseCommit(R"({"cmi":{}})", v, limits), HttpError);            // no seq
    EXPECT_THROW(ParseCommit(R"({"seq":0,"cmi":{}})", v, limits), HttpError);    // not positive
    EXPECT_THROW(ParseCommit(R"({"seq":1.5,"cmi":{}})", v, limits), HttpError);  // not integer
    EXPECT_THROW(ParseCommit(R"({"seq":1})", v, limits), HttpError);             // no cmi
    EXPECT_THROW(ParseCommit(R"({"seq":1,"terminate":"yes","cmi":{}})", v, limits), HttpError);
    EXPECT_THROW(ParseCommit(R"({"seq":1,"cmi":{"cmi.location":5}})", v, limits), HttpError);
    EXPECT_THROW(ParseCommit(R"({"seq":1,"cmi":{"a":{"b":{"c":"d"}}}})", v, limits),
                 core::JsonInputError);  // deeper than a commit
    EXPECT_THROW(ParseCommit(R"({"seq":18446744073709551615,"cmi":{}})", v, limits), HttpError);
    limits.body_max = 10;
    try {
        ParseCommit(R"({"seq":1,"cmi":{}})", v, limits);
        FAIL();
    } catch (const HttpError& e) {
        EXPECT_EQ(e.status(), 413);
    }
}

TEST(ScormRuntime, ParseCommitKeepsOnlyThisVersionsWritableElements) {
    auto req = ParseCommit(
        R"({"seq":7,"terminate":true,"cmi":{"cmi.location":"a","cmi.core.lesson_location":"b",
        "cmi.entry":"resume","cmi.total_time":"PT9H","cmi.learner_id":"x","adl.nav.request":"continue",
        "cmi.objectives.0.id":"o","cmi.interactions._count":"3","cmi.interactions.01.id":"z",
        "cmi.interactions.0.id":"q"}})",
        ScormVersion::k2004, {});
    EXPECT_EQ(req.seq, 7);
    EXPECT_TRUE(req.terminate);
    ASSERT_EQ(req.elements.size(), 2u);
    EXPECT_EQ(req.ignored, 8u);
}

}  // namespace
}  // namespace govhub::learning

#pragma once
// Background jobs: long work (loading a data file, building PDFs, sending mail) runs outside
// the request, in worker threads of any govhub process, with progress the UI can show.
#include <cstdint>
#include <optional>
#include <string>

namespace govhub::jobs {

enum class JobState { kQueued, kRunning, kSucceeded, kFailed, kCancelled };

const char* ToString(JobState s);
std::optional<JobState> ParseJobState(const std::string& s);

struct Job {
    std::string id;
    std::string kind;      // "mail.send", "datastore.load", ...
    std::string owner_id;  // who asked; empty for the system
    JobState state = JobState::kQueued;
    std::string payload = "{}";  // JSON
    std::string result;          // JSON, when succeeded
    int64_t progress_done = 0;
    int64_t progress_total = 0;
    std::string message;  // latest progress message
    int attempts = 0;
    int max_attempts = 5;
    std::string run_after;
    std::string locked_by;  // "<process>:<worker>" while running
    std::string heartbeat_at;
    bool cancel_requested = false;
    std::string error;
    std::string created, started, finished;
    std::string subject;  // what it works on ("resource:<id>"), for the object's page

    bool finished_state() const {
        return state == JobState::kSucceeded || state == JobState::kFailed ||
               state == JobState::kCancelled;
    }
};

struct JobLogEntry {
    int64_t id = 0;
    std::string at;
    std::string level;  // info | warn | error
    std::string message;
};

}  // namespace govhub::jobs

#pragma once
// API usage per token: requests per day and per action, and the calls the rate limit refused.
// Counted in memory and written in batches (at most every few seconds), so an API call never
// waits on a write of its own.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "accounts/model.hpp"
#include "db/database.hpp"

namespace govhub::accounts {

class UsageRecorder {
  public:
    // `now_seconds` gives the epoch seconds that decide the (Bangkok) day of a call; the real
    // clock when empty (tests pass their own to cross midnight).
    explicit UsageRecorder(db::Database& db, int flush_seconds = 5,
                           std::function<int64_t()> now_seconds = {})
        : db_(db), flush_seconds_(flush_seconds), now_seconds_(std::move(now_seconds)) {}
    ~UsageRecorder();

    // `token_hash`: the SHA-256 of the raw token, as api_tokens stores it.
    void Count(const std::string& token_hash, const std::string& action, bool limited);
    void Flush();
    // The last `days` days of one token (flushed first), newest day first.
    std::vector<UsageRow> Usage(const std::string& token_id, int days = 30);

  private:
    using Key = std::tuple<std::string, std::string, std::string>;  // hash, day, action
    int64_t NowSeconds() const;

    db::Database& db_;
    int flush_seconds_;
    std::function<int64_t()> now_seconds_;
    std::mutex mu_;
    std::map<Key, std::pair<int64_t, int64_t>> pending_;
    std::chrono::steady_clock::time_point last_flush_ = std::chrono::steady_clock::now();
};

}  // namespace govhub::accounts

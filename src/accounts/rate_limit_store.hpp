#pragma once
// Rate-limit counters in the database, so every node behind the load balancer counts the same
// requests (used with PostgreSQL; one SQLite process keeps them in memory).
#include <atomic>

#include "db/database.hpp"
#include "http/rate_limit.hpp"

namespace govhub::accounts {

class DatabaseRateLimitStore : public http::RateLimitStore {
  public:
    explicit DatabaseRateLimitStore(db::Database& db) : db_(db) {}
    http::RateLimitDecision Hit(const std::string& key, const http::RateLimitRule& rule,
                                int64_t now) override;

  private:
    db::Database& db_;
    std::atomic<int64_t> last_sweep_{0};
};

}  // namespace govhub::accounts

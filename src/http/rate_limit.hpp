#pragma once
// One rate-limit mechanism for the whole platform: a sliding-window counter per key (client IP
// for logins and forms, API token or IP for the API). Hits are counted in fixed windows; the
// decision weighs the previous window by how much of it still overlaps the last `window_seconds`,
// so a burst across a window boundary is not let through twice, and a client's budget does not
// depend on where the clock's minute falls. The counters sit behind RateLimitStore so a
// database-backed store can share them between nodes.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "http/server.hpp"

namespace govhub::http {

struct RateLimitRule {
    int limit = 0;  // requests per window; 0 disables the rule
    int window_seconds = 60;
};

struct RateLimitDecision {
    bool allowed = true;
    int limit = 0;
    int remaining = 0;
    int64_t reset_epoch = 0;  // when the window ends (epoch seconds)
    int retry_after = 0;      // seconds, when not allowed
};

class RateLimitStore {
  public:
    virtual ~RateLimitStore() = default;
    // Counts one hit for `key` in the current window of `rule` and decides.
    virtual RateLimitDecision Hit(const std::string& key, const RateLimitRule& rule,
                                  int64_t now_epoch) = 0;
};

// In-process counters: right for one node.
class MemoryRateLimitStore : public RateLimitStore {
  public:
    RateLimitDecision Hit(const std::string& key, const RateLimitRule& rule, int64_t now) override;

  private:
    struct Window {
        int64_t start = 0;
        int count = 0, previous = 0;  // hits in this window and in the one before it
    };
    std::mutex mutex_;
    std::unordered_map<std::string, Window> windows_;
    int64_t last_sweep_ = 0;
};

struct RateLimitConfig {
    RateLimitRule login{10, 60};           // POSTs to login-class routes, per client IP
    RateLimitRule form{30, 60};            // POSTs to form-class routes, per client IP
    RateLimitRule api{600, 60};            // /api/ requests with a token, per token
    RateLimitRule api_anonymous{300, 60};  // /api/ requests without a token, per client IP
    // Routes of class "lookup" (any method, pages and API alike), per client IP: public look-ups
    // by a code that must not be enumerated fast (Learning's certificate verification).
    RateLimitRule lookup{60, 60};
};

// Applies the rules: 429 with Retry-After when over; X-RateLimit-* headers on every API reply.
Middleware RateLimitMiddleware(RateLimitStore& store, RateLimitConfig config);

// Shared by every store: the decision for `count` hits in the window that began at
// `window_start` and `previous` hits in the window before it.
RateLimitDecision DecideRateLimit(int count, int previous, int64_t window_start,
                                  const RateLimitRule& rule, int64_t now);

}  // namespace govhub::http

#include "accounts/rate_limit_store.hpp"

namespace govhub::accounts {

http::RateLimitDecision DatabaseRateLimitStore::Hit(const std::string& key,
                                                    const http::RateLimitRule& rule, int64_t now) {
    int64_t start = now - now % rule.window_seconds;
    int64_t count = 0, previous = 0;
    db_.Write([&](db::Connection& c) {
        // One statement, atomic on both engines: insert the window or count one more.
        count = c.One(
                     "INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)"
                     " ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1"
                     " RETURNING count",
                     {key, start})
                    ->Int(0);
        if (auto row = c.One("SELECT count FROM rate_limits WHERE key = ? AND window_start = ?",
                             {key, start - rule.window_seconds}))
            previous = row->Int(0);
        // Finished windows are swept now and then by whichever node gets there first.
        int64_t last = last_sweep_.load();
        if (now - last > 60 && last_sweep_.compare_exchange_strong(last, now))
            c.Exec("DELETE FROM rate_limits WHERE window_start < ?", {now - 3600});
    });
    return http::DecideRateLimit(static_cast<int>(count), static_cast<int>(previous), start, rule,
                                 now);
}

}  // namespace govhub::accounts

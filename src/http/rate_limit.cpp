#include "http/rate_limit.hpp"

#include <algorithm>
#include <cmath>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/net_address.hpp"

namespace govhub::http {

RateLimitDecision DecideRateLimit(int count, int previous, int64_t window_start,
                                  const RateLimitRule& rule, int64_t now) {
    RateLimitDecision d;
    d.limit = rule.limit;
    const double window = rule.window_seconds;
    double elapsed = std::clamp<double>(static_cast<double>(now - window_start), 0, window);
    // The hits of the last `window` seconds, estimated: the previous window's hits are taken
    // as spread evenly over it.
    auto estimate = [&](double at, int current) {
        return current + previous * (1.0 - at / window);
    };
    double used = estimate(elapsed, count);
    d.allowed = used <= rule.limit;
    d.remaining = d.allowed ? static_cast<int>(rule.limit - used) : 0;
    d.reset_epoch = window_start + rule.window_seconds;
    if (!d.allowed) {
        // The first second at which one more hit would be allowed.
        double wait;
        if (count + 1 <= rule.limit && previous > 0) {
            wait =
                window * (1.0 - (rule.limit - count - 1) / static_cast<double>(previous)) - elapsed;
        } else {
            // Only in the next window, where this window's hits are the ones that fade.
            double into_next =
                count > 0
                    ? window * std::max(0.0, 1.0 - (rule.limit - 1) / static_cast<double>(count))
                    : 0;
            wait = (window - elapsed) + into_next;
        }
        d.retry_after = static_cast<int>(std::max(1.0, std::ceil(wait)));
    }
    return d;
}

RateLimitDecision MemoryRateLimitStore::Hit(const std::string& key, const RateLimitRule& rule,
                                            int64_t now) {
    int64_t start = now - now % rule.window_seconds;
    std::lock_guard lock(mutex_);
    // Drop finished windows now and then so idle keys don't accumulate.
    if (now - last_sweep_ > 60) {
        for (auto it = windows_.begin(); it != windows_.end();)
            it = it->second.start + 3600 < now ? windows_.erase(it) : std::next(it);
        last_sweep_ = now;
    }
    Window& w = windows_[key];
    if (w.start != start) {
        int previous = w.start == start - rule.window_seconds ? w.count : 0;
        w = {start, 0, previous};
    }
    ++w.count;
    return DecideRateLimit(w.count, w.previous, start, rule, now);
}

}  // namespace govhub::http

namespace govhub::http {

Middleware RateLimitMiddleware(RateLimitStore& store, RateLimitConfig config) {
    return [&store, config](Request& req, const Handler& next) -> Response {
        const RateLimitRule* rule = nullptr;
        std::string key;
        bool api = req.IsApi();
        if (req.route && req.route->options.rate_limit == "lookup") {
            rule = &config.lookup;
            key = "lookup:" + core::AddressBucket(req.client_ip);
        } else if (api) {
            // Counted per token when one is sent (hashed: counters never hold secrets).
            std::string_view token = req.Header("Authorization");
            if (token.empty()) token = req.Header("X-CKAN-API-Key");
            if (!token.empty()) {
                rule = &config.api;
                key = "api:" + core::Sha256Hex(token);
            } else {
                rule = &config.api_anonymous;
                key = "api-ip:" + core::AddressBucket(req.client_ip);
            }
        } else if (req.method == "POST" && req.route) {
            const std::string& cls = req.route->options.rate_limit;
            if (cls == "login")
                rule = &config.login;
            else if (cls == "form")
                rule = &config.form;
            key = cls + ":" + core::AddressBucket(req.client_ip);  // IPv6 per /64
        }
        if (!rule || rule->limit <= 0) return next(req);

        RateLimitDecision d = store.Hit(key, *rule, core::NowEpochSeconds());
        std::vector<std::pair<std::string, std::string>> headers = {
            {"X-RateLimit-Limit", std::to_string(d.limit)},
            {"X-RateLimit-Remaining", std::to_string(d.remaining)},
            {"X-RateLimit-Reset", std::to_string(d.reset_epoch)}};
        if (!d.allowed) {
            HttpError e(429, "rate_limited", "error.rate_limited");
            e.headers = headers;
            e.headers.emplace_back("Retry-After", std::to_string(d.retry_after));
            throw e;
        }
        if (!api) return next(req);
        try {
            Response res = next(req);
            for (auto& [k, v] : headers) res.headers.Set(k, v);
            return res;
        } catch (HttpError& e) {
            for (auto& h : headers) e.headers.push_back(h);
            throw;
        }
    };
}

}  // namespace govhub::http

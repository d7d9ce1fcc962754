#include "http/rate_limit.hpp"

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"

namespace govhub::http {

RateLimitDecision DecideRateLimit(int count, int64_t window_start, const RateLimitRule& rule,
                                  int64_t now) {
    RateLimitDecision d;
    d.limit = rule.limit;
    d.reset_epoch = window_start + rule.window_seconds;
    d.allowed = count <= rule.limit;
    d.remaining = d.allowed ? rule.limit - count : 0;
    d.retry_after = d.allowed ? 0 : static_cast<int>(std::max<int64_t>(1, d.reset_epoch - now));
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
    if (w.start != start) w = {start, 0};
    ++w.count;
    return DecideRateLimit(w.count, start, rule, now);
}

}  // namespace govhub::http

namespace govhub::http {

Middleware RateLimitMiddleware(RateLimitStore& store, RateLimitConfig config) {
    return [&store, config](Request& req, const Handler& next) -> Response {
        const RateLimitRule* rule = nullptr;
        std::string key;
        bool api = req.IsApi();
        if (api) {
            // Counted per token when one is sent (hashed: counters never hold secrets).
            std::string_view token = req.Header("Authorization");
            if (token.empty()) token = req.Header("X-CKAN-API-Key");
            if (!token.empty()) {
                rule = &config.api;
                key = "api:" + core::Sha256Hex(token);
            } else {
                rule = &config.api_anonymous;
                key = "api-ip:" + req.client_ip;
            }
        } else if (req.method == "POST" && req.route) {
            const std::string& cls = req.route->options.rate_limit;
            if (cls == "login")
                rule = &config.login;
            else if (cls == "form")
                rule = &config.form;
            key = cls + ":" + req.client_ip;
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

#include "accounts/usage.hpp"

#include "accounts/middleware.hpp"
#include "accounts/store.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/working_time.hpp"

namespace govhub::accounts {
namespace {

// The action of a call: CKAN's action name, or the first two parts of the path.
std::string ActionOf(std::string_view path) {
    for (std::string_view prefix : {"/api/3/action/", "/api/action/"})
        if (path.substr(0, prefix.size()) == prefix) {
            std::string_view name = path.substr(prefix.size());
            return std::string(name.substr(0, std::min<size_t>(name.find('/'), 100)));
        }
    size_t second = path.find('/', 1);
    size_t third = second == std::string_view::npos ? second : path.find('/', second + 1);
    return std::string(path.substr(0, std::min<size_t>(third, 100)));
}

}  // namespace

UsageRecorder::~UsageRecorder() {
    try {
        Flush();
    } catch (const std::exception& e) {
        core::LogError("usage.flush", e.what());
    }
}

int64_t UsageRecorder::NowSeconds() const {
    return now_seconds_ ? now_seconds_() : core::NowEpochSeconds();
}

void UsageRecorder::Count(const std::string& token_hash, const std::string& action, bool limited) {
    std::string day = core::IsoDay(core::BangkokDay(NowSeconds()));
    bool flush = false;
    {
        std::lock_guard lock(mu_);
        auto& counts = pending_[{token_hash, day, action}];
        ++counts.first;
        counts.second += limited ? 1 : 0;
        auto now = std::chrono::steady_clock::now();
        if (now - last_flush_ >= std::chrono::seconds(flush_seconds_)) {
            last_flush_ = now;
            flush = true;
        }
    }
    if (flush) {
        try {
            Flush();
        } catch (const std::exception& e) {  // counters are worth less than the call
            core::LogError("usage.flush", e.what());
        }
    }
}

void UsageRecorder::Flush() {
    std::map<Key, std::pair<int64_t, int64_t>> batch;
    {
        std::lock_guard lock(mu_);
        batch.swap(pending_);
    }
    if (batch.empty()) return;
    db_.Write([&](db::Connection& c) {
        for (const auto& [key, counts] : batch)
            store::AddTokenUsage(c, std::get<0>(key), std::get<1>(key), std::get<2>(key),
                                 counts.first, counts.second);
    });
}

std::vector<UsageRow> UsageRecorder::Usage(const std::string& token_id, int days) {
    Flush();
    std::string since = core::IsoDay(core::BangkokDay(NowSeconds()) - std::max(1, days) + 1);
    return db_.Read([&](db::Connection& c) { return store::TokenUsage(c, token_id, since); });
}

http::Middleware UsageMiddleware(UsageRecorder& recorder) {
    return [&recorder](http::Request& req, const http::Handler& next) -> http::Response {
        std::string token = http::ApiTokenOf(req);
        if (token.empty()) return next(req);
        std::string hash = core::Sha256Hex(token);
        std::string action = ActionOf(req.path);
        try {
            http::Response r = next(req);
            recorder.Count(hash, action, r.status == 429);
            return r;
        } catch (const HttpError& e) {
            recorder.Count(hash, action, e.status() == 429);
            throw;
        }
    };
}

}  // namespace govhub::accounts

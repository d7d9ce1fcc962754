#include "http/bulkhead.hpp"

#include <algorithm>
#include <cmath>

#include "core/crypto.hpp"
#include "core/log.hpp"
#include "core/strings.hpp"

namespace govhub::http {

namespace {

// Usage below this (seconds) is forgotten when the table is pruned.
constexpr double kNegligibleSeconds = 0.001;

}  // namespace

BulkheadSlot::BulkheadSlot(Bulkhead& pool, std::string client)
    : pool_(pool),
      client_(std::move(client)),
      deadline_(pool.Now() + std::chrono::seconds(pool.config().deadline_seconds)) {}

BulkheadSlot::~BulkheadSlot() {
    pool_.Release(*this);
}

bool BulkheadSlot::Expired() const {
    return pool_.Now() > deadline_;
}

Bulkhead::Bulkhead(std::string name, BulkheadConfig config)
    : name_(std::move(name)), config_(std::move(config)) {
    config_.workers = std::max(1, config_.workers);
    config_.queue = std::max(0, config_.queue);
    if (!(config_.usage_half_life_seconds > 0)) config_.usage_half_life_seconds = 60;
    config_.max_tracked_clients = std::max<size_t>(1, config_.max_tracked_clients);
    if (!(config_.long_run_seconds > 0)) config_.long_run_seconds = 2;
    busy_.resize(static_cast<size_t>(config_.workers));
    for (size_t i = 0; i < busy_.size(); ++i) threads_.emplace_back([this, i] { Work(i); });
}

Bulkhead::~Bulkhead() {
    Stop();
}

void Bulkhead::Stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_)
        if (t.joinable()) t.join();
}

BulkheadClock::time_point Bulkhead::Now() const {
    return config_.clock ? config_.clock() : BulkheadClock::now();
}

double Bulkhead::DecayedLocked(double value, BulkheadClock::time_point at,
                               BulkheadClock::time_point now) const {
    double age = std::chrono::duration<double>(now - at).count();
    if (age <= 0) return value;
    return value * std::exp2(-age / config_.usage_half_life_seconds);
}

double Bulkhead::UsageLocked(const std::string& client, BulkheadClock::time_point now) const {
    auto it = usage_.find(client);
    if (it == usage_.end()) return 0;
    return DecayedLocked(it->second.seconds, it->second.at, now);
}

double Bulkhead::Usage(const std::string& client) {
    std::lock_guard lock(mutex_);
    return UsageLocked(client, Now());
}

bool Bulkhead::KnownQuickLocked(const std::string& client) const {
    auto it = usage_.find(client);
    // Both figures decay alike, so their ratio is the recent average per request.
    return it != usage_.end() && it->second.requests > 0 &&
           it->second.seconds < config_.long_run_seconds * it->second.requests;
}

bool Bulkhead::KnownQuick(const std::string& client) {
    std::lock_guard lock(mutex_);
    return KnownQuickLocked(client);
}

void Bulkhead::ChargeLocked(const std::string& client, double seconds,
                            BulkheadClock::time_point now) {
    Use& use = usage_[client];
    use = Use{DecayedLocked(use.seconds, use.at, now) + std::max(0.0, seconds),
              DecayedLocked(use.requests, use.at, now) + 1, now};
    if (usage_.size() <= config_.max_tracked_clients) return;
    // Forget the negligible, then if need be the lightest quarter: a forgotten client only
    // looks lighter than it was, and a light one is what it was anyway.
    std::erase_if(usage_,
                  [&](const auto& e) { return UsageLocked(e.first, now) < kNegligibleSeconds; });
    if (usage_.size() <= config_.max_tracked_clients) return;
    std::vector<std::pair<double, std::string>> by_use;
    by_use.reserve(usage_.size());
    for (const auto& [c, u] : usage_) by_use.emplace_back(UsageLocked(c, now), c);
    size_t drop = usage_.size() - config_.max_tracked_clients * 3 / 4;
    std::nth_element(by_use.begin(), by_use.begin() + static_cast<std::ptrdiff_t>(drop - 1),
                     by_use.end());
    for (size_t i = 0; i < drop; ++i) usage_.erase(by_use[i].second);
}

std::shared_ptr<BulkheadSlot> Bulkhead::Admit(const std::string& client, Admission& why) {
    Job victim;
    std::shared_ptr<BulkheadSlot> slot;
    {
        std::lock_guard lock(mutex_);
        if (clients_.count(client)) {
            why = Admission::kClientBusy;
            return nullptr;
        }
        if (admitted_ >= config_.workers + config_.queue) {
            // Full: the waiting request of the heaviest client gives way to a lighter newcomer
            // (the latest of equals, which has waited least).
            auto now = Now();
            double mine = UsageLocked(client, now);
            auto heaviest = jobs_.end();
            double most = mine;
            for (auto it = jobs_.begin(); it != jobs_.end(); ++it) {
                if (!it->slot || !it->slot->waiting_ || !it->evicted) continue;
                double u = UsageLocked(it->slot->client_, now);
                if (u > mine && u >= most) most = u, heaviest = it;
            }
            if (heaviest == jobs_.end()) {
                why = Admission::kFull;
                return nullptr;
            }
            victim = std::move(*heaviest);
            jobs_.erase(heaviest);
            victim.slot->waiting_ = false;
            FreePlaceLocked(*victim.slot);
        }
        ++admitted_;
        ++clients_[client];
        why = Admission::kAdmitted;
        slot = std::make_shared<BulkheadSlot>(*this, client);
    }
    if (victim.evicted) {
        core::LogWarn("http.bulkhead", "evicted for a lighter client",
                      "\"pool\":\"" + name_ + "\",\"client\":\"" +
                          core::JsonEscape(victim.slot->client_.substr(0, 12)) + "\"");
        try {
            victim.evicted();
        } catch (const std::exception& e) {
            core::LogError("http.bulkhead", e.what(), "\"pool\":\"" + name_ + "\"");
        }
    }
    return slot;  // `victim` (its slot, already free, and its job) goes here, outside the lock
}

void Bulkhead::FreePlaceLocked(BulkheadSlot& slot) {
    slot.released_ = true;
    --admitted_;
    if (auto it = clients_.find(slot.client_); it != clients_.end() && --it->second <= 0)
        clients_.erase(it);
}

void Bulkhead::Release(BulkheadSlot& slot) {
    std::lock_guard lock(mutex_);
    if (slot.released_) return;
    FreePlaceLocked(slot);
    if (slot.started_) {
        auto now = Now();
        ChargeLocked(slot.client_, std::chrono::duration<double>(now - slot.start_).count(), now);
    }
}

void Bulkhead::Run(std::shared_ptr<BulkheadSlot> slot, std::function<void()> job,
                   std::function<void()> evicted) {
    {
        std::lock_guard lock(mutex_);
        if (slot && !slot->started_ && !slot->released_) slot->waiting_ = true;
        jobs_.push_back(Job{std::move(slot), std::move(job), std::move(evicted)});
    }
    // All: a worker that may only take known-quick clients' jobs may be the one woken.
    cv_.notify_all();
}

std::deque<Bulkhead::Job>::iterator Bulkhead::PickLocked(size_t self,
                                                         BulkheadClock::time_point now) {
    // The last free worker is kept for known-quick clients: are the others all taken by work
    // that is not (or no longer) quick? Never while stopping, so the queue drains.
    bool quick_only = false;
    if (busy_.size() > 1 && !stopping_) {
        auto long_run = std::chrono::duration_cast<BulkheadClock::duration>(
            std::chrono::duration<double>(config_.long_run_seconds));
        size_t slow = 0;
        for (size_t i = 0; i < busy_.size(); ++i)
            if (i != self && busy_[i].active &&
                (!busy_[i].quick || now - busy_[i].since >= long_run))
                ++slow;
        quick_only = slow + 1 >= busy_.size();
    }
    // The least recent pool time first; the earliest of equals.
    auto next = jobs_.end();
    double least = 0;
    for (auto it = jobs_.begin(); it != jobs_.end(); ++it) {
        if (quick_only && it->slot && !KnownQuickLocked(it->slot->client_)) continue;
        double u = it->slot ? UsageLocked(it->slot->client_, now) : 0;
        if (next == jobs_.end() || u < least) least = u, next = it;
        if (least <= 0) break;
    }
    return next;
}

void Bulkhead::Work(size_t self) {
    for (;;) {
        Job job;
        {
            std::unique_lock lock(mutex_);
            BulkheadClock::time_point now;
            auto next = jobs_.end();
            for (;;) {
                if (jobs_.empty() && stopping_) return;
                now = Now();
                if (!jobs_.empty() && (next = PickLocked(self, now)) != jobs_.end()) break;
                cv_.wait(lock);  // a job arrives, a worker finishes, or the pool stops
            }
            job = std::move(*next);
            jobs_.erase(next);
            busy_[self] = Busy{true, !job.slot || KnownQuickLocked(job.slot->client_), now};
            if (job.slot) {
                job.slot->waiting_ = false;
                if (!job.slot->started_) job.slot->started_ = true, job.slot->start_ = now;
            }
        }
        job.slot.reset();  // the request's owner holds it; its release must not wait for us
        try {
            job.run();
        } catch (const std::exception& e) {
            core::LogError("http.bulkhead", e.what(), "\"pool\":\"" + name_ + "\"");
        }
        job = Job{};  // its captures go before the worker counts as free
        bool more;
        {
            std::lock_guard lock(mutex_);
            busy_[self].active = false;
            more = !jobs_.empty();
        }
        // A worker held back for quick clients may take a job now.
        if (more) cv_.notify_all();
    }
}

Bulkhead& Bulkheads::Get(const std::string& name) {
    std::lock_guard lock(mutex_);
    auto& p = pools_[name];
    if (!p) p = std::make_unique<Bulkhead>(name, config_);
    return *p;
}

void Bulkheads::Stop() {
    std::lock_guard lock(mutex_);
    for (auto& [name, p] : pools_) p->Stop();
}

bool BulkheadClients::ContainsLocked(const std::string& hash, BulkheadClock::time_point now) {
    auto it = index_.find(hash);
    if (it == index_.end()) return false;
    if (now - it->second->second > ttl_) {
        order_.erase(it->second);
        index_.erase(it);
        return false;
    }
    return true;
}

std::string BulkheadClients::Of(const Request& req, BulkheadClock::time_point now) {
    std::string token = ApiTokenOf(req);
    if (!token.empty()) {
        std::string hash = core::Sha256Hex(token);
        std::lock_guard lock(mutex_);
        if (ContainsLocked(hash, now)) return "token:" + hash;
    }
    return "ip:" + req.client_ip;
}

void BulkheadClients::Remember(const Request& req, BulkheadClock::time_point now) {
    if (!req.principal.has_value()) return;
    std::string token = ApiTokenOf(req);
    // A request with a token has a principal only if the token authenticated it (a wrong one
    // is refused before any handler runs).
    if (token.empty()) return;
    std::string hash = core::Sha256Hex(token);
    std::lock_guard lock(mutex_);
    if (auto it = index_.find(hash); it != index_.end()) {
        it->second->second = now;
        order_.splice(order_.begin(), order_, it->second);
        return;
    }
    order_.emplace_front(hash, now);
    index_[hash] = order_.begin();
    while (order_.size() > capacity_) {
        index_.erase(order_.back().first);
        order_.pop_back();
    }
}

size_t BulkheadClients::size() {
    std::lock_guard lock(mutex_);
    return order_.size();
}

}  // namespace govhub::http

#include "http/bulkhead.hpp"

#include <algorithm>

#include "core/log.hpp"

namespace govhub::http {

BulkheadSlot::BulkheadSlot(Bulkhead& pool, std::string client)
    : pool_(pool),
      client_(std::move(client)),
      deadline_(std::chrono::steady_clock::now() +
                std::chrono::seconds(pool.config().deadline_seconds)) {}

BulkheadSlot::~BulkheadSlot() {
    pool_.Release(client_);
}

Bulkhead::Bulkhead(std::string name, BulkheadConfig config)
    : name_(std::move(name)), config_(config) {
    config_.workers = std::max(1, config_.workers);
    config_.queue = std::max(0, config_.queue);
    for (int i = 0; i < config_.workers; ++i) threads_.emplace_back([this] { Work(); });
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

std::shared_ptr<BulkheadSlot> Bulkhead::Admit(const std::string& client, Admission& why) {
    std::lock_guard lock(mutex_);
    if (clients_.count(client)) {
        why = Admission::kClientBusy;
        return nullptr;
    }
    if (admitted_ >= config_.workers + config_.queue) {
        why = Admission::kFull;
        return nullptr;
    }
    ++admitted_;
    ++clients_[client];
    why = Admission::kAdmitted;
    return std::make_shared<BulkheadSlot>(*this, client);
}

void Bulkhead::Release(const std::string& client) {
    std::lock_guard lock(mutex_);
    --admitted_;
    if (auto it = clients_.find(client); it != clients_.end() && --it->second <= 0)
        clients_.erase(it);
}

void Bulkhead::Run(std::function<void()> job) {
    {
        std::lock_guard lock(mutex_);
        jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
}

void Bulkhead::Work() {
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(mutex_);
            cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
            if (jobs_.empty()) return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        try {
            job();
        } catch (const std::exception& e) {
            core::LogError("http.bulkhead", e.what(), "\"pool\":\"" + name_ + "\"");
        }
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

}  // namespace govhub::http

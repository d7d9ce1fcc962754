#pragma once
// Bulkheads: expensive requests (the SQL sandbox, dumps, PDF rendering, full-text datastore
// searches) run on small pools of their own, so they never hold the general workers that
// cheap requests (status_show, pages, package_search) need.
//
// A route names its pool (RouteOptions::pool or pool_for). Each pool has `workers` threads
// and admits at most workers + queue requests at once, one per client (API token, else IP).
// A request over the pool's capacity is answered 503, a client's second one 429, both with
// Retry-After. An admitted request keeps its slot until its response is fully written, so a
// streamed dump counts too, and its chunks are produced on the pool's threads. A request
// still queued at its deadline is answered 503; a stream past it is cut off.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace govhub::http {

struct BulkheadConfig {
    int workers = 2;
    int queue = 8;                // admitted requests beyond the running ones
    int deadline_seconds = 600;   // from admission to the response's last byte
    int retry_after_seconds = 5;  // the Retry-After of 429 and 503
};

class Bulkhead;

// An admitted request's place in its pool; released when the last owner lets go.
class BulkheadSlot {
  public:
    BulkheadSlot(Bulkhead& pool, std::string client);
    ~BulkheadSlot();
    BulkheadSlot(const BulkheadSlot&) = delete;
    BulkheadSlot& operator=(const BulkheadSlot&) = delete;
    Bulkhead& pool() { return pool_; }
    bool Expired() const { return std::chrono::steady_clock::now() > deadline_; }

  private:
    Bulkhead& pool_;
    std::string client_;
    std::chrono::steady_clock::time_point deadline_;
};

class Bulkhead {
  public:
    Bulkhead(std::string name, BulkheadConfig config);
    ~Bulkhead();  // Stop()
    // Finishes the queued jobs, then joins the threads (idempotent).
    void Stop();
    Bulkhead(const Bulkhead&) = delete;
    Bulkhead& operator=(const Bulkhead&) = delete;

    enum class Admission { kAdmitted, kClientBusy, kFull };
    // A slot for `client`, or null with the reason.
    std::shared_ptr<BulkheadSlot> Admit(const std::string& client, Admission& why);
    // Runs `job` on one of the pool's threads.
    void Run(std::function<void()> job);

    const std::string& name() const { return name_; }
    const BulkheadConfig& config() const { return config_; }

  private:
    friend class BulkheadSlot;
    void Release(const std::string& client);
    void Work();

    std::string name_;
    BulkheadConfig config_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::map<std::string, int> clients_;  // admitted slots per client
    int admitted_ = 0;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

// The named pools of one server, made on first use with the same configuration.
class Bulkheads {
  public:
    explicit Bulkheads(BulkheadConfig config) : config_(config) {}
    Bulkhead& Get(const std::string& name);
    // Stops every pool (the server calls it once its I/O threads are done).
    void Stop();
    const BulkheadConfig& config() const { return config_; }

  private:
    BulkheadConfig config_;
    std::mutex mutex_;
    std::map<std::string, std::unique_ptr<Bulkhead>> pools_;
};

}  // namespace govhub::http

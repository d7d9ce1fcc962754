#pragma once
// Bulkheads: expensive requests (the SQL sandbox, dumps, PDF rendering, full-text datastore
// searches) run on small pools of their own, so they never hold the general workers that
// cheap requests (status_show, pages, package_search) need.
//
// A route names its pool (RouteOptions::pool or pool_for). Each pool has `workers` threads
// and admits at most workers + queue requests at once, one per client (BulkheadClients: an API
// token once it has authenticated a request, else the IP). A client's second request is
// answered 429, a request over the pool's capacity 503, both with Retry-After.
//
// The pool is shared by time, not by count: it remembers each client's recent pool time (from
// the start of its request's run to the release of its slot, halved every
// usage_half_life_seconds). Workers take the queued job of the client with the least recent
// time first (FIFO among equals). When the pool is full and a client arrives that has used less
// time than the heaviest client with a request still waiting (not started), that waiting request
// is evicted (its `evicted` path answers it 503) and the newcomer takes its place.
//
// One worker of a pool of two or more is kept for clients known to be quick: clients whose
// requests in this pool have taken less than long_run_seconds on average (the average is kept
// with the same half-life, so it follows what the client does now). Other clients (slow ones,
// and those the pool does not know yet) run on the remaining workers only: when every other
// worker is busy with a job that is not a known-quick client's, or has run past
// long_run_seconds, the free worker waits for a known-quick client's job. So a client, or many
// fresh addresses, sending queries that run until their time limit can hold at most
// workers - 1 workers, and quick requests always find one.
//
// An admitted request keeps its slot until its response is fully written, so a streamed dump
// counts too, and its chunks are produced on the pool's threads. A request still queued at its
// deadline is answered 503; a stream past it is cut off.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/request.hpp"

namespace govhub::http {

using BulkheadClock = std::chrono::steady_clock;

struct BulkheadConfig {
    int workers = 2;
    int queue = 8;                        // admitted requests beyond the running ones
    int deadline_seconds = 600;           // from admission to the response's last byte
    int retry_after_seconds = 5;          // the Retry-After of 429 and 503
    double usage_half_life_seconds = 60;  // how fast a client's pool time is forgotten
    double long_run_seconds = 2;          // a client averaging this per request is not "quick"
    size_t max_tracked_clients = 10000;   // usage entries kept (the smallest go first)
    // The pool's clock for usage and deadlines; empty: steady_clock (tests move a fake one).
    std::function<BulkheadClock::time_point()> clock;
};

class Bulkhead;

// An admitted request's place in its pool; released when the last owner lets go (or when the
// pool evicts its waiting request).
class BulkheadSlot {
  public:
    BulkheadSlot(Bulkhead& pool, std::string client);
    ~BulkheadSlot();
    BulkheadSlot(const BulkheadSlot&) = delete;
    BulkheadSlot& operator=(const BulkheadSlot&) = delete;
    Bulkhead& pool() { return pool_; }
    const std::string& client() const { return client_; }
    bool Expired() const;

  private:
    friend class Bulkhead;
    Bulkhead& pool_;
    std::string client_;
    BulkheadClock::time_point deadline_;
    // Guarded by the pool's mutex.
    bool waiting_ = false;   // its first job is queued and may be evicted
    bool started_ = false;   // a job of it has run: its time counts from `start_`
    bool released_ = false;  // its place is free again (released or evicted)
    BulkheadClock::time_point start_;
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
    // A slot for `client`, or null with the reason. A full pool may make room by evicting the
    // waiting request of a client that has used more pool time than `client`: that request's
    // `evicted` callback runs on this thread, after the pool's lock is let go.
    std::shared_ptr<BulkheadSlot> Admit(const std::string& client, Admission& why);
    // Queues `job` for the request holding `slot`; it runs on one of the pool's threads in the
    // order above. With `evicted`, a request whose first job this is may be evicted while it
    // waits: then `evicted` runs instead of `job` (its slot is already free). The caller keeps
    // the slot alive until the job has run; the pool drops its own reference before running it.
    void Run(std::shared_ptr<BulkheadSlot> slot, std::function<void()> job,
             std::function<void()> evicted = {});
    // Work that belongs to no client (counts as unused; never evicted).
    void Run(std::function<void()> job) { Run(nullptr, std::move(job)); }

    // `client`'s recent pool time in seconds, decayed to now.
    double Usage(const std::string& client);
    // Whether `client` may use the worker kept for quick clients (see above).
    bool KnownQuick(const std::string& client);

    const std::string& name() const { return name_; }
    const BulkheadConfig& config() const { return config_; }
    BulkheadClock::time_point Now() const;

  private:
    friend class BulkheadSlot;
    struct Job {
        std::shared_ptr<BulkheadSlot> slot;
        std::function<void()> run;
        std::function<void()> evicted;
    };
    struct Use {
        double seconds = 0;   // pool time, decayed
        double requests = 0;  // released requests that had started, decayed alike
        BulkheadClock::time_point at;
    };
    // What one worker is running (for the worker kept for quick clients).
    struct Busy {
        bool active = false;
        bool quick = false;  // its client was known quick when it started
        BulkheadClock::time_point since;
    };
    void Release(BulkheadSlot& slot);
    void FreePlaceLocked(BulkheadSlot& slot);
    double DecayedLocked(double value, BulkheadClock::time_point at,
                         BulkheadClock::time_point now) const;
    double UsageLocked(const std::string& client, BulkheadClock::time_point now) const;
    bool KnownQuickLocked(const std::string& client) const;
    void ChargeLocked(const std::string& client, double seconds, BulkheadClock::time_point now);
    // The queued job to run next on worker `self`, or jobs_.end() if none may run now.
    std::deque<Job>::iterator PickLocked(size_t self, BulkheadClock::time_point now);
    void Work(size_t self);

    std::string name_;
    BulkheadConfig config_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::map<std::string, int> clients_;  // admitted slots per client
    int admitted_ = 0;
    std::deque<Job> jobs_;  // in arrival order; taken by least usage
    std::unordered_map<std::string, Use> usage_;
    std::vector<Busy> busy_;  // one per worker
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

// Who counts as one client of the bulkheads. An API token is only a client of its own once it
// has authenticated a request (Remember, after the handler ran); until then, and for a made-up
// token, the client is the address. The remembered tokens (their SHA-256) are a bounded LRU set
// whose entries expire `ttl` after their last successful use. Thread-safe.
class BulkheadClients {
  public:
    explicit BulkheadClients(size_t capacity = 10000,
                             std::chrono::seconds ttl = std::chrono::minutes(10))
        : capacity_(capacity), ttl_(ttl) {}
    // "token:<sha256>" for a remembered token, else "ip:<client_ip>".
    std::string Of(const Request& req, BulkheadClock::time_point now = BulkheadClock::now());
    // After `req`'s handler ran: its token authenticated it if the request has a principal.
    void Remember(const Request& req, BulkheadClock::time_point now = BulkheadClock::now());
    size_t size();

  private:
    bool ContainsLocked(const std::string& hash, BulkheadClock::time_point now);

    size_t capacity_;
    std::chrono::seconds ttl_;
    std::mutex mutex_;
    // Most recently accepted first.
    std::list<std::pair<std::string, BulkheadClock::time_point>> order_;
    std::unordered_map<std::string, decltype(order_)::iterator> index_;
};

}  // namespace govhub::http

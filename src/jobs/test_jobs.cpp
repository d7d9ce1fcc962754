#include "jobs/test_jobs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/crash.hpp"

namespace govhub::jobs {

void RegisterTestJobs(JobRunner& runner, const std::string& data_dir) {
    runner.Register("test.noop", [](JobContext&) { return std::string(); });
    // Kills the process: the crash report names the job, and a restart finds it again.
    runner.Register("test.crash",
                    [](JobContext&) -> std::string { core::OverflowStackForTests(); });
    runner.Register("test.sleep", [](JobContext& ctx) {
        auto p = nlohmann::json::parse(ctx.payload(), nullptr, false);
        if (p.is_discarded()) throw PermanentJobError("payload is not JSON");
        double seconds = p.value("seconds", 1.0);
        int steps = std::max(1, p.value("steps", 10));
        for (int i = 0; i < steps; ++i) {
            ctx.ThrowIfInterrupted();
            std::this_thread::sleep_for(std::chrono::duration<double>(seconds / steps));
            ctx.Progress(i + 1, steps, "step " + std::to_string(i + 1));
        }
        return nlohmann::json({{"steps", steps}}).dump();
    });
    runner.Register("test.fail", [](JobContext& ctx) {
        auto p = nlohmann::json::parse(ctx.payload(), nullptr, false);
        int times = p.is_discarded() ? 1 : p.value("times", 1);
        if (ctx.job().attempts <= times)
            throw std::runtime_error("planned failure " + std::to_string(ctx.job().attempts));
        return std::string("\"recovered\"");
    });
    runner.Register("test.record", [data_dir, &runner](JobContext& ctx) {
        std::string line = ctx.job().id + " " + runner.process_id() + "\n";
        int fd = ::open((data_dir + "/test-jobs.log").c_str(),
                        O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd < 0) throw std::runtime_error("cannot open test-jobs.log");
        ssize_t n = ::write(fd, line.data(), line.size());
        ::close(fd);
        if (n != static_cast<ssize_t>(line.size())) throw std::runtime_error("short write");
        return std::string();
    });
}

}  // namespace govhub::jobs

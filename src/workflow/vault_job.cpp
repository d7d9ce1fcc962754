#include "workflow/vault_job.hpp"

#include <nlohmann/json.hpp>

#include "core/i18n.hpp"
#include "core/log.hpp"

namespace govhub::workflow {
namespace {
constexpr const char* kSubject = "vault:reseal";
constexpr int kRetrySeconds = 3600;
}  // namespace

void ScheduleReseal(jobs::JobService& jobs, int delay_seconds) {
    auto latest = jobs.Latest(kResealJob, kSubject);
    if (latest && latest->state == jobs::JobState::kQueued) return;
    jobs.Enqueue(kResealJob, "{}",
                 {.max_attempts = 3, .delay_seconds = delay_seconds, .subject = kSubject});
}

void RegisterResealJob(jobs::JobRunner& runner, jobs::JobService& jobs, core::Vault& vault,
                       accounts::IdentityService& identities, WorkflowService& workflow) {
    runner.Register(kResealJob, [&](jobs::JobContext& ctx) {
        vault.ReloadIfChanged();  // the rotation may have been made on another node
        const int current = vault.current_version();
        accounts::ResealCounts people = identities.ResealAll();
        ctx.ThrowIfInterrupted();
        accounts::ResealCounts requests = workflow.SealSensitiveFields();
        nlohmann::json result = {{"current", current},
                                 {"identities", people.resealed},
                                 {"request_fields", requests.resealed},
                                 {"unreadable", people.unreadable + requests.unreadable},
                                 {"waiting", people.waiting},
                                 {"retired", false}};
        bool old_versions = vault.versions().front() < current;
        bool done = people.unreadable + requests.unreadable == 0 && people.waiting == 0;
        if (old_versions && done && vault.current_version() == current) {
            if (vault.from_environment()) {
                ctx.Log("vault.reseal_done_env");
                core::LogWarn("vault.reseal",
                              "every value is sealed with the current key: remove "
                              "the older lines from GOVHUB_VAULT_KEYS on every node",
                              "\"current\":" + std::to_string(current));
            } else {
                vault.RetireBefore(current);
                result["retired"] = true;
            }
        } else if (old_versions) {
            // Counters still running under an old key, or a value no key opens: try again later
            // (an unreadable value is logged each time; it needs an operator).
            ScheduleReseal(jobs, kRetrySeconds);
        }
        ctx.Log(core::Message("vault.reseal_count",
                              {{"n", std::to_string(people.resealed + requests.resealed)}}));
        return result.dump();
    });
}

}  // namespace govhub::workflow

#pragma once
// The vault's rotation job, `vault.reseal` (core/vault.hpp; docs/operators.md, "Secrets: the
// vault"): after `govhub admin vault-rotate` added a key version, it re-hashes and re-seals
// every verified identity (accounts::IdentityService::ResealAll) and every sensitive field of
// requests (WorkflowService::SealSensitiveFields), then retires the older versions. It lives
// here, the lowest module that sees both. It retires nothing while a value no key opens, or a
// failure counter under an old key (a hash cannot be re-keyed, it expires within a day), is
// left: then it runs again in an hour. With keys from GOVHUB_VAULT_KEYS it cannot rewrite them:
// it logs which lines to remove.
#include "accounts/identities.hpp"
#include "core/vault.hpp"
#include "jobs/runner.hpp"
#include "jobs/service.hpp"
#include "workflow/service.hpp"

namespace govhub::workflow {

inline constexpr const char* kResealJob = "vault.reseal";

void RegisterResealJob(jobs::JobRunner& runner, jobs::JobService& jobs, core::Vault& vault,
                       accounts::IdentityService& identities, WorkflowService& workflow);
// Queues the job unless one is queued already (after a rotation; at start-up while the vault
// holds more than one version).
void ScheduleReseal(jobs::JobService& jobs, int delay_seconds = 5);

}  // namespace govhub::workflow

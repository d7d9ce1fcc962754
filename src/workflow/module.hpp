#pragma once
// The workflow module in the one module shape (api/module.hpp): its tables, the document purge
// job, the vault's re-seal job (when given the vault), and the request pages.
#include <memory>

#include "accounts/identities.hpp"
#include "api/module.hpp"
#include "core/vault.hpp"
#include "jobs/service.hpp"
#include "render/page.hpp"
#include "workflow/service.hpp"

namespace govhub::workflow {

// With `vault` and `identities`, the module also runs the vault's re-seal job (vault_job.hpp).
std::unique_ptr<api::Module> MakeModule(WorkflowService& service, jobs::JobService& jobs,
                                        const render::PageRenderer& pages,
                                        core::Vault* vault = nullptr,
                                        accounts::IdentityService* identities = nullptr);

}  // namespace govhub::workflow

#pragma once
// The jobs module in the one module shape (api/module.hpp): the queue's tables, the test job
// kinds (with --enable-test-jobs), its pages, JSON routes and CKAN actions.
#include <memory>
#include <string>

#include "api/module.hpp"
#include "jobs/service.hpp"
#include "render/page.hpp"

namespace govhub::jobs {

struct ModuleConfig {
    bool enable_test_jobs = false;
    std::string data_dir;  // where the test jobs write their log
};

std::unique_ptr<api::Module> MakeModule(JobService& service, const render::PageRenderer& pages,
                                        ModuleConfig config);

}  // namespace govhub::jobs

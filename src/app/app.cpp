#include "app/app.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "accounts/identities.hpp"
#include "accounts/middleware.hpp"
#include "accounts/module.hpp"
#include "accounts/rate_limit_store.hpp"
#include "accounts/service.hpp"
#include "accounts/store.hpp"
#include "agencies/module.hpp"
#include "agencies/pages.hpp"
#include "api/action.hpp"
#include "api/status.hpp"
#include "app/bench_seed.hpp"
#include "app/errors.hpp"
#include "app/locale.hpp"
#include "app/mail_job.hpp"
#include "app/modules.hpp"
#include "app/shell_pages.hpp"
#include "app/version.hpp"
#include "audit/audit.hpp"
#include "core/crash.hpp"
#include "core/i18n.hpp"
#include "core/log.hpp"
#include "core/process_lease.hpp"
#include "core/thai_address.hpp"
#include "core/vault.hpp"
#include "db/copy.hpp"
#include "db/database.hpp"
#include "db/migrations.hpp"
#include "http/rate_limit.hpp"
#include "http/security_headers.hpp"
#include "http/server.hpp"
#include "http/static_files.hpp"
#include "jobs/module.hpp"
#include "jobs/runner.hpp"
#include "jobs/service.hpp"
#include "jobs/store.hpp"
#include "learning/branding.hpp"
#include "learning/bulk_enrol.hpp"
#include "learning/certificates.hpp"
#include "learning/demo.hpp"
#include "learning/module.hpp"
#include "learning/signup.hpp"
#include "mail/mailer.hpp"
#include "opendata/catalog/demo.hpp"
#include "opendata/catalog/module.hpp"
#include "opendata/catalog/schema.hpp"
#include "opendata/catalog/service.hpp"
#include "opendata/catalog/store.hpp"
#include "opendata/datastore/module.hpp"
#include "opendata/datastore/pages.hpp"
#include "opendata/datastore/service.hpp"
#include "opendata/gdcatalog/module.hpp"
#include "opendata/officers/module.hpp"
#include "opendata/officers/officers.hpp"
#include "opendata/views/demo.hpp"
#include "opendata/views/module.hpp"
#include "opendata/views/pages.hpp"
#include "opendata/views/service.hpp"
#include "render/page.hpp"
#include "render/templates.hpp"
#include "search/index.hpp"
#include "search/sqlite_tokenizer.hpp"
#include "workd/demo.hpp"
#include "workd/domains.hpp"
#include "workd/module.hpp"
#include "workd/service.hpp"
#include "workflow/module.hpp"
#include "workflow/processes/account_closure.hpp"
#include "workflow/purge_job.hpp"
#include "workflow/service.hpp"
#include "workflow/store.hpp"
#include "workflow/vault_job.hpp"

namespace govhub::app {

namespace fs = std::filesystem;

namespace {
// The package site must be another origin than the site: same-origin packages could act as the
// learner. A subdomain is another origin but shares the site's cookies scoped to the parent
// domain and its "same-site" standing: only a warning, production docs say never.
void CheckPackageOrigin(const std::string& package_origin, const std::string& site_origin) {
    if (package_origin == site_origin)
        throw std::runtime_error("--scorm-url must be another origin than --site-url (" +
                                 site_origin + ")");
    auto host = [](const std::string& origin) {
        auto s = origin.find("://");
        std::string h = s == std::string::npos ? origin : origin.substr(s + 3);
        return h.substr(0, h.find(':'));
    };
    std::string p = host(package_origin), s = host(site_origin);
    auto under = [](const std::string& a, const std::string& b) {
        return a.size() > b.size() &&
               a.compare(a.size() - b.size() - 1, b.size() + 1, "." + b) == 0;
    };
    if (under(p, s) || under(s, p) || p == s)
        core::LogWarn("learning.scorm.origin",
                      "the SCORM package site shares the site's host or domain: use another "
                      "registrable domain in production (docs/operators.md)",
                      "\"package\":\"" + package_origin + "\"");
}

std::string ResolveWebDir(const std::string& configured) {
    if (!configured.empty()) return configured;
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        for (fs::path p : {exe.parent_path().parent_path() / "web", exe.parent_path() / "web"})
            if (fs::exists(p / "templates")) return p.string();
    }
    return "web";
}
}  // namespace

struct App::Parts {
    // This process's lease and private temp dir (<data-dir>/tmp/<id>): what a kill -9 leaves
    // there is swept by the next start (core/process_lease.hpp).
    std::unique_ptr<core::ProcessLease> lease;
    std::string tmp_dir;
    core::I18n i18n;
    render::Templates templates;
    std::unique_ptr<render::PageRenderer> pages;
    std::unique_ptr<db::Database> db;
    std::unique_ptr<mail::Mailer> mailer;
    std::unique_ptr<jobs::JobService> jobs;
    std::unique_ptr<catalog::CatalogSchema> schema;
    std::unique_ptr<catalog::CatalogService> catalog;
    // The citizen-ID vault's keys (core/vault.hpp), shared by every node of the site.
    std::unique_ptr<core::Vault> vault;
    std::unique_ptr<accounts::AccountService> accounts;
    std::unique_ptr<accounts::IdentityService> identities;
    std::unique_ptr<workflow::WorkflowService> workflow;
    std::unique_ptr<db::Database> datastore_db;
    std::unique_ptr<datastore::DatastoreService> datastore;
    std::unique_ptr<views::ViewService> views;
    std::unique_ptr<learning::LearningService> learning;
    std::unique_ptr<learning::SignupService> signup;
    std::unique_ptr<learning::CertificateService> certificates;
    // Rate-limit counters: the middleware's, and Learning's budget of identity checks.
    std::unique_ptr<http::RateLimitStore> rate_limits;
    std::unique_ptr<learning::ScormLessons> scorm;
    std::unique_ptr<learning::BrandingService> branding;
    std::unique_ptr<learning::BulkEnrolService> bulk_enrol;
    // workD (issue 18): the Thai address data its form checks against, and its service.
    std::unique_ptr<core::ThaiAddressBook> addresses;
    std::unique_ptr<workd::WorkdService> workd;
    db::MigrationSet migrations, datastore_migrations;
    std::string web_dir;

    views::MapTiles map_tiles;
    // The modules app wires (api/module.hpp), in order.
    std::vector<std::unique_ptr<api::Module>> modules;

    void AddRoutes(const Config& config, http::Router& router, api::ActionRegistry& actions);
};

App::App(Config config) : config_(std::move(config)), parts_(std::make_unique<Parts>()) {
    auto& P = *parts_;
    fs::create_directories(config_.data_dir);
    P.lease = std::make_unique<core::ProcessLease>(config_.data_dir);
    P.tmp_dir = P.lease->tmp_dir();
    P.web_dir = ResolveWebDir(config_.web_dir);
    P.i18n.LoadDirectory(P.web_dir + "/i18n");
    P.templates.LoadDirectory(P.web_dir + "/templates");
    if (config_.site_title.empty()) config_.site_title = P.i18n.Get("th", "site.title");
    P.pages = std::make_unique<render::PageRenderer>(P.templates, P.i18n, config_.site_title);
    search::InstallSqliteTokenizer();  // before any SQLite connection opens
    P.db = db::Open(config_.DatabaseUrl());
    P.mailer = mail::MakeMailer({.smtp_url = config_.smtp_url,
                                 .from = config_.mail_from,
                                 .outbox_dir = config_.data_dir + "/outbox"});
    accounts::AccountsConfig ac;
    ac.site_url = config_.site_url;
    ac.site_title = config_.site_title;
    ac.lockout_threshold = config_.lockout_threshold;
    ac.lockout_minutes = config_.lockout_minutes;
    ac.staff_second_factor_required = config_.staff_second_factor == "required";
    ac.public_user_details = config_.public_user_details;
    P.jobs = std::make_unique<jobs::JobService>(*P.db);
    P.vault = core::Vault::Open(config_.VaultKeysFile());
    P.accounts = std::make_unique<accounts::AccountService>(*P.db, QueueMail(*P.jobs), P.i18n, ac);
    // A check in flight holds its try while the verifier may still answer: GDX can take two
    // calls (a token, then the check), each up to --identity-timeout-ms.
    P.identities = std::make_unique<accounts::IdentityService>(
        *P.db, *P.vault,
        accounts::IdentityConfig{
            .check_lease_seconds = static_cast<int>(2 * config_.identity.timeout_ms / 1000) + 30});
    P.workflow = std::make_unique<workflow::WorkflowService>(
        *P.db, *P.accounts, QueueMail(*P.jobs), P.i18n,
        workflow::WorkflowConfig{.site_url = config_.site_url,
                                 .site_title = config_.site_title,
                                 .files_dir = config_.data_dir + "/workflow",
                                 .vault = P.vault.get()});
    P.workflow->Register(officers::MembershipType(*P.db));
    P.workflow->Register(closure::ClosureType(*P.accounts, *P.workflow));
    P.schema = std::make_unique<catalog::CatalogSchema>(
        catalog::CatalogSchema::Load(P.web_dir + "/schema/gdc_dataset.json"));
    P.catalog = std::make_unique<catalog::CatalogService>(
        *P.db, *P.schema, *P.accounts, config_.site_url, config_.data_dir + "/resources",
        static_cast<uint64_t>(config_.max_upload_mib) * 1024 * 1024);
    // The datastore's tables sit apart from the catalog (their own SQLite file, or their own
    // schema and connection pool on PostgreSQL), so long loads never hold the catalog's writer.
    P.datastore_db = db::Open(config_.DatastoreUrl(), {.prepare_statements = false});
    P.datastore = std::make_unique<datastore::DatastoreService>(
        *P.datastore_db, *P.catalog, *P.jobs,
        datastore::DatastoreConfig{
            .tmp_dir = P.tmp_dir,
            .site_url = config_.site_url,
            .max_fetch_bytes = static_cast<uint64_t>(config_.max_upload_mib) * 1024 * 1024,
            .allow_private_urls = config_.datastore_allow_private_urls,
            .sql_timeout_ms = config_.datastore_sql_timeout_ms,
            .max_load_bytes = config_.datastore_max_load_mib << 20,
            .max_load_rows = config_.datastore_max_rows});
    P.catalog->SetResourceEvents(
        {.changed = [ds = P.datastore.get()](
                        db::Connection& c, const catalog::Resource& r, const catalog::Dataset& d,
                        const std::string& actor) { ds->OnResourceChanged(c, r, d, actor); },
         .removed = [ds = P.datastore.get()](
                        const std::vector<std::string>& ids) { ds->OnResourcesRemoved(ids); }});
    P.views = std::make_unique<views::ViewService>(*P.db, *P.catalog, *P.datastore);
    bool shared_counters =
        config_.rate_limit_store == "database" ||
        (config_.rate_limit_store == "auto" && P.db->engine() == db::Engine::kPostgres);
    if (shared_counters)
        P.rate_limits = std::make_unique<accounts::DatabaseRateLimitStore>(*P.db);
    else
        P.rate_limits = std::make_unique<http::MemoryRateLimitStore>();
    P.learning = std::make_unique<learning::LearningService>(
        *P.db,
        learning::LearningConfig{
            .media_dir = config_.data_dir + "/learning/media",
            .max_video_bytes = static_cast<uint64_t>(config_.learning_max_video_mib) << 20},
        [ids = P.identities.get()](const std::string& user_id) {
            return ids->FindIdentity(user_id).has_value();
        });
    // The signing key is read (or made) now: a broken key file stops the start, not a request.
    // Certificates are signed with it, and the JWKS publishes it: one key, loaded once.
    P.branding = std::make_unique<learning::BrandingService>(
        *P.db,
        learning::BrandingConfig{
            .data_dir = config_.data_dir, .site_url = config_.site_url, .tmp_dir = P.tmp_dir});

    P.certificates = std::make_unique<learning::CertificateService>(
        *P.learning, *P.workflow, *P.accounts, P.jobs.get(), P.branding->key(), QueueMail(*P.jobs),
        P.i18n,
        learning::CertificateConfig{.data_dir = config_.data_dir,
                                    .site_url = config_.site_url,
                                    .tmp_dir = P.tmp_dir,
                                    .sla_working_days = config_.learning_certificate_sla_days});
    P.workflow->Register(P.certificates->ReviewType());
    P.signup = std::make_unique<learning::SignupService>(
        *P.learning, *P.accounts, *P.identities, learning::MakeVerifier(config_.identity),
        *P.rate_limits, config_.identity_checks_per_ip_hour, config_.identity.mode);
    P.bulk_enrol = std::make_unique<learning::BulkEnrolService>(
        *P.learning, *P.jobs, P.vault.get(), QueueMail(*P.jobs), P.i18n,
        learning::BulkConfig{.site_url = config_.site_url, .site_title = config_.site_title});
    P.signup->SetOnVerified(
        [b = P.bulk_enrol.get()](const std::string& user_id) { b->AcceptInvitations(user_id); });
    // SCORM packages are served by a second listener on their own origin (Serve()); until it is
    // bound its URL is the configured one, or the default port's.
    P.scorm = std::make_unique<learning::ScormLessons>(
        *P.learning,
        learning::ScormConfig{
            .packages_dir = config_.data_dir + "/learning/scorm",
            .site_url = config_.site_url,
            .package_url = !config_.scorm_url.empty()
                               ? config_.scorm_url
                               : "http://127.0.0.1:" + std::to_string(config_.scorm_port > 0
                                                                          ? config_.scorm_port
                                                                          : config_.port + 1),
            .max_zip_bytes = static_cast<uint64_t>(config_.scorm_max_package_mib) << 20});

    P.addresses = std::make_unique<core::ThaiAddressBook>(
        core::ThaiAddressBook::Load(core::ThaiAddressDataPath(P.web_dir)));
    P.workd = std::make_unique<workd::WorkdService>(
        *P.db, *P.workflow, *P.accounts, P.jobs.get(), QueueMail(*P.jobs), P.i18n, *P.addresses,
        P.vault.get(),
        workd::WorkdConfig{.site_url = config_.site_url,
                           .data_dir = config_.data_dir,
                           .tmp_dir = P.tmp_dir,
                           .zone = config_.workd_zone,
                           .resolver = {.servers = config_.workd_dns_servers}});
    for (auto& t : P.workd->Types()) P.workflow->Register(std::move(t));

    // Every module, in dependency order: their migrations are applied, their job kinds
    // registered and their routes added in this order (api/module.hpp). A new module is one line.
    // The views' panels keep a reference to the tiles: they live as long as the modules.
    P.map_tiles = {config_.map_tile_url, config_.map_tile_attribution};
    const views::MapTiles& map_tiles = P.map_tiles;
    auto& M = P.modules;
    M.push_back(MigrationsOnly("audit", audit::AddMigrations));
    M.push_back(accounts::MakeModule(*P.accounts, *P.pages,
                                     {.profile = {agencies::ProfileRoles(*P.db, *P.pages),
                                                  learning::ProfileLearning(*P.learning)}}));
    M.push_back(agencies::MakeModule());
    M.push_back(jobs::MakeModule(
        *P.jobs, *P.pages,
        {.enable_test_jobs = config_.enable_test_jobs, .data_dir = config_.data_dir}));
    M.push_back(
        workflow::MakeModule(*P.workflow, *P.jobs, *P.pages, P.vault.get(), P.identities.get()));
    M.push_back(MigrationsOnly("search", search::AddMigrations));
    M.push_back(
        officers::MakeModule(*P.workflow, *P.catalog, *P.pages, config_.site_url, P.tmp_dir));
    M.push_back(
        closure::MakeModule(*P.accounts, *P.workflow, *P.pages, config_.site_url, P.tmp_dir));
    M.push_back(catalog::MakeModule(
        *P.catalog, *P.pages,
        {.resource = {datastore::ResourcePanel(*P.datastore, *P.jobs, *P.pages),
                      views::ResourceViewsPanel(*P.views, *P.datastore, *P.pages, map_tiles),
                      views::FilePreviewPanel(*P.datastore)},
         .dataset = {views::DatasetViewsPanel(*P.views, *P.datastore, map_tiles)}}));
    M.push_back(views::MakeModule(*P.views, *P.datastore, *P.pages, map_tiles));
    M.push_back(datastore::MakeModule(*P.datastore, *P.pages, P.datastore_migrations));
    M.push_back(gdcatalog::MakeModule(*P.catalog, *P.jobs, *P.accounts, *P.pages, P.tmp_dir));
    M.push_back(learning::MakeModule(*P.learning, *P.signup, *P.identities, *P.pages,
                                     {.verifier_mode = config_.identity.mode,
                                      .scorm = P.scorm.get(),
                                      .branding = P.branding.get(),
                                      .bulk = P.bulk_enrol.get(),
                                      .certificates = P.certificates.get()}));
    M.push_back(workd::MakeModule(*P.workd, *P.pages));
    for (auto& m : M) m->AddMigrations(P.migrations);
}

// Every module's routes: `serve` and `routes` share this, so the listed table is the served one.
void App::Parts::AddRoutes(const Config& config, http::Router& router,
                           api::ActionRegistry& actions) {
    api::RegisterStatusAction(
        actions, {.site_title = config.site_title,
                  .site_url = config.site_url,
                  .site_description = i18n.Get("th", "site.description"),
                  .locale_default = core::kDefaultLocale,
                  .govhub_version = kVersion,
                  .services = {"opendata", "learning", "workd"},
                  .extensions = {"govhub_accounts", "govhub_audit", "govhub_jobs", "govhub_catalog",
                                 "scheming_datasets", "datastore"}});
    RegisterShellPages(router, *pages,
                       config.docs_dir.empty() ? web_dir + "/../docs" : config.docs_dir);
    for (auto& m : modules) m->RegisterRoutes(router, actions);
    actions.Mount(router);
    router.Get("/static/{path*}", http::StaticFiles(web_dir + "/static"));
    router.Get("/healthz", [this](http::Request&) {
        db->Read([](db::Connection& c) { c.One("SELECT 1"); });
        return http::Response::Text("ok\n");
    });
    // Test hook: a request that overflows the stack, to check the crash report (core/crash.hpp).
    if (config.enable_test_jobs)
        router.Get("/__test/crash",
                   [](http::Request&) -> http::Response { core::OverflowStackForTests(); });
}

App::~App() = default;

void App::PrintRoutes() {
    http::Router router;
    api::ActionRegistry actions(config_.site_url);
    parts_->AddRoutes(config_, router, actions);
    nlohmann::json out = nlohmann::json::array();
    for (const http::Route* r : router.Routes()) {
        const auto& o = r->options;
        out.push_back({{"method", r->method},
                       {"pattern", r->pattern},
                       {"csrf", o.csrf},
                       {"body_limit", o.body_limit},
                       {"upload", o.upload},
                       {"rate_limit", o.rate_limit},
                       {"run_inline", o.run_inline},
                       {"pool", o.pool_for ? std::string("(chosen per request)") : o.pool}});
    }
    // The CKAN actions all sit behind /api/3/action/{action}: each is listed on its own, so
    // that a new action cannot escape the abuse suite either.
    for (const auto& name : actions.Names())
        out.push_back({{"method", "ACTION"}, {"pattern", "/api/3/action/" + name}});
    std::cout << out.dump(1) << "\n";
}

db::Database& App::database() {
    return *parts_->db;
}
accounts::AccountService& App::accounts() {
    return *parts_->accounts;
}
accounts::IdentityService& App::identities() {
    return *parts_->identities;
}

int App::RotateVault() {
    int version = parts_->vault->Rotate();
    workflow::ScheduleReseal(*parts_->jobs);
    return version;
}

void App::QueueReseal() {
    workflow::ScheduleReseal(*parts_->jobs, 0);
}

int App::WriteWorkdZone(const std::string& path) {
    return parts_->workd->domains().WriteZone(path);
}

int App::Migrate(bool verbose) {
    auto report = db::ApplyMigrations(*parts_->db, parts_->migrations);
    auto ds = db::ApplyMigrations(*parts_->datastore_db, parts_->datastore_migrations);
    report.applied.insert(report.applied.end(), ds.applied.begin(), ds.applied.end());
    parts_->datastore->SyncCatalog();
    // Sensitive request fields stored before the vault existed are sealed now. Not a migration:
    // migrations are SQL, and sealing needs the key; the pass is idempotent (it finds nothing
    // the second time) and also covers rows an older binary wrote during a rolling upgrade.
    auto sealed = parts_->workflow->SealSensitiveFields();
    if (sealed.resealed || sealed.unreadable)
        core::LogInfo("vault.sealed", "sealed sensitive request fields",
                      "\"fields\":" + std::to_string(sealed.resealed) +
                          ",\"unreadable\":" + std::to_string(sealed.unreadable));
    if (verbose) {
        for (const auto& m : report.applied) std::cout << "applied " << m << "\n";
        std::cout << (report.applied.empty() ? "database is up to date" : "migrations done") << " ("
                  << parts_->db->Describe() << ")\n";
    }
    return static_cast<int>(report.applied.size());
}

void App::CopyFrom(const std::string& from_url) {
    auto from = db::Open(from_url);
    db::ApplyMigrations(*from, parts_->migrations);
    db::ApplyMigrations(*parts_->db, parts_->migrations);
    std::cout << "copying " << from->Describe() << " -> " << parts_->db->Describe() << "\n";
    // The search index is rebuilt from the copied rows by the modules that own it.
    auto report = db::CopyDatabase(
        *from, *parts_->db, {"search_", "catalog_state"},
        [](const db::TableCopy& t) { std::cout << "  " << t.table << ": " << t.rows << " rows\n"; },
        {"holidays"});
    int64_t total = 0;
    for (const auto& t : report) total += t.rows;
    std::cout << "done: " << report.size() << " tables, " << total << " rows\n";
    int64_t indexed = parts_->catalog->ReindexAll();
    std::cout << "search index rebuilt: " << indexed << " datasets\n";
}

void App::SeedBench(int64_t datasets) {
    std::optional<accounts::User> admin;
    parts_->db->Read(
        [&](db::Connection& c) { admin = accounts::store::FindUserByName(c, "admin"); });
    if (!admin) {
        parts_->accounts->EnsureInitialAdmin();
        parts_->db->Read(
            [&](db::Connection& c) { admin = accounts::store::FindUserByName(c, "admin"); });
    }
    accounts::Principal root{.user_id = admin->id, .name = admin->name, .sysadmin = true};
    double rate = SeedBenchCatalog(*parts_->catalog, root, datasets);
    std::cout << "indexed " << datasets << " datasets: " << static_cast<int64_t>(rate)
              << " datasets/s\n";
}

void App::SeedDemo() {
    // Accounts: an officer and a developer to try the site with. Later modules add their
    // demo data here.
    struct DemoUser {
        const char *name, *email, *th, *en;
    };
    const DemoUser users[] = {
        {"somchai", "somchai@example.go.th", "สมชาย ใจดี", "Somchai Jaidee"},
        {"somying", "somying@example.com", "สมหญิง รักข้อมูล", "Somying Rakkhomun"},
    };
    const std::string password = "demo-password-2569";
    bool created = false;
    for (const auto& u : users) {
        bool exists = false;
        parts_->db->Read([&](db::Connection& c) {
            exists = accounts::store::FindUserByName(c, u.name).has_value();
        });
        if (exists) continue;
        parts_->accounts->CreateUserAdmin(u.name, u.email, password, false, u.th, u.en);
        created = true;
    }
    if (created) std::cout << "demo accounts: somchai, somying (password: " << password << ")\n";
    // Open Data: agencies, the seven group types, datasets with CSV files.
    std::optional<accounts::User> admin;
    parts_->db->Read(
        [&](db::Connection& c) { admin = accounts::store::FindUserByName(c, "admin"); });
    if (admin) {
        accounts::Principal root{.user_id = admin->id, .name = admin->name, .sysadmin = true};
        int datasets = catalog::SeedDemo(*parts_->catalog, root, parts_->tmp_dir, "somchai");
        if (datasets) std::cout << "demo catalog: " << datasets << " datasets in 8 agencies\n";
        if (int n = views::SeedDemo(*parts_->views, *parts_->datastore, *parts_->catalog, root))
            std::cout << "demo views: " << n << " (a chart and a map)\n";
        if (int n = learning::SeedDemo(*parts_->learning, root, parts_->tmp_dir))
            std::cout << "demo learning: " << n << " course\n";
        if (learning::SeedScormDemo(*parts_->learning, *parts_->scorm, root, parts_->tmp_dir,
                                    parts_->web_dir))
            std::cout << "demo learning: the SCORM 2004 course\n";
        // workD: three agencies' requests, filed by somchai (an approved service handed over,
        // one waiting for review, one own domain waiting on DNS).
        std::optional<accounts::User> officer;
        parts_->db->Read(
            [&](db::Connection& c) { officer = accounts::store::FindUserByName(c, "somchai"); });
        if (officer) {
            accounts::Principal p{.user_id = officer->id, .name = officer->name};
            if (int n = workd::SeedDemo(*parts_->workd, p, root, parts_->tmp_dir))
                std::cout << "demo workD: " << n << " requests (tmd, nso, cgd; somchai)\n";
        }
    }
    // Learning: a learner whose identity is the demo card's (the demo verifier's one card).
    bool learner = false;
    parts_->db->Read([&](db::Connection& c) {
        learner = accounts::store::FindUserByName(c, "learner").has_value();
    });
    if (!learner) {
        auto u = parts_->accounts->CreateUserAdmin("learner", "learner@example.com", password,
                                                   false, "ผู้เรียน ทดลองระบบ", "Learner Demo");
        accounts::Principal self{.user_id = u.id, .name = u.name};
        accounts::VerifiedIdentity identity{.first_name_th = std::string(learning::kDemoFirstName),
                                            .last_name_th = std::string(learning::kDemoLastName),
                                            .first_name_en = "Learner",
                                            .last_name_en = "Demo",
                                            .birth_year = learning::kDemoBirth.be_year,
                                            .birth_month = learning::kDemoBirth.month,
                                            .birth_day = learning::kDemoBirth.day,
                                            .verifier = "demo"};
        try {
            parts_->identities->AttachIdentity(u.id, identity, learning::kDemoCitizenId,
                                               {.principal = &self, .ip = "127.0.0.1"});
            std::cout << "demo learner: learner (password: " << password
                      << "), identity verified with the demo card\n";
        } catch (const HttpError&) {
            // The demo card was used by someone who signed up before the seed ran.
            std::cout << "demo learner: learner (password: " << password
                      << "), without an identity (the demo card is taken)\n";
        }
    }
}

int App::Serve() {
    auto& P = *parts_;
    Migrate(false);
    if (auto password = P.accounts->EnsureInitialAdmin()) {
        std::cout << "\n  First run: created the administrator account.\n"
                  << "    user name: admin\n"
                  << "    password:  " << *password
                  << "   (one-time: you must change it at first login)\n\n";
    } else {
        std::cout << "  Data kept in " << config_.data_dir << ". Forgot the admin password? Run:\n"
                  << "    build/govhub admin reset-password --name admin --data-dir "
                  << config_.data_dir << "\n"
                  << "  To start from scratch, stop govhub and delete " << config_.data_dir
                  << "/\n";
    }
    if (config_.seed_demo) SeedDemo();

    // Background jobs: workers in this process (other nodes run their own).
    jobs::JobRunner runner(*P.db, {.workers = config_.job_workers,
                                   .poll_milliseconds = config_.job_poll_ms,
                                   .heartbeat_seconds = config_.job_heartbeat_seconds,
                                   .stale_seconds = config_.job_stale_seconds,
                                   .retry_base_seconds = config_.job_retry_base_seconds,
                                   .process_id = P.lease->id()});
    // Processes that ended without cleaning up (kill -9, power loss): their jobs go back to
    // the queue and their temp files (half-received uploads) are deleted, before anything runs.
    P.lease->SweepDead([&](const std::string& dead) {
        runner.RequeueJobsOf(dead);
        core::LogWarn("app.swept", "cleaned up after a process that did not stop",
                      "\"process\":\"" + dead + "\"");
    });
    RegisterMailJob(runner, *P.mailer);
    for (auto& m : P.modules) m->RegisterJobs(runner);
    P.jobs->SetKnownKinds(runner.Kinds());
    P.jobs->SetNotifier([&runner] { runner.Wake(); });
    runner.Start();
    workflow::SchedulePurge(*P.jobs);
    workflow::ScheduleReminders(*P.jobs);
    // A rotation not finished (a node stopped mid-way): its re-seal job runs again.
    if (P.vault->versions().size() > 1) workflow::ScheduleReseal(*P.jobs, 60);

    http::Router router;
    api::ActionRegistry actions(config_.site_url);
    // The tiles' origin may serve the map views' images.
    if (auto scheme = config_.map_tile_url.find("://"); scheme != std::string::npos) {
        auto end = config_.map_tile_url.find('/', scheme + 3);
        http::SetExtraImageSources(config_.map_tile_url.substr(0, end));
    }
    // The SCORM package site first: its origin is in the site's routes (CORS, the lesson frame).
    http::Router package_router;
    learning::RegisterPackageSite(package_router, *P.scorm, P.web_dir);
    http::ServerConfig pc;
    pc.address = config_.address;
    pc.port = config_.scorm_port;
    pc.io_threads = 1;
    pc.worker_threads = std::max(2, config_.worker_threads / 2);
    pc.trust_proxy = config_.trust_proxy;
    pc.access_log = config_.access_log;
    pc.header_timeout_seconds = config_.header_timeout;
    pc.idle_timeout_seconds = config_.idle_timeout;
    pc.shutdown_grace_seconds = config_.shutdown_grace;
    pc.upload_dir = P.tmp_dir;
    http::Server package_server(pc, package_router);
    package_server.SetDecorator([site = learning::OriginOf(config_.site_url)](
                                    const http::Request& req, http::Response& res) {
        learning::DecoratePackageSite(req, res, site);
    });
    package_server.Listen();
    if (config_.scorm_url.empty())
        P.scorm->SetPackageUrl("http://127.0.0.1:" + std::to_string(package_server.port()));
    CheckPackageOrigin(P.scorm->PackageOrigin(), learning::OriginOf(config_.site_url));
    P.AddRoutes(config_, router, actions);

    http::ServerConfig sc;
    sc.address = config_.address;
    sc.port = config_.port;
    sc.io_threads = config_.io_threads;
    sc.worker_threads = config_.worker_threads;
    sc.upload_dir = P.tmp_dir;
    sc.trust_proxy = config_.trust_proxy;
    sc.access_log = config_.access_log;
    sc.header_timeout_seconds = config_.header_timeout;
    sc.idle_timeout_seconds = config_.idle_timeout;
    sc.body_timeout_seconds = config_.body_timeout;
    sc.shutdown_grace_seconds = config_.shutdown_grace;
    sc.header_limit = static_cast<size_t>(config_.header_limit_kib) * 1024;
    sc.form_memory_limit = static_cast<size_t>(config_.form_memory_kib) * 1024;
    sc.assume_tls = config_.site_url.rfind("https://", 0) == 0;
    sc.bulkhead = {.workers = config_.bulkhead_workers,
                   .queue = config_.bulkhead_queue,
                   .deadline_seconds = config_.bulkhead_deadline_seconds};
    http::Server server(sc, router);
    server.Use(LocaleMiddleware());
    server.Use(accounts::UsageMiddleware(P.accounts->usage()));
    server.Use(http::RateLimitMiddleware(*P.rate_limits, config_.rate_limits));
    server.Use(accounts::AuthMiddleware(*P.accounts));
    server.Use(accounts::CsrfMiddleware());
    server.Use(accounts::ForcePasswordChangeMiddleware());
    server.SetErrorRenderer(MakeErrorRenderer(*P.pages, P.i18n, config_.site_url));
    server.SetDecorator(http::AddSecurityHeaders);
    // Inline routes skip the worker pool only for requests without credentials: looking those
    // up reads the database.
    server.SetInlinePredicate([](const http::Request& req) {
        return http::ApiTokenOf(req).empty() && req.Cookie(accounts::kSessionCookie).empty();
    });
    server.Listen();
    std::cout << "govhub " << kVersion << " serving on http://" << config_.address << ":"
              << server.port() << " (site " << config_.site_url << ", " << P.db->Describe() << ")"
              << std::endl;
    core::LogInfo("http.listen", "serving", "\"port\":" + std::to_string(server.port()));
    std::cout << "SCORM package site serving on port " << package_server.port() << " (public "
              << P.scorm->config().package_url << ")" << std::endl;
    std::thread package_thread([&] { package_server.Run(); });
    // The catalog's search snapshot is built now, not by the first visitor's search.
    std::thread warm_search([&] {
        try {
            P.catalog->WarmSearch();
        } catch (const std::exception& e) {
            core::LogError("search.warm", e.what());
        }
    });
    server.Run();
    package_server.Stop();
    package_thread.join();
    warm_search.join();
    // Running jobs are interrupted and go back to the queue for another node or the next start.
    runner.Stop();
    P.jobs->SetNotifier(nullptr);
    return 0;
}

}  // namespace govhub::app

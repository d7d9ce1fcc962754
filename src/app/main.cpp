// `govhub` command line: serve, migrate, admin ... (CLI11 stays in this one file).
#include <CLI/CLI.hpp>
#include <iostream>

#include "accounts/service.hpp"
#include "app/app.hpp"
#include "app/backup.hpp"
#include "app/sandbox_child.hpp"
#include "app/version.hpp"
#include "core/child_process.hpp"
#include "core/crash.hpp"
#include "core/crash_point.hpp"
#include "core/json_reader.hpp"
#include "core/log.hpp"

using govhub::app::App;
using govhub::app::Config;

int main(int argc, char** argv) {
    // A sandbox child process (core/child_process.hpp) when govhub-sandbox is missing, before
    // anything else.
    if (argc >= 2 && std::string_view(argv[1]) == govhub::core::kSandboxArg)
        return govhub::app::RunSandboxChild(argc - 2, argv + 2);
    govhub::core::InstallCrashHandler();
    CLI::App cli{"govhub — Thai digital-government services: Open Data, Learning, workD"};
    cli.set_version_flag("--version", govhub::app::kVersion);
    cli.set_config("--config", "", "read options from a TOML/INI file")->envname("GOVHUB_CONFIG");
    cli.require_subcommand(1);
    Config cfg;

    // Options every subcommand accepts live on the root; subcommands let them fall through, so
    // `govhub serve --data-dir X` works and a config file sets them at its top level.
    cli.fallthrough();
    {
        CLI::App* sub = &cli;
        sub->add_option("--data-dir", cfg.data_dir, "data directory (database, uploads, outbox)")
            ->envname("GOVHUB_DATA_DIR")
            ->capture_default_str();
        sub->add_option("--database-url", cfg.database_url,
                        "sqlite:PATH (default sqlite:<data-dir>/govhub.db)")
            ->envname("GOVHUB_DATABASE_URL");
        sub->add_option("--datastore-url", cfg.datastore_url,
                        "the datastore's tables (default sqlite:<data-dir>/datastore.db, or the "
                        "PostgreSQL database of --database-url)")
            ->envname("GOVHUB_DATASTORE_URL");
        sub->add_option("--web-dir", cfg.web_dir, "templates, static files and translations")
            ->envname("GOVHUB_WEB_DIR");
        sub->add_option("--docs-dir", cfg.docs_dir,
                        "the documents served under /developer/docs (default: <web-dir>/../docs)")
            ->envname("GOVHUB_DOCS_DIR");
        sub->add_option("--site-url", cfg.site_url, "public base URL used for every absolute link")
            ->envname("GOVHUB_SITE_URL");
        sub->add_option("--smtp-url", cfg.smtp_url,
                        "smtp://host:port (unset: write .eml files to <data-dir>/outbox)")
            ->envname("GOVHUB_SMTP_URL");
        sub->add_option("--mail-from", cfg.mail_from, "sender of outgoing mail")
            ->envname("GOVHUB_MAIL_FROM");
        sub->add_option("--vault-keys-file", cfg.vault_keys_file,
                        "the vault's key file, shared by every node (default "
                        "<data-dir>/secrets/vault.keys; GOVHUB_VAULT_KEYS, the keys themselves, "
                        "wins over it)")
            ->envname("GOVHUB_VAULT_KEYS_FILE");
    }

    CLI::App* serve = cli.add_subcommand("serve", "serve HTTP until SIGTERM");
    serve->add_option("--port", cfg.port, "TCP port (0: any free port)")
        ->envname("GOVHUB_PORT")
        ->capture_default_str();
    serve->add_option("--address", cfg.address, "listen address")
        ->envname("GOVHUB_ADDRESS")
        ->capture_default_str();
    serve->add_option("--site-title", cfg.site_title)->envname("GOVHUB_SITE_TITLE");
    serve->add_option("--io-threads", cfg.io_threads)
        ->envname("GOVHUB_IO_THREADS")
        ->capture_default_str();
    serve->add_option("--workers", cfg.worker_threads, "handler threads")
        ->envname("GOVHUB_WORKERS")
        ->capture_default_str();
    serve
        ->add_flag("--trust-proxy", cfg.trust_proxy, "honour X-Forwarded-For/-Proto (behind nginx)")
        ->envname("GOVHUB_TRUST_PROXY");
    serve
        ->add_flag("--datastore-allow-private-urls", cfg.datastore_allow_private_urls,
                   "load linked files from private and loopback addresses too")
        ->envname("GOVHUB_DATASTORE_ALLOW_PRIVATE_URLS");
    serve
        ->add_option("--datastore-sql-timeout-ms", cfg.datastore_sql_timeout_ms,
                     "time limit of one datastore_search_sql statement")
        ->envname("GOVHUB_DATASTORE_SQL_TIMEOUT_MS")
        ->capture_default_str();
    serve
        ->add_option("--datastore-max-load-mib", cfg.datastore_max_load_mib,
                     "a data load stops past this much decompressed data (the old table stays)")
        ->envname("GOVHUB_DATASTORE_MAX_LOAD_MIB")
        ->capture_default_str();
    serve
        ->add_option("--datastore-max-rows", cfg.datastore_max_rows,
                     "a data load stops past this many rows (the old table stays)")
        ->envname("GOVHUB_DATASTORE_MAX_ROWS")
        ->capture_default_str();
    serve
        ->add_option("--bulkhead-workers", cfg.bulkhead_workers,
                     "threads of each pool of expensive work (SQL, dumps, PDFs)")
        ->envname("GOVHUB_BULKHEAD_WORKERS")
        ->capture_default_str();
    serve
        ->add_option("--bulkhead-queue", cfg.bulkhead_queue,
                     "requests waiting per pool of expensive work before 503")
        ->envname("GOVHUB_BULKHEAD_QUEUE")
        ->capture_default_str();
    serve
        ->add_option("--bulkhead-deadline-seconds", cfg.bulkhead_deadline_seconds,
                     "expensive work not answered within this is refused or cut off")
        ->envname("GOVHUB_BULKHEAD_DEADLINE_SECONDS")
        ->capture_default_str();
    serve
        ->add_option("--map-tile-url", cfg.map_tile_url, "map tiles ({z}/{x}/{y}) of the map views")
        ->envname("GOVHUB_MAP_TILE_URL")
        ->capture_default_str();
    serve->add_option("--map-tile-attribution", cfg.map_tile_attribution, "credit shown on maps")
        ->envname("GOVHUB_MAP_TILE_ATTRIBUTION");
    serve->add_flag("--seed-demo", cfg.seed_demo, "add the demo content")
        ->envname("GOVHUB_SEED_DEMO");
    serve->add_flag("!--no-access-log", cfg.access_log, "do not write the access log");
    serve
        ->add_option("--rate-limit-login", cfg.rate_limits.login.limit,
                     "login POSTs per minute per IP (0: off)")
        ->envname("GOVHUB_RATE_LIMIT_LOGIN")
        ->capture_default_str();
    serve
        ->add_option("--rate-limit-form", cfg.rate_limits.form.limit,
                     "form POSTs per minute per IP (0: off)")
        ->envname("GOVHUB_RATE_LIMIT_FORM")
        ->capture_default_str();
    serve
        ->add_option("--rate-limit-api", cfg.rate_limits.api.limit,
                     "API calls per minute per token (0: off)")
        ->envname("GOVHUB_RATE_LIMIT_API")
        ->capture_default_str();
    serve
        ->add_option("--rate-limit-api-anonymous", cfg.rate_limits.api_anonymous.limit,
                     "API calls per minute per IP without a token (0: off)")
        ->envname("GOVHUB_RATE_LIMIT_API_ANONYMOUS")
        ->capture_default_str();
    serve
        ->add_option(
            "--rate-limit-lookup", cfg.rate_limits.lookup.limit,
            "public look-ups by code (certificate verification) per minute per IP (0: off)")
        ->envname("GOVHUB_RATE_LIMIT_LOOKUP")
        ->capture_default_str();
    serve
        ->add_option("--rate-limit-store", cfg.rate_limit_store,
                     "where counters live: memory, database (shared by nodes) or auto")
        ->check(CLI::IsMember({"auto", "memory", "database"}))
        ->envname("GOVHUB_RATE_LIMIT_STORE")
        ->capture_default_str();
    serve->add_option("--header-timeout", cfg.header_timeout, "seconds to receive request headers")
        ->capture_default_str();
    serve
        ->add_option("--idle-timeout", cfg.idle_timeout,
                     "seconds an idle keep-alive connection stays open")
        ->capture_default_str();
    serve
        ->add_option("--body-timeout", cfg.body_timeout,
                     "seconds between two reads of a request body")
        ->capture_default_str();
    serve
        ->add_option("--shutdown-grace", cfg.shutdown_grace,
                     "seconds in-flight requests get after SIGTERM")
        ->capture_default_str();
    serve
        ->add_option("--max-header-kib", cfg.header_limit_kib,
                     "request line + headers limit (431 beyond)")
        ->capture_default_str();
    serve
        ->add_option("--max-form-memory-kib", cfg.form_memory_kib,
                     "multipart form fields a request may hold in memory (files always go to disk)")
        ->capture_default_str();
    serve
        ->add_option("--max-upload-mib", cfg.max_upload_mib, "largest resource file accepted (MiB)")
        ->envname("GOVHUB_MAX_UPLOAD_MIB")
        ->capture_default_str();
    // Learning's identity check (docs/operators.md, "Learning: identity verification").
    serve
        ->add_option("--identity-verifier", cfg.identity.mode,
                     "laser-code check of Learning's sign-up: demo (one synthetic card, says so "
                     "on every Learning page), dopa, gdx or off")
        ->check(CLI::IsMember({"demo", "dopa", "gdx", "off"}))
        ->envname("GOVHUB_IDENTITY_VERIFIER")
        ->capture_default_str();
    serve->add_option("--identity-timeout-ms", cfg.identity.timeout_ms)
        ->envname("GOVHUB_IDENTITY_TIMEOUT_MS")
        ->capture_default_str();
    serve->add_option("--dopa-endpoint", cfg.identity.dopa_endpoint)
        ->envname("GOVHUB_DOPA_ENDPOINT")
        ->capture_default_str();
    serve->add_option("--identity-client-cert", cfg.identity.client_cert)
        ->envname("GOVHUB_IDENTITY_CLIENT_CERT");
    serve->add_option("--identity-client-key", cfg.identity.client_key)
        ->envname("GOVHUB_IDENTITY_CLIENT_KEY");
    serve->add_option("--gdx-base-url", cfg.identity.gdx_base_url)
        ->envname("GOVHUB_GDX_BASE_URL")
        ->capture_default_str();
    serve->add_option("--gdx-consumer-key", cfg.identity.gdx_consumer_key)
        ->envname("GOVHUB_GDX_CONSUMER_KEY");
    serve->add_option("--gdx-consumer-secret", cfg.identity.gdx_consumer_secret)
        ->envname("GOVHUB_GDX_CONSUMER_SECRET");
    serve->add_option("--gdx-agent-id", cfg.identity.gdx_agent_id)->envname("GOVHUB_GDX_AGENT_ID");
    serve
        ->add_option("--identity-checks-per-ip-hour", cfg.identity_checks_per_ip_hour,
                     "verification calls one address may make in an hour (0: no limit)")
        ->envname("GOVHUB_IDENTITY_CHECKS_PER_IP_HOUR")
        ->capture_default_str();
    serve->add_option("--workd-zone", cfg.workd_zone, "workD's mail zone (<label>.<zone>)")
        ->envname("GOVHUB_WORKD_ZONE")
        ->capture_default_str();
    serve
        ->add_option(
            "--workd-dns-servers", cfg.workd_dns_servers,
            "resolvers workD's DNS checker asks: host[:port][,...] (default: the system's)")
        ->envname("GOVHUB_WORKD_DNS_SERVERS");
    serve
        ->add_option("--learning-certificate-sla-days", cfg.learning_certificate_sla_days,
                     "working days a certificate request is decided within")
        ->envname("GOVHUB_LEARNING_CERTIFICATE_SLA_DAYS")
        ->check(CLI::Range(1, 60))
        ->capture_default_str();
    serve
        ->add_option("--learning-max-video-mib", cfg.learning_max_video_mib,
                     "largest lesson video accepted (MiB)")
        ->envname("GOVHUB_LEARNING_MAX_VIDEO_MIB")
        ->capture_default_str();
    serve
        ->add_option(
            "--scorm-url", cfg.scorm_url,
            "public URL of the SCORM package site, the second listener that serves "
            "uploaded packages (someone else's JavaScript) without the site's cookies. "
            "Production: another registrable domain, e.g. https://scorm.govhub-content.th, "
            "NEVER a subdomain of the site (default: http://127.0.0.1:<scorm port>)")
        ->envname("GOVHUB_SCORM_URL");
    serve
        ->add_option("--scorm-port", cfg.scorm_port,
                     "port of the SCORM package site's listener (default: --port + 1; 0: any "
                     "free port, then the default URL follows it)")
        ->envname("GOVHUB_SCORM_PORT");
    serve
        ->add_option("--scorm-max-package-mib", cfg.scorm_max_package_mib,
                     "largest SCORM package (zip) accepted (MiB)")
        ->envname("GOVHUB_SCORM_MAX_PACKAGE_MIB")
        ->capture_default_str();
    serve
        ->add_option("--job-workers", cfg.job_workers,
                     "background job threads in this process (0: none)")
        ->envname("GOVHUB_JOB_WORKERS")
        ->capture_default_str();
    serve
        ->add_option("--job-poll-ms", cfg.job_poll_ms,
                     "how often idle job workers look for new jobs")
        ->capture_default_str();
    serve->add_option("--job-heartbeat-seconds", cfg.job_heartbeat_seconds)->capture_default_str();
    serve
        ->add_option("--job-stale-seconds", cfg.job_stale_seconds,
                     "a running job whose process is silent this long is re-queued")
        ->capture_default_str();
    serve
        ->add_option("--job-retry-base-seconds", cfg.job_retry_base_seconds,
                     "back-off before the 2nd attempt; doubles each time, at most an hour")
        ->capture_default_str();
    serve->add_flag("--enable-test-jobs", cfg.enable_test_jobs,
                    "register the test.* job kinds (tests, benchmarks)");
    std::string stall_at;
    serve->add_option("--test-stall-at", stall_at,
                      "TEST ONLY: block the thread that reaches this crash point (core/"
                      "crash_point.hpp) for ever, so a crash-safety test can kill -9 there");
    serve
        ->add_option("--lockout-threshold", cfg.lockout_threshold,
                     "failed logins before a lock-out")
        ->capture_default_str();
    serve->add_option("--lockout-minutes", cfg.lockout_minutes)->capture_default_str();
    serve
        ->add_option("--staff-second-factor", cfg.staff_second_factor,
                     "required: sysadmins, reviewers and administrators of requests must set up "
                     "an authenticator app; optional: anyone may")
        ->check(CLI::IsMember({"required", "optional"}))
        ->envname("GOVHUB_STAFF_SECOND_FACTOR")
        ->capture_default_str();
    serve
        ->add_flag("--public-user-details", cfg.public_user_details,
                   "let anonymous callers list the user accounts (user_list; CKAN's "
                   "ckan.auth.public_user_details); off: they get an authorization error")
        ->envname("GOVHUB_PUBLIC_USER_DETAILS");

    serve
        ->add_option("--json-max-depth", cfg.json_max_depth,
                     "arrays/objects nested in one JSON request body or parameter (400 beyond)")
        ->check(CLI::Range(1, 10000))
        ->envname("GOVHUB_JSON_MAX_DEPTH")
        ->capture_default_str();
    serve
        ->add_option("--json-max-elements", cfg.json_max_elements,
                     "values in one JSON request body or parameter (400 beyond)")
        ->check(CLI::PositiveNumber)
        ->envname("GOVHUB_JSON_MAX_ELEMENTS")
        ->capture_default_str();

    CLI::App* migrate = cli.add_subcommand("migrate", "apply database migrations");

    CLI::App* routes = cli.add_subcommand(
        "routes", "print the HTTP route table as JSON (method, pattern, csrf, body_limit, ...)");
    bool routes_json = true;  // JSON is the only format; the flag makes the call read as such
    routes->add_flag("--json", routes_json, "JSON (the only format)");

    CLI::App* admin = cli.add_subcommand("admin", "operator commands");
    admin->require_subcommand(1);
    std::string name, email, password, fullname_th, fullname_en, token_name = "cli";
    bool sysadmin = false;
    CLI::App* create_user = admin->add_subcommand("create-user", "create an active account");
    create_user->add_option("--name", name, "user name (a-z, 0-9, -, _)")->required();
    create_user->add_option("--email", email)->required();
    create_user->add_option("--password", password)->required();
    create_user->add_option("--fullname-th", fullname_th);
    create_user->add_option("--fullname-en", fullname_en);
    create_user->add_flag("--sysadmin", sysadmin, "give site-wide administrator rights");
    CLI::App* reset =
        admin->add_subcommand("reset-password", "set a one-time password (changed at next login)");
    reset->add_option("--name,name", name, "user name or id")->required();
    reset->add_option("--password", password, "the new password (default: a random one, printed)");
    CLI::App* token = admin->add_subcommand("create-token", "print a new API token for a user");
    token->add_option("name", name, "user name or id")->required();
    token->add_option("--token-name", token_name, "label shown in the user's token list")
        ->capture_default_str();

    std::string copy_from, copy_to;
    CLI::App* copy_db =
        admin->add_subcommand("copy-db", "copy a whole site into a new, empty database");
    copy_db
        ->add_option("--from", copy_from, "source database URL (sqlite:PATH or postgresql://...)")
        ->required();
    copy_db->add_option("--to", copy_to, "target database URL; it must hold no rows yet")
        ->required();

    std::string backup_into, backup_path;
    CLI::App* backup = admin->add_subcommand(
        "backup",
        "write the databases and files, as of one point in time, into a new directory "
        "DIR/govhub-backup-<time> while the site serves (docs/operators.md, Backups)");
    backup->add_option("dir", backup_into, "where backups are kept")->required();
    CLI::App* restore = admin->add_subcommand(
        "restore", "restore a backup into a new, empty --data-dir and empty databases");
    restore->add_option("backup", backup_path, "a govhub-backup-<time> directory")->required();
    CLI::App* verify_backup = admin->add_subcommand(
        "verify-backup", "check every file of a backup against its checksums");
    verify_backup->add_option("backup", backup_path)->required();

    CLI::App* vault_rotate = admin->add_subcommand(
        "vault-rotate",
        "add a vault key version and queue the job that re-seals every citizen ID with it "
        "(docs/operators.md, \"Secrets: the vault\")");
    CLI::App* vault_reseal = admin->add_subcommand(
        "vault-reseal", "queue the job that re-seals every citizen ID with the current vault key");

    int64_t bench_datasets = 100000;
    CLI::App* bench_seed = admin->add_subcommand(
        "bench-seed", "fill the catalog with generated datasets (bench/search.sh)");
    bench_seed->add_option("--datasets", bench_datasets)->capture_default_str();

    // workD's zone fragment for the operator's DNS (docs/operators.md, "workD: the zone").
    CLI::App* workd_cmd = cli.add_subcommand("workd", "workD operator commands");
    workd_cmd->require_subcommand(1);
    std::string zone_out;
    CLI::App* workd_zone = workd_cmd->add_subcommand(
        "zone",
        "write the DNS records of every reserved workD subdomain (BIND lines) to a file, "
        "atomically");
    workd_zone->add_option("--out", zone_out, "the file to write (replaced whole)")->required();
    workd_zone->add_option("--workd-zone", cfg.workd_zone, "workD's mail zone (<label>.<zone>)")
        ->envname("GOVHUB_WORKD_ZONE")
        ->capture_default_str();

    CLI11_PARSE(cli, argc, argv);
    govhub::core::ArmCrashPoint(stall_at);
    if (copy_db->parsed()) cfg.database_url = copy_to;

    // Links follow the port unless a public URL was given.
    if (serve->parsed() && cli.get_option("--site-url")->count() == 0 &&
        !std::getenv("GOVHUB_SITE_URL"))
        cfg.site_url = "http://localhost:" + std::to_string(cfg.port);
    while (!cfg.site_url.empty() && cfg.site_url.back() == '/') cfg.site_url.pop_back();
    while (!cfg.scorm_url.empty() && cfg.scorm_url.back() == '/') cfg.scorm_url.pop_back();
    if (cfg.scorm_port < 0) cfg.scorm_port = cfg.port == 0 ? 0 : cfg.port + 1;

    // Every JSON reader of outside input uses these (core/json_reader.hpp).
    govhub::core::SetDefaultJsonLimits(
        {.max_depth = cfg.json_max_depth, .max_elements = cfg.json_max_elements});
    try {
        // Backups read the site as it is (no migrations); a restore writes an empty target.
        if (backup->parsed()) {
            std::string path = govhub::app::BackupSite(cfg, backup_into, std::cout);
            std::cout << "backup: " << path << "\n";
            return 0;
        }
        if (restore->parsed()) {
            govhub::app::RestoreSite(backup_path, cfg, std::cout);
            return 0;
        }
        if (verify_backup->parsed()) {
            auto manifest = govhub::app::VerifyBackup(backup_path);
            std::cout << "backup ok: " << manifest["engine"].get<std::string>() << ", snapshot "
                      << manifest["snapshot"].get<std::string>() << ", " << manifest["files"].size()
                      << " files\n";
            return 0;
        }
        App app(cfg);
        if (serve->parsed()) return app.Serve();
        if (routes->parsed()) {
            app.PrintRoutes();
            return 0;
        }
        if (migrate->parsed()) {
            app.Migrate(true);
            return 0;
        }
        app.Migrate(false);
        if (create_user->parsed()) {
            auto u = app.accounts().CreateUserAdmin(name, email, password, sysadmin, fullname_th,
                                                    fullname_en);
            std::cout << "created user " << u.name << " (" << u.id << ")"
                      << (u.sysadmin ? " as sysadmin" : "") << "\n";
        } else if (reset->parsed()) {
            std::string pw = app.accounts().ResetPasswordAdmin(name, password);
            std::cout << "one-time password for " << name << ": " << pw << "\n"
                      << "(it must be changed at the next login; other sessions were signed out)\n";
        } else if (bench_seed->parsed()) {
            app.SeedBench(bench_datasets);
        } else if (copy_db->parsed()) {
            app.CopyFrom(copy_from);
        } else if (vault_rotate->parsed()) {
            int version = app.RotateVault();
            std::cout << "vault key v" << version << " added to " << cfg.VaultKeysFile()
                      << "; the re-seal job is queued (a serving node runs it, then retires the "
                         "older keys)\n";
        } else if (vault_reseal->parsed()) {
            app.QueueReseal();
            std::cout << "the re-seal job is queued (a serving node runs it)\n";
        } else if (workd_zone->parsed()) {
            int n = app.WriteWorkdZone(zone_out);
            std::cout << "wrote " << n << " workD subdomain(s) of " << cfg.workd_zone << " to "
                      << zone_out << "\n";
        } else if (token->parsed()) {
            auto t = app.accounts().CreateApiTokenAdmin(name, token_name);
            std::cout << t.raw << "\n";
        }
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "govhub: " << e.what() << "\n";
        return 1;
    }
}

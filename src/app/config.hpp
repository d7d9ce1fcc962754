#pragma once
// Settings of one govhub process: flags, GOVHUB_* environment variables or a config file
// (parsed in main.cpp with CLI11).
#include <cstdint>
#include <string>

#include "http/rate_limit.hpp"
#include "learning/identity.hpp"

namespace govhub::app {

struct Config {
    std::string data_dir = "var";
    std::string database_url;  // default: sqlite:<data_dir>/govhub.db
    // The datastore's tables: default sqlite:<data_dir>/datastore.db beside a SQLite site,
    // the same PostgreSQL database (schema "datastore") beside a PostgreSQL one.
    std::string datastore_url;
    bool datastore_allow_private_urls = false;  // load links to private addresses (tests)
    int datastore_sql_timeout_ms = 10000;       // datastore_search_sql's time limit
    // A data load stops (the old table kept) past this much decompressed data or these rows.
    int64_t datastore_max_load_mib = 2048;
    int64_t datastore_max_rows = 50'000'000;
    // Bulkheads (http/bulkhead.hpp): each pool of expensive work (SQL, dumps, PDFs, ...).
    int bulkhead_workers = 2;
    int bulkhead_queue = 8;
    int bulkhead_deadline_seconds = 600;
    // Map tiles for the map views ({z}/{x}/{y}); their origin joins the pages' img-src.
    std::string map_tile_url = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
    std::string map_tile_attribution = "© OpenStreetMap contributors";
    std::string web_dir;  // default: <binary>/../web, else ./web
    // The documents served as pages under /developer/docs (docs/*.md); default: web_dir/../docs.
    std::string docs_dir;
    std::string site_url = "http://localhost:8080";
    std::string site_title;  // default: the translated site.title
    std::string address = "0.0.0.0";
    int port = 8080;
    int io_threads = 2;
    int worker_threads = 8;
    bool trust_proxy = false;
    bool seed_demo = false;
    bool access_log = true;
    int header_timeout = 15;  // seconds a client may take to send its headers
    int idle_timeout = 60;    // seconds a keep-alive connection may wait for a request
    int body_timeout = 30;    // seconds between two pieces of a request body
    int shutdown_grace = 30;  // seconds in-flight requests get after SIGTERM
    int header_limit_kib = 16;
    int form_memory_kib = 1024;  // multipart fields held in memory per request
    int max_upload_mib = 1024;   // one resource file
    // Bounds of every JSON input from outside (core/json_reader.hpp; issue #12).
    size_t json_max_depth = 64;
    size_t json_max_elements = 1'000'000;
    std::string smtp_url;
    std::string mail_from = "govhub <no-reply@localhost>";
    http::RateLimitConfig rate_limits;
    // "memory" (one process), "database" (shared by every node), or "auto": database on
    // PostgreSQL, memory on SQLite.
    std::string rate_limit_store = "auto";
    // Background jobs.
    int job_workers = 2;
    int job_poll_ms = 500;
    int job_heartbeat_seconds = 5;
    int job_stale_seconds = 30;
    int job_retry_base_seconds = 10;
    bool enable_test_jobs = false;
    int lockout_threshold = 5;
    int lockout_minutes = 15;
    // "required": sysadmins and request staff must use a second factor; "optional": anyone may.
    std::string staff_second_factor = "required";
    // Anonymous user_list (CKAN's ckan.auth.public_user_details); off: an authorization error.
    bool public_user_details = false;
    // Learning (issue 16): the laser-code verifier (learning/identity.hpp; mode demo, dopa, gdx
    // or off), the per-IP budget of verification calls, and the largest lesson video.
    learning::VerifierConfig identity{.mode = "demo"};
    int identity_checks_per_ip_hour = 10;
    int64_t learning_max_video_mib = 2048;
    // Working days a certificate request is decided within (the guide: 2 days).
    // workD (issue 18): the platform's mail zone (agencies without a domain get <label>.<zone>)
    // and the resolver its DNS checker asks ("" the system's; host[:port][,...]).
    std::string workd_zone = "mail.go.th";
    std::string workd_dns_servers;
    int learning_certificate_sla_days = 2;
    // The SCORM package site (learning/package_site.cpp): its public URL (in production another
    // registrable domain, never a subdomain of the site; "": http://127.0.0.1:<its port>) and
    // the port of its own listener (-1: --port + 1; 0: any free port).
    std::string scorm_url;
    int scorm_port = -1;
    int64_t scorm_max_package_mib = 1024;

    // The vault's key file (core/vault.hpp); empty: <data_dir>/secrets/vault.keys. The variable
    // GOVHUB_VAULT_KEYS (the file's text itself) wins over both.
    std::string vault_keys_file;

    std::string VaultKeysFile() const {
        return vault_keys_file.empty() ? data_dir + "/secrets/vault.keys" : vault_keys_file;
    }
    std::string DatabaseUrl() const {
        return database_url.empty() ? "sqlite:" + data_dir + "/govhub.db" : database_url;
    }
    std::string DatastoreUrl() const {
        if (!datastore_url.empty()) return datastore_url;
        std::string main = DatabaseUrl();
        return main.rfind("sqlite:", 0) == 0 ? "sqlite:" + data_dir + "/datastore.db" : main;
    }
};

}  // namespace govhub::app

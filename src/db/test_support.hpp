#pragma once
// For tests only: a fresh, empty database on each engine the test run has. SQLite always;
// PostgreSQL when GOVHUB_TEST_PG_URL names a server (scripts/test.sh starts a throw-away
// cluster and sets it), so contract tests run on both engines in `make test`.
#include <unistd.h>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace govhub::db::testing {

inline std::vector<std::string> Engines() {
    std::vector<std::string> engines = {"sqlite"};
    if (const char* pg = std::getenv("GOVHUB_TEST_PG_URL"); pg && *pg)
        engines.push_back("postgres");
    return engines;
}

class ScratchDatabase {
  public:
    explicit ScratchDatabase(const std::string& engine, const std::string& label = "t") {
        static std::atomic<int> counter{0};
        std::string unique =
            label + "_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
        if (engine == "sqlite") {
            dir_ = std::filesystem::temp_directory_path() / ("govhub-" + unique);
            std::filesystem::remove_all(dir_);
            url_ = "sqlite:" + (dir_ / "test.db").string();
        } else {
            admin_ = std::getenv("GOVHUB_TEST_PG_URL");
            name_ = "govhub_" + unique;
            if (std::system(
                    ("psql '" + admin_ + "' -qc 'CREATE DATABASE " + name_ + "'").c_str()) != 0)
                throw std::runtime_error("cannot create test database " + name_);
            url_ = admin_.substr(0, admin_.rfind('/') + 1) + name_;
        }
    }
    ~ScratchDatabase() {
        if (!dir_.empty()) std::filesystem::remove_all(dir_);
        if (!name_.empty())
            (void)std::system(("psql '" + admin_ + "' -qc 'DROP DATABASE IF EXISTS " + name_ +
                               " WITH (FORCE)' >/dev/null 2>&1")
                                  .c_str());
    }
    ScratchDatabase(const ScratchDatabase&) = delete;
    ScratchDatabase& operator=(const ScratchDatabase&) = delete;
    const std::string& url() const { return url_; }
    std::unique_ptr<Database> Open() const { return db::Open(url_); }

  private:
    std::filesystem::path dir_;
    std::string url_, admin_, name_;
};

}  // namespace govhub::db::testing
